"""`mtfix segment`: show the labelled segments of a file."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer

from ..cli import SegmentFormat, _fail, _note, app
from ..errors import MtfixError


@app.command("segment")
def segment_command(
    file: Annotated[str, typer.Argument(help="File to segment; '-' reads standard input.")],
    fmt: Annotated[
        SegmentFormat, typer.Option("--format", "-f", help="table or jsonl.")
    ] = SegmentFormat.table,
    blanks: Annotated[bool, typer.Option("--blanks", help="Also list blank segments.")] = False,
    encoding: Annotated[
        Optional[str],
        typer.Option("--encoding", help="Input encoding (default: UTF-8, else detected)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr.")] = False,
) -> None:
    """Print the labelled segments of FILE with their character offsets.

    A UTF-8 file (or one in a BOM's or the given encoding) is read and
    segmented paragraph by paragraph, and segments are printed as they are
    found, so memory stays bounded by the longest paragraph, not the file.
    """
    from ..segment import segment_stream
    from ..textio import read_lines

    try:
        decoded = read_lines(file, encoding)
    except MtfixError as error:
        _fail(error)
    if decoded.note:
        _note(f"{decoded.path}: {decoded.note}", quiet)
    out = sys.stdout.buffer  # UTF-8 whatever the locale, like `mtfix fix`
    batch: list[str] = []
    for s in segment_stream(decoded.lines):
        if s.label == "blank" and not blanks:
            continue
        if fmt is SegmentFormat.jsonl:
            batch.append(json.dumps(s.to_dict(), ensure_ascii=False))
        else:
            shown = s.text.replace("\r", "\\r").replace("\n", "\\n")
            batch.append(f"{s.start:>7} {s.end:>7}  {s.label:<11} {shown}")
        if len(batch) >= 1024:  # one write per batch: printing line by line is the slow part
            out.write(_utf8(batch))
            batch = []
    if batch:
        out.write(_utf8(batch))
    out.flush()


def _utf8(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8", "backslashreplace")
