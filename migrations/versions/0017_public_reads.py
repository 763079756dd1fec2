"""public reads: the criterion medians stored with each skill's standings

Revision ID: 0017_public_reads
Revises: 0011_sessions

A contestant's page shows each criterion's median beside their own mark; it used to compute them
from every line of the skill. The rebuild now stores them on ``skill_results``; this migration fills
them in for standings built before it (the same rule: competed lines, median rounded half up to the
fen), so no reader ever needs the whole skill again.
"""
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from scoring.marks import round_mark
from scoring.standardize import median

# revision identifiers, used by Alembic.
revision = '0017_public_reads'
down_revision = '0011_sessions'
branch_labels = None
depends_on = None

skill_results = sa.table('skill_results', sa.column('id', sa.Integer), sa.column('skill_id', sa.Integer),
                         sa.column('criterion_max', sa.JSON), sa.column('criterion_medians', sa.JSON))
standings = sa.table('standings', sa.column('skill_id', sa.Integer), sa.column('status', sa.String),
                     sa.column('criteria', sa.JSON))


def upgrade():
    with op.batch_alter_table('skill_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criterion_medians', sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row in connection.execute(sa.select(skill_results.c.id, skill_results.c.skill_id,
                                            skill_results.c.criterion_max)).all():
        lines = connection.execute(sa.select(standings.c.criteria).where(
            standings.c.skill_id == row.skill_id, standings.c.status == 'competed')).scalars().all()
        medians = {}
        for code in row.criterion_max or {}:
            values = [Decimal(criteria[code]) for criteria in lines if code in (criteria or {})]
            if values:
                medians[code] = str(round_mark(median(values)))
        connection.execute(sa.update(skill_results).where(skill_results.c.id == row.id)
                           .values(criterion_medians=medians))
    with op.batch_alter_table('skill_results', schema=None) as batch_op:
        batch_op.alter_column('criterion_medians', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('skill_results', schema=None) as batch_op:
        batch_op.drop_column('criterion_medians')
