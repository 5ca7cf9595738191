"""The command line: flags become a RepairConfig, results become output.

Every user-facing failure is an MtfixError, printed as one line on stderr with
a non-zero exit code; nothing is written when anything fails.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from . import __version__
from .config import RepairConfig
from .errors import MtfixError, UsageError
from .records import REPAIRABLE

app = typer.Typer(
    name="mtfix",
    help="Repair badly machine-translated English, and prove the repair with numbers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
glossary_app = typer.Typer(help="Inspect glossaries and the built-in packs.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")


class OutputFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"
    diff = "diff"


class SegmentFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


class ScoreFormat(str, Enum):
    table = "table"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtfix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Repair badly machine-translated English, and prove the repair with numbers."""


def _fail(error: MtfixError) -> NoReturn:
    typer.echo(f"mtfix: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


def _note(message: str, quiet: bool) -> None:
    if not quiet:
        typer.echo(f"mtfix: {message}", err=True)


@app.command()
def fix(
    files: Annotated[list[str], typer.Argument(help="Files to repair; '-' reads standard input.")],
    output: Annotated[
        Optional[Path],
        typer.Option("-o", "--output", help="Write here (a folder when several files are given)."),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text, jsonl (segments + edits) or diff.")
    ] = OutputFormat.text,
    glossary: Annotated[
        Optional[list[Path]],
        typer.Option("--glossary", "-g", help="A glossary file (TSV/CSV); repeatable."),
    ] = None,
    pack: Annotated[
        Optional[list[str]],
        typer.Option("--pack", help="Built-in pack to use instead of the default; repeatable."),
    ] = None,
    no_packs: Annotated[bool, typer.Option("--no-packs", help="Use no built-in pack.")] = False,
    model: Annotated[
        Optional[Path], typer.Option("--model", "-m", help="Local seq2seq model directory.")
    ] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Glossary only: skip the rewrite model.")
    ] = False,
    backend: Annotated[
        str, typer.Option("--backend", help="Rewrite backend: transformers, identity, ...")
    ] = "transformers",
    repair_all: Annotated[
        bool, typer.Option("--repair-all", help="Also repair boilerplate and metadata lines.")
    ] = False,
    encoding: Annotated[
        Optional[str], typer.Option("--encoding", help="Input encoding (default UTF-8).")
    ] = None,
    trust_pickle: Annotated[
        bool, typer.Option("--trust-pickle", help="Allow pickled model weights (can run code).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr.")] = False,
) -> None:
    """Repair FILES and write the result to stdout or -o."""
    from .pipeline import Repairer
    from .textio import atomic_write, encode, read_text
    from .writers import render

    config = RepairConfig(
        glossaries=tuple(str(g) for g in glossary or ()),
        model=str(model) if model else None,
        use_model=not no_model,
        backend=backend,
        labels=frozenset(("content", "heading", "boilerplate", "metadata"))
        if repair_all
        else REPAIRABLE,
        trust_pickle=trust_pickle,
    )
    if no_packs:
        config = replace(config, packs=())
    elif pack:
        config = replace(config, packs=tuple(pack))
    try:
        targets = _output_paths(files, output)
        inputs = [read_text(f, encoding) for f in files]
        repairer = Repairer(config)
        for note in repairer.notes:
            _note(f"note: {note}", quiet)
        rendered = []
        for decoded in inputs:
            result = repairer.repair(decoded.text)
            text = render(result, fmt.value, decoded.path)
            rendered.append(encode(text, decoded if fmt is OutputFormat.text else None))
            s = result.stats
            _note(
                f"{decoded.path}: {s['glossary_edits']} glossary edits, {s['model_edits']} model "
                f"edits ({s['model_rejected']} rewrites rejected by the guard)",
                quiet,
            )
    except MtfixError as error:
        _fail(error)
    if targets is None:
        for data in rendered:
            sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        for target, data in zip(targets, rendered):
            atomic_write(target, data)


def _output_paths(files: list[str], output: Path | None) -> list[Path] | None:
    """Where each input's result goes, or ``None`` for stdout."""
    if output is None:
        return None
    several = len(files) > 1
    if several and not output.is_dir():
        raise UsageError(f"{output}: with several input files, -o must be an existing folder")
    if "-" in files and several:
        raise UsageError("'-' (standard input) cannot be combined with other files and -o")
    paths = [output / Path(f).name for f in files] if several or output.is_dir() else [output]
    if output.is_dir() and not several and files[0] == "-":
        raise UsageError(f"{output}: is a folder; give a file name for standard input")
    for f, target in zip(files, paths):
        if f != "-" and target.exists() and target.resolve() == Path(f).resolve():
            raise UsageError(f"{target}: output would overwrite the input file")
    return paths


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
    from .segment import segment
    from .textio import read_text

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


@app.command()
def score(
    hypothesis: Annotated[Path, typer.Argument(help="System output, one segment per line.")],
    references: Annotated[list[Path], typer.Argument(help="Reference file(s), line-aligned.")],
    metrics: Annotated[
        str, typer.Option("--metrics", help="Comma-separated: bleu,chrf,ter.")
    ] = "bleu,chrf,ter",
    tokenize: Annotated[
        Optional[str], typer.Option("--tokenize", help="BLEU tokenizer (13a, zh, intl, ...).")
    ] = None,
    lowercase: Annotated[bool, typer.Option("--lowercase", help="Case-insensitive.")] = False,
    fmt: Annotated[ScoreFormat, typer.Option("--format", "-f", help="table or json.")] = (
        ScoreFormat.table
    ),
) -> None:
    """Score HYPOTHESIS against REFERENCES with BLEU, chrF++ and TER (sacrebleu)."""
    from .scoring import METRICS
    from .scoring import score as score_lines
    from .textio import read_text

    names = [m.strip().lower() for m in metrics.split(",") if m.strip()]
    try:
        unknown = [m for m in names if m not in METRICS]
        if unknown or not names:
            raise UsageError(f"unknown metric(s) {', '.join(unknown)}; choose from bleu, chrf, ter")
        hyp = read_text(hypothesis).text.splitlines()
        refs = [read_text(r).text.splitlines() for r in references]
        for path, ref in zip(references, refs):
            if len(ref) != len(hyp):
                raise UsageError(
                    f"{path}: {len(ref)} lines, but {hypothesis} has {len(hyp)}: files must be line-aligned"
                )
        report = score_lines(hyp, refs, metrics=names, tokenize=tokenize, lowercase=lowercase)
    except MtfixError as error:
        _fail(error)
    if fmt is ScoreFormat.json:
        payload = {
            "segments": report.segments,
            "scores": [{"metric": s.name, "score": round(s.score, 4), "signature": s.signature}
                       for s in report.scores],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    for s in report.scores:
        typer.echo(f"{s.name:<8} {s.score:7.2f}   {s.signature}")


@glossary_app.command("list")
def glossary_list() -> None:
    """List the built-in glossary packs and their sizes."""
    from .glossary import DEFAULT_PACKS, available_packs, load_pack

    try:
        for name in available_packs():
            pack = load_pack(name)
            variants = sum(len(e.variants) for e in pack.entries)
            default = "  (default)" if name in DEFAULT_PACKS else ""
            typer.echo(f"{name:<20} {len(pack):>5} entries {variants:>6} variants{default}")
    except MtfixError as error:
        _fail(error)


def main() -> None:
    app(prog_name="mtfix")
