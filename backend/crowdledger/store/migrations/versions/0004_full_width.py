"""every value the ABI admits, the reorg journal, the indexer's liveness

Revision ID: 0004
Revises: 0003

Derived tables are recreated with every integer an event carries at its ABI width (Uint256) and rebuilt from
the raw events by the indexer's next start (sync_state.rebuild_required), so no row needs converting here. Raw
events gain the exact bytes of strings that are not safe text; new tables hold skipped events and the reorg
journal; the cursor gains the chain anchor, the journal's floor and the indexer's heartbeat and last error.
"""

import sqlalchemy as sa
from alembic import op

import crowdledger.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DERIVED = [
    "campaigns",
    "tiers",
    "pledges",
    "milestone_votes",
    "votes",
    "token_totals",
    "reputation_scores",
    "ratings",
    "attestations",
    "attesters",
    "tasks",
    "entries",
    "places",
]


def upgrade() -> None:
    for table in DERIVED:
        op.drop_table(table)
    op.create_table(
        "attestations",
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("attester", sa.String(length=42), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("expires_at", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("account"),
    )
    op.create_table(
        "attesters",
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("address"),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("creator", sa.String(length=42), nullable=False),
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("goal", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("starts_at", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("deadline", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("fee_bps", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("quorum_bps", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("milestone_bps", sa.JSON(), nullable=False),
        sa.Column("metadata_uri", sa.Text(), nullable=False),
        sa.Column("metadata_hash", sa.String(length=66), nullable=False),
        sa.Column("raised", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("released", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("backer_count", sa.Integer(), nullable=False),
        sa.Column("funded_bps", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("milestones_approved", sa.Integer(), nullable=False),
        sa.Column("refund_pool", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("launched_block", sa.BigInteger(), nullable=False),
        sa.Column("launched_at", sa.BigInteger(), nullable=False),
        sa.Column("metadata_status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_campaigns_backers", "campaigns", ["backer_count", "id"], unique=False)
    op.create_index(op.f("ix_campaigns_creator"), "campaigns", ["creator"], unique=False)
    op.create_index("ix_campaigns_deadline", "campaigns", ["deadline", "id"], unique=False)
    op.create_index("ix_campaigns_funded", "campaigns", ["funded_bps", "id"], unique=False)
    op.create_index("ix_campaigns_raised", "campaigns", ["raised", "id"], unique=False)
    op.create_index(op.f("ix_campaigns_token"), "campaigns", ["token"], unique=False)
    op.create_table(
        "entries",
        sa.Column("task_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("worker", sa.String(length=42), nullable=False),
        sa.Column("commitment", sa.String(length=66), nullable=True),
        sa.Column("submitted_at", sa.BigInteger(), nullable=True),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("deliverable_hash", sa.String(length=66), nullable=True),
        sa.Column("deliverable_uri", sa.Text(), nullable=True),
        sa.Column("share_bps", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("earned", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("withdrawn", crowdledger.store.types.Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "worker"),
    )
    op.create_index(op.f("ix_entries_worker"), "entries", ["worker"], unique=False)
    op.create_table(
        "milestone_votes",
        sa.Column("campaign_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("milestone", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("ends_at", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("approve_weight", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("reject_weight", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("campaign_id", "milestone"),
    )
    op.create_table(
        "places",
        sa.Column("task_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("place_index", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("worker", sa.String(length=42), nullable=True),
        sa.Column("expires_at", crowdledger.store.types.Uint256(), nullable=True),
        sa.Column("deliverable_hash", sa.String(length=66), nullable=True),
        sa.Column("review_ends_at", crowdledger.store.types.Uint256(), nullable=True),
        sa.PrimaryKeyConstraint("task_id", "place_index"),
    )
    op.create_table(
        "pledges",
        sa.Column("campaign_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("backer", sa.String(length=42), nullable=False),
        sa.Column("amount", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("tier_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("refunded", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("first_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "backer"),
    )
    op.create_index(op.f("ix_pledges_backer"), "pledges", ["backer"], unique=False)
    op.create_index("ix_pledges_campaign_amount", "pledges", ["campaign_id", "amount"], unique=False)
    op.create_table(
        "ratings",
        sa.Column("source", sa.String(length=42), nullable=False),
        sa.Column("ref", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("rater", sa.String(length=42), nullable=False),
        sa.Column("subject", sa.String(length=42), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("weight_bps", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("source", "ref", "rater", "subject"),
    )
    op.create_index(op.f("ix_ratings_subject"), "ratings", ["subject"], unique=False)
    op.create_table(
        "reputation_scores",
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("role", sa.Integer(), nullable=False),
        sa.Column("value", crowdledger.store.types.Int256(length=78), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account", "role"),
    )
    op.create_index("ix_reputation_scores_role", "reputation_scores", ["role", "value"], unique=False)
    op.create_table(
        "tasks",
        sa.Column("id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("requester", sa.String(length=42), nullable=False),
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reward", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("paid", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("reclaimed", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("deadline", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("review_period", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("fee_bps", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("co_reviewer", sa.String(length=42), nullable=True),
        sa.Column("pay", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("places", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("places_approved", sa.Integer(), nullable=False),
        sa.Column("work_window", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("access_rules", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("entry_count", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("revealed_count", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("metadata_uri", sa.Text(), nullable=False),
        sa.Column("metadata_hash", sa.String(length=66), nullable=False),
        sa.Column("posted_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tasks_deadline", "tasks", ["deadline", "id"], unique=False)
    op.create_index(op.f("ix_tasks_requester"), "tasks", ["requester"], unique=False)
    op.create_table(
        "tiers",
        sa.Column("campaign_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("tier_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("price", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("supply", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("taken", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "tier_id"),
    )
    op.create_table(
        "token_totals",
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("pledged", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("unpledged", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("refunded", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("claimed", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("fees", crowdledger.store.types.Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_table(
        "votes",
        sa.Column("campaign_id", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("milestone", crowdledger.store.types.Uint256(), nullable=False),
        sa.Column("backer", sa.String(length=42), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("weight", crowdledger.store.types.Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "milestone", "backer"),
    )

    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("exact", sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":  # SQLite ignores lengths; names of any length fit
        op.alter_column("events", "contract", type_=sa.Text(), existing_nullable=False)
        op.alter_column("events", "name", type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("sync_state") as batch_op:
        batch_op.add_column(sa.Column("anchor_hash", sa.String(length=66), nullable=True))
        batch_op.add_column(sa.Column("journal_floor", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("rebuild_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("heartbeat_at", sa.Double(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="starting", nullable=False)
        )
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_error_at", sa.Double(), nullable=True))
    op.execute(sa.text("UPDATE sync_state SET rebuild_required = true"))

    op.create_table(
        "skipped_events",
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("contract", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("log", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("block_number", "log_index"),
    )
    op.create_table(
        "reorg_journal",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=1), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reorg_journal_block_number", "reorg_journal", ["block_number"], unique=False)
    op.create_table(
        "journal_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(sa.text("INSERT INTO journal_block (id, block_number) VALUES (1, NULL)"))


def downgrade() -> None:
    raise NotImplementedError("0004 recreates the derived tables; restore a backup to go back")
