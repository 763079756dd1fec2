"""The draw (抽签) of a skill: each competitor's workstation (工位) and secret number (加密号).

When the event marks blind, judges know competitors only by their secret numbers; the server
keeps the link to the real registration and still enforces conflicts of interest with it.

The draw is random and recorded: a seed from :func:`secrets.token_hex` is stored on the
:class:`~app.marking.models.Draw`, and ``random.Random(seed)`` deals over the *competed* competitors
in lead-bib order (code-point order, not the database's collation), so :func:`reproduce` rebuilds
the same draw from the seed and the bibs, and anyone holding the sealed list can check it.
Workstations are ``01`` … ``N`` (zero-padded to at least two digits), secret numbers distinct
random numbers from 101–999, or 1001–9999 for more than 800 competitors.

Choices where marking.md is silent:
- A draw may be made again, replacing every entry, only while no mark is stored for the skill:
  once judges have marked by secret number, changing the numbers would mislabel their marks.
  The first draw is allowed at any time (there is nothing to mislabel).
- Late check-ins (competed but not drawn) are added to the standing draw: they get the next
  workstations and unused secret numbers, dealt by ``random.Random(f"{seed}+{n}")`` where ``n`` is
  the number of entries before them, so an extension is reproducible too (:func:`reproduce_late`).
- A competitor drawn and later marked absent keeps their entry (the numbers were handed out);
  the pages show their status beside it.
- ``drawn_by``/``drawn_at`` describe the full draw; extensions are in the audit log
  (``draw.extend``), as every draw is (``draw.make``, with the mapping before and after).
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app import audit, clock
from app.errors import DomainError
from app.events.models import Skill
from app.extensions import db
from app.marking.competitors import Competitor, competitors
from app.marking.models import Draw, DrawEntry
from app.marking.schemes import has_marks
from app.messages import msg

SMALL_POOL = range(101, 1000)   # 899 three-digit numbers
LARGE_POOL = range(1001, 10000)
SMALL_LIMIT = 800               # more competitors than this draw four-digit numbers
NOT_DRAWN = "—"


class DrawError(DomainError):
    pass


@dataclass(frozen=True)
class Dealt:
    """One line of a draw: a lead bib, its workstation and its secret number."""

    bib: str
    workstation: str
    secret_no: str


# --- the randomness: pure functions of the seed ------------------------------------------------

def new_seed() -> str:
    """A fresh random seed for a draw, stored with it so the draw can be reproduced and checked."""
    return secrets.token_hex(16)


def secret_pool(count: int) -> range:
    """The secret numbers a draw picks from: three digits, or four for more than :data:`SMALL_LIMIT` competitors."""
    return SMALL_POOL if count <= SMALL_LIMIT else LARGE_POOL


def station_width(count: int) -> int:
    """Workstation numbers' width: the digits of the count, at least two (``01`` … ``N``)."""
    return max(2, len(str(count)))


def reproduce(seed: str, bibs: Iterable[str]) -> list[Dealt]:
    """The full draw that ``seed`` deals to these lead bibs (sorted here: the order is part of the
    draw). Workstations are a random permutation of 1…N; secret numbers a random sample of the pool."""
    ordered = sorted(bibs)
    count = len(ordered)
    rng = random.Random(seed)
    stations = rng.sample(range(1, count + 1), count)
    numbers = rng.sample(secret_pool(count), count)
    width = station_width(count)
    return [Dealt(bib, f"{station:0{width}d}", str(number))
            for bib, station, number in zip(ordered, stations, numbers, strict=True)]


def reproduce_late(seed: str, drawn: int, taken: Iterable[str], bibs: Iterable[str]) -> list[Dealt]:
    """The late check-ins ``bibs`` added to a draw of ``drawn`` entries whose secret numbers are
    ``taken``: the next workstations in random order, and unused numbers from the pool."""
    ordered = sorted(bibs)
    total = drawn + len(ordered)
    rng = random.Random(f"{seed}+{drawn}")
    stations = rng.sample(range(drawn + 1, total + 1), len(ordered))
    used = set(taken)
    numbers = rng.sample([n for n in secret_pool(total) if str(n) not in used], len(ordered))
    width = station_width(total)
    return [Dealt(bib, f"{station:0{width}d}", str(number))
            for bib, station, number in zip(ordered, stations, numbers, strict=True)]


# --- reading -----------------------------------------------------------------------------------

