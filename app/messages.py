"""Messages that are English on the command line and translated on the web.

``msg("unknown unit %(code)s", code="X")`` is a ``str`` ("unknown unit X") that also remembers its
template and values, so a page can show ``gettext(template) % values`` in the reader's language
while the command line, logs and tests see plain English (formats.md). Babel extracts ``msg``.
"""
from __future__ import annotations

import re
from typing import Any


class Message(str):
    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        text = super().__new__(cls, template % params if params else template)
        text.template, text.params = template, params
        return text

    def translated(self) -> str:
        """Values that are messages themselves are translated too."""
        from flask_babel import gettext
        return gettext(self.template, **{k: translated(v) for k, v in self.params.items()})


def msg(template: str, **params: Any) -> Message:
    """A message that reads as English but can be translated on a page; Babel extracts its template."""
    return Message(template, **params)


def translated(text: object) -> str:
    """The reader's-language version of a message; other text passes through."""
    return text.translated() if isinstance(text, Message) else str(text)


_ROW = re.compile(r"^row (\d+)(.*)$")


def translated_where(where: str) -> str:
    """``row 5, id_number`` → ``第 5 行, id_number``; column names and JSON paths stay as in the file."""
    from flask_babel import gettext
    match = _ROW.match(where)
    if not match:
        return gettext("file") if where == "file" else where
    return gettext("row %(number)s", number=match.group(1)) + match.group(2)
