"""`mtfix segment`: show the labelled segments of a file."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from ..cli import SegmentFormat, _fail, app
from ..errors import MtfixError


@app.command("segment")
def segment_command(
    file: Annotated[str, typer.Argument(help="File to segment; '-' reads standard input.")],
    fmt: Annotated[
        SegmentFormat, typer.Option("--format", "-f", help="table or jsonl.")
    ] = SegmentFormat.table,
    blanks: Annotated[bool, typer.Option("--blanks", help="Also list blank segments.")] = False,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Input encoding.")] = None,
) -> None:
    """Print the labelled segments of FILE with their character offsets."""
    from ..segment import segment
    from ..textio import read_text

    try:
        decoded = read_text(file, encoding)
    except MtfixError as error:
        _fail(error)
    for s in segment(decoded.text):
        if s.label == "blank" and not blanks:
            continue
        if fmt is SegmentFormat.jsonl:
            typer.echo(json.dumps(s.to_dict(), ensure_ascii=False))
        else:
            shown = s.text.replace("\r", "\\r").replace("\n", "\\n")
            typer.echo(f"{s.start:>7} {s.end:>7}  {s.label:<11} {shown}")
