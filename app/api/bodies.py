"""Reading a JSON request body for the integration API: bounded, parsed, and read by the input layer.

The body is refused before parsing when it is larger than ``JSON_MAX_BYTES`` (413), parsed by
:func:`app.json_reader.load_json` (depth and digits bounded, numbers as decimals), then read as a
:class:`scoring.inputs.StrictModel` by :func:`app.inputs.read_or_refuse`: every problem at once,
located by its JSON path (``registrations[2].id_number``), in the command line's English words.
"""
from __future__ import annotations

from typing import TypeVar

from flask import abort, request

from app.api.answers import error
from app.errors import InputRefused
from app.input_limits import InputLimits
from app.inputs import read_or_refuse
from app.json_reader import load_json
from scoring.inputs import StrictModel

Body = TypeVar("Body", bound=StrictModel)


def read_body(model: type[Body]) -> Body:
    """The request's JSON body as ``model``; a 413 or 400 refusal in the API's error shape otherwise."""
    limits = InputLimits.from_config()
    if (request.content_length or 0) > limits.json_bytes:
        abort(error(413, f"the body is larger than the limit of {limits.json_bytes} bytes"))
    try:
        return read_or_refuse(model, load_json(request.get_data(cache=False), limits))
    except InputRefused as refusal:
        abort(error(400, "the body is not valid", refusal.problems))
