"""Forms of the panel page (shape only; :mod:`app.events.panels` validates)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.events.models import PanelRole
from app.i18n import LABELS
from app.number_fields import WholeNumberField


def _role_choices() -> list[tuple[str, object]]:
    return [(role.value, LABELS["panel_role"][role.value]) for role in PanelRole]


class AddMemberForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    name = StringField(_l("Name (for a new account)"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=_role_choices(), default=PanelRole.JUDGE.value)


class RemoveMemberForm(FlaskForm):
    member_id = WholeNumberField(validators=[DataRequired()])


class RoleForm(RemoveMemberForm):
    role = SelectField(_l("Role"), choices=_role_choices())
