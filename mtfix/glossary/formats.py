"""Reading glossary files: TSV and CSV, one entry per row.

Without a header a row is ``variants<TAB>replacement[<TAB>note]``. A header
row naming its columns (``variants``, ``replacement``, ``zh``/``source``,
``note``, ``context``, ``case``) is recognised and lets columns come in any
order. Several variants (or context terms) in one cell are separated by ``|``.
Lines starting with ``#`` and empty lines are skipped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import GlossaryError
from .entries import Entry, Glossary

MAX_TERM_LENGTH = 1000

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
}
_DEFAULT_COLUMNS = ("variants", "replacement", "note")


def load_glossary(path: str | Path, *, rule_prefix: str | None = None) -> Glossary:
    """Load a TSV (``.tsv``, ``.txt``) or CSV (``.csv``) glossary file.

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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(p, line, "not valid UTF-8") from None
    delimiter = "," if p.suffix.lower() == ".csv" else "\t"
    return parse_glossary(text, str(p), delimiter=delimiter, rule_prefix=rule_prefix)


def parse_glossary(
    text: str, name: str, *, delimiter: str = "\t", rule_prefix: str | None = None
) -> Glossary:
    """Parse glossary ``text``; ``name`` is used in rule ids and error messages."""
    prefix = rule_prefix if rule_prefix is not None else name
    entries: list[Entry] = []
    columns: tuple[str, ...] | None = None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quoting=_quoting(delimiter))
    for row in reader:
        line = reader.line_num
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if columns is None:
            header = _header(row)
            if header is not None:
                columns = header
                continue
            columns = _DEFAULT_COLUMNS
        entries.append(_entry(row, columns, name, line, prefix))
    if not entries:
        raise GlossaryError(name, None, "no entries")
    return Glossary(tuple(entries), name)


def _quoting(delimiter: str) -> int:
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
    variants = _split(cells.get("variants", ""))
    replacement = cells.get("replacement", "")
    if not variants:
        raise GlossaryError(name, line, "empty variant")
    if not replacement:
        raise GlossaryError(name, line, "empty replacement")
    for term in (*variants, replacement):
        if len(term) > MAX_TERM_LENGTH:
            raise GlossaryError(name, line, f"term longer than {MAX_TERM_LENGTH} characters")
        if not any(ch.isalnum() for ch in term):
            raise GlossaryError(name, line, f"term {term!r} has no letters or digits")
    case = cells.get("case", "").lower()
    if case not in ("", "ignore", "exact"):
        raise GlossaryError(name, line, f"case must be 'exact' or 'ignore', not {case!r}")
    return Entry(
        variants=variants,
        replacement=replacement,
        rule=f"{prefix}:{line}",
        source=cells.get("source", ""),
        note=cells.get("note", ""),
        context=_split(cells.get("context", "")),
        exact_case=case == "exact",
    )


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())
