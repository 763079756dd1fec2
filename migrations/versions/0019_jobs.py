"""jobs: a heartbeat on bulk certificate jobs, so a job whose worker died is queued again

Revision ID: 0019_jobs
Revises: 0010_certificates
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_jobs'
down_revision = '0010_certificates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate_jobs') as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('certificate_jobs') as batch_op:
        batch_op.drop_column('heartbeat_at')
