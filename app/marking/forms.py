"""Forms of the marking page (shape only: :mod:`app.marking.locking`, ``penalties`` and ``teams`` decide).

The page repeats the lock, unlock and team forms once per criterion, so the template writes their
inputs itself (unique ids per row); these classes parse and validate what comes back.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.number_fields import PlainDecimalField

REASON_LENGTH = 500


class LockForm(FlaskForm):
    confirm_reduced = BooleanField(_l("Confirm the reduced judgement sets"))


class ReasonForm(FlaskForm):
    """Unlocking a criterion and withdrawing a penalty both need a reason."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_LENGTH)])


class PenaltyForm(ReasonForm):
    bib = SelectField(_l("Contestant"), choices=[])
    points = PlainDecimalField(_l("Points"), places=2, validators=[InputRequired()])


class TeamForm(FlaskForm):
    """The checked panel members; none checked opens the criterion to the whole panel."""

    members = SelectMultipleField(_l("Marking team"), coerce=int, choices=[])
