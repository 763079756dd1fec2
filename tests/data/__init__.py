"""Data files the tests read, addressed relative to this folder so a clone runs its tests alone.

Sources and licences are in this folder's README.md. A missing file is an error, not a skip.
"""
from pathlib import Path

DATA = Path(__file__).resolve().parent
CIS_EXAMPLE = DATA / "ES2023_marking_scheme_Web_Development_17.xlsx"
