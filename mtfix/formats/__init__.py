"""Repair the English target side of localisation and subtitle files, nothing else.

``repair_file(data, fmt, repairer)`` takes a file's bytes and returns the
repaired bytes with a report per unit (XLIFF trans-unit, TMX unit, PO entry,
subtitle cue, Markdown/HTML block, CSV row, JSON line). Guarantees:

- only target text changes; markup, source text, ids, timings, code, URLs,
  attributes and every other byte are copied from the input;
- a file with nothing to repair comes back as the very same bytes;
- inline tags are placeholders during the repair and come back in the same
  order (a unit whose repair would lose one is left unchanged);
- the output is re-read before it is returned: the same units, with the same
  ids and the same tags each, or an error instead of output;
- XML is parsed with entities refused (no external entities, no expansion
  bombs); malformed input is an :class:`InputError` naming file and line.

Formats: see :data:`FORMATS`; :func:`detect_format` maps file extensions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError, MtfixError
from .base import FormatResult, Piece, Unit, UnitReport

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "FormatResult",
    "Piece",
    "Unit",
    "UnitReport",
    "default_globs",
    "detect_format",
    "extract",
    "render",
    "repair_file",
]

#: Input formats; ``text`` is the plain-text pipeline (not handled here).
FORMATS = ("text", "xliff", "tmx", "po", "srt", "vtt", "md", "html", "csv", "tsv", "jsonl")
XML_FORMATS = frozenset({"xliff", "tmx"})
#: File extension -> format. Anything else is plain text.
EXTENSIONS = {
    ".txt": "text",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".sdlxliff": "xliff",
    ".mqxliff": "xliff",
    ".tmx": "tmx",
    ".po": "po",
    ".pot": "po",
    ".srt": "srt",
    ".vtt": "vtt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


#: What ``mtfix batch`` takes from a folder when no --include is given: plain text and
#: the files whose format needs no further option (tables need --column).
BATCH_DEFAULT_FORMATS = ("text", "xliff", "tmx", "po", "srt", "vtt", "md", "html")


def default_globs(input_format: str | None, column: str | None) -> tuple[str, ...]:
    """The default ``--include`` globs of ``mtfix batch``.

    With ``--input-format F``: the extensions of F (``*.txt`` for text). Without:
    ``*.txt`` plus every XLIFF, TMX, PO, SRT, WebVTT, Markdown and HTML extension,
    and the CSV/TSV/JSONL ones too when ``--column`` is given.
    """
    if input_format:
        wanted: tuple[str, ...] = (input_format,)
    else:
        wanted = BATCH_DEFAULT_FORMATS + (("csv", "tsv", "jsonl") if column else ())
    return tuple(f"*{ext}" for ext, fmt in EXTENSIONS.items() if fmt in wanted)


def detect_format(path: str | Path, explicit: str | None = None) -> str:
    """``explicit`` if given, else the format of ``path``'s extension, else ``text``."""
    if explicit:
        if explicit not in FORMATS:
            raise InputError(
                str(path), f"unknown input format {explicit!r} (one of {', '.join(FORMATS)})"
            )
        return explicit
    return EXTENSIONS.get(Path(str(path)).suffix.lower(), "text")


def extract(
    text: str, fmt: str, path: str = "<input>", column: str | None = None
) -> tuple[list[Unit], list[str]]:
    """The units of a decoded file (and notes such as "target language zh: not repaired")."""
    from . import markup, po, subtitles, tabular, xml

    extractors: dict[str, Callable[[], tuple[list[Unit], list[str]]]] = {
        "xliff": lambda: xml.xliff_units(text),
        "tmx": lambda: xml.tmx_units(text),
        "po": lambda: po.po_units(text, path),
        "srt": lambda: subtitles.srt_units(text, path),
        "vtt": lambda: subtitles.vtt_units(text, path),
        "md": lambda: markup.markdown_units(text, path),
        "html": lambda: markup.html_units(text, path),
        "csv": lambda: tabular.table_units(text, path, column, ","),
        "tsv": lambda: tabular.table_units(text, path, column, "\t"),
        "jsonl": lambda: tabular.jsonl_units(text, path, column),
    }
    if fmt not in extractors:
        raise InputError(path, f"unknown input format {fmt!r} (one of {', '.join(FORMATS[1:])})")
    return extractors[fmt]()


def repair_file(
    data: bytes,
    fmt: str,
    repairer: Any,
    *,
    path: str = "<input>",
    column: str | None = None,
    mark_edited: bool = False,
    encoding: str | None = None,
) -> FormatResult:
    """Repair the target text of ``data`` (a whole file in format ``fmt``).

    The output keeps the input's encoding (and byte-order mark). ``repairer``
    is a :class:`mtfix.pipeline.Repairer`; its ``--strip-boilerplate`` setting
    does not apply here (units are never dropped).
    """
    from ..textio import decode, encode
    from . import xml
    from .engine import repair_units

    if fmt in XML_FORMATS:
        xml.parse_safely(data, path)
        encoding = encoding or _declared_encoding(data)
    decoded = decode(data, path, encoding)
    if "+" in decoded.encoding:
        raise InputError(path, f"mixed encodings ({decoded.encoding}): pass --encoding")
    units, notes = extract(decoded.text, fmt, path, column)
    text, reports = repair_units(units, repairer, decoded.text, mark_edited=mark_edited)
    if text == decoded.text:
        output = data
    else:
        output = encode(text, decoded, decoded.encoding)
        _verify(output, text, units, fmt, path, column)
    changed = [r for r in reports if r.changed]
    edits = [e for r in reports for e in r.edits]
    stats = {
        "units": len(reports),
        "changed_units": len(changed),
        "glossary_edits": sum(1 for e in edits if e.stage == "glossary"),
        "model_edits": sum(1 for e in edits if e.stage == "model"),
        "unicode_edits": sum(1 for e in edits if e.stage == "unicode"),
        "units_with_edits_left_out": sum(1 for r in reports if r.note),
    }
    return FormatResult(output, reports, fmt, list(notes), stats, decoded.encoding)


def _declared_encoding(data: bytes) -> str | None:
    import re

    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None  # the byte-order mark says it
    m = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", data)
    return m.group(1).decode("ascii") if m else None


def _verify(
    output: bytes, text: str, before: list[Unit], fmt: str, path: str, column: str | None
) -> None:
    """The output must read back as the same units with the same tags: or no output."""
    from . import xml

    try:
        if fmt in XML_FORMATS:
            xml.parse_safely(output, path)
        after, _ = extract(text, fmt, path, column)
    except MtfixError as exc:
        raise MtfixError(
            f"{path}: repaired output does not parse again ({exc}); nothing written"
        ) from None
    if [u.id for u in after] != [u.id for u in before] or any(
        a.tags != b.tags for a, b in zip(after, before)
    ):
        raise MtfixError(f"{path}: repaired output changed units or tags; nothing written")


def render(result: FormatResult, fmt: str, name: str, source: bytes) -> bytes:
    """``text`` (the repaired file), ``jsonl`` (one record per unit) or ``diff``."""
    if fmt == "text":
        return result.output
    if fmt == "jsonl":
        lines = [
            json.dumps({"file": name, "format": result.fmt, **u.to_dict()}, ensure_ascii=False)
            for u in result.units
        ]
        return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
    if fmt == "diff":
        from ..writers import unified_diff

        old = source.decode(result.encoding, errors="replace")
        new = result.output.decode(result.encoding, errors="replace")
        return unified_diff(old, new, name).encode("utf-8")
    raise ValueError(f"unknown output format {fmt!r}")
