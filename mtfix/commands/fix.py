"""`mtfix fix`: repair files or standard input."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import OutputFormat, _fail, _note, app
from ..errors import MtfixError, UsageError
from . import options


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
    glossary: options.Glossaries = None,
    protect: options.Protects = None,
    pack: options.Packs = None,
    no_packs: options.NoPacks = False,
    model: options.Model = None,
    no_model: options.NoModel = False,
    backend: options.Backend = "auto",
    aggressiveness: options.Aggressiveness = options.DEFAULT_AGGRESSIVENESS,
    threads: options.Threads = 0,
    repair_all: options.RepairAll = False,
    strip_boilerplate: options.StripBoilerplate = False,
    no_unicode_fix: options.NoUnicodeFix = False,
    encoding: options.Encoding = None,
    output_encoding: options.OutputEncoding = "utf-8",
    trust_pickle: options.TrustPickle = False,
    input_format: options.InputFormat = None,
    column: options.Column = None,
    mark_edited: options.MarkEdited = False,
    quiet: options.Quiet = False,
) -> None:
    """Repair FILES and write the result to stdout or -o (a folder: as mtfix batch).

    Localisation and subtitle files (XLIFF, TMX, PO, SRT, WebVTT, Markdown, HTML,
    CSV/TSV/JSONL with --column) are recognised by extension or --input-format:
    only their English target text is repaired, and --format jsonl reports the
    edits per unit (trans-unit id, cue number, row).
    """
    if len(files) == 1 and files[0] != "-" and Path(files[0]).is_dir():
        # `mtfix fix DIR -o DIR` is `mtfix batch DIR -o DIR`, with batch's other defaults.
        if output is None:
            _fail(UsageError(f"{files[0]}: a folder needs -o OUTPUT_FOLDER (see mtfix batch)"))
        from .batch import batch

        batch(
            Path(files[0]), output, fmt=fmt, glossary=glossary, protect=protect, pack=pack,
            no_packs=no_packs, model=model, no_model=no_model, backend=backend,
            aggressiveness=aggressiveness, threads=threads, repair_all=repair_all,
            trust_pickle=trust_pickle,
            strip_boilerplate=strip_boilerplate, no_unicode_fix=no_unicode_fix,
            encoding=encoding, output_encoding=output_encoding, input_format=input_format,
            column=column, mark_edited=mark_edited, quiet=quiet,
        )  # fmt: skip
    from ..formats import detect_format
    from ..pipeline import Repairer
    from ..textio import Decoded, atomic_write, check_encoding, encode, read_text
    from ..writers import render

    config = options.repair_config(
        glossary=glossary,
        protect=protect,
        pack=pack,
        no_packs=no_packs,
        model=model,
        no_model=no_model,
        backend=backend,
        aggressiveness=aggressiveness,
        threads=threads,
        repair_all=repair_all,
        trust_pickle=trust_pickle,
        strip_boilerplate=strip_boilerplate,
        no_unicode_fix=no_unicode_fix,
    )
    try:
        targets = _output_paths(files, output)
        check_encoding(output_encoding)
        fmt_in = input_format.value if input_format else None
        kinds = [detect_format(f, fmt_in) for f in files]
        inputs = [
            read_text(f, encoding) if kind == "text" else _read_bytes(f)
            for f, kind in zip(files, kinds)
        ]
        repairer = Repairer(config)
        for note in repairer.notes:
            _note(f"note: {note}", quiet)
        rendered = []
        for name, kind, decoded in zip(files, kinds, inputs):
            if not isinstance(decoded, Decoded):
                rendered.append(
                    _fix_structured(
                        name,
                        kind,
                        decoded,
                        repairer,
                        fmt.value,
                        column,
                        mark_edited,
                        encoding,
                        quiet,
                    )
                )
                continue
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
        if targets is None:
            for data in rendered:
                sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            for target, data in zip(targets, rendered):
                atomic_write(target, data)
    except MtfixError as error:
        _fail(error)


def _read_bytes(name: str) -> bytes:
    """The raw bytes of a structured file (or standard input), as InputError when unreadable."""
    from ..errors import InputError

    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    if not path.exists():
        raise InputError(name, "no such file")
    if path.is_dir():
        raise InputError(name, "is a directory (give files, or use a folder command)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, exc.strerror or str(exc)) from None
    if not data.strip():
        raise InputError(name, "file is empty")
    return data


def _fix_structured(
    name: str,
    kind: str,
    data: bytes,
    repairer: object,
    out_format: str,
    column: str | None,
    mark_edited: bool,
    encoding: str | None,
    quiet: bool,
) -> bytes:
    """Repair the target side of one structured file; the bytes to write."""
    from ..formats import render, repair_file

    shown = "<stdin>" if name == "-" else name
    result = repair_file(
        data,
        kind,
        repairer,
        path=shown,
        column=column,
        mark_edited=mark_edited,
        encoding=encoding,
    )
    for note in result.notes:
        _note(f"{shown}: {note}", quiet)
    s = result.stats
    kept = ""
    if s["units_with_edits_left_out"]:
        kept = (
            f", edits left out in {s['units_with_edits_left_out']} units to keep their tags "
            "and line breaks"
        )
    _note(
        f"{shown} ({kind}): {s['changed_units']} of {s['units']} units repaired, "
        f"{s['glossary_edits']} glossary edits, {s['model_edits']} model edits{kept}",
        quiet,
    )
    return render(result, out_format, shown, data)


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
    from ..textio import refuse_overwriting

    for f, target in zip(files, paths):
        refuse_overwriting(target, f)
        if target.is_dir():  # found now, before any output is written
            raise UsageError(f"{target}: is a folder; cannot write the output there")
    if len(set(paths)) != len(paths):
        raise UsageError(
            f"{output}: several inputs have the same name and would overwrite each other"
        )
    return paths
