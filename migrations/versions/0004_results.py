"""results: standings and their publication, completion times, appeals, bib lookups, and
criteria reopened for one competitor, medal records of persons

Revision ID: 0004_results
Revises: 0003_one_chief_per_skill
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0004_results'
down_revision = '0003_one_chief_per_skill'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('medal_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_code', sa.String(length=40), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('skill_code', sa.String(length=40), nullable=False),
    sa.Column('award', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_medal_records_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medal_records')),
    sa.UniqueConstraint('person_id', 'event_code', 'skill_code', name=op.f('uq_medal_records_person_id_event_code_skill_code'))
    )
    with op.batch_alter_table('medal_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medal_records_event_code'), ['event_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_medal_records_person_id'), ['person_id'], unique=False)

    op.create_table('bib_lookups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('contestant_no', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_bib_lookups_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bib_lookups'))
    )
    with op.batch_alter_table('bib_lookups', schema=None) as batch_op:
        batch_op.create_index('ix_bib_lookups_event_bib_at', ['event_id', 'contestant_no', 'at'], unique=False)

    op.create_table('skill_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rebuilt_at', sa.DateTime(), nullable=False),
    sa.Column('incomplete', sa.JSON(), nullable=False),
    sa.Column('locked_criteria', sa.JSON(), nullable=False),
    sa.Column('criterion_max', sa.JSON(), nullable=False),
    sa.Column('competed', sa.Integer(), nullable=False),
    sa.Column('standardized', sa.Boolean(), nullable=False),
    sa.Column('median', sa.Integer(), nullable=True),
    sa.Column('scale_basis', sa.String(length=20), nullable=True),
    sa.Column('publication', sa.Enum('private', 'provisional', 'final', name='publication', native_enum=False, length=32), nullable=False),
    sa.Column('provisional_at', sa.DateTime(), nullable=True),
    sa.Column('appeals_close_at', sa.DateTime(), nullable=True),
    sa.Column('final_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_skill_results_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_skill_results_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_results')),
    sa.UniqueConstraint('skill_id', name=op.f('uq_skill_results_skill_id'))
    )
    with op.batch_alter_table('skill_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_results_event_id'), ['event_id'], unique=False)

    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('filed_by', sa.String(length=120), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'upheld', 'dismissed', name='appealstatus', native_enum=False, length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_appeals_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_appeals_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_competitor_id'), ['competitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_skill_id'), ['skill_id'], unique=False)

    op.create_table('completion_times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_completion_times_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_completion_times_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_times')),
    sa.UniqueConstraint('competitor_id', name=op.f('uq_completion_times_competitor_id'))
    )
    with op.batch_alter_table('completion_times', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completion_times_skill_id'), ['skill_id'], unique=False)

    op.create_table('criterion_reopenings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('opened_by', sa.String(length=120), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.String(length=120), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_criterion_reopenings_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['scheme_criteria.id'], name=op.f('fk_criterion_reopenings_criterion_id_scheme_criteria'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion_reopenings'))
    )
    with op.batch_alter_table('criterion_reopenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_reopenings_competitor_id'), ['competitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_criterion_reopenings_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('standings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('competed', 'absent', 'withdrawn', 'disqualified', name='attendance', native_enum=False, length=32), nullable=False),
    sa.Column('raw_total', sa.Integer(), nullable=True),
    sa.Column('marks_total', sa.Integer(), nullable=True),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('sub_criteria', sa.JSON(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=True),
    sa.Column('penalties', sa.JSON(), nullable=False),
    sa.Column('scale_exact', sa.String(length=40), nullable=True),
    sa.Column('scale', sa.Integer(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('award', sa.String(length=20), nullable=True),
    sa.Column('skipped_tie_breakers', sa.JSON(), nullable=False),
    sa.Column('technical_expert_proposed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_standings_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_standings_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standings')),
    sa.UniqueConstraint('competitor_id', name=op.f('uq_standings_competitor_id'))
    )
    with op.batch_alter_table('standings', schema=None) as batch_op:
        batch_op.create_index('ix_standings_skill_position', ['skill_id', 'position'], unique=False)



def downgrade():
    with op.batch_alter_table('medal_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medal_records_person_id'))
        batch_op.drop_index(batch_op.f('ix_medal_records_event_code'))

    op.drop_table('medal_records')
    with op.batch_alter_table('standings', schema=None) as batch_op:
        batch_op.drop_index('ix_standings_skill_position')

    op.drop_table('standings')
    with op.batch_alter_table('criterion_reopenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_reopenings_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_criterion_reopenings_competitor_id'))

    op.drop_table('criterion_reopenings')
    with op.batch_alter_table('completion_times', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completion_times_skill_id'))

    op.drop_table('completion_times')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_skill_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_competitor_id'))

    op.drop_table('appeals')
    with op.batch_alter_table('skill_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_results_event_id'))

    op.drop_table('skill_results')
    with op.batch_alter_table('bib_lookups', schema=None) as batch_op:
        batch_op.drop_index('ix_bib_lookups_event_bib_at')

    op.drop_table('bib_lookups')
