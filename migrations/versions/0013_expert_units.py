"""expert units: a panel seat no longer names a unit; conflicts of interest use the expert's account

Revision ID: 0013_expert_units
Revises: 0012_audit_chain

Existing seats: an expert account without a unit takes its seats' unit when they all name the
same one; seats that named a unit other than the account's now follow the account (their number
is logged). Downgrade gives each seat its expert's unit again and drops the seats of experts
without one (the old schema needs a unit on every seat).
"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_expert_units'
down_revision = '0012_audit_chain'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE users SET unit_id = (SELECT MIN(p.unit_id) FROM panel_members p WHERE p.user_id = users.id) "
        "WHERE unit_id IS NULL "
        "AND (SELECT COUNT(DISTINCT p.unit_id) FROM panel_members p WHERE p.user_id = users.id) = 1"))
    moved = connection.execute(sa.text(
        "SELECT COUNT(*) FROM panel_members p JOIN users u ON u.id = p.user_id "
        "WHERE u.unit_id IS NULL OR u.unit_id <> p.unit_id")).scalar()
    if moved:
        log.warning("%d panel seat(s) named a unit other than the expert's account (or the expert has "
                    "none): they now follow the account", moved)
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_constraint('fk_panel_members_unit_id_units', type_='foreignkey')
        batch_op.drop_column('unit_id')


def downgrade():
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE panel_members SET unit_id = (SELECT u.unit_id FROM users u WHERE u.id = panel_members.user_id)"))
    connection.execute(sa.text("DELETE FROM panel_members WHERE unit_id IS NULL"))
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_panel_members_unit_id_units', 'units', ['unit_id'], ['id'])
