"""Forms of the proposals page (shape only; :mod:`app.promotion.services` decides what may be decided).

The ticked proposal ids are not checked against choices here: the view loads them among the
event's proposals and refuses the whole post when one is not there.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length


class ComputeForm(FlaskForm):
    """Only the CSRF token."""


class DecideForm(FlaskForm):
    proposals = SelectMultipleField(_l("Proposals"), coerce=int, choices=[], validate_choice=False,
                                    validators=[DataRequired(message=_l("Tick at least one proposal."))])
    decision = StringField(validators=[DataRequired()])
    reason = StringField(_l("Reason (for a rejection)"), validators=[Length(max=500)])
