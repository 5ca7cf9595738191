"""`mtfix eval`: run the pipeline stage by stage on a test set and score each stage."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import _fail, _note, app
from ..errors import MtfixError
from . import options
from .score import PairedTestKind, ScoreOutput


@app.command(name="eval")
def eval_command(
    testset: Annotated[
        Path,
        typer.Argument(help="TSV without header: source <TAB> mt <TAB> reference, one row a line."),
    ],
    limit: Annotated[
        Optional[int], typer.Option("--limit", "-n", min=1, help="Only the first N rows.")
    ] = None,
    stages: Annotated[
        str,
        typer.Option(
            "--stages", help="Comma-separated: glossary, model, full, unicode ('none' is implied)."
        ),
    ] = "glossary,model,full",
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
    metrics: Annotated[
        str, typer.Option("--metrics", help="Comma-separated: bleu,chrf,ter.")
    ] = "bleu,chrf,ter",
    test: Annotated[
        PairedTestKind,
        typer.Option("--test", help="bs (paired bootstrap) or ar (approximate randomization)."),
    ] = PairedTestKind.bs,
    samples: Annotated[
        int, typer.Option("--samples", help="Resamples (bs, default 1000) or trials (ar, 10000).")
    ] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON for scripts (= --format json).")
    ] = False,
    fmt: Annotated[
        ScoreOutput, typer.Option("--format", "-f", help="table, json, csv or markdown.")
    ] = ScoreOutput.table,
    html_out: Annotated[
        Optional[Path],
        typer.Option("--html", help="Also write a self-contained HTML report here."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or notes on stderr.")
    ] = False,
) -> None:
    """Evaluate the pipeline stage by stage on TESTSET: none, glossary, model, full.

    Prints BLEU, chrF++ and TER per stage, deltas against doing nothing with
    sacrebleu's paired significance test, and how many segments each stage
    made better, worse (by sentence chrF++) or left unchanged. Each row's MT
    is repaired as one text. Model stages say "no model" when there is none.
    """
    from ..evaluate import evaluate, parse_stages
    from ..report import format_eval
    from ..textio import atomic_write, refuse_overwriting

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
    )
    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        if html_out is not None:
            refuse_overwriting(html_out, testset, what="report")
        run = evaluate(
            testset,
            config,
            stages=parse_stages(stages),
            limit=limit,
            metrics=metrics.split(","),
            test=test.value,
            samples=samples,
            progress=progress,
        )
        progress.finish()
        html_text = None
        if html_out is not None:
            from ..report import eval_html

            html_text = eval_html(run)
    except MtfixError as error:
        progress.finish()
        _fail(error)
    for stage in run.report.stages:
        if not stage.available:
            _note(f"note: stage {stage.name!r}: {stage.note}", quiet)
    if html_text is not None and html_out is not None:
        try:
            atomic_write(html_out, html_text.encode("utf-8"))
        except MtfixError as error:
            _fail(error)
        _note(f"wrote {html_out}", quiet)
    if as_json or fmt is ScoreOutput.json:
        typer.echo(json.dumps(run.report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_eval(run.report, fmt.value), nl=False)


class _Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._last = 0.0
        self._drawn = False
        self._started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = int(width * done / max(total, 1))
        rate = done / max(now - self._started, 1e-9)
        sys.stderr.write(
            f"\rrepairing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
            f"({rate:.0f} rows/s)" + (" - scoring with sacrebleu..." if done >= total else "")
        )
        sys.stderr.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._drawn = False
