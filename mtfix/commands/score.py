"""`mtfix score`: corpus metrics with sacrebleu, paired significance, terminology."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any, Optional

import typer

from ..cli import _fail, app
from ..errors import InputError, MtfixError


class ScoreOutput(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class PairedTestKind(str, Enum):
    bs = "bs"
    ar = "ar"


FILES_HELP = (
    "A file with one segment per line, or one column of a tab-separated file as FILE:N "
    "(N counted from 1), e.g. dev.tsv:2."
)


@app.command()
def score(
    hypothesis: Annotated[str, typer.Argument(help=f"System output. {FILES_HELP}")],
    references: Annotated[
        list[str], typer.Argument(help="Reference(s), line-aligned; FILE or FILE:N.")
    ],
    metrics: Annotated[
        str, typer.Option("--metrics", help="Comma-separated: bleu,chrf,ter.")
    ] = "bleu,chrf,ter",
    tokenize: Annotated[
        Optional[str], typer.Option("--tokenize", help="BLEU tokenizer (13a, zh, intl, ...).")
    ] = None,
    lowercase: Annotated[
        bool,
        typer.Option("--lowercase", help="Case-insensitive BLEU and chrF (TER always is)."),
    ] = False,
    baseline: Annotated[
        Optional[str],
        typer.Option(
            "--baseline",
            "-b",
            help="Another output (FILE or FILE:N) to compare with by a paired significance test.",
        ),
    ] = None,
    test: Annotated[
        PairedTestKind,
        typer.Option(
            "--test", help="With --baseline: bs (paired bootstrap) or ar (approx. randomization)."
        ),
    ] = PairedTestKind.bs,
    samples: Annotated[
        int,
        typer.Option("--samples", help="Resamples (bs, default 1000) or trials (ar, 10000)."),
    ] = 0,
    segments: Annotated[
        bool,
        typer.Option("--segments", help="Per-segment scores (and deltas against --baseline)."),
    ] = False,
    glossary: Annotated[
        Optional[list[str]],
        typer.Option("--glossary", "-g", help="Glossary for terminology accuracy; repeatable."),
    ] = None,
    pack: Annotated[
        Optional[list[str]],
        typer.Option("--pack", help="Built-in pack for terminology accuracy; repeatable."),
    ] = None,
    source: Annotated[
        Optional[str],
        typer.Option(
            "--source", "-s", help="Source text (FILE or FILE:N): are the required terms there?"
        ),
    ] = None,
    encoding: Annotated[
        Optional[str],
        typer.Option("--encoding", help="Input encoding (default: UTF-8 or detected)."),
    ] = None,
    fmt: Annotated[
        ScoreOutput, typer.Option("--format", "-f", help="table, json, csv or markdown.")
    ] = ScoreOutput.table,
) -> None:
    """Score HYPOTHESIS against REFERENCES with BLEU, chrF++ and TER (sacrebleu).

    The numbers are sacrebleu's, printed with its signatures. With --baseline,
    both outputs are compared by sacrebleu's paired test (p-values and 95%
    confidence intervals). With --glossary, --pack or --source, terminology
    accuracy is reported too: bad variants left, required terms present, and
    (with --baseline) how many term fixes the reference agrees with.
    """
    from ..scoring import Scorer, parse_metrics, read_segments

    try:
        names = parse_metrics(metrics)
        hyp = read_segments(hypothesis, encoding)
        refs = [read_segments(r, encoding) for r in references]
        _aligned(hypothesis, hyp, references, refs)
        base = read_segments(baseline, encoding) if baseline else None
        if base is not None:
            _aligned(hypothesis, hyp, [baseline or ""], [base])
        src = read_segments(source, encoding) if source else None
        if src is not None:
            _aligned(hypothesis, hyp, [source or ""], [src])
        scorer = Scorer(refs, len(hyp), metrics=names, tokenize=tokenize, lowercase=lowercase)
        payload: dict[str, Any] = {"segments": len(hyp)}
        report = scorer.corpus(hyp)
        payload["scores"] = [
            {"metric": s.name, "score": round(s.score, 4), "signature": s.signature}
            for s in report.scores
        ]
        if base is not None:
            rows, signatures = scorer.compare(
                [(f"baseline: {baseline}", base), (hypothesis, hyp)],
                test=test.value,
                samples=samples,
            )
            payload["comparison"] = {
                "test": test.value,
                "baseline": baseline,
                "signatures": signatures,
                "baseline_scores": [s.to_dict() for s in rows[0]],
                "scores": [s.to_dict() for s in rows[1]],
            }
        if glossary or pack or src is not None:
            payload["terminology"] = _terminology(glossary, pack, hyp, refs[0], src, base)
        if segments:
            payload["per_segment"] = _per_segment(scorer, hyp, base)
    except MtfixError as error:
        _fail(error)
    if fmt is ScoreOutput.json:
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        typer.echo(_render(payload, fmt.value), nl=False)


def _aligned(name: str, hyp: list[str], others: list[str], lines: list[list[str]]) -> None:
    for other, seg in zip(others, lines):
        if len(seg) != len(hyp):
            raise InputError(
                other,
                f"{len(seg)} segments, but {name} has {len(hyp)}: inputs must be line-aligned",
            )


def _terminology(
    glossary: list[str] | None,
    pack: list[str] | None,
    hyp: list[str],
    ref: list[str],
    src: list[str] | None,
    base: list[str] | None,
) -> dict[str, Any]:
    from ..config import RepairConfig
    from ..pipeline import build_glossary
    from ..terminology import TermChecker

    config = RepairConfig(glossaries=tuple(glossary or ()))
    if pack:
        config = RepairConfig(packs=tuple(pack), glossaries=config.glossaries)
    elif glossary:
        config = RepairConfig(packs=(), glossaries=config.glossaries)
    checker = TermChecker(build_glossary(config))
    out: dict[str, Any] = {
        "glossary": checker.glossary.name,
        "output": checker.check(hyp, sources=src, references=ref, baseline=base).to_dict(),
    }
    if base is not None:
        out["baseline"] = checker.check(base, sources=src).to_dict()
    return out


def _per_segment(scorer: Any, hyp: list[str], base: list[str] | None) -> list[dict[str, Any]]:
    scores = scorer.sentences(hyp)
    base_scores = scorer.sentences(base) if base is not None else None
    rows = []
    for i in range(len(hyp)):
        row: dict[str, Any] = {"line": i + 1}
        for metric, values in scores.items():
            row[metric] = round(values[i], 4)
            if base_scores is not None:
                row[f"Δ {metric}"] = round(values[i] - base_scores[metric][i], 4)
        rows.append(row)
    return rows


def _render(payload: dict[str, Any], fmt: str) -> str:
    from ..records import PairedScore, TermReport
    from ..report import format_table, p_value, signed, terms_lines, test_explanation, with_ci

    parts: list[str] = []
    comparison = payload.get("comparison")
    if comparison is None and fmt == "table":
        # One line per metric, the layout of `sacrebleu -m ...` (score, then signature).
        parts.append(
            "".join(
                f"{s['metric']:<8} {s['score']:7.2f}   {s['signature']}\n"
                for s in payload["scores"]
            )
        )
    elif comparison is None:
        rows = [[s["metric"], f"{s['score']:.2f}", s["signature"]] for s in payload["scores"]]
        parts.append(format_table(["metric", "score", "signature"], rows, fmt))
    else:
        fields = ("system", "metric", "score", "baseline", "p_value", "mean", "ci")
        bases = [PairedScore(**{k: d[k] for k in fields}) for d in comparison["baseline_scores"]]
        systems = [PairedScore(**{k: d[k] for k in fields}) for d in comparison["scores"]]
        rows = [
            [s.metric, with_ci(b), with_ci(s), signed(s.delta), p_value(s)]
            for b, s in zip(bases, systems)
        ]
        headers = ["metric", "baseline (μ ± 95% CI)", "system (μ ± 95% CI)", "delta", "p-value"]
        parts.append(format_table(headers, rows, fmt))
        if fmt == "table":
            sigs = comparison["signatures"]
            first = next(iter(sigs.values()), "")
            info = dict(p.split(":", 1) for p in first.split("|") if ":" in p)
            samples = int(info.get(comparison["test"], 0) or 0)
            parts.append(
                "\n"
                + test_explanation(
                    comparison["test"], samples, info.get("seed", "?"), comparison["baseline"]
                )
            )
            parts.append("Signatures:\n" + "".join(f"  {m:<8} {g}\n" for m, g in sigs.items()))
    terms = payload.get("terminology")
    if terms is not None:
        term_fields = ("bad_variants", "expected", "found", "edits", "confirmed")
        output = TermReport(**{k: terms["output"][k] for k in term_fields})
        base = (
            TermReport(**{k: terms["baseline"][k] for k in term_fields})
            if "baseline" in terms
            else None
        )
        if fmt == "table":
            parts.append(f"\nTerminology ({terms['glossary'] or 'no glossary'}):\n")
            parts.append("".join(f"  {line}\n" for line in terms_lines(output, base)))
        else:
            rows = [
                [k, terms["output"][k], terms["baseline"][k] if base else ""] for k in term_fields
            ]
            parts.append("\n" + format_table(["terminology", "output", "baseline"], rows, fmt))
    per_segment = payload.get("per_segment")
    if per_segment:
        headers = list(per_segment[0])
        rows = [[_num(row[h]) for h in headers] for row in per_segment]
        parts.append("\n" + format_table(headers, rows, fmt))
    return "".join(parts)


def _num(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.2f}"
    return value
