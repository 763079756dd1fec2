"""The marking-scheme upload form (shape only: :mod:`app.marking.schemes` checks the content)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class SchemeUploadForm(FlaskForm):
    file = FileField(_l("Scheme file (.json or .xlsx)"), validators=[
        FileRequired(), FileAllowed(["json", "xlsx"], _l("A scheme is a .json or .xlsx file."))])
