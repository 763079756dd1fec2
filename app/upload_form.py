"""The one-file upload form of every import page (units, events, entries, panels, marks, grants …):
shape only, the feature's reader validates the file."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired()])
