"""Finding and creating persons, shared by every path that names people by ID number.

A person is one human across events (tiers.md), identified by ID type and number. Registration
knows the type (a contestants file has ``id_type``); the title and training files do not, so they
look a number up whatever its type (:func:`persons_by_number`). Both create persons here, so one
audit entry shape says who was created (the number masked).

Services add and flush but never commit (design.md).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.messages import Message, msg
from app.people import idcard
from app.people.models import Gender, IdType, Person

PersonKey = tuple[IdType, str]
CHUNK = 500  # ID numbers per query: far below every database's parameter limit


def _by_numbers(numbers: Iterable[str]) -> Iterable[Person]:
    ordered = sorted(set(numbers))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        yield from db.session.scalars(select(Person).where(Person.id_number.in_(chunk)))


def persons_by_key(keys: set[PersonKey]) -> dict[PersonKey, Person]:
    """The persons on record among ``keys`` (ID type and number)."""
    found = _by_numbers(number for _, number in keys)
    return {(p.id_type, p.id_number): p for p in found if (p.id_type, p.id_number) in keys}


def persons_by_number(numbers: Iterable[str]) -> dict[str, list[Person]]:
    """The persons on record with each number, whatever their ID type (usually one, or none)."""
    found: dict[str, list[Person]] = {}
    for person in _by_numbers(numbers):
        found.setdefault(person.id_number, []).append(person)
    return found


def resident_from_number(id_number: str, name: str) -> tuple[Person | None, list[Message]]:
    """A new person from a resident ID number alone (birth date and gender read from the number),
    added to the session; ``None`` and the number's problems when it is not a valid resident number.
    Someone with another kind of document must be on record (registered) before a file names them
    by number only, as the type cannot be guessed."""
    found = idcard.problems(id_number, None, None)
    if found:
        return None, found
    person = Person(id_type=IdType.RESIDENT, id_number=id_number, name=name,
                    birth_date=idcard.birth_date_of(id_number), gender=Gender(idcard.gender_of(id_number)))
    db.session.add(person)
    return person, []


def record_created(persons: Iterable[Person]) -> None:
    """Audit new persons (after a flush gave them ids); the number is masked in the log."""
    for person in persons:
        audit.record("person.create", "person", person.id,
                     after={"id_type": person.id_type, "id_number": person.masked_id, "name": person.name})


def unknown_number_message(problems: list[Message]) -> Message:
    """Why a row naming an unknown person is refused: no one has the number, and it is not a valid resident
    ID number either, so the person cannot be registered from it."""
    return msg("no person on record with this ID number, and it is not a valid resident ID number "
               "(%(problem)s); register the person first", problem=problems[0])
