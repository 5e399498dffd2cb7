"""a rating's points may be unknown

Revision ID: 0010
Revises: 0009

The indexer prices a Rated event from its inputs. Inputs that the contract's int256 arithmetic could not
price (no real Reputation emits them, but a look-alike contract at a configured address can) have no
points; before, they stopped the indexer on PostgreSQL, whose column holds 78 digits.
"""

from alembic import op

from crowdledger.store.types import Int256

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.alter_column("points", existing_type=Int256(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM ratings WHERE points IS NULL")  # 0009 cannot hold them
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.alter_column("points", existing_type=Int256(), nullable=False)
