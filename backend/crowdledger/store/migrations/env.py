"""Alembic runs migrations on the engine it is handed (crowdledger.store.db.migrate); there is no ini file."""

from alembic import context

from crowdledger.store.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
