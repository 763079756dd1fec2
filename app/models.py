"""Imports every model module so the metadata is complete (Alembic autogenerate, create_all)."""
from app.audit import AuditEntry  # noqa: F401
from app.auth.models import ClaimAttempt, ClaimCode, LoginAttempt, LoginLink, User, UserSession  # noqa: F401
from app.certificates.models import Certificate, CertificateJob, CertificateSequence  # noqa: F401
from app.events.models import Event, EventOrganizer, PanelMember, Registration, Skill  # noqa: F401
from app.grants.budgets import GrantBudget  # noqa: F401
from app.grants.models import LedgerLine  # noqa: F401
from app.marking.models import (  # noqa: F401
    ComponentScore,
    CriterionReopening,
    CriterionSignoff,
    Draw,
    DrawEntry,
    Mark,
    MarkingTeamMember,
    Penalty,
    SchemeAspect,
    SchemeCriterion,
    SchemeSection,
    SchemeSource,
    SchemeSubCriterion,
    TabletWrite,
)
from app.people.models import MedalRecord, Person, SkillLevelRecord, TitleRecord, TrainingRecord  # noqa: F401
from app.promotion.models import PromotionProposal  # noqa: F401
from app.results.models import Appeal, BibLookup, CompletionTime, SkillResults, Standing  # noqa: F401
from app.rulesets import RuleSetVersion  # noqa: F401
from app.units.models import Unit  # noqa: F401
from app.webhooks.models import Webhook, WebhookDelivery  # noqa: F401
