"""marking: schemes (sections, criteria, sub-criteria, aspects), marks, sign-offs, marking teams,
penalties, component scores

Revision ID: 0002_marking
Revises: 0001_foundation
Create Date: 2026-11-23 04:33:00.720537

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_marking'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheme_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('stated_total', sa.Integer(), nullable=True),
    sa.Column('locked_at', sa.DateTime(), nullable=True),
    sa.Column('locked_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_scheme_criteria_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheme_criteria')),
    sa.UniqueConstraint('skill_id', 'code', name=op.f('uq_scheme_criteria_skill_id_code'))
    )
    with op.batch_alter_table('scheme_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheme_criteria_skill_id'), ['skill_id'], unique=False)

    op.create_table('scheme_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('cis_title', sa.String(length=300), nullable=True),
    sa.Column('cis_layout', sa.JSON(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_scheme_sources_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheme_sources')),
    sa.UniqueConstraint('skill_id', name=op.f('uq_scheme_sources_skill_id'))
    )
    op.create_table('scheme_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_scheme_sections_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheme_sections')),
    sa.UniqueConstraint('skill_id', 'section', name=op.f('uq_scheme_sections_skill_id_section'))
    )
    with op.batch_alter_table('scheme_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheme_sections_skill_id'), ['skill_id'], unique=False)

    op.create_table('component_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_component_scores_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_component_scores_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component_scores')),
    sa.UniqueConstraint('competitor_id', 'component', name=op.f('uq_component_scores_competitor_id_component'))
    )
    with op.batch_alter_table('component_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_component_scores_competitor_id'), ['competitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_component_scores_skill_id'), ['skill_id'], unique=False)

    op.create_table('criterion_signoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['scheme_criteria.id'], name=op.f('fk_criterion_signoffs_criterion_id_scheme_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_criterion_signoffs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion_signoffs')),
    sa.UniqueConstraint('criterion_id', 'user_id', name=op.f('uq_criterion_signoffs_criterion_id_user_id'))
    )
    with op.batch_alter_table('criterion_signoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_signoffs_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('marking_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['scheme_criteria.id'], name=op.f('fk_marking_team_members_criterion_id_scheme_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_marking_team_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marking_team_members')),
    sa.UniqueConstraint('criterion_id', 'user_id', name=op.f('uq_marking_team_members_criterion_id_user_id'))
    )
    with op.batch_alter_table('marking_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marking_team_members_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('penalties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_penalties_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_penalties_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_penalties'))
    )
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_penalties_competitor_id'), ['competitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalties_skill_id'), ['skill_id'], unique=False)

    op.create_table('scheme_sub_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('day', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['criterion_id'], ['scheme_criteria.id'], name=op.f('fk_scheme_sub_criteria_criterion_id_scheme_criteria'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheme_sub_criteria')),
    sa.UniqueConstraint('criterion_id', 'code', name=op.f('uq_scheme_sub_criteria_criterion_id_code'))
    )
    with op.batch_alter_table('scheme_sub_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheme_sub_criteria_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('scheme_aspects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('sub_criterion_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('max_mark', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('calculation', sa.String(length=20), nullable=False),
    sa.Column('bands', sa.JSON(), nullable=True),
    sa.Column('deduct', sa.Integer(), nullable=True),
    sa.Column('descriptors', sa.JSON(), nullable=True),
    sa.Column('requirement', sa.Text(), nullable=False),
    sa.Column('extra', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_scheme_aspects_skill_id_skills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sub_criterion_id'], ['scheme_sub_criteria.id'], name=op.f('fk_scheme_aspects_sub_criterion_id_scheme_sub_criteria'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheme_aspects')),
    sa.UniqueConstraint('skill_id', 'code', name=op.f('uq_scheme_aspects_skill_id_code'))
    )
    with op.batch_alter_table('scheme_aspects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheme_aspects_skill_id'), ['skill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheme_aspects_sub_criterion_id'), ['sub_criterion_id'], unique=False)

    op.create_table('marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('aspect_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('paper', 'tablet', name='marksource', native_enum=False, length=32), nullable=False),
    sa.Column('offline', sa.Boolean(), nullable=False),
    sa.Column('device', sa.String(length=120), nullable=True),
    sa.Column('client_uuid', sa.String(length=36), nullable=True),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['aspect_id'], ['scheme_aspects.id'], name=op.f('fk_marks_aspect_id_scheme_aspects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['competitor_id'], ['registrations.id'], name=op.f('fk_marks_competitor_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_marks_judge_id_users')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_marks_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marks')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_marks_client_uuid'))
    )
    with op.batch_alter_table('marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marks_aspect_id'), ['aspect_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marks_competitor_id'), ['competitor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marks_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marks_skill_id'), ['skill_id'], unique=False)
        batch_op.create_index('uq_marks_judgement', ['aspect_id', 'competitor_id', 'judge_id'], unique=True, sqlite_where=sa.text("kind = 'J'"), postgresql_where=sa.text("kind = 'J'"))
        batch_op.create_index('uq_marks_measurement', ['aspect_id', 'competitor_id'], unique=True, sqlite_where=sa.text("kind = 'M'"), postgresql_where=sa.text("kind = 'M'"))



def downgrade():
    with op.batch_alter_table('marks', schema=None) as batch_op:
        batch_op.drop_index('uq_marks_measurement', sqlite_where=sa.text("kind = 'M'"), postgresql_where=sa.text("kind = 'M'"))
        batch_op.drop_index('uq_marks_judgement', sqlite_where=sa.text("kind = 'J'"), postgresql_where=sa.text("kind = 'J'"))
        batch_op.drop_index(batch_op.f('ix_marks_skill_id'))
        batch_op.drop_index(batch_op.f('ix_marks_judge_id'))
        batch_op.drop_index(batch_op.f('ix_marks_competitor_id'))
        batch_op.drop_index(batch_op.f('ix_marks_aspect_id'))

    op.drop_table('marks')
    with op.batch_alter_table('scheme_aspects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheme_aspects_sub_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_scheme_aspects_skill_id'))

    op.drop_table('scheme_aspects')
    with op.batch_alter_table('scheme_sub_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheme_sub_criteria_criterion_id'))

    op.drop_table('scheme_sub_criteria')
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_penalties_skill_id'))
        batch_op.drop_index(batch_op.f('ix_penalties_competitor_id'))

    op.drop_table('penalties')
    with op.batch_alter_table('marking_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marking_team_members_criterion_id'))

    op.drop_table('marking_team_members')
    with op.batch_alter_table('criterion_signoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_signoffs_criterion_id'))

    op.drop_table('criterion_signoffs')
    with op.batch_alter_table('component_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_component_scores_skill_id'))
        batch_op.drop_index(batch_op.f('ix_component_scores_competitor_id'))

    op.drop_table('component_scores')
    with op.batch_alter_table('scheme_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheme_sections_skill_id'))

    op.drop_table('scheme_sections')
    op.drop_table('scheme_sources')
    with op.batch_alter_table('scheme_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheme_criteria_skill_id'))

    op.drop_table('scheme_criteria')
