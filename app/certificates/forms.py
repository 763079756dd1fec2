"""Forms of the certificates page (shape only; :mod:`app.certificates.issuing` decides)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

KIND_CHOICES = [("award", _l("Award")), ("participation", _l("Participation")), ("level", _l("Skill level")),
                ("expert", _l("Expert"))]


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class JobForm(FlaskForm):
    skill = SelectField(_l("Skill"), choices=[], validate_choice=True)
    # Tick boxes, not a multiple select: four options, and a phone shows a multiple select badly.
    kinds = SelectMultipleField(_l("Kinds"), choices=KIND_CHOICES, default=["award"],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
