"""audit chain: a SHA-256 digest on every audit entry, linked to the one before, and the chain head

Revision ID: 0012_audit_chain
Revises: 0017_public_reads

Existing entries are sealed in id order, as :func:`app.audit.seal` seals new ones, so the chain
starts at the first entry ever written; the head row records the newest.
"""
from alembic import op
import sqlalchemy as sa

from app.audit import GENESIS, SEALED_FIELDS, seal
from app.db import Moment


# revision identifiers, used by Alembic.
revision = '0012_audit_chain'
down_revision = '0017_public_reads'
branch_labels = None
depends_on = None

_entries = sa.table(
    'audit_log', sa.column('id', sa.Integer), sa.column('at', Moment), sa.column('actor', sa.String),
    sa.column('action', sa.String), sa.column('entity', sa.String), sa.column('entity_id', sa.String),
    sa.column('before', sa.JSON), sa.column('after', sa.JSON), sa.column('note', sa.String),
    sa.column('prev_digest', sa.String), sa.column('digest', sa.String))


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    connection = op.get_bind()
    previous_id, previous = 0, GENESIS
    rows = connection.execute(sa.select(_entries).order_by(_entries.c.id)).mappings().all()
    for row in rows:
        digest = seal(previous, {name: row[name] for name in SEALED_FIELDS})
        connection.execute(_entries.update().where(_entries.c.id == row['id'])
                           .values(prev_digest=previous, digest=digest))
        previous_id, previous = row['id'], digest
    if rows:
        connection.execute(sa.table('audit_chain_head', sa.column('id'), sa.column('entry_id'),
                                    sa.column('digest')).insert()
                           .values(id=1, entry_id=previous_id, digest=previous))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('prev_digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('digest', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('digest')
        batch_op.drop_column('prev_digest')
