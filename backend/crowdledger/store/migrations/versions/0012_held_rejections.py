"""when a rejection held for an appeal, or appealed, stands

Revision ID: 0012
Revises: 0011

A rejected place held for its worker's appeal, and an appealed one, now carry the rejection and when it stands
(the appeal window's end, or the arbiter's) in the columns a co-reviewed decision uses, so that the task page
offers the appeal and the arbiter's ruling only while the contract takes them. No column changes: the indexer
fills them by rebuilding the derived tables at its next start.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE sync_state SET rebuild_required = true"))


def downgrade() -> None:
    pass  # the values are derived; an older indexer overwrites them as events come
