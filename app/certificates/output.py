"""Writing certificates out: one PDF per certificate and ``manifest.json`` (formats.md).

Used by ``certificates issue`` and the bulk job. A PDF is written beside its final name and renamed
into place, so a file that exists is complete: an interrupted run resumes by skipping the files
present. The manifest is written last, sorted by number, with ``award`` and ``skill`` (the skill's
code) as formats.md's example shows, ``contestant_no`` null for an expert's certificate.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from app.certificates.issuing import CertificateError, verify_url
from app.certificates.models import Certificate
from app.certificates.pdf import CertificatePage, render
from app.messages import msg

MANIFEST = "manifest.json"


def check_output_dir(directory: Path) -> None:
    """Refuse a directory that exists and holds anything (formats.md: creates DIR, refuses a non-empty one)."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise CertificateError(msg("%(dir)s is not an empty directory: certificates are written into a new or "
                                   "empty one", dir=str(directory)))


def page_of(certificate: Certificate, url: str) -> CertificatePage:
    """What the PDF prints, from the certificate's frozen content (not today's names) and its verification URL."""
    c = certificate.content
    return CertificatePage(number=certificate.number, kind=c["kind"], holder=c["holder"], id_masked=c["id_masked"],
                           event=c["event"], skill=c["skill"], award_or_level=c["award_or_level"],
                           occupation=c["occupation"], issue_date=c["issue_date"], issuer=c["issuer"],
                           verify_url=url)


def render_certificate(certificate: Certificate) -> tuple[bytes, str]:
    """One certificate's PDF and the verification URL its QR code holds, for a single download."""
    url = verify_url(certificate)
    return render(page_of(certificate, url), current_app.config["CJK_FONT_PATH"]), url


def manifest_entry(certificate: Certificate, url: str) -> dict[str, Any]:
    """One certificate's line of ``manifest.json`` (formats.md)."""
    return {"number": certificate.number, "kind": certificate.kind.value,
            "award": certificate.award_or_level if certificate.kind.value == "award" else None,
            "level": certificate.award_or_level if certificate.kind.value == "level" else None,
            "skill": certificate.skill.code if certificate.skill else None,
            "contestant_no": certificate.contestant_no, "holder": certificate.holder,
            "file": certificate.file_name, "verify_url": url}


@dataclass(frozen=True)
class Prepared:
    """What rendering one certificate needs, read from the database beforehand: the rendering
    itself then runs outside any transaction (on SQLite a transaction holds the write lock)."""
    file_name: str
    page: CertificatePage
    entry: dict[str, Any]


def prepare(certificate: Certificate) -> Prepared:
    """Read what rendering needs from the database now, so the rendering itself can run outside a transaction."""
    url = verify_url(certificate)
    return Prepared(certificate.file_name, page_of(certificate, url), manifest_entry(certificate, url))


def write_prepared(item: Prepared, directory: Path) -> dict[str, Any]:
    """Render one certificate into ``directory`` unless its file is there (resume); its manifest entry."""
    target = directory / item.file_name
    if not target.exists():
        partial = directory / f".{item.file_name}.{os.getpid()}.part"
        partial.write_bytes(render(item.page, current_app.config["CJK_FONT_PATH"]))
        os.replace(partial, target)
    return item.entry


def write_one(certificate: Certificate, directory: Path) -> dict[str, Any]:
    """Write one certificate's PDF into ``directory`` (skipped when present) and return its manifest entry."""
    return write_prepared(prepare(certificate), directory)


def write_manifest(event_code: str, entries: Sequence[dict[str, Any]], directory: Path) -> Path:
    """Write ``manifest.json`` sorted by number; written last, so its presence means every PDF is there."""
    path = directory / MANIFEST
    document = {"event": event_code, "certificates": sorted(entries, key=lambda e: e["number"])}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_directory(event_code: str, certificates: Sequence[Certificate], directory: Path,
                    progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Write every certificate's PDF and then the manifest into ``directory`` (``certificates issue``);
    ``progress`` is told the count done after each one."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for done, certificate in enumerate(certificates, 1):
        entries.append(write_one(certificate, directory))
        if progress:
            progress(done)
    write_manifest(event_code, entries, directory)
    return entries
