"""Forms for units, events and skills (shape only; services validate the domain)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.events.event_file import CODE_PATTERN, TIE_BREAKERS
from app.i18n import LABELS
from app.number_fields import WholeNumberField
from app.units.models import UNIT_CODE_PATTERN
from scoring.levels import LADDER, NAMES_ZH
from scoring.tiers import TIERS


def _choices(kind: str, blank: bool = False) -> list[tuple[str, object]]:
    items = [(code, text) for code, text in LABELS[kind].items()]
    return ([("", "—")] if blank else []) + items


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Regexp(f"^{UNIT_CODE_PATTERN}$",
                       message=_l("1–20 characters: A–Z, 0–9 and -"))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices("unit_kind"))
    parent_code = SelectField(_l("Parent unit"), choices=[], validate_choice=True)


class EventForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Regexp(f"^{CODE_PATTERN}$",
                       message=_l("Letters, digits, - _ and ., at most 40"))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    tier = SelectField(_l("Tier"), choices=[(code, code) for code in TIERS])
    event_class = SelectField(_l("Class"), choices=[], validate_choice=False)
    effective_tier = SelectField(_l("Effective tier (special contests)"), choices=[], validate_choice=False)
    year = WholeNumberField(_l("Year"), validators=[DataRequired(), NumberRange(1950, 2100)])
    organizers = StringField(_l("Organizers (unit codes, first one issues certificates)"),
                             validators=[DataRequired()])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    registration_opens = DateField(_l("Registration opens"), validators=[Optional()])
    registration_closes = DateField(_l("Registration closes (inclusive)"), validators=[Optional()])
    delegation_kind = SelectField(_l("Delegations are units of kind"), choices=_choices("unit_kind", blank=True))
    awards = SelectField(_l("Awards"), choices=_choices("awards"))
    tie_breakers = SelectMultipleField(
        _l("Tie-breakers"), choices=[(t, LABELS["tie_breaker"][t]) for t in sorted(TIE_BREAKERS)],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    blind_marking = BooleanField(_l("Blind marking (judges see secret numbers only)"))
    self_registration = BooleanField(_l("Individuals may register themselves"))
    bar_previous_medallists = BooleanField(_l("Bar previous medallists of this tier"))
    employees_of_organizers_only = BooleanField(_l("Only employees of the organizers"))


class SkillForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Regexp(f"^{CODE_PATTERN}$",
                       message=_l("Letters, digits, - _ and ., at most 40"))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    group = SelectField(_l("Group"), choices=_choices("group", blank=True))
    occupation_code = StringField(_l("Occupation code"), validators=[Optional(), Length(max=32)])
    occupation_name = StringField(_l("Occupation"), validators=[Optional(), Length(max=100)])
    team_size = WholeNumberField(_l("Team size"), default=1, validators=[DataRequired(), NumberRange(1, 10)])
    quota_per_unit = WholeNumberField(_l("Quota per unit"), default=1, validators=[DataRequired(), NumberRange(1, 999)])
    host_unit = StringField(_l("Host unit (code)"), validators=[Optional(), Length(max=20)])
    min_age = WholeNumberField(_l("Minimum age"), validators=[Optional(), NumberRange(0, 100)])
    max_age = WholeNumberField(_l("Maximum age"), validators=[Optional(), NumberRange(0, 100)])
    age_reference = DateField(_l("Age reference date"), validators=[Optional()])
    min_level = SelectField(_l("Minimum skill level"),
                            choices=[("", "—")] + [(code, NAMES_ZH[code]) for code in LADDER])
