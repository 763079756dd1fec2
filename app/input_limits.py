"""The bounds on every file and body the app reads, taken from config (issue 14).

One value object, so the table reader, the workbook reader and the JSON reader check the same
numbers, and a test or the command line can pass smaller ones.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InputLimits:
    bytes: int  # a table file as received
    unpacked_bytes: int  # the parts of an .xlsx (a zip) once unpacked, as the zip declares them
    rows: int
    columns: int
    cell_chars: int
    json_bytes: int
    json_depth: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None = None) -> InputLimits:
        """The limits of ``config``: the current app's, or the defaults outside an app (a script)."""
        if config is None:
            from flask import current_app, has_app_context

            from app.config import Config
            config = current_app.config if has_app_context() else {k: getattr(Config, k) for k in dir(Config)}
        return cls(config["TABLE_MAX_BYTES"], config["TABLE_MAX_UNPACKED_BYTES"], config["TABLE_MAX_ROWS"],
                   config["TABLE_MAX_COLUMNS"], config["TABLE_MAX_CELL_CHARS"], config["JSON_MAX_BYTES"],
                   config["JSON_MAX_DEPTH"])
