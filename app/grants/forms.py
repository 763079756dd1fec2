"""Forms of the grants pages (shape only: :mod:`app.grants.services`, ``budgets`` and
:mod:`app.rulesets` decide whether an amount, a year or a rule file is acceptable).

Amounts are taken as text and read by ``scoring.grants.money`` (yuan to the fen), so a form and a
file refuse the same things with the same message. The approve form's line ids are not checked
against choices here: the view checks each against the lines the user may see and refuses the
whole post otherwise.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.number_fields import WholeNumberField

AMOUNT_LENGTH = 20


class ComputeForm(FlaskForm):
    """Only the CSRF token: the scope comes from the page's filters (the query string)."""


class ApproveForm(FlaskForm):
    lines = SelectMultipleField(_l("Lines"), coerce=int, choices=[], validate_choice=False,
                                validators=[DataRequired(message=_l("Tick at least one line."))])


class AmountForm(FlaskForm):
    amount = StringField(_l("Amount (yuan)"), validators=[InputRequired(), Length(max=AMOUNT_LENGTH)])


class BudgetForm(FlaskForm):
    year = WholeNumberField(_l("Year"), validators=[InputRequired()])
    amount = StringField(_l("Budget (yuan)"), validators=[InputRequired(), Length(max=AMOUNT_LENGTH)])
