"""`mtfix batch`: repair a whole folder, in parallel, resumably."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import OutputFormat, _fail, _note, app
from ..errors import MtfixError
from . import options


@app.command()
def batch(
    source: Annotated[Path, typer.Argument(help="Folder of files to repair.")],
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Folder to mirror the results into.")
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text, jsonl or diff, per file.")
    ] = OutputFormat.text,
    include: Annotated[
        Optional[list[str]],
        typer.Option(
            "--include",
            help="Glob of files to take (repeatable). Default: *.txt and the XLIFF, TMX, PO, "
            "SRT, WebVTT, Markdown and HTML extensions (plus .csv/.tsv/.jsonl with --column); "
            "with --input-format, that format's extensions.",
        ),
    ] = None,
    exclude: Annotated[
        Optional[list[str]], typer.Option("--exclude", help="Glob of files to skip (repeatable).")
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=0, help="Worker processes (default: one per core)."),
    ] = 0,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Rewrite the input files (needs --backup-suffix).")
    ] = False,
    backup_suffix: Annotated[
        str, typer.Option("--backup-suffix", help="Keep each original as NAME+SUFFIX.")
    ] = "",
    force: Annotated[bool, typer.Option("--force", help="Redo files already up to date.")] = False,
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
    trust_pickle: options.TrustPickle = False,
    strip_boilerplate: options.StripBoilerplate = False,
    no_unicode_fix: options.NoUnicodeFix = False,
    encoding: options.Encoding = None,
    output_encoding: options.OutputEncoding = "utf-8",
    input_format: options.InputFormat = None,
    column: options.Column = None,
    mark_edited: options.MarkEdited = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Repair every matching file under SOURCE into -o, mirroring the tree.

    Re-running skips files that are up to date (same input, same settings);
    one bad file never stops the run. Exit code 0 when all succeeded, 1 when
    some failed (see .mtfix-errors.jsonl in the output folder), 2 for usage errors.
    Mixed folders work: each file's format comes from its extension (or
    --input-format for all), and only the English target text of XLIFF, TMX, PO,
    subtitle, Markdown, HTML and table files is repaired.
    """
    from ..batch import BatchOptions, run_batch
    from ..config import default_model_dir
    from ..formats import default_globs
    from ..pipeline import NO_MODEL_NOTE
    from ..textio import check_encoding

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
    fmt_in = input_format.value if input_format else None
    batch_options = BatchOptions(
        fmt=fmt.value,
        include=tuple(include or default_globs(fmt_in, column)),
        exclude=tuple(exclude or ()),
        jobs=jobs or os.cpu_count() or 1,
        in_place=in_place,
        backup_suffix=backup_suffix,
        encoding=encoding,
        output_encoding=output_encoding,
        force=force,
        input_format=fmt_in,
        column=column,
        mark_edited=mark_edited,
    )
    if (
        config.use_model
        and backend in ("auto", "transformers")
        and not model
        and not default_model_dir()
    ):
        _note(f"note: {NO_MODEL_NOTE}", quiet)
    show = not quiet and sys.stderr.isatty()

    def progress(done: int, total: int, sentences: int, seconds: float) -> None:
        if not show:
            return
        rate = sentences / seconds if seconds else 0.0
        eta = (total - done) * seconds / done if done else 0.0
        sys.stderr.write(f"\r{done}/{total} files  {rate:,.0f} sentences/s  ETA {eta:,.0f} s   ")
        sys.stderr.flush()

    try:
        check_encoding(output_encoding)
        summary = run_batch(source, output, config, batch_options, progress)
    except MtfixError as error:
        _fail(error)
    if show:
        sys.stderr.write("\n")
    for failure in summary.failures:
        _note(f"failed: {failure.message}", quiet)
    _note(
        f"{summary.done} repaired, {summary.skipped} up to date, {summary.failed} failed "
        f"({summary.sentences} sentences in {summary.seconds:.1f} s)",
        quiet,
    )
    raise typer.Exit(summary.exit_code)
