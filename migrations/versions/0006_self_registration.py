"""self-registration: registrations flagged as entered by the contestant, and the form's tries

Revision ID: 0006_self_registration
Revises: 0005_judging

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_self_registration'
down_revision = '0005_judging'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('self_registration_tries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_self_registration_tries_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_registration_tries'))
    )
    with op.batch_alter_table('self_registration_tries', schema=None) as batch_op:
        batch_op.create_index('ix_self_registration_tries_address_at', ['address', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_registration_tries_event_id'), ['event_id'], unique=False)

    # Existing registrations were all entered by units, organizers or the command line.
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_registered', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('self_registered')

    with op.batch_alter_table('self_registration_tries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_registration_tries_event_id'))
        batch_op.drop_index('ix_self_registration_tries_address_at')

    op.drop_table('self_registration_tries')
