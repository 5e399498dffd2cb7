"""The index each benchmark measures into: empty and migrated."""

from sqlalchemy import Engine, text

from crowdledger.store.db import make_engine, migrate


def fresh_index(url: str) -> Engine:
    """An empty, migrated index at `url`. On PostgreSQL `url` is the bench database, whose public schema is
    dropped first: whatever an earlier benchmark left there goes."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    return engine
