"""reputation tables

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import crowdledger.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attestations",
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("attester", sa.String(length=42), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
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
        "ratings",
        sa.Column("source", sa.String(length=42), nullable=False),
        sa.Column("ref", crowdledger.store.types.Uint256(length=78), nullable=False),
        sa.Column("rater", sa.String(length=42), nullable=False),
        sa.Column("subject", sa.String(length=42), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("weight_bps", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("source", "ref", "rater", "subject"),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_subject"), ["subject"], unique=False)

    op.create_table(
        "reputation_scores",
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("role", sa.Integer(), nullable=False),
        sa.Column("value", crowdledger.store.types.Int256(length=78), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account", "role"),
    )
    with op.batch_alter_table("reputation_scores", schema=None) as batch_op:
        batch_op.create_index("ix_reputation_scores_role", ["role", "value"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reputation_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_reputation_scores_role")

    op.drop_table("reputation_scores")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratings_subject"))

    op.drop_table("ratings")
    op.drop_table("attesters")
    op.drop_table("attestations")
