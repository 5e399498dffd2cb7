"""leaderboard rank keys beside each reputation score

Revision ID: 0007
Revises: 0006

The keys (crowdledger.ranking.rank_key) are filled by the indexer, which rebuilds the derived tables from the
raw events at its next start.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reputation_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank_key", sa.Float(), nullable=False, server_default="0"))
        batch_op.drop_index("ix_reputation_scores_role")
        batch_op.create_index("ix_reputation_scores_rank", ["role", "rank_key", "account"], unique=False)
    op.execute(sa.text("UPDATE sync_state SET rebuild_required = true"))


def downgrade() -> None:
    with op.batch_alter_table("reputation_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_reputation_scores_rank")
        batch_op.create_index("ix_reputation_scores_role", ["role", "value"], unique=False)
        batch_op.drop_column("rank_key")
