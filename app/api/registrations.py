"""Registrations of an event through the integration API: list them, register one, register many.

Everything goes through the registration service the web form and the file import use
(:mod:`app.events.registration`): the same eligibility rules, the same messages, the same
all-or-nothing batch (one refused row and nothing is saved), the same audit entries. Who registers
and how is the web's answer too (:func:`app.events.acting.acting_for`): the event's organizers (and
admins) for any unit, approved at once and also outside the window; a unit administrator for the
units of their tree, as ``submitted``, within the registration window; anyone else gets 404. Writes
need a ``write`` token; a token bound to another event gets 403 (:mod:`app.api.bearer`).

A body holds the columns of formats.md's contestants file as JSON strings (empty or absent for an
empty cell). The model checks only the shape (text, bounded length, no unknown key); every rule on
the values is the service's, so a bib of 41 characters is refused with the file's message
(``contestant_no: is longer than 40 characters``) and not with a schema's. A refused row of a batch
is located by its path: ``registrations[2].id_number``; the window's problem by ``registration``.
Rows are numbered from 0 like the paths, so a message naming another row (``B-001 is already on
row 0``) names ``registrations[0]``.

The list is what the web shows the same user: organizers every registration of the event, a unit
administrator those of their tree; ID numbers masked, as on the pages.
"""
from __future__ import annotations

from typing import Annotated

from flask import Blueprint, abort
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.answers import PageInfo, Paging, answer, error, page_of, read_query
from app.api.bodies import read_body
from app.api.spec import ErrorBody, documented
from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.errors import InputRefused, Problem
from app.events.acting import Acting, acting_for
from app.events.eligibility import Finding
from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill
from app.events.registration import CONTESTANT_COLUMNS, register_one, register_rows
from app.events.services import event_by_code
from app.people.idcard import mask
from app.tabular import Row
from app.units.models import Unit
from scoring.inputs import StrictModel, Text

bp = Blueprint("api_registrations", __name__, url_prefix="/api/v1")
REGISTRARS = (Role.ADMIN, Role.ORGANIZER, Role.UNIT_ADMIN)
MAX_REGISTRATIONS = 1000
REFUSED = "the registrations were refused; nothing was saved"

Cell = Annotated[str, Field(max_length=200)]
"""A cell of the contestants file as text; the service applies each column's own limit and rules."""


class ContestantIn(StrictModel):
    """One contestant: the columns of formats.md's contestants file (an absent key is an empty cell)."""

    unit_code: Cell = ""
    skill_code: Cell = ""
    contestant_no: Cell = ""
    name: Cell = ""
    id_type: Cell = Field("", description="resident (when empty), hmt_residence, hmt_permit, passport, "
                                          "foreign_permanent")
    id_number: Cell = ""
    birth_date: Cell = Field("", description="YYYY-MM-DD")
    gender: Cell = Field("", description="M, F, 男 or 女")
    group: Cell = Field("", description="employee or student (职工, 学生); empty takes the skill's group")
    current_level: Cell = ""
    current_level_cert_no: Cell = ""
    phone: Cell = ""
    team: Cell = Field("", description="team skills only: members with one label form one team")

    def cells(self) -> dict[str, str]:
        """The row as the file would give it: every column, trimmed."""
        return {column: getattr(self, column).strip() for column in CONTESTANT_COLUMNS}


class ContestantsIn(StrictModel):
    """Many contestants, registered all or none."""

    registrations: list[ContestantIn] = Field(min_length=1, max_length=MAX_REGISTRATIONS)


class RegistrationOut(BaseModel):
    """A registration as the registration pages show it (the ID number masked)."""

    id: int
    contestant_no: str
    skill: str
    unit: str
    name: str
    id_type: str
    id_number: str
    group: str | None
    current_level: str | None
    team: str | None
    status: RegistrationStatus
    rejection_reason: str | None
    attendance: Attendance
    outside_window: bool
    self_registered: bool

    @classmethod
    def of(cls, reg: Registration) -> RegistrationOut:
        """The answer for one registration row."""
        person = reg.person
        return cls(id=reg.id, contestant_no=reg.contestant_no, skill=reg.skill.code, unit=reg.unit.code,
                   name=person.name, id_type=person.id_type.value, id_number=mask(person.id_number),
                   group=reg.group.value if reg.group else None, current_level=reg.current_level,
                   team=reg.team, status=reg.status, rejection_reason=reg.rejection_reason,
                   attendance=reg.attendance, outside_window=reg.outside_window,
                   self_registered=reg.self_registered)


