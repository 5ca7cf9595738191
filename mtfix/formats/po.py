"""Gettext PO: ``msgstr`` (and ``msgstr[n]``) is the target, ``msgid`` the source.

The file is read line by line; every string literal of a ``msgstr`` is a
piece of the unit, so a repair keeps the original line wrapping. The header
entry (empty ``msgid``) and obsolete entries (``#~``) are left alone. A line
that is not a comment, a keyword or a string continuation is an error naming
the line.
"""

from __future__ import annotations

import re

from ..errors import InputError
from ..segment import iter_lines
from .base import Piece, Unit

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+(")')
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"[ \t]*\r?$')
_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), s)


def escape(s: str) -> str:
    return (
        s.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )


class _Entry:
    def __init__(self, line: int, start: int) -> None:
        self.line, self.start = line, start
        self.fields: dict[str, list[Piece]] = {}
        self.flags: tuple[int, int, str] | None = None  # the "#," line: start, end, text

    def text(self, key: str) -> str:
        return "".join(p.text for p in self.fields.get(key, []))


def po_entries(text: str, path: str) -> list[_Entry]:
    entries: list[_Entry] = []
    entry: _Entry | None = None
    key = ""
    seen_msgstr = False
    pos = 0
    for number, line in enumerate(iter_lines(text), 1):
        start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped or stripped.startswith("#~"):
            if not stripped:
                entry, key = None, ""
            continue
        if stripped.startswith("#"):
            if entry is None or seen_msgstr:
                entry, seen_msgstr, key = _Entry(number, start), False, ""
                entries.append(entry)
            if body.startswith("#,"):
                entry.flags = (start, start + len(body), body)
            continue
        m = _KEYWORD.match(body)
        if m:
            if entry is None or (seen_msgstr and not m.group(1).startswith("msgstr")):
                entry, seen_msgstr = _Entry(number, start), False
                entries.append(entry)
            key = m.group(1)
            seen_msgstr = seen_msgstr or key.startswith("msgstr")
            rest = body[m.start(2) :]
            offset = start + m.start(2)
        elif stripped.startswith('"') and key:
            rest = body.lstrip()
            offset = start + len(body) - len(rest)
        else:
            raise InputError(f"{path}:{number}", f"not a PO line: {body[:40]!r}")
        s = _STRING.match(rest)
        if not s:
            raise InputError(f"{path}:{number}", "unterminated or malformed string")
        piece = Piece(offset + 1, offset + 1 + len(s.group(1)), unescape(s.group(1)), False, escape)
        assert entry is not None
        entry.fields.setdefault(key, []).append(piece)
    return entries


def po_units(text: str, path: str) -> tuple[list[Unit], list[str]]:
    units: list[Unit] = []
    for e in po_entries(text, path):
        msgid = e.text("msgid")
        if not msgid or "msgid" not in e.fields:  # the header: it may name the language
            lang = re.search(r"^Language:[ \t]*([A-Za-z_@-]*)", e.text("msgstr"), re.M)
            if lang and lang.group(1) and not lang.group(1).lower().startswith("en"):
                return [], [f"target language {lang.group(1)}: not repaired"]
            continue
        ctxt = e.text("msgctxt")
        base = f"{ctxt}|{msgid}" if "msgctxt" in e.fields else msgid
        for key, pieces in e.fields.items():
            if not key.startswith("msgstr"):
                continue
            uid = base + (key[6:] if key != "msgstr" else "")
            source = (
                e.text("msgid_plural")
                if key not in ("msgstr", "msgstr[0]") and "msgid_plural" in e.fields
                else msgid
            )
            units.append(Unit(uid, tuple(pieces), source, _line(text, pieces[0].start), _fuzzy(e)))
    return units, []


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _fuzzy(entry: _Entry):  # type: ignore[no-untyped-def]
    """``--mark-edited`` marks a PO entry fuzzy (translators' "needs review")."""

    def mark(text: str) -> list[tuple[int, int, str]]:
        if entry.flags is not None:
            start, end, flags = entry.flags
            if "fuzzy" in flags:
                return []
            return [(start, end, flags + ", fuzzy")]
        first = min(p.start for ps in entry.fields.values() for p in ps)
        line_start = text.rfind("\n", 0, first) + 1
        # before the first keyword line (msgctxt or msgid) of the entry
        for key in ("msgctxt", "msgid"):
            if key in entry.fields:
                s = entry.fields[key][0].start
                line_start = text.rfind("\n", 0, s) + 1
                break
        newline = "\r\n" if text[line_start:].split("\n", 1)[0].endswith("\r") else "\n"
        return [(line_start, line_start, "#, fuzzy" + newline)]

    return mark