def secret_numbers(skill: Skill) -> dict[int, str]:
    """Competitor (lead registration) id → secret number, for the competitors drawn so far."""
    return dict(db.session.execute(select(DrawEntry.competitor_id, DrawEntry.secret_no)
                                   .join(Draw).where(Draw.skill_id == skill.id)).all())


def draw_of(skill: Skill) -> Draw | None:
    """The skill's standing draw, ``None`` before the first one."""
    return db.session.scalar(select(Draw).where(Draw.skill_id == skill.id))


def undrawn(skill: Skill, draw: Draw | None = None) -> list[Competitor]:
    """Competed competitors without an entry in the skill's draw (all of them before a draw)."""
    draw = draw if draw is not None else draw_of(skill)
    drawn = {e.competitor_id for e in draw.entries} if draw is not None else set()
    return [c for c in competitors(skill) if c.competed and c.id not in drawn]


def by_workstation(entries: Sequence[DrawEntry]) -> list[DrawEntry]:
    """Numeric order: ``100`` after ``99`` even when an extension widened the numbers."""
    return sorted(entries, key=lambda e: (int(e.workstation), e.workstation))


def _mapping(entries: Iterable[DrawEntry | Dealt]) -> dict[str, list[str]]:
    """Lead bib → [workstation, secret number], the audit log's picture of a draw."""
    out = {}
    for entry in entries:
        bib = entry.bib if isinstance(entry, Dealt) else entry.competitor.contestant_no
        out[bib] = [entry.workstation, entry.secret_no]
    return dict(sorted(out.items()))


def _skill_key(skill: Skill) -> str:
    return f"{skill.event.code}/{skill.code}"


# --- writing -----------------------------------------------------------------------------------

def make_draw(skill: Skill, *, seed: str | None = None) -> Draw:
    """Draw workstations and secret numbers for every competed competitor of the skill; a standing
    draw is replaced while the skill has no marks, and refused once it has (see the docstring).
    ``seed`` is for the demo and tests; the web and every real draw use a fresh random one."""
    field = [c for c in competitors(skill) if c.competed]
    if not field:
        raise DrawError(msg("%(skill)s has no competed contestant to draw", skill=skill.code))
    draw = draw_of(skill)
    if draw is not None and has_marks(skill):
        raise DrawError(msg("%(skill)s has marks already: the draw cannot be made again (draw the late "
                            "check-ins instead)", skill=skill.code))
    leads = {c.lead.contestant_no: c for c in field}
    before = None
    if draw is None:
        draw = Draw(skill_id=skill.id)
        db.session.add(draw)
    else:
        before = {"seed": draw.seed, "drawn_by": draw.drawn_by, "drawn_at": draw.drawn_at,
                  "entries": _mapping(draw.entries)}
        draw.entries.clear()
        db.session.flush()  # the old entries go before the new ones take their numbers
    draw.seed = seed or new_seed()
    draw.drawn_by, draw.drawn_at = audit.current_actor(), clock.now()
    dealt = reproduce(draw.seed, leads)
    for line in dealt:
        draw.entries.append(DrawEntry(competitor_id=leads[line.bib].id, workstation=line.workstation,
                                      secret_no=line.secret_no))
    db.session.flush()
    audit.record("draw.make", "skill", _skill_key(skill), event_id=skill.event_id, before=before,
                 after={"seed": draw.seed, "entries": _mapping(dealt)})
    return draw


def extend_draw(skill: Skill) -> list[DrawEntry]:
    """Add the late check-ins (competed, not drawn) to the standing draw; the others keep theirs."""
    draw = draw_of(skill)
    if draw is None:
        raise DrawError(msg("%(skill)s has no draw yet: make the draw first", skill=skill.code))
    late = undrawn(skill, draw)
    if not late:
        raise DrawError(msg("every competed contestant of %(skill)s is drawn already", skill=skill.code))
    leads = {c.lead.contestant_no: c for c in late}
    drawn = len(draw.entries)
    dealt = reproduce_late(draw.seed, drawn, (e.secret_no for e in draw.entries), leads)
    added = [DrawEntry(competitor_id=leads[line.bib].id, workstation=line.workstation,
                       secret_no=line.secret_no) for line in dealt]
    draw.entries.extend(added)
    db.session.flush()
    audit.record("draw.extend", "skill", _skill_key(skill), event_id=skill.event_id,
                 after={"seed": draw.seed, "drawn_before": drawn, "entries": _mapping(dealt)})
    return added
