"""accounts: claim codes of registrations, claim attempts, and when a contestant checked in

Revision ID: 0018_accounts
Revises: 0013_expert_units

A claim code row stores a nonce, never the code (app/auth/claims.py). ``checked_in_at`` is set
when a ticket is scanned or a bib typed at the check-in desk.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_accounts'
down_revision = '0013_expert_units'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claim_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                            name=op.f('fk_claim_codes_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_codes')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_claim_codes_registration_id'))
    )
    op.create_table('claim_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_attempts'))
    )
    with op.batch_alter_table('claim_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_attempts_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_attempts_at'), ['at'], unique=False)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('checked_in_at')
    with op.batch_alter_table('claim_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_attempts_at'))
        batch_op.drop_index(batch_op.f('ix_claim_attempts_address'))
    op.drop_table('claim_attempts')
    op.drop_table('claim_codes')
