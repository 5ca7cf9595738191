"""Reading glossary files: TSV and CSV, one entry per row.

Without a header a row is ``variants<TAB>replacement[<TAB>note]``. A header
row naming its columns (``variants``, ``replacement``, ``zh``/``source``,
``note``, ``context``, ``case``) is recognised and lets columns come in any
order. Several variants (or context terms) in one cell are separated by ``|``.
Lines starting with ``#`` and empty lines are skipped.

Two optional columns change what a row means; both must be explicit:

- ``pattern``: ``regex`` makes the variants cell one RE2 regular expression
  (see :mod:`.patterns`); empty or ``literal`` keeps it literal text. A
  variants cell starting with ``re:`` is a pattern too (usable without a
  header). Nothing else is ever treated as a regex.
- ``protect``: ``yes`` makes the row's variants do-not-touch terms that no
  entry may rewrite; the replacement may then be left empty.

``.tbx`` files are read as TBX-Basic (see :mod:`.tbx`).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Literal

from ..errors import GlossaryError
from .entries import Entry, Glossary

MAX_TERM_LENGTH = 1000
_ALNUM = re.compile(r"[^\W_]")  # a letter or digit: what str.isalnum() accepts

_COLUMN_NAMES = {
    "variants": "variants",
    "variant": "variants",
    "wrong": "variants",
    "replacement": "replacement",
    "term": "replacement",
    "correct": "replacement",
    "zh": "source",
    "source": "source",
    "note": "note",
    "notes": "note",
    "comment": "note",
    "context": "context",
    "case": "case",
    "pattern": "pattern",
    "protect": "protect",
}
_YES = ("yes", "true", "1", "protect", "y")
_NO = ("", "no", "false", "0", "n")
PATTERN_PREFIX = "re:"
_DEFAULT_COLUMNS = ("variants", "replacement", "note")


def load_glossary(path: str | Path, *, rule_prefix: str | None = None) -> Glossary:
    """Load a TSV (``.tsv``, ``.txt``), CSV (``.csv``) or TBX (``.tbx``) glossary file.

    Raises :class:`GlossaryError` with ``file:line`` for any malformed row;
    nothing is returned half-loaded.
    """
    p = Path(path)
    if not p.is_file():
        raise GlossaryError(p, None, "no such file" if not p.exists() else "not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise GlossaryError(p, None, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise GlossaryError(p, None, "empty file" if not data else "no entries")
    if p.suffix.lower() == ".tbx":
        from .tbx import parse_tbx

        return parse_tbx(data, str(p), rule_prefix=rule_prefix)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise GlossaryError(p, line, "binary data (NUL byte); is this a text file?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(p, line, "not valid UTF-8") from None
    delimiter = "," if p.suffix.lower() == ".csv" else "\t"
    from .matcher import paused_gc

    with paused_gc():
        return parse_glossary(text, str(p), delimiter=delimiter, rule_prefix=rule_prefix)


def parse_glossary(
    text: str, name: str, *, delimiter: str = "\t", rule_prefix: str | None = None
) -> Glossary:
    """Parse glossary ``text``; ``name`` is used in rule ids and error messages."""
    prefix = rule_prefix if rule_prefix is not None else name
    entries: list[Entry] = []
    columns: tuple[str, ...] | None = None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quoting=_quoting(delimiter))
    try:
        for row in reader:
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            if columns is None:
                columns = _header(row)
                if columns is not None:
                    continue
                columns = _DEFAULT_COLUMNS
            entries.append(_entry(row, columns, name, reader.line_num, prefix))
    except csv.Error as exc:
        raise GlossaryError(name, reader.line_num, f"malformed row: {exc}") from None
    if not entries:
        raise GlossaryError(name, None, "no entries")
    return Glossary(tuple(entries), name)


def _quoting(delimiter: str) -> Literal[0, 3]:
    # TSV cells are taken literally (quotes are text); CSV follows the usual quoting.
    return csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL


def _header(row: list[str]) -> tuple[str, ...] | None:
    names = [cell.strip().lower() for cell in row]
    if names and names[0] in _COLUMN_NAMES and all(n in _COLUMN_NAMES or not n for n in names):
        return tuple(_COLUMN_NAMES.get(n, "") for n in names)
    return None


def _entry(row: list[str], columns: tuple[str, ...], name: str, line: int, prefix: str) -> Entry:
    minimum = columns.index("replacement") + 1 if "replacement" in columns else 2
    if len(row) < minimum or len(row) > len(columns):
        raise GlossaryError(
            name, line, f"expected {minimum} to {len(columns)} fields, found {len(row)}"
        )
    cells = {col: cell.strip() for col, cell in zip(columns, row) if col}
    raw = cells.get("variants", "")
    # (Absent flag columns are the common case: skip their checks.)
    pattern = "pattern" in cells and _flag(
        cells, "pattern", ("regex", "re"), ("", "literal"), name, line
    )
    if raw.startswith(PATTERN_PREFIX):
        pattern, raw = True, raw[len(PATTERN_PREFIX) :].strip()
    protect = "protect" in cells and _flag(cells, "protect", _YES, _NO, name, line)
    # A pattern is one expression: '|' is its alternation, not a variant separator.
    variants = ((raw,) if raw else ()) if pattern else _split(raw)
    replacement = cells.get("replacement", "")
    if not variants:
        raise GlossaryError(name, line, "empty pattern" if pattern else "empty variant")
    if protect and pattern:
        raise GlossaryError(name, line, "a protected term cannot be a pattern")
    if protect and not replacement:
        replacement = variants[0]
    if not replacement:
        raise GlossaryError(name, line, "empty replacement")
    for term in (*variants, replacement):
        if len(term) > MAX_TERM_LENGTH:
            raise GlossaryError(name, line, f"term longer than {MAX_TERM_LENGTH} characters")
        if (not pattern or term is replacement) and not _ALNUM.search(term):
            raise GlossaryError(name, line, f"term {term!r} has no letters or digits")
    case = cells.get("case", "").lower()
    if case not in ("", "ignore", "exact"):
        raise GlossaryError(name, line, f"case must be 'exact' or 'ignore', not {case!r}")
    if pattern:
        from .patterns import compile_pattern

        compile_pattern(variants[0], exact_case=case == "exact", where=(name, line))
    return Entry(
        variants=variants,
        replacement=replacement,
        rule=f"{prefix}:{line}",
        source=cells.get("source", ""),
        note=cells.get("note", ""),
        context=_split(cells.get("context", "")),
        exact_case=case == "exact",
        pattern=pattern,
        protect=protect,
    )


def _flag(
    cells: dict[str, str],
    column: str,
    yes: tuple[str, ...],
    no: tuple[str, ...],
    name: str,
    line: int,
) -> bool:
    value = cells.get(column, "").lower()
    if value in yes:
        return True
    if value in no:
        return False
    raise GlossaryError(name, line, f"{column} must be {yes[0]!r} or empty, not {value!r}")


def load_protected(path: str | Path) -> Glossary:
    """Load a do-not-touch list: one term per line (``#`` comments, blank lines skipped).

    Each term becomes a protected entry: no glossary entry rewrites text inside it.
    """
    p = Path(path)
    if not p.is_file():
        raise GlossaryError(p, None, "no such file" if not p.exists() else "not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise GlossaryError(p, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(p, data[: exc.start].count(b"\n") + 1, "not valid UTF-8") from None
    entries = []
    for line, raw in enumerate(text.splitlines(), 1):
        term = raw.strip()
        if not term or term.startswith("#"):
            continue
        if "\x00" in term:
            raise GlossaryError(p, line, "binary data (NUL byte); is this a text file?")
        if len(term) > MAX_TERM_LENGTH:
            raise GlossaryError(p, line, f"term longer than {MAX_TERM_LENGTH} characters")
        if not any(ch.isalnum() for ch in term):
            raise GlossaryError(p, line, f"term {term!r} has no letters or digits")
        entries.append(Entry((term,), term, f"{p}:{line}", protect=True))
    if not entries:
        raise GlossaryError(p, None, "no terms")
    return Glossary(tuple(entries), str(p))


def _split(cell: str) -> tuple[str, ...]:
    if "|" not in cell:  # the common case: one term
        cell = cell.strip()
        return (cell,) if cell else ()
    return tuple(filter(None, [part.strip() for part in cell.split("|")]))


_WRITE_COLUMNS = ("variants", "replacement", "zh", "note", "context", "case", "pattern", "protect")


def dump_glossary(glossary: Glossary, fmt: str) -> tuple[str, list[str]]:
    """``glossary`` as ``tsv``, ``csv`` or ``tbx`` text, and warnings for what the format drops.

    Raises :class:`GlossaryError` naming the entry when a term cannot be
    written in the format at all (e.g. a tab inside a TSV cell).
    """
    if fmt == "tbx":
        from .tbx import dump_tbx

        return dump_tbx(glossary)
    if fmt not in ("tsv", "csv"):
        raise GlossaryError(glossary.name or "glossary", None, f"unknown format {fmt!r}")
    buffer = io.StringIO()
    if fmt == "tsv":  # TSV cells are literal: no quoting at all
        writer = csv.writer(
            buffer, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n"
        )
    else:
        writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_WRITE_COLUMNS)
    for entry in glossary.entries:
        cells = [
            entry.variants[0] if entry.pattern else " | ".join(entry.variants),
            "" if entry.protect else entry.replacement,
            entry.source,
            entry.note,
            " | ".join(entry.context),
            "exact" if entry.exact_case else "",
            "regex" if entry.pattern else "",
            "yes" if entry.protect else "",
        ]
        terms = list(entry.context) + ([] if entry.pattern else list(entry.variants))
        for cell in [*cells, *terms]:
            if "\n" in cell or "\r" in cell or (fmt == "tsv" and "\t" in cell):
                raise GlossaryError(entry.rule, None, f"{cell!r} cannot be written as {fmt}")
        if any("|" in t for t in terms):
            raise GlossaryError(entry.rule, None, "a term containing '|' cannot be written back")
        if not entry.pattern and cells[0].startswith(PATTERN_PREFIX):
            raise GlossaryError(
                entry.rule, None, f"a variant starting with {PATTERN_PREFIX!r} cannot be written"
            )
        writer.writerow(cells)
    return buffer.getvalue(), []
