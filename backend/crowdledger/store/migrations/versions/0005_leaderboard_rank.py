"""leaderboard rank keys beside each reputation score

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import crowdledger.store.types
from crowdledger.ranking import rank_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DEFAULT_HALF_LIFE = 90 * 24 * 3600  # the Reputation constructor's, until an event says otherwise


def upgrade() -> None:
    with op.batch_alter_table("reputation_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank_key", sa.Float(), nullable=False, server_default="0"))
        batch_op.drop_index("ix_reputation_scores_role")
        batch_op.create_index("ix_reputation_scores_rank", ["role", "rank_key", "account"], unique=False)
    conn = op.get_bind()
    events = sa.table(
        "events",
        sa.column("contract", sa.String),
        sa.column("name", sa.String),
        sa.column("block_number", sa.BigInteger),
        sa.column("log_index", sa.Integer),
        sa.column("args", sa.JSON),
    )
    latest = conn.execute(
        sa.select(events.c.args)
        .where(events.c.contract == "Reputation", events.c.name == "HalfLifeChanged")
        .order_by(events.c.block_number.desc(), events.c.log_index.desc())
        .limit(1)
    ).scalar()
    half_life = int(latest["newHalfLife"]) if latest else DEFAULT_HALF_LIFE
    scores = sa.table(
        "reputation_scores",
        sa.column("account", sa.String),
        sa.column("role", sa.Integer),
        sa.column("value", crowdledger.store.types.Int256()),
        sa.column("updated_at", sa.BigInteger),
        sa.column("rank_key", sa.Float),
    )
    rows = conn.execute(sa.select(scores.c.account, scores.c.role, scores.c.value, scores.c.updated_at)).all()
    if rows:
        conn.execute(
            scores.update()
            .where(scores.c.account == sa.bindparam("a"), scores.c.role == sa.bindparam("r"))
            .values(rank_key=sa.bindparam("k")),
            [{"a": r.account, "r": r.role, "k": rank_key(r.value, r.updated_at, half_life)} for r in rows],
        )


def downgrade() -> None:
    with op.batch_alter_table("reputation_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_reputation_scores_rank")
        batch_op.create_index("ix_reputation_scores_role", ["role", "value"], unique=False)
        batch_op.drop_column("rank_key")
