"""Display names of award and publication codes on the results pages (one table, so the
organizer's page, the public page and the contestant's page say the same thing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

AWARDS = {
    "gold": _l("Gold"), "silver": _l("Silver"), "bronze": _l("Bronze"), "excellence": _l("Excellence"),
    "first_prize": _l("First prize"), "second_prize": _l("Second prize"), "third_prize": _l("Third prize"),
}
PUBLICATION = {"private": _l("Not published"), "provisional": _l("Provisional"), "final": _l("Final")}


def award_label(code: str | None) -> str:
    """The display name of an award code; an unknown code shows as itself and no award as nothing."""
    return "" if code is None else str(AWARDS.get(code, code))


def publication_label(code) -> str:
    """The display name of a publication state (not published, provisional, final)."""
    value = getattr(code, "value", code)
    return str(PUBLICATION.get(value, value))


def template_helpers() -> dict:
    """The label helpers every results page gets, so all of them name awards and states alike."""
    return {"award_label": award_label, "publication_label": publication_label}
