"""Login, password, claim and account forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


class ClaimForm(FlaskForm):
    """A contestant's claim: the three things on their admission ticket, then their new login."""

    bib = StringField(_l("Bib"), validators=[DataRequired(), Length(max=40)])
    id_number = StringField(_l("Full ID number"), validators=[DataRequired(), Length(max=32)])
    code = StringField(_l("Claim code"), validators=[DataRequired(), Length(max=20)])
    username = StringField(_l("Choose a username"), validators=[DataRequired(), Length(min=2, max=80)])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


class NewAccountForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=80)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[])
    unit_code = SelectField(_l("Unit"), choices=[])


class AccountActionForm(FlaskForm):
    """One button on a row of the accounts page: the row's id travels in the form, not the URL."""

    target = IntegerField(validators=[DataRequired()])


class NewTokenForm(FlaskForm):
    """A personal API token: its name, what it may do, the one event it is for (or all) and its lifetime."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    scope = SelectField(_l("Scope"), choices=[("read", _l("Read only")), ("write", _l("Read and write"))])
    event = SelectField(_l("Event"), choices=[])
    days = IntegerField(_l("Days valid"), validators=[DataRequired()])
