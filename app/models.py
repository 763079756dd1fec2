"""Imports every model module so the metadata is complete (Alembic autogenerate, create_all)."""
from app.audit import AuditEntry  # noqa: F401
from app.auth.models import LoginAttempt, LoginLink, User  # noqa: F401
from app.events.models import (  # noqa: F401
    Event, EventOrganizer, PanelMember, Registration, Skill, Unit)
from app.people.models import Person, SkillLevelRecord  # noqa: F401
from app.marking.models import (  # noqa: F401
    ComponentScore, CriterionSignoff, Mark, MarkingTeamMember, Penalty, SchemeAspect, SchemeCriterion,
    SchemeSection, SchemeSource, SchemeSubCriterion)
