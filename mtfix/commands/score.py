"""`mtfix score`: corpus metrics with sacrebleu."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import ScoreFormat, _fail, app
from ..errors import MtfixError, UsageError


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
    from ..scoring import METRICS
    from ..scoring import score as score_lines
    from ..textio import read_text

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
            "scores": [
                {"metric": s.name, "score": round(s.score, 4), "signature": s.signature}
                for s in report.scores
            ],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    for s in report.scores:
        typer.echo(f"{s.name:<8} {s.score:7.2f}   {s.signature}")
