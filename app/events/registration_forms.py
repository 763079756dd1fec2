"""Forms for registering one contestant (by a unit, or by the contestant on the public
self-registration page) and for reviewing registrations (shape only).

The contestant form's fields carry the file's column names, so the registration service's problems
(located by column) land under the right field.
"""
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.events.models import Skill
from app.i18n import LABELS
from app.units.models import Unit
from scoring.levels import LADDER, NAMES_ZH


def unit_choices(units: Iterable[Unit]) -> list[tuple[str, str]]:
    """A form's unit options, labelled with code and name so units with similar names are told apart."""
    return [(u.code, f"{u.code} {u.name}") for u in units]


def skill_choices(skills: Iterable[Skill]) -> list[tuple[str, str]]:
    """A form's skill options, labelled with code and name."""
    return [(s.code, f"{s.code} {s.name}") for s in skills]


class ContestantForm(FlaskForm):
    unit_code = SelectField(_l("Unit"), choices=[], validate_choice=False)
    skill_code = SelectField(_l("Skill"), choices=[], validate_choice=False)
    contestant_no = StringField(_l("Bib number"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    id_type = SelectField(_l("ID type"), choices=list(LABELS["id_type"].items()))
    id_number = StringField(_l("ID number"), validators=[DataRequired(), Length(max=32)])
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired()])
    gender = SelectField(_l("Gender"), choices=[("M", _l("Male")), ("F", _l("Female"))])
    group = SelectField(_l("Group"), choices=[("", "—"), *LABELS["group"].items()])
    current_level = SelectField(_l("Current skill level in the occupation"),
                                choices=[("", "—")] + [(code, NAMES_ZH[code]) for code in LADDER])
    current_level_cert_no = StringField(_l("Level certificate number"),
                                        validators=[Optional(), Length(max=64)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    team = StringField(_l("Team label"), validators=[Optional(), Length(max=40)])

    def row(self, columns: Iterable[str]) -> dict[str, str]:
        """The validated fields as a row of the registration file, so that the form and the file go through
        one service: text for every column named, the date of birth in ISO form."""
        values = {column: getattr(self, column).data or "" for column in columns}
        values["birth_date"] = self.birth_date.data.isoformat()
        return values


class SelfRegistrationForm(ContestantForm):
    """The unit form's fields, for an individual entering themselves: the bib is allocated, and
    teams are registered by their unit (a field set to ``None`` is left out of a WTForms subclass)."""

    contestant_no = None
    team = None


class ReviewForm(FlaskForm):
    """Approve or reject the ticked registrations (or the one a row's own button names)."""

    registrations = SelectMultipleField(coerce=int, choices=[], validate_choice=False)
    action = SelectField(choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    reason = StringField(_l("Reason for rejection"), validators=[Optional(), Length(max=500)])
    # Set by the confirmation page an approval after the draw or a lock asks for.
    confirm_late = BooleanField()


class AttendanceForm(FlaskForm):
    registration = HiddenField(validators=[DataRequired()])
    status = SelectField(_l("Attendance"), choices=list(LABELS["attendance"].items()))
