"""Every spec that a docstring, comment, the README or another spec cites is in ``docs/``, with the
sections it names.

Docstrings cite the domain specs by file name (``formats.md``), often with a section in quotes
(``results.md "Ranking"``, ``grants.md, "Jiangxi"``, ``formats.md ("marking scheme")``) or after a
section sign (``formats.md §"marks"``). A citation resolves when ``docs/<name>.md`` exists and, for a
section, when one of its headings starts with the quoted text (case and white space ignored), so a
heading may go on ("marks (csv/xlsx)" answers "marks"). The repository must explain itself: a
citation that points at a file it does not hold fails here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCES = [p for top in ("app", "scoring", "tests", "benchmarks", "templates")
           for suffix in ("*.py", "*.toml", "*.html", "*.js") for p in sorted((ROOT / top).rglob(suffix))]
CITING = [ROOT / "README.md", *sorted(DOCS.glob("*.md")), *SOURCES]
# Names that look like ``x.md`` but are not specs: the files every repository has.
NOT_SPECS = {"readme", "changelog", "license", "contributing"}

FILE_NAME = re.compile(r"(?<![\w.-])([a-z_]+)\.md\b")
# ``name.md`` then an optional comma, an optional "(" and/or "§", then one or more quoted sections
# separated by commas: ``results.md "Publication", "Amending a final result"``.
SECTIONS = re.compile(r"\b([a-z_]+)\.md,?[\s#]*\(?\s*§?\s*((?:\"[^\"]+\"(?:\s*,\s*)?)+)")
QUOTED = re.compile(r"\"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


def fold(text: str) -> str:
    """Lower case, one space for any run of white space or comment markers (a citation may wrap
    across comment lines: ``"Other published\\n# reward tables"``)."""
    return re.sub(r"(?:\s|#)+", " ", text).strip().casefold()


def citations() -> list[tuple[str, str, str | None]]:
    """(citing file, spec name, section or None) for every citation in the repository."""
    found = []
    for path in CITING:
        if path.resolve() == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for match in FILE_NAME.finditer(text):
            if match.group(1) not in NOT_SPECS:
                found.append((where, match.group(1), None))
        for match in SECTIONS.finditer(text):
            for section in QUOTED.findall(match.group(2)):
                found.append((where, match.group(1), fold(section)))
    return found


def headings(name: str) -> list[str]:
    return [fold(h) for h in HEADING.findall((DOCS / f"{name}.md").read_text(encoding="utf-8"))]


CITATIONS = citations()


def test_the_specs_are_cited_at_all():
    """Guards the test itself: if the patterns stopped matching, every check below would pass
    vacuously."""
    names = {name for _, name, _ in CITATIONS}
    specs = {"formats", "marking", "results", "certificates", "promotion", "grants", "tiers", "design"}
    assert specs <= names
    assert any(section for _, _, section in CITATIONS)


@pytest.mark.parametrize("name", sorted({name for _, name, _ in CITATIONS}))
def test_every_cited_spec_is_in_docs(name):
    citing = sorted({where for where, cited, _ in CITATIONS if cited == name})
    assert (DOCS / f"{name}.md").is_file(), f"docs/{name}.md is missing; cited by {', '.join(citing)}"


SECTIONS_CITED = sorted({(name, section) for _, name, section in CITATIONS if section})


@pytest.mark.parametrize("name,section", SECTIONS_CITED)
def test_every_cited_section_is_a_heading(name, section):
    citing = sorted({where for where, n, s in CITATIONS if (n, s) == (name, section)})
    assert any(h.startswith(section) for h in headings(name)), (
        f'docs/{name}.md has no heading starting "{section}"; cited by {", ".join(citing)}')


def test_nothing_points_outside_the_repository():
    """Specs are cited inside the repository, never in a sibling folder that a clone lacks."""
    outside = re.compile(r"\.\./shared/|\bshared/(?:domain|design\.md|examples)|/work/shared")
    offenders = [str(p.relative_to(ROOT)) for p in CITING if p.resolve() != Path(__file__).resolve()
                 and outside.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_docs_link_to_each_other_inside_docs():
    """Links between the docs (``[tiers.md](tiers.md)``) resolve to files that exist."""
    broken = []
    for doc in sorted(DOCS.glob("*.md")):
        for target in re.findall(r"\]\(([^)#:\s]+\.md)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if not (doc.parent / target).is_file():
                broken.append(f"{doc.name} → {target}")
    assert broken == []
