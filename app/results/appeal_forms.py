"""Forms of the appeals and amendment pages (shape only: :mod:`app.results.amendment` decides).

Choices (bibs, criteria) are set by the view from the skill and the user's units, so a form never
offers what the service would refuse for a reason the user cannot change.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

TEXT_LENGTH = 2000
DISQUALIFY = "disqualify"
REOPEN = "reopen:"


class AppealForm(FlaskForm):
    bib = SelectField(_l("Contestant"), choices=[])
    criterion = SelectField(_l("Criterion"), choices=[])
    reason = TextAreaField(_l("Grounds of the appeal"), validators=[DataRequired(), Length(max=TEXT_LENGTH)])


class DecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[("upheld", _l("Uphold: reopen the criterion for this contestant")),
                                                   ("dismissed", _l("Dismiss: the marks stand"))],
                         validators=[InputRequired()])
    decision = TextAreaField(_l("Reasons of the decision"), validators=[DataRequired(), Length(max=TEXT_LENGTH)])


class AmendForm(FlaskForm):
    """``action`` is ``disqualify`` or ``reopen:<criterion code>``: one choice, one amendment."""

    bib = SelectField(_l("Contestant"), choices=[])
    action = SelectField(_l("Amendment"), choices=[])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=TEXT_LENGTH)])

    @property
    def disqualify(self) -> bool:
        return self.action.data == DISQUALIFY

    @property
    def criterion(self) -> str | None:
        return None if self.disqualify else str(self.action.data).removeprefix(REOPEN)
