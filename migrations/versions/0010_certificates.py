"""certificates: certificates, per-issuer number sequences, bulk rendering jobs

Revision ID: 0010_certificates
Revises: 0009_promotion

Kinds, statuses and job states are non-native enums (VARCHAR), like every enum here (downgrade →
upgrade on PostgreSQL). ``content`` is the signed canonical content as JSON.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_certificates'
down_revision = '0009_promotion'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_sequences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=40), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['units.id'], name=op.f('fk_certificate_sequences_issuer_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_sequences')),
    sa.UniqueConstraint('issuer_id', 'prefix', name=op.f('uq_certificate_sequences_issuer_id_prefix'))
    )
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('award', 'participation', 'level', 'expert', name='certificatekind',
                              native_enum=False, length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('level_record_id', sa.Integer(), nullable=True),
    sa.Column('contestant_no', sa.String(length=40), nullable=True),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('id_masked', sa.String(length=40), nullable=True),
    sa.Column('award_or_level', sa.String(length=40), nullable=True),
    sa.Column('occupation', sa.String(length=100), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('issued', 'revoked', name='certificatestatus', native_enum=False, length=32),
              nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_reason', sa.String(length=500), nullable=True),
    sa.Column('revoked_by', sa.String(length=120), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificates_event_id_events'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issuer_id'], ['units.id'], name=op.f('fk_certificates_issuer_id_units')),
    sa.ForeignKeyConstraint(['level_record_id'], ['skill_level_records.id'],
                            name=op.f('fk_certificates_level_record_id_skill_level_records'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                            name=op.f('fk_certificates_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['certificates.id'],
                            name=op.f('fk_certificates_replaced_by_id_certificates')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_certificates_skill_id_skills'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('issuer_id', 'number', name=op.f('uq_certificates_issuer_id_number'))
    )
    op.create_index(op.f('ix_certificates_event_id'), 'certificates', ['event_id'], unique=False)
    op.create_index(op.f('ix_certificates_number'), 'certificates', ['number'], unique=False)
    op.create_index(op.f('ix_certificates_registration_id'), 'certificates', ['registration_id'], unique=False)
    op.create_table('certificate_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=True),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate', native_enum=False,
                               length=32), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=2000), nullable=True),
    sa.Column('output_path', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificate_jobs_event_id_events'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_certificate_jobs_skill_id_skills'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_jobs'))
    )
    op.create_index(op.f('ix_certificate_jobs_event_id'), 'certificate_jobs', ['event_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_certificate_jobs_event_id'), table_name='certificate_jobs')
    op.drop_table('certificate_jobs')
    op.drop_index(op.f('ix_certificates_registration_id'), table_name='certificates')
    op.drop_index(op.f('ix_certificates_number'), table_name='certificates')
    op.drop_index(op.f('ix_certificates_event_id'), table_name='certificates')
    op.drop_table('certificates')
    op.drop_table('certificate_sequences')
