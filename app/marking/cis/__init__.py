"""The WorldSkills CIS "Marking Scheme Import" spreadsheet ⇄ :class:`scoring.marks.Scheme`.

:mod:`.reader` reads a sheet (every problem located ``row N, COLUMN``), :mod:`.writer` writes one,
:mod:`.sheet` holds what both know of the layout (the sheet's name, its header texts, where a read
found things).

Layout and rules: formats.md ("marking scheme"). Choices where formats.md is silent:

- Tables are found by their headers: the standards table by ``Section`` in column A, the Criteria
  table by ``ID``/``Name`` in A/B, and each criterion block by a ``Sub Criterion ID`` header row
  whose ``Criterion X`` cell (anywhere in that row) names the criterion. Block columns are located
  by header prefix with white space folded and case ignored; a missing header falls back to the
  column the CIS template uses. The standards marks are in the rightmost column headed
  ``WSOS Marks`` other than B (the real sheet also labels its name column B so), else I.
- Numbers: cached binary floats are read through ``repr`` and rounded to 2 decimals only when the
  difference is float noise (< 0.000001); a real third decimal (0.125) is kept so that
  ``validate_scheme`` refuses it instead of the import silently changing a mark. Numeric text
  ("0.5") is accepted. Section numbers become text ("1"); aspect types are read case-insensitively.
- Text: codes (ids, types, sections) are trimmed; prose (names, descriptions, descriptors) is kept
  verbatim so an export reproduces it, but a cell of only white space counts as empty. Column H
  (requirement) is read for judgement aspects too, so nothing in a row is lost.
- Problems are located as ``row N, COLUMN`` and sorted by row; the file is refused as a whole.
  Problems found only on the whole scheme (sums, unknown sections, duplicate ids) are left to
  ``validate_scheme``, which the caller runs with the event's tolerance.
- Writing: the example's layout (title in A1, standards from row 3, Criteria table three rows
  below, blocks three rows below that). The example's blank rows are not regular (criterion A puts a
  blank row between measurement aspects, B–F do not; two sub-criteria follow without a blank), so
  no rule derived from a ``Scheme`` reproduces them. The default rule is the common one: a blank row
  after every sub-criterion and between two aspects unless both are measurements. For a faithful
  re-export, :func:`read_cis_with_layout` also returns the rows where everything stood, and
  :func:`write_cis` follows them where they still fit (an edited scheme falls back to the rule).
  A criterion without a stated total is written with the sum of its aspects.
"""
from __future__ import annotations

from app.marking.cis.reader import read_cis, read_cis_with_layout
from app.marking.cis.sheet import SHEET, CisLayout
from app.marking.cis.writer import write_cis

__all__ = ["SHEET", "CisLayout", "read_cis", "read_cis_with_layout", "write_cis"]
