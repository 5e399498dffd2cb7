"""crowdsourcing tables

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import crowdledger.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("worker", sa.String(length=42), nullable=False),
        sa.Column("commitment", sa.String(length=66), nullable=True),
        sa.Column("submitted_at", sa.BigInteger(), nullable=True),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("deliverable_hash", sa.String(length=66), nullable=True),
        sa.Column("deliverable_uri", sa.Text(), nullable=True),
        sa.Column("share_bps", sa.Integer(), nullable=False),
        sa.Column("earned", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("withdrawn", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "worker"),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entries_worker"), ["worker"], unique=False)

    op.create_table(
        "places",
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("place_index", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("worker", sa.String(length=42), nullable=True),
        sa.Column("expires_at", sa.BigInteger(), nullable=True),
        sa.Column("deliverable_hash", sa.String(length=66), nullable=True),
        sa.Column("review_ends_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("task_id", "place_index"),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("requester", sa.String(length=42), nullable=False),
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reward", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("paid", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("reclaimed", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("review_period", sa.BigInteger(), nullable=False),
        sa.Column("fee_bps", sa.Integer(), nullable=False),
        sa.Column("co_reviewer", sa.String(length=42), nullable=True),
        sa.Column("pay", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("places_approved", sa.Integer(), nullable=False),
        sa.Column("work_window", sa.BigInteger(), nullable=False),
        sa.Column("access_rules", sa.Integer(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("revealed_count", sa.Integer(), nullable=False),
        sa.Column("metadata_uri", sa.Text(), nullable=False),
        sa.Column("metadata_hash", sa.String(length=66), nullable=False),
        sa.Column("posted_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_deadline", ["deadline", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_requester"), ["requester"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_requester"))
        batch_op.drop_index("ix_tasks_deadline")

    op.drop_table("tasks")
    op.drop_table("places")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entries_worker"))

    op.drop_table("entries")
