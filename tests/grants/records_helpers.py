"""A training row (formats.md's columns) for the grants tests: 12 days in March 2026, certificate
on 1 April, employed in the province on 1 May, placed by the body (JX-TC1)."""
from __future__ import annotations


def training_row(number: str, name: str = "甲", body: str = "JX-TC1") -> str:
    return f"{number},{name},{body},6-18-02-04,2026-03-01,2026-03-12,12,2026-04-01,2026-05-01,Y,Y"
