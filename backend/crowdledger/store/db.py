"""Engines and schema migrations for both stores (SQLite embedded, PostgreSQL in production).

Migrations run under a lock, so that processes starting together on a fresh database (two indexers, the
workers of `serve`) take turns: one migrates, the others wait and find the schema done. PostgreSQL holds an
advisory lock for the migration's transaction; SQLite's transaction is BEGIN IMMEDIATE, which takes the
database's write lock from its first statement (each writing transaction on SQLite does, so the indexer's
"is the cursor where I left it?" check and its writes are one atomic step).
"""

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError

from crowdledger.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x63726F7764  # "crowd": the PostgreSQL advisory lock key migrations hold
SQLITE_BUSY_SECONDS = 30  # how long a SQLite statement waits for another process's write to finish


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for `url`. `read_only` engines (the API's) run each statement on its own, without BEGIN and
    ROLLBACK round trips around every request; the indexer's engine keeps transactions."""
    if url.startswith("sqlite"):
        return _sqlite(url, read_only)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    return engine.execution_options(isolation_level="AUTOCOMMIT") if read_only else engine


def _sqlite(url: str, read_only: bool) -> Engine:
    if file := sqlite_file(url):
        file.parent.mkdir(parents=True, exist_ok=True)  # the default lives in .data/, made on first use
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling starts a transaction only before a data change, so reads
        # before it and DDL run outside; we say BEGIN ourselves instead (SQLAlchemy's pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets the API read while the indexer writes; NORMAL is crash-safe under WAL.
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if not read_only:

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # Not on an AUTOCOMMIT connection (the metadata fetcher's updates): its statements commit one by
            # one, and a BEGIN here would leave them in a transaction that closing the connection rolls back.
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _switch_to_wal(cursor: Any) -> None:
    """PRAGMA journal_mode=WAL, waiting for the file as long as any statement would. Changing the journal
    mode needs the file to itself, and SQLite answers "database is locked" at once, without the busy timeout,
    while another process has it: two indexers started on a new file failed so."""
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as failure:
            if "locked" not in str(failure) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (sqlite:///relative/path, sqlite:////absolute/path), or None for other URLs
    and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    path = make_url(url).database
    return Path(path) if path and path != ":memory:" else None


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def lock_for_migration(connection: Connection) -> None:
    """Called first in a transaction that sets the store up (the migration in migrations/env.py, the
    indexer's first cursor and triggers): wait for any other process doing the same. SQLite's writers take
    turns anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    config = alembic_config(engine)
    check_version(engine, config)
    try:
        command.upgrade(config, "head")
    except OperationalError as failure:
        if "locked" in str(failure.orig):
            raise StoreError(
                f"{engine.url.render_as_string()} stayed locked by another process for 30 s while "
                "migrating; is another crowdledger migrating or indexing it? Try again when it is done"
            ) from None
        raise


def check_version(engine: Engine, config: Config | None = None) -> str | None:
    """The database's schema version; StoreError when it is one this code does not know (a newer one)."""
    script = ScriptDirectory.from_config(config or alembic_config(engine))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        return None
    try:
        script.get_revision(current)
    except CommandError:
        raise StoreError(
            f"The database at {engine.url.render_as_string()} has schema version {current}, newer than this "
            f"crowdledger knows (its newest is {script.get_current_head()}): upgrade crowdledger, or point "
            "CROWDLEDGER_DATABASE_URL at another database"
        ) from None
    return current


def require_current(engine: Engine) -> None:
    """For processes that only read (API workers): the schema must be exactly the newest this code knows."""
    config = alembic_config(engine)
    current = check_version(engine, config)
    head = ScriptDirectory.from_config(config).get_current_head()
    if current != head:
        raise StoreError(
            f"The database at {engine.url.render_as_string()} has schema version {current or 'none'}, not "
            f"{head}: run `crowdledger index` (or `serve`, which migrates) once to bring it up to date"
        )
