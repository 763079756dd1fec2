"""The one input layer: untrusted structured input read into typed models, every problem located.

Event files, marking schemes, rule sets, sync items and the JSON API's bodies are pydantic v2 models.
:func:`read` validates parsed data (from ``json``/``tomllib``, already bounded in size and depth by the
caller) against a model and returns the model or the complete list of problems as
:class:`~scoring.marks.Finding` values, located like formats.md's paths (``skills[0].quota_per_unit``)
and worded in the product's own messages (English templates, translated on the web), not pydantic's.

The product's field types (:data:`Text`, :data:`WholeNumber`, :data:`Flag`, :data:`Day`) accept what
the hand-written readers accepted before them and nothing more: no ``"5"`` for a number, no ``1`` for
``true``. A validator refuses with :func:`refuse`, whose template Babel extracts like ``problem``'s.
Models forbid unknown keys (:class:`StrictModel`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from types import UnionType
from typing import Annotated, Any, ClassVar, NoReturn, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails

from scoring.marks import Finding, problem

Model = TypeVar("Model", bound=BaseModel)

# Before this many digits a JSON or TOML whole number is refused (json_reader bounds parsing the same way).
MAX_WHOLE_DIGITS = 18


class Refusal(ValueError):
    """Raised by a validator: its problems, each located relative to the value validated (``""`` is the
    value itself, ``closes`` or ``[2].code`` a part of it). ``Refusal(template, **params)`` is one problem
    at the value; ``Refusal(found=[...])`` several."""

    def __init__(self, template: str | None = None, *, found: list[Finding] | None = None, **params: Any) -> None:
        self.found = found if found is not None else [problem("", template or "", **params)]
        super().__init__("; ".join(str(f) for f in self.found))


def refuse(template: str, *, below: str = "", **params: Any) -> NoReturn:
    """Refuse the value being validated; Babel extracts ``template`` (keyword ``refuse``). ``below``
    locates the problem in a part of the value (``closes`` of a registration window)."""
    raise Refusal(found=[problem(below, template, **params)])


def refuse_all(found: list[Finding]) -> NoReturn:
    """Refuse the value with several problems at once, each ``where`` relative to the value (a list's
    ``[3].code`` that repeats an earlier one, say); an empty list refuses nothing."""
    if found:
        raise Refusal(found=found)


def refuse_every(refusals: Sequence[Refusal]) -> None:
    """Refuse the value being validated for each of ``refusals`` (none: accept it), all reported where
    the value is: a list with two unknown tiers has two problems, as the person fixing it needs."""
    if refusals:
        raise ValidationError.from_exception_data("refused", [
            InitErrorDetails(type="value_error", loc=(), input=None, ctx={"error": refusal}) for refusal in refusals])


Location = str | tuple[int | str, ...] | None


def refusing(data: Any, handler: Callable[[Any], Any], refusals: Iterable[tuple[Refusal, Location, str | None]],
             fields: Sequence[str] = ()) -> Any:
    """A wrap validator's ``handler(data)`` with refusals that look at the table as a whole (which
    keys it gives) added to pydantic's own problems. Each refusal is ``(refusal, at, before)``: reported
    at the key ``at`` (a path such as ``("awards", "gold")``; ``None``: the table itself) and listed just
    before the problems of the field ``before`` in ``fields`` (``None``: after them all), so a file's
    problems keep the order of its keys."""
    refusals = list(refusals)
    errors: list[Any] = []
    try:
        value = handler(data)
    except ValidationError as error:
        if not refusals:
            raise
        errors = list(error.errors(include_url=False))
    if not refusals:
        return value
    for refusal, at, before in refusals:
        index = len(errors)
        if before is not None:       # an unknown key's problem comes after every field's
            position = fields.index(before)
            index = next((i for i, e in enumerate(errors) if e["loc"] and (
                e["loc"][0] not in fields or fields.index(e["loc"][0]) >= position)), len(errors))
        loc = () if at is None else (at,) if isinstance(at, str) else at
        errors.insert(index, {"type": "value_error", "loc": loc, "input": data, "ctx": {"error": refusal}})
    raise ValidationError.from_exception_data("refused", [InitErrorDetails(**e) for e in errors])


class StrictModel(BaseModel):
    """A model of untrusted input: unknown keys are problems, values are not coerced across types.

    An optional key given as ``null`` is the key left out (its default applies), as formats.md's
    files write them; a required key given as ``null`` is refused with "must not be null".
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
    null_is_absent: ClassVar[bool] = True  # False: a null reaches the field's validator (which may refuse it)

    @model_validator(mode="before")
    @classmethod
    def _null_is_left_out(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not cls.null_is_absent:
            return data
        optional = {field.alias or name for name, field in cls.model_fields.items() if not field.is_required()}
        return {key: value for key, value in data.items() if not (value is None and key in optional)}


def read(model: type[Model], data: Any, where: str = "", context: Any = None) -> tuple[Model | None, list[Finding]]:
    """``data`` as ``model``, or ``None`` and every problem, each located under ``where``.

    ``context`` reaches the validators as ``info.context``: what a check needs beyond the document
    (the units that exist, say), so references are checked in the same pass as the values.
    """
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as error:
        return None, findings(error, where)


def salvage(model: type[Model], data: Any) -> Model:
    """What can be read of a refused ``data`` as ``model``, for the checks of a whole document that should
    still report on it (a sum, a cross-reference): each field read on its own by its type, without the
    bounds set on the field, nested models field by field and lists item by item; a field that does not
    read, or is missing, is ``None``, an item that does not read is left out. Validators written on the
    model do not run, so nothing salvaged is a valid ``model``: it is only read from."""
    raw = data if isinstance(data, dict) else {}
    values = {}
    for name, field in model.model_fields.items():
        readers = [m for m in field.metadata if isinstance(m, AfterValidator | BeforeValidator)]
        annotation = Annotated[field.annotation, *readers] if readers else field.annotation
        values[name] = _salvaged(annotation, raw.get(field.alias or name))
    return model.model_construct(**values)


def _salvaged(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return salvage(annotation, value)
    if get_origin(annotation) is list and isinstance(value, list):
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):  # an unreadable object is one of blanks
            return [salvage(item, element) for element in value]
        return [read for read in (_salvaged(item, element) for element in value) if read is not None]
    for member in get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ():
        if member is not type(None) and (read := _salvaged(member, value)) is not None:
            return read
    try:
        return TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return None


def findings(error: ValidationError, where: str = "") -> list[Finding]:
    """Pydantic's errors in the product's words, in document order."""
    found: list[Finding] = []
    seen: set[str] = set()
    for detail in error.errors(include_url=False):
        located = path(detail["loc"], where)
        # A union reports each failed member at the same place (its loc tagged with the member's type):
        # one problem is enough. Distinct problems of one value (a rule's several refusals) all stay.
        if located in seen and _union_member(detail["loc"]):
            continue
        seen.add(located)
        found.extend(f for f in _findings(located, detail) if f not in found)
    return found


def _union_member(loc: Iterable[int | str]) -> bool:
    return any(isinstance(part, str) and part != "[key]" and ("[" in part or part in _TYPE_TAGS) for part in loc)


def path(loc: Iterable[int | str], where: str = "") -> str:
    """``("skills", 0, "quota")`` → ``skills[0].quota``; pydantic's own tags (``function-after[...]``,
    a union member's type name) are left out, they say nothing to the person who wrote the file."""
    text = where
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" in part or part in _TYPE_TAGS:
            continue
        else:
            text = f"{text}.{part}" if text else part
    return text or "file"


_TYPE_TAGS = {"str", "int", "bool", "date", "decimal", "list", "dict", "none", "float", "is-instance"}


def _findings(where: str, detail: dict[str, Any]) -> list[Finding]:
    ctx = detail.get("ctx") or {}
    if detail["type"] == "value_error" and isinstance(ctx.get("error"), Refusal):
        return [Finding(_below(where, f.where), f.template, f.params) for f in ctx["error"].found]
    return [_finding(where, detail)]


def _below(where: str, part: str) -> str:
    if not part:
        return where
    if part.startswith("["):
        return where + part if where != "file" else part
    return f"{where}.{part}" if where != "file" else part


def _finding(where: str, detail: dict[str, Any]) -> Finding:
    kind, ctx = detail["type"], detail.get("ctx") or {}
    if detail.get("input", "") is None and kind not in ("missing", "extra_forbidden", "model_type", "dict_type"):
        return problem(where, "must not be null")
    if kind == "too_long" and isinstance(detail.get("input"), str):  # a text's max_length outside its str schema
        return problem(where, "must be at most %(n)s characters", n=ctx.get("max_length", ""))
    if kind in _MESSAGES:
        template, params = _MESSAGES[kind]
        return Finding(where, template, {name: ctx.get(key, "") for name, key in params.items()})
    if kind == "literal_error" or kind == "enum":
        return problem(where, "%(value)s is not one of %(choices)s", value=repr(detail.get("input")),
                       choices=ctx.get("expected", ""))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return problem(where, "must be an object")
    # Anything else is pydantic's own sentence, kept verbatim (never a template: it may hold a '%').
    return Finding(where, "%(reason)s", {"reason": detail.get("msg", "is not valid")})


# pydantic error type → (template, {template parameter: ctx key}); the templates are in messages.po
_MESSAGES: dict[str, tuple[str, dict[str, str]]] = {
    "missing": ("is required", {}),
    "extra_forbidden": ("unknown key", {}),
    "greater_than_equal": ("must be at least %(minimum)s", {"minimum": "ge"}),
    "greater_than": ("must be more than %(minimum)s", {"minimum": "gt"}),
    "less_than_equal": ("must be at most %(maximum)s", {"maximum": "le"}),
    "less_than": ("must be less than %(maximum)s", {"maximum": "lt"}),
    "string_too_long": ("must be at most %(n)s characters", {"n": "max_length"}),
    "string_too_short": ("must be a non-empty string", {}),
    "string_type": ("must be text", {}),
    "too_long": ("must have at most %(n)s items", {"n": "max_length"}),
    "too_short": ("must have at least %(n)s items", {"n": "min_length"}),
    "list_type": ("must be a list", {}),
    "tuple_type": ("must be a list", {}),
    "bool_type": ("must be true or false", {}),
    "int_type": ("must be a whole number", {}),
    "none_required": ("must be empty", {}),
}


# --- the product's field types ------------------------------------------------------------------------

def _text(value: Any) -> str:
    _not_null(value)
    if not isinstance(value, str) or not value.strip():
        refuse("must be a non-empty string")
    if "\x00" in value:
        refuse("a text holds a NUL character")
    return value.strip()


def _not_null(value: Any) -> None:
    if value is None:
        refuse("must not be null")


def _whole(value: Any) -> int:
    _not_null(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value() \
            and value.adjusted() < MAX_WHOLE_DIGITS:
        return int(value)  # 5.0: a whole number written with a point
    if isinstance(value, bool) or not isinstance(value, int) or len(str(abs(value))) > MAX_WHOLE_DIGITS:
        refuse("must be a whole number")
    return value


def _flag(value: Any) -> bool:
    _not_null(value)
    if not isinstance(value, bool):
        refuse("must be true or false")
    return value


def _day(value: Any) -> date:
    _not_null(value)
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-" \
            and value.replace("-", "").isascii() and value.replace("-", "").isdigit():
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    refuse("must be a date YYYY-MM-DD")


def one_of(choices: Iterable[str]) -> BeforeValidator:
    """A field's check that its value is one of ``choices``; the refusal lists them sorted, as the product
    always has (``'pair' is not one of solo, team``), where pydantic's ``Literal`` quotes them."""
    allowed = frozenset(choices)
    listed = ", ".join(sorted(allowed))

    def check(value: Any) -> str:
        _not_null(value)
        if not isinstance(value, str) or value not in allowed:
            refuse("%(value)s is not one of %(choices)s", value=repr(value), choices=listed)
        return value
    return BeforeValidator(check)


def matching(pattern: str) -> AfterValidator:
    """A text field's check that the whole (stripped) text matches ``pattern``; the refusal shows both."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            refuse("%(value)s does not match %(pattern)s", value=repr(value), pattern=pattern)
        return value
    return AfterValidator(check)


Text = Annotated[str, BeforeValidator(_text)]
"""Non-empty text, stripped; bound its length with ``Field(max_length=...)``."""
WholeNumber = Annotated[int, BeforeValidator(_whole)]
"""A whole number (``5`` or ``5.0``), never text or ``true``; bound it with ``Field(ge=..., le=...)``."""
Flag = Annotated[bool, BeforeValidator(_flag)]
"""``true`` or ``false`` and nothing else."""
Day = Annotated[date, BeforeValidator(_day)]
"""A date: TOML's own or ``"YYYY-MM-DD"``."""


def exact(value: Any) -> Decimal | None:
    """An exact number from a whole number, a ``Decimal`` (TOML read with ``parse_float=Decimal``) or
    text; ``None`` for anything else: a binary float, ``true``, ``"lots"``, infinity or NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def within_places(number: Decimal, places: int) -> bool:
    """At most ``places`` decimals that are not zero (``1.50`` and ``1.500`` have two), read off the
    digits so that a value too long for ``quantize`` (``1E+30``) is an answer, never an error."""
    _, digits, exponent = number.as_tuple()
    return not isinstance(exponent, int) or exponent >= -places or not any(digits[exponent + places:])


def exact_number(refusal: str, *, above: Decimal | int | None = None, at_least: Decimal | int | None = None,
                 at_most: Decimal | int | None = None, places: int | None = None) -> Any:
    """A field type: an exact ``Decimal`` in bounds (see :func:`exact`), refused with ``refusal`` (one
    sentence saying what is wanted, as the person who wrote the file reads it)."""
    def check(value: Any) -> Decimal:
        number = exact(value)
        if number is None or (above is not None and number <= above) \
                or (at_least is not None and number < at_least) or (at_most is not None and number > at_most) \
                or (places is not None and not within_places(number, places)):
            refuse(refusal)
        return number
    return Annotated[Decimal, BeforeValidator(check)]


def whole_number_from(minimum: int) -> Any:
    """A field type: an integer of at least ``minimum`` as written (no ``5.0``, no ``true``)."""
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            refuse("must be a whole number of at least %(minimum)s", minimum=minimum)
        return value
    return Annotated[int, BeforeValidator(check)]
