"""a micro-task place's decision waiting for the co-reviewer; which contest entries are verified

Revision ID: 0011
Revises: 0010

PlaceDecisionProposed and PlaceObjected were only in the raw events, so a co-reviewer could not see what the
requester had decided, nor anyone when it would stand; nor was EntryRevealed's `verified`, so a contest split
by default seemed to owe every revealed entry a share when only the verified ones had one. As in 0009, the
new columns are derived: the indexer fills them by rebuilding the derived tables at its next start.
"""

import sqlalchemy as sa
from alembic import op

from crowdledger.store.types import Uint256

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("decision_stands_at", Uint256(), nullable=True))
        batch_op.add_column(
            sa.Column("decision_objected", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified_count", Uint256(), nullable=False, server_default="0"))
    op.execute(sa.text("UPDATE sync_state SET rebuild_required = true"))


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("verified_count")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("verified")
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_column("decision_objected")
        batch_op.drop_column("decision_stands_at")
        batch_op.drop_column("decision")
