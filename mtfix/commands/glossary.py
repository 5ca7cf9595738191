"""`mtfix glossary ...`: inspect glossaries and the built-in packs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import _fail, glossary_app
from ..errors import MtfixError, UsageError


@glossary_app.command("list")
def glossary_list() -> None:
    """List the built-in glossary packs and their sizes."""
    from ..glossary import DEFAULT_PACKS, available_packs, load_pack

    try:
        for name in available_packs():
            pack = load_pack(name)
            variants = sum(len(e.variants) for e in pack.entries)
            default = "  (default)" if name in DEFAULT_PACKS else ""
            typer.echo(f"{name:<20} {len(pack):>5} entries {variants:>6} variants{default}")
    except MtfixError as error:
        _fail(error)


@glossary_app.command("check")
def glossary_check(
    files: Annotated[
        Optional[list[Path]], typer.Argument(help="Glossary files (TSV, CSV, TBX).")
    ] = None,
    pack: Annotated[
        Optional[list[str]], typer.Option("--pack", help="Also check a built-in pack; repeatable.")
    ] = None,
) -> None:
    """Lint glossaries: conflicts, cycles, duplicates, shadowing, stray whitespace.

    Prints one line per finding (FILE:LINE: error|warning: ...). Exits 1 when
    there are errors, 0 when there are only warnings or nothing.
    """
    from ..glossary.lint import lint

    if not files and not pack:
        _fail(UsageError("give at least one glossary FILE or --pack NAME"))
    findings = lint(list(files or ()), list(pack or ()))
    for finding in findings:
        typer.echo(str(finding))
    errors = sum(1 for f in findings if f.level == "error")
    warnings = len(findings) - errors
    typer.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        raise typer.Exit(1)


@glossary_app.command("convert")
def glossary_convert(
    source: Annotated[Path, typer.Argument(help="Glossary to read (TSV, CSV, TBX).")],
    target: Annotated[Path, typer.Argument(help="File to write; its suffix picks the format.")],
    to: Annotated[
        Optional[str], typer.Option("--to", help="Output format: tsv, csv or tbx.")
    ] = None,
) -> None:
    """Convert a glossary between TSV, CSV and TBX-Basic (written atomically)."""
    from ..glossary import load_glossary
    from ..glossary.formats import dump_glossary
    from ..textio import atomic_write, refuse_overwriting

    fmt = (to or target.suffix.lstrip(".") or "").lower()
    if fmt == "txt":
        fmt = "tsv"
    if fmt not in ("tsv", "csv", "tbx"):
        _fail(UsageError(f"cannot tell the output format of {target}: use --to tsv|csv|tbx"))
    try:
        # Converting drops what only the source format holds (comments): never in place.
        refuse_overwriting(target, source, what="converted glossary")
        text, warnings = dump_glossary(load_glossary(source), fmt)
        atomic_write(target, text.encode("utf-8"))
    except MtfixError as error:
        _fail(error)
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
