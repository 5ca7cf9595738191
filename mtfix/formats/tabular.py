"""CSV, TSV and JSON lines: one named column (``--column``) is the target.

CSV/TSV: the first row names the columns; a small RFC 4180 scanner finds the
exact characters of each field, so a repaired field is re-quoted only when it
has to be (it was quoted, or now holds a delimiter, quote or line break) and
every other byte stays. In TSV a quote is an ordinary character unless it opens a
field that is quoted whole (``"a ""b"" c"`` as spreadsheets write it): MT data
such as ``1<TAB>"Hello" he said`` is read as it stands and written back unquoted.
Units are named ``row N`` as a spreadsheet numbers rows (the header is row 1). A
column called ``source`` or ``src`` is the source.

JSON lines: each line is one JSON object; the named top-level string field is
the target, re-encoded in the same style (``\\uXXXX`` escapes kept if the
original used them). Units are named ``line N``. A line that is not a JSON
object is an error naming the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..errors import InputError, UsageError
from ..segment import iter_lines
from .base import Piece, Unit

SOURCE_COLUMNS = ("source", "src")


def scan_rows(text: str, delimiter: str, path: str) -> list[list[tuple[int, int, str, bool]]]:
    """Rows of fields: (start, end, value, quoted), ``text[start:end]`` the raw field."""
    rows: list[list[tuple[int, int, str, bool]]] = []
    row: list[tuple[int, int, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        start = i
        if text[i] == '"' and (delimiter != "\t" or _quoted_whole(text, i, delimiter)):
            i += 1
            value = []
            while True:
                if i >= n:
                    line = text.count("\n", 0, start) + 1
                    raise InputError(f"{path}:{line}", "unterminated quoted field")
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        value.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                value.append(text[i])
                i += 1
            row.append((start, i, "".join(value), True))
        else:
            while i < n and text[i] not in (delimiter, "\n", "\r"):
                i += 1
            row.append((start, i, text[start:i], False))
        if i < n and text[i] == delimiter:
            i += 1
            if i == n:
                row.append((i, i, "", False))
            continue
        if i < n and text[i] not in "\r\n":
            line = text.count("\n", 0, i) + 1
            raise InputError(f"{path}:{line}", "characters after a closing quote")
        if text.startswith("\r\n", i):
            i += 2
        elif i < n:
            i += 1
        rows.append(row)
        row = []
    if row:
        rows.append(row)
    return rows


def _quoted_whole(text: str, i: int, delimiter: str) -> bool:
    """Whether the quote at ``text[i]`` opens a field quoted whole: its closing quote is
    followed by the delimiter, a line break or the end."""
    j = i + 1
    while (j := text.find('"', j)) != -1:
        if text.startswith('""', j):
            j += 2
            continue
        return j + 1 == len(text) or text[j + 1] in (delimiter, "\n", "\r")
    return False


def _quoter(delimiter: str, quoted: bool) -> Callable[[str], str]:
    # In TSV a quote inside a field needs no quoting ("Hello" he said); in CSV it does.
    special = (delimiter, "\n", "\r") if delimiter == "\t" else (delimiter, '"', "\n", "\r")

    def encode(value: str) -> str:
        if quoted or any(c in value for c in special):
            return '"' + value.replace('"', '""') + '"'
        return value

    return encode


def table_units(
    text: str, path: str, column: str | None, delimiter: str
) -> tuple[list[Unit], list[str]]:
    rows = scan_rows(text, delimiter, path)
    if not rows:
        return [], []
    header = [f[2].strip().lstrip("\ufeff") for f in rows[0]]
    if column is None:
        raise UsageError(
            f"{path}: name the column to repair with --column (columns: {', '.join(header)})"
        )
    if column in header:
        index = header.index(column)
    elif column.isdigit() and 1 <= int(column) <= len(header):
        index = int(column) - 1
    else:
        raise UsageError(f"{path}: no column {column!r} (columns: {', '.join(header)})")
    src = next((header.index(c) for c in SOURCE_COLUMNS if c in header), None)
    units: list[Unit] = []
    for number, row in enumerate(rows[1:], 2):
        if index >= len(row):
            continue  # a short row has no such field
        start, end, value, quoted = row[index]
        piece = Piece(start, end, value, False, _quoter(delimiter, quoted))
        source = row[src][2] if src is not None and src < len(row) else None
        units.append(Unit(f"row {number}", (piece,), source, text.count("\n", 0, start) + 1))
    return units, []


def jsonl_units(text: str, path: str, column: str | None) -> tuple[list[Unit], list[str]]:
    if column is None:
        raise UsageError(f"{path}: name the field to repair with --column")
    decoder = json.JSONDecoder()
    units: list[Unit] = []
    pos = 0
    for number, line in enumerate(iter_lines(text), 1):
        start, pos = pos, pos + len(line)
        if not line.strip():
            continue
        span = _field_span(line, column, decoder)
        if span is None:
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}", f"not valid JSON: {exc.msg}") from None
            if not isinstance(value, dict):
                raise InputError(f"{path}:{number}", "not a JSON object")
            continue  # no such field, or not a string
        a, b, value, ascii_only = span
        piece = Piece(
            start + a,
            start + b,
            value,
            False,
            _json_string(ascii_only),
        )
        source = None
        try:
            record = json.loads(line)
            source = next(
                (record[c] for c in SOURCE_COLUMNS if isinstance(record.get(c), str)), None
            )
        except ValueError:
            pass
        units.append(Unit(f"line {number}", (piece,), source, number))
    if not units and text.strip():  # as CSV's "no column": a misspelt --column says so
        raise UsageError(f"{path}: no line has a string field {column!r}")
    return units, []


def _json_string(ascii_only: bool) -> Callable[[str], str]:
    def encode(value: str) -> str:
        return json.dumps(value, ensure_ascii=ascii_only)

    return encode


def _field_span(
    line: str, key: str, decoder: json.JSONDecoder
) -> tuple[int, int, str, bool] | None:
    """Where the top-level string value of ``key`` is in ``line`` (raw span), if any; of
    a key given twice, the last (the value JSON readers keep)."""
    found = None
    i = _skip(line, 0)
    if i >= len(line) or line[i] != "{":
        return None
    i = _skip(line, i + 1)
    try:
        while i < len(line) and line[i] != "}":
            name, i = decoder.raw_decode(line, i)
            i = _skip(line, i)
            if line[i] != ":":
                return None
            i = _skip(line, i + 1)
            value, end = decoder.raw_decode(line, i)
            if name == key:
                raw = line[i:end]
                found = (i, end, value, "\\u" in raw or raw.isascii() and not value.isascii())
            i = _skip(line, end)
            if line[i] == ",":
                i = _skip(line, i + 1)
    except (ValueError, IndexError):
        return None
    return found if found is not None and isinstance(found[2], str) else None


def _skip(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t\r\n":
        i += 1
    return i
