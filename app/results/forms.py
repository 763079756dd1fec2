"""Forms of the results pages (shape only; :mod:`app.results.lookup` decides)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from app.results.lookup import ID_TAIL


class LookupForm(FlaskForm):
    """Bib and ID tail; no CSRF token (the look-up acts on nobody's session: app.results.public_views.me)."""

    class Meta:
        csrf = False

    bib = StringField(_l("Bib number"), validators=[DataRequired(), Length(max=40)])
    id_tail = StringField(_l("Last 6 characters of the ID number"),
                          validators=[DataRequired(), Length(min=ID_TAIL, max=ID_TAIL)])


class PublishForm(FlaskForm):
    """Final publication freezes the results: the organizer ticks that they mean it."""

    confirm = BooleanField(_l("I understand that final results are frozen (changes need an amendment)"))
