"""judging: draws and secret numbers, the tablet sync ledger

Revision ID: 0005_judging
Revises: 0004_results

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_judging'
down_revision = '0004_results'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('drawn_by', sa.String(length=120), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_draws_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draws')),
    sa.UniqueConstraint('skill_id', name=op.f('uq_draws_skill_id'))
    )
    op.create_table('draw_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('workstation', sa.String(length=20), nullable=False),
    sa.Column('secret_no', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_draw_entries_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['draw_id'], ['draws.id'], name=op.f('fk_draw_entries_draw_id_draws'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_entries')),
    sa.UniqueConstraint('competitor_id', name=op.f('uq_draw_entries_competitor_id')),
    sa.UniqueConstraint('draw_id', 'secret_no', name=op.f('uq_draw_entries_draw_id_secret_no')),
    sa.UniqueConstraint('draw_id', 'workstation', name=op.f('uq_draw_entries_draw_id_workstation'))
    )
    with op.batch_alter_table('draw_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_entries_draw_id'), ['draw_id'], unique=False)

    op.create_table('tablet_writes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('mark_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('device', sa.String(length=120), nullable=True),
    sa.Column('offline', sa.Boolean(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mark_id'], ['marks.id'], name=op.f('fk_tablet_writes_mark_id_marks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_tablet_writes_skill_id_skills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tablet_writes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tablet_writes')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_tablet_writes_client_uuid'))
    )
    with op.batch_alter_table('tablet_writes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tablet_writes_mark_id'), ['mark_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tablet_writes_skill_id'), ['skill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tablet_writes_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('tablet_writes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tablet_writes_user_id'))
        batch_op.drop_index(batch_op.f('ix_tablet_writes_skill_id'))
        batch_op.drop_index(batch_op.f('ix_tablet_writes_mark_id'))

    op.drop_table('tablet_writes')
    with op.batch_alter_table('draw_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_entries_draw_id'))

    op.drop_table('draw_entries')
    op.drop_table('draws')
