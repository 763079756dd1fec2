"""grants: a budget per rule set and year

Revision ID: 0008_grant_budgets
Revises: 0007_grants

Money (the amount) is integer fen in a 64-bit column (app.db.BigHundredths).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_grant_budgets'
down_revision = '0007_grants'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grant_budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('set_by', sa.String(length=120), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_budgets')),
    sa.UniqueConstraint('policy', 'year', name=op.f('uq_grant_budgets_policy_year'))
    )


def downgrade():
    op.drop_table('grant_budgets')
