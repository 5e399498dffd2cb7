"""priced reputation: delivery, vote modes, the inputs of each rating's price

Revision ID: 0005
Revises: 0004

Every new column is derived from events, and 0004 has the indexer rebuild every derived table from the raw
events at its next start, so the defaults below only stand until then: no delivery recorded, a pledge-weighted
vote, ratings whose price inputs and points read 0.
"""

import sqlalchemy as sa
from alembic import op

from crowdledger.store.types import Int256, Uint256

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    int_zero = "0" if op.get_bind().dialect.name == "postgresql" else f"{Int256.offset:078d}"
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vote_mode", sa.String(length=32), nullable=False, server_default="pledge-weighted")
        )
        batch_op.add_column(sa.Column("min_attestation_level", Uint256(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("delivery_date", Uint256(), nullable=False, server_default="0"))
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery", sa.String(length=16), nullable=True))
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value_factor", Uint256(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("pair_deals", Uint256(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("points", Int256(), nullable=False, server_default=int_zero))
    # the new columns are filled from the raw events, like 0004's
    op.execute(sa.text("UPDATE sync_state SET rebuild_required = true"))


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
