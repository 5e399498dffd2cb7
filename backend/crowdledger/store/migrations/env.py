"""Alembic runs migrations on the engine it is handed (crowdledger.store.db.migrate); there is no ini file.

The whole upgrade is one transaction that first takes the migration lock, so concurrent starts take turns."""

from alembic import context

from crowdledger.store.db import lock_for_migration
from crowdledger.store.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    lock_for_migration(connection)
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
