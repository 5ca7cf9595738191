"""`mtfix fix`: repair files or standard input."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import OutputFormat, _fail, _note, app
from ..config import RepairConfig
from ..errors import MtfixError, UsageError
from ..records import REPAIRABLE


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
    strip_boilerplate: Annotated[
        bool,
        typer.Option(
            "--strip-boilerplate",
            help="Leave boilerplate and metadata lines (menus, bylines, contact lines) out of "
            "the output, with the blank lines around them. Lossy on purpose.",
        ),
    ] = False,
    no_unicode_fix: Annotated[
        bool,
        typer.Option("--no-unicode-fix", help="Do not repair mojibake (Ã©, â€™) with ftfy."),
    ] = False,
    encoding: Annotated[
        Optional[str],
        typer.Option(
            "--encoding",
            help="Input encoding. Default: UTF-8 (BOM honoured), else detected "
            "(GB18030, Big5, cp1252, Latin-1).",
        ),
    ] = None,
    output_encoding: Annotated[
        str, typer.Option("--output-encoding", help="Encoding of text output.")
    ] = "utf-8",
    trust_pickle: Annotated[
        bool, typer.Option("--trust-pickle", help="Allow pickled model weights (can run code).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr.")] = False,
) -> None:
    """Repair FILES and write the result to stdout or -o."""
    from ..pipeline import Repairer
    from ..textio import atomic_write, check_encoding, encode, read_text
    from ..writers import render

    config = RepairConfig(
        glossaries=tuple(str(g) for g in glossary or ()),
        model=str(model) if model else None,
        use_model=not no_model,
        backend=backend,
        labels=frozenset(("content", "heading", "boilerplate", "metadata"))
        if repair_all
        else REPAIRABLE,
        trust_pickle=trust_pickle,
        unicode_fix=not no_unicode_fix,
        strip_boilerplate=strip_boilerplate,
    )
    if no_packs:
        config = replace(config, packs=())
    elif pack:
        config = replace(config, packs=tuple(pack))
    try:
        targets = _output_paths(files, output)
        check_encoding(output_encoding)
        inputs = [read_text(f, encoding) for f in files]
        repairer = Repairer(config)
        for note in repairer.notes:
            _note(f"note: {note}", quiet)
        rendered = []
        for decoded in inputs:
            if decoded.note:
                _note(f"{decoded.path}: {decoded.note}", quiet)
            result = repairer.repair(decoded.text)
            text = render(result, fmt.value, decoded.path)
            if fmt is OutputFormat.text:
                rendered.append(encode(text, decoded, output_encoding))
            else:
                rendered.append(encode(text))  # JSON lines and diffs are always UTF-8
            s = result.stats
            extra = f"{s['unicode_edits']} mojibake repairs, " if s["unicode_edits"] else ""
            if s["stripped_segments"]:
                extra += f"{s['stripped_segments']} boilerplate/metadata segments left out, "
            _note(
                f"{decoded.path}: {extra}{s['glossary_edits']} glossary edits, {s['model_edits']} "
                f"model edits ({s['model_rejected']} rewrites rejected by the guard)",
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
