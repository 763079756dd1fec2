"""The "advance from results" form on the qualification page (shape only; the service validates).

The page is the events feature's; its template posts these fields (with the page's skill choices
``skill-<feeder code>``) to the results feature's route, so the field names are part of that page.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.number_fields import WholeNumberField
from app.results.qualification import MAX_TOP_N


class AdvanceFromResultsForm(FlaskForm):
    rule = RadioField(_l("Who qualifies"), choices=[("top", _l("the top N of each skill")),
                                                    ("medals", _l("the medal winners"))],
                      validators=[InputRequired()], default="top")
    # Only read with rule "top": medal winners need no N, and a left-over number must not refuse them.
    top_n = WholeNumberField(_l("N"), validators=[Optional(), NumberRange(min=1, max=MAX_TOP_N)])
    from_skill = SelectMultipleField(_l("From the skills"), validators=[InputRequired()])
