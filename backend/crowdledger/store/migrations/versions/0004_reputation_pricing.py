"""priced reputation: delivery, vote modes, the inputs of each rating's price

Revision ID: 0004
Revises: 0003

Every new column is derived from events. The contracts that emit them are a new deployment, indexed into a new
store, so rows from before this revision (the old contracts') get neutral values: no delivery recorded, a
pledge-weighted vote, and ratings whose price inputs and points read 0.
"""

import sqlalchemy as sa
from alembic import op

import crowdledger.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _zero(column_type: type[crowdledger.store.types.Uint256]) -> str:
    """The stored form of 0 in this store (SQLite keeps 256-bit numbers as offset, zero-padded strings)."""
    if op.get_bind().dialect.name == "postgresql":
        return "0"
    return f"{column_type.offset:078d}"


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vote_mode", sa.String(length=32), nullable=False, server_default="pledge-weighted")
        )
        batch_op.add_column(
            sa.Column("min_attestation_level", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("delivery_date", sa.BigInteger(), nullable=False, server_default="0"))
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery", sa.String(length=16), nullable=True))
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "value_factor",
                crowdledger.store.types.Uint256(length=78),
                nullable=False,
                server_default=_zero(crowdledger.store.types.Uint256),
            )
        )
        batch_op.add_column(sa.Column("pair_deals", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "points",
                crowdledger.store.types.Int256(length=78),
                nullable=False,
                server_default=_zero(crowdledger.store.types.Int256),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_column("points")
        batch_op.drop_column("pair_deals")
        batch_op.drop_column("value_factor")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_column("delivery")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("delivery_date")
        batch_op.drop_column("min_attestation_level")
        batch_op.drop_column("vote_mode")
