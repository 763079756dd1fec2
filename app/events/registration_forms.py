"""Forms for registering one contestant and for reviewing registrations (shape only).

The contestant form's fields carry the file's column names, so the registration service's problems
(located by column) land under the right field.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import LABELS
from scoring.levels import LADDER, NAMES_ZH


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


class ReviewForm(FlaskForm):
    """Approve or reject the ticked registrations (or the one a row's own button names)."""

    registrations = SelectMultipleField(coerce=int, choices=[], validate_choice=False)
    action = SelectField(choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    reason = StringField(_l("Reason for rejection"), validators=[Optional(), Length(max=500)])


class AttendanceForm(FlaskForm):
    registration = HiddenField(validators=[DataRequired()])
    status = SelectField(_l("Attendance"), choices=list(LABELS["attendance"].items()))
