"""promotion: proposals per registration, their decisions and the skill-level records they created

Revision ID: 0009_promotion
Revises: 0008_grant_budgets

Statuses are a non-native enum (VARCHAR), like every enum here (downgrade → upgrade on PostgreSQL).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_promotion'
down_revision = '0008_grant_budgets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('promotion_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('rule_set', sa.String(length=64), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('current_level', sa.String(length=16), nullable=True),
    sa.Column('proposed_level', sa.String(length=16), nullable=True),
    sa.Column('rule', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.JSON(), nullable=False),
    sa.Column('titles', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'rejected', name='proposalstatus', native_enum=False, length=32), nullable=False),
    sa.Column('decision_reason', sa.String(length=500), nullable=True),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('level_record_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_promotion_proposals_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_record_id'], ['skill_level_records.id'], name=op.f('fk_promotion_proposals_level_record_id_skill_level_records'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_promotion_proposals_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_promotion_proposals_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_promotion_proposals_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_proposals')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_promotion_proposals_registration_id'))
    )
    with op.batch_alter_table('promotion_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_proposals_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_proposals_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_proposals_skill_id'), ['skill_id'], unique=False)


def downgrade():
    with op.batch_alter_table('promotion_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promotion_proposals_skill_id'))
        batch_op.drop_index(batch_op.f('ix_promotion_proposals_person_id'))
        batch_op.drop_index(batch_op.f('ix_promotion_proposals_event_id'))

    op.drop_table('promotion_proposals')
