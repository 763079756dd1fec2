"""Forms of the webhooks page (shape only; :mod:`app.webhooks.services` decides)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.webhooks.models import EVENT_TYPES, URL_MAX_LENGTH

TYPE_CHOICES = [(t, t) for t in EVENT_TYPES]


class TypesForm(FlaskForm):
    # Tick boxes, as on the certificates page: five options read better than a multiple select.
    types = SelectMultipleField(_l("Event types"), choices=TYPE_CHOICES, default=list(EVENT_TYPES),
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class HookForm(TypesForm):
    url = StringField(_l("URL"), validators=[DataRequired(), Length(max=URL_MAX_LENGTH)])
