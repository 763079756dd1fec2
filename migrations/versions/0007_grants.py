"""grants: title and training records on persons, imported rule set versions, the grants ledger

Revision ID: 0007_grants
Revises: 0006_self_registration

Money (grant_lines amounts) is integer fen in a 64-bit column (app.db.BigHundredths).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_grants'
down_revision = '0006_self_registration'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grant_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy', sa.String(length=64), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('payee', sa.String(length=80), nullable=False),
    sa.Column('trigger', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('unit_code', sa.String(length=20), nullable=False),
    sa.Column('event_code', sa.String(length=40), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('occupation', sa.String(length=100), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('computed_amount', sa.BigInteger(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('computed', 'approved', 'changed', name='linestatus', native_enum=False, length=32), nullable=False),
    sa.Column('fresh_amount', sa.BigInteger(), nullable=True),
    sa.Column('fresh_explanation', sa.JSON(), nullable=True),
    sa.Column('vanished', sa.Boolean(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_lines')),
    sa.UniqueConstraint('policy', 'rule', 'payee', 'trigger', name=op.f('uq_grant_lines_policy_rule_payee_trigger'))
    )
    with op.batch_alter_table('grant_lines', schema=None) as batch_op:
        batch_op.create_index('ix_grant_lines_policy_event_code', ['policy', 'event_code'], unique=False)
        batch_op.create_index('ix_grant_lines_policy_year', ['policy', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_lines_unit_code'), ['unit_code'], unique=False)

    op.create_table('rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_sets')),
    sa.UniqueConstraint('kind', 'code', 'version', name=op.f('uq_rule_sets_kind_code_version'))
    )
    op.create_table('title_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_title_records_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_title_records_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_title_records')),
    sa.UniqueConstraint('person_id', 'title', 'year', name=op.f('uq_title_records_person_id_title_year'))
    )
    with op.batch_alter_table('title_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_title_records_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_title_records_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_title_records_year'), ['year'], unique=False)

    op.create_table('training_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('training_body_id', sa.Integer(), nullable=False),
    sa.Column('occupation', sa.String(length=100), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('certificate_date', sa.Date(), nullable=True),
    sa.Column('employed_date', sa.Date(), nullable=True),
    sa.Column('employed_in_province', sa.Boolean(), nullable=False),
    sa.Column('placed_by_body', sa.Boolean(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_training_records_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['training_body_id'], ['units.id'], name=op.f('fk_training_records_training_body_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_records')),
    sa.UniqueConstraint('person_id', 'start_date', name=op.f('uq_training_records_person_id_start_date'))
    )
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_records_certificate_date'), ['certificate_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_records_employed_date'), ['employed_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_records_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_records_training_body_id'), ['training_body_id'], unique=False)


def downgrade():
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_records_training_body_id'))
        batch_op.drop_index(batch_op.f('ix_training_records_person_id'))
        batch_op.drop_index(batch_op.f('ix_training_records_employed_date'))
        batch_op.drop_index(batch_op.f('ix_training_records_certificate_date'))

    op.drop_table('training_records')
    with op.batch_alter_table('title_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_title_records_year'))
        batch_op.drop_index(batch_op.f('ix_title_records_unit_id'))
        batch_op.drop_index(batch_op.f('ix_title_records_person_id'))

    op.drop_table('title_records')
    op.drop_table('rule_sets')
    with op.batch_alter_table('grant_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_lines_unit_code'))
        batch_op.drop_index('ix_grant_lines_policy_year')
        batch_op.drop_index('ix_grant_lines_policy_event_code')

    op.drop_table('grant_lines')
