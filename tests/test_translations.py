"""Every message in the code and templates has a zh_CN translation (zh-CN is the default UI).

The catalogue lives in ``zh_Hans_CN``: Flask-Babel looks translations up by ``str(Locale.parse("zh_CN"))``,
which Babel spells with the script subtag.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "app" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "msg": None,
            "problem": (2,), "refuse": None}


def _messages_in_source() -> dict[str, str]:
    found = {}
    method_map = [("app/**.py", "python"), ("scoring/**.py", "python"), ("templates/**.html", "jinja2")]
    for filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS):
        for msgid in message[:1] if isinstance(message, tuple) else (message,):  # plurals: keyed by the singular
            if msgid:
                found[msgid] = filename
    return found


def test_every_message_has_a_zh_cn_translation():
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    missing = []
    for msgid, filename in sorted(_messages_in_source().items()):
        entry = catalog.get(msgid)
        translated = entry is not None and not entry.fuzzy and all(
            entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if not translated:
            missing.append(f"{filename}: {msgid!r}")
    assert missing == [], "messages without a zh_CN translation:\n" + "\n".join(missing)


def test_placeholders_survive_translation():
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    import re
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) == wanted, entry.id
