"""Engines and schema migrations for both stores (SQLite embedded, PostgreSQL in production)."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for `url`. `read_only` engines (the API's) run each statement on its own, without BEGIN and
    ROLLBACK round trips around every request; the indexer's engine keeps transactions."""
    engine = _engine(url)
    return engine.execution_options(isolation_level="AUTOCOMMIT") if read_only else engine


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if file := sqlite_file(url):
            file.parent.mkdir(parents=True, exist_ok=True)  # the default lives in .data/, made on first use
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _tune(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets the API read while the indexer writes; NORMAL is crash-safe under WAL.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


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


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    command.upgrade(alembic_config(engine), "head")
