"""one chief expert per skill: a partial unique index on panel_members

Revision ID: 0003_one_chief_per_skill
Revises: 0002_marking
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_one_chief_per_skill'
down_revision = '0002_marking'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_index('uq_panel_members_one_chief', ['skill_id'], unique=True,
                              sqlite_where=sa.text("role = 'chief'"), postgresql_where=sa.text("role = 'chief'"))


def downgrade():
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_index('uq_panel_members_one_chief', sqlite_where=sa.text("role = 'chief'"),
                            postgresql_where=sa.text("role = 'chief'"))