class RegistrationPage(PageInfo):
    """A page of an event's registrations, by skill code and bib."""

    items: list[RegistrationOut]


class Registered(BaseModel):
    """What a batch saved: every row, in the body's order."""

    registered: int
    items: list[RegistrationOut]


class RegistrationQuery(Paging):
    """Filters of the registration list."""

    skill: Text | None = Field(None, max_length=40)
    unit: Text | None = Field(None, max_length=20, description="a unit code")
    status: RegistrationStatus | None = None


def _event(code: str) -> tuple[Event, Acting]:
    event = event_by_code(code)
    require(event is not None)
    return event, acting_for(current_user, event)


@bp.route("/events/<code>/registrations")
@allow(*REGISTRARS)
@documented(answers={200: RegistrationPage, 400: ErrorBody, 404: ErrorBody}, query=RegistrationQuery,
            tags=["registrations"])
def registrations(code: str):
    """The registrations of an event, by skill and bib.

    Organizers read every registration; a unit administrator those of their units. Filter by
    `skill`, `status` or `unit` (a unit code)."""
    wanted = read_query(RegistrationQuery)
    event, acting = _event(code)
    query = (select(Registration).where(Registration.event_id == event.id)
             .join(Registration.skill).join(Registration.unit)
             .options(selectinload(Registration.person), selectinload(Registration.skill),
                      selectinload(Registration.unit))
             .order_by(Skill.code, Registration.contestant_no))
    if acting.unit_ids is not None:
        query = query.where(Registration.unit_id.in_(acting.unit_ids))
    if wanted.skill is not None:
        skill = event.skill(wanted.skill)
        query = query.where(Registration.skill_id == (skill.id if skill else None))
    if wanted.status is not None:
        query = query.where(Registration.status == wanted.status)
    if wanted.unit is not None:
        query = query.where(Unit.code == wanted.unit)
    rows, info = page_of(query, wanted)
    return answer(RegistrationPage(items=[RegistrationOut.of(r) for r in rows], **info.model_dump()))


@bp.route("/events/<code>/registrations", methods=["POST"])
@allow(*REGISTRARS)
@documented(answers={201: RegistrationOut, 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 422: ErrorBody},
            body=ContestantIn, tags=["registrations"])
def register(code: str):
    """Register one contestant.

    The web form's rules and messages, each problem located by its field. An organizer's entry is
    approved at once; a unit administrator's is submitted for review, within the window."""
    event, acting = _event(code)
    contestant = read_body(ContestantIn)
    try:
        saved = register_one(event, contestant.cells(), actor_is_organizer=acting.organizer,
                             unit_scope=acting.unit_ids)
    except InputRefused as refused:   # answered here for the API's own error; the boundary rolls back
        abort(error(422, REFUSED, refused.problems))
    response = answer(RegistrationOut.of(saved))
    response.status_code = 201
    return response


def _in_body(number: int, finding: Finding) -> Problem:
    """A row's problem at its JSON path (``registrations[2].id_number``)."""
    where = f"registrations[{number}]"
    return Problem(f"{where}.{finding.column}" if finding.column else where, finding.message)


@bp.route("/events/<code>/registrations/batch", methods=["POST"])
@allow(*REGISTRARS)
@documented(answers={201: Registered, 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 422: ErrorBody},
            body=ContestantsIn, tags=["registrations"])
def register_many(code: str):
    """Register many contestants, all or none.

    The file import's rules and messages: one refused row and nothing is saved, every problem
    reported at once and located by its path (`registrations[2].id_number`)."""
    event, acting = _event(code)
    body = read_body(ContestantsIn)
    rows = [Row(number, contestant.cells()) for number, contestant in enumerate(body.registrations)]
    try:
        saved = register_rows(event, rows, actor_is_organizer=acting.organizer, unit_scope=acting.unit_ids,
                              locate=_in_body)
    except InputRefused as refused:   # answered here for the API's own error; the boundary rolls back
        abort(error(422, REFUSED, refused.problems))
    response = answer(Registered(registered=len(saved), items=[RegistrationOut.of(r) for r in saved]))
    response.status_code = 201
    return response
