"""Put a refused input's located problems under the form fields they belong to."""
from __future__ import annotations

from app.errors import Problem


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
