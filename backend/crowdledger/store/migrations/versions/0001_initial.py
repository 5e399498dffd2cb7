"""raw chain data and the crowdfunding tables

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import crowdledger.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("creator", sa.String(length=42), nullable=False),
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("goal", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("starts_at", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("fee_bps", sa.Integer(), nullable=False),
        sa.Column("quorum_bps", sa.Integer(), nullable=False),
        sa.Column("milestone_bps", sa.JSON(), nullable=False),
        sa.Column("metadata_uri", sa.Text(), nullable=False),
        sa.Column("metadata_hash", sa.String(length=66), nullable=False),
        sa.Column("raised", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("released", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("backer_count", sa.Integer(), nullable=False),
        sa.Column("funded_bps", sa.BigInteger(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("milestones_approved", sa.Integer(), nullable=False),
        sa.Column("refund_pool", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("launched_block", sa.BigInteger(), nullable=False),
        sa.Column("launched_at", sa.BigInteger(), nullable=False),
        sa.Column("metadata_status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index("ix_campaigns_backers", ["backer_count", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_creator"), ["creator"], unique=False)
        batch_op.create_index("ix_campaigns_deadline", ["deadline", "id"], unique=False)
        batch_op.create_index("ix_campaigns_funded", ["funded_bps", "id"], unique=False)
        batch_op.create_index("ix_campaigns_raised", ["raised", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_token"), ["token"], unique=False)

    op.create_table(
        "events",
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("contract", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=42), nullable=True),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("block_number", "log_index"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_actor"), ["actor"], unique=False)
        batch_op.create_index("ix_events_contract_name", ["contract", "name"], unique=False)

    op.create_table(
        "milestone_votes",
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("milestone", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.BigInteger(), nullable=False),
        sa.Column("approve_weight", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("reject_weight", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("campaign_id", "milestone"),
    )
    op.create_table(
        "pledges",
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("backer", sa.String(length=42), nullable=False),
        sa.Column("amount", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("tier_id", sa.Integer(), nullable=False),
        sa.Column("refunded", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("first_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "backer"),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_backer"), ["backer"], unique=False)
        batch_op.create_index("ix_pledges_campaign_amount", ["campaign_id", "amount"], unique=False)

    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("next_block", sa.BigInteger(), nullable=False),
        sa.Column("indexed_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("chain_head", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tiers",
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("tier_id", sa.Integer(), nullable=False),
        sa.Column("price", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("supply", sa.BigInteger(), nullable=False),
        sa.Column("taken", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "tier_id"),
    )
    op.create_table(
        "token_totals",
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("pledged", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("unpledged", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("refunded", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("claimed", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("fees", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_table(
        "votes",
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("milestone", sa.Integer(), nullable=False),
        sa.Column("backer", sa.String(length=42), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("weight", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "milestone", "backer"),
    )


def downgrade() -> None:
    op.drop_table("votes")
    op.drop_table("token_totals")
    op.drop_table("tiers")
    op.drop_table("sync_state")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index("ix_pledges_campaign_amount")
        batch_op.drop_index(batch_op.f("ix_pledges_backer"))

    op.drop_table("pledges")
    op.drop_table("milestone_votes")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_contract_name")
        batch_op.drop_index(batch_op.f("ix_events_actor"))

    op.drop_table("events")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_token"))
        batch_op.drop_index("ix_campaigns_raised")
        batch_op.drop_index("ix_campaigns_funded")
        batch_op.drop_index("ix_campaigns_deadline")
        batch_op.drop_index(batch_op.f("ix_campaigns_creator"))
        batch_op.drop_index("ix_campaigns_backers")

    op.drop_table("campaigns")
    op.drop_table("blocks")
