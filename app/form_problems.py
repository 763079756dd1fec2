"""Put a refused input's located problems under the form fields they belong to, or flash a posted form's
problems when its page is redirected to."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from app.errors import Problem
from app.messages import translated


def attach_problems(form, problems: list[Problem], field_of: dict[str, str]) -> list[Problem]:
    """Put each problem under its form field; return those that belong to no field."""
    loose = []
    for problem in problems:
        name = field_of.get(problem.where, problem.where.split("[")[0])
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors") and problem.where:
            field.errors = list(field.errors) + [problem.message]
        else:
            loose.append(problem)
    return loose


def valid_or_flashed(form) -> bool:
    """Validate a posted form; a refusal becomes one flash per problem, named by its field, because the
    answer is a redirect and the form's own errors would not reach the page."""
    if form.validate():
        return True
    for item in form:
        for error in item.errors:
            flash(_("%(field)s: %(error)s", field=item.label.text, error=translated(error)), "error")
    return False
