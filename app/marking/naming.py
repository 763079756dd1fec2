"""What the marking page calls a contestant: the bib, or under blind marking the secret number.

When an event marks blind (marking.md "Check-in, draw and blind marking"), panel members other than
the chief expert must never see a bib, a name or a unit: every place of the marking page that names
a competitor asks a :class:`Naming` instead of reading ``contestant_no``. A competitor not drawn yet
is shown as ``—``. The chief expert and the event's organizers keep the open naming (bibs).
"""
from __future__ import annotations

from dataclasses import dataclass

from app.events.models import Registration, Skill
from app.marking.competitors import Competitor
from app.marking.draw import NOT_DRAWN, secret_numbers


@dataclass(frozen=True)
class Naming:
    secret: dict[int, str] | None = None  # competitor (lead registration) id → secret number; None: open

    @classmethod
    def blind_for(cls, skill: Skill) -> Naming:
        return cls(secret_numbers(skill))

    @property
    def blind(self) -> bool:
        return self.secret is not None

    def of(self, registration: Registration) -> str:
        """A competitor's lead registration (what marks, penalties and reopenings point at)."""
        if self.secret is None:
            return registration.contestant_no
        return self.secret.get(registration.id, NOT_DRAWN)

    def competitor(self, competitor: Competitor) -> str:
        return self.of(competitor.lead)


OPEN = Naming()
