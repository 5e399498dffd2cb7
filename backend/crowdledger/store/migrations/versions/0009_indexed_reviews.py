"""a task's arbiter, a contest's pending award proposal, a campaign's recorded failure

Revision ID: 0009
Revises: 0008

Three facts the contracts emit were only in the raw events: TaskPosted's arbiter, AwardProposed/AwardObjected
(the award waiting for a co-reviewer, an arbiter or its finalizer) and FailureRecorded. Like 0004's, the new
columns and table are derived, so the indexer fills them by rebuilding the derived tables from the raw events
at its next start (sync_state.rebuild_required); the defaults below only stand until then.
"""

import sqlalchemy as sa
from alembic import op

from crowdledger.store.types import Uint256

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arbiter", sa.String(length=42), nullable=True))
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failure_recorded", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "award_proposals",
        sa.Column("task_id", Uint256(), nullable=False),
        sa.Column("proposer", sa.String(length=42), nullable=False),
        sa.Column("winners", sa.JSON(), nullable=False),
        sa.Column("shares_bps", sa.JSON(), nullable=False),
        sa.Column("proposed_at", sa.BigInteger(), nullable=False),
        sa.Column("stands_at", Uint256(), nullable=False),
        sa.Column("objected", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.execute(sa.text("UPDATE sync_state SET rebuild_required = true"))


def downgrade() -> None:
    op.drop_table("award_proposals")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("failure_recorded")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("arbiter")
