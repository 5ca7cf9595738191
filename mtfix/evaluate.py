"""Stage-by-stage evaluation on a test set: does each stage beat doing nothing?

A test set is a TSV file without header, one row per segment: source, MT
output, reference (the format of ``../shared/data/dev/*.tsv``). Each row's MT
is repaired on its own — one row, one text — by a :class:`~mtfix.pipeline.Repairer`
configured for the stage:

- ``none``: the MT as it is (the baseline every stage is compared with);
- ``glossary``: the glossary stage alone;
- ``model``: the rewrite model alone;
- ``full``: every stage the configuration enables (unicode fix, glossary, model);
- ``unicode`` (on request): the mojibake fix alone.

Scores are sacrebleu's, deltas are tested with its paired test against
``none``, and segments are counted as better, worse or tied by sentence chrF++.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .config import RepairConfig
from .errors import InputError, UsageError
from .records import EvalReport, RepairResult, StageReport
from .scoring import METRICS, Scorer, parse_metrics, split_lines

STAGES = ("none", "glossary", "model", "full")
KNOWN_STAGES = ("none", "unicode", "glossary", "model", "full")
#: Stages that need the rewrite model.
MODEL_STAGES = frozenset({"model", "full"})

Progress = Callable[[int, int], None]

_ROWS_PER_CALL = 64  # rows per model call: full batches, and progress still moves


@dataclass(frozen=True)
class TestRow:
    """One row of a test set."""

    source: str
    mt: str
    reference: str


@dataclass
class StageRun:
    """What one stage produced, row by row (``outputs`` is ``None`` when it did not run)."""

    name: str
    outputs: list[str] | None
    results: list[RepairResult] | None
    chrf: list[float] | None
    """Sentence chrF++ of each output against its reference."""


@dataclass
class EvalRun:
    """Everything an evaluation produced: the report and the per-row material behind it."""

    report: EvalReport
    rows: list[TestRow]
    stages: list[StageRun]

    def stage(self, name: str) -> StageRun:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)


def read_testset(
    path: str | Path, *, limit: int | None = None, encoding: str | None = None
) -> list[TestRow]:
    """Rows of a source/MT/reference TSV; an :class:`InputError` names a bad row's file:line."""
    from .textio import read_text

    rows: list[TestRow] = []
    for number, line in enumerate(split_lines(read_text(path, encoding).text), 1):
        if limit is not None and len(rows) >= limit:
            break
        cells = line.split("\t")
        if len(cells) != 3:
            raise InputError(
                f"{path}:{number}",
                f"expected 3 tab-separated columns (source, mt, reference), found {len(cells)}",
            )
        rows.append(TestRow(*cells))
    if not rows:
        raise InputError(str(path), "no rows")
    return rows


def parse_stages(spec: str | Sequence[str]) -> tuple[str, ...]:
    """``"glossary,full"`` -> ``("none", "glossary", "full")``: "none" always comes first."""
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [p.strip().lower() for p in parts if p.strip()]
    unknown = [n for n in names if n not in KNOWN_STAGES]
    if unknown:
        raise UsageError(
            f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(KNOWN_STAGES)}"
        )
    return ("none", *(n for n in KNOWN_STAGES if n in names and n != "none"))


def stage_config(config: RepairConfig, stage: str) -> RepairConfig:
    """``config`` with only the parts of the pipeline that ``stage`` runs switched on."""
    flags: dict[str, Any] = {
        "unicode": dict(unicode_fix=True, use_glossary=False, use_model=False),
        "glossary": dict(unicode_fix=False, use_glossary=True, use_model=False),
        "model": dict(unicode_fix=False, use_glossary=False, use_model=True),
        "full": {},
    }[stage]
    return replace(config, **flags)


def evaluate(
    testset: str | Path | Sequence[TestRow],
    config: RepairConfig | None = None,
    *,
    stages: Sequence[str] = STAGES,
    limit: int | None = None,
    metrics: Sequence[str] = METRICS,
    test: str = "bs",
    samples: int = 0,
    terminology: bool = True,
    progress: Progress | None = None,
    backend: Any = None,
) -> EvalRun:
    """Run each stage over the test set and score it against doing nothing.

    ``testset`` is a TSV path or rows. Stages that need a model report "no
    model" (:attr:`StageReport.available` false) when none is configured or
    shipped, and "skipped" when ``config.use_model`` is false, rather than
    repeating the numbers of "none". ``progress(done, total)`` is called after
    each repaired row. With ``terminology``, each stage gets a
    :class:`~mtfix.records.TermReport` for the glossary of ``config``. ``backend``, when
    given, is the rewrite backend of the model stages (one loaded once for many runs)
    instead of the configured model.
    """
    from .glossary import Glossary
    from .pipeline import Repairer, build_glossary, load_backend
    from .terminology import TermChecker

    config = config or RepairConfig()
    names = parse_stages(stages)
    metric_names = parse_metrics(metrics)
    if isinstance(testset, (str, Path)):
        label = str(testset)
        rows = read_testset(testset, limit=limit)
    else:
        label = "test set"
        rows = list(testset)[:limit] if limit is not None else list(testset)
        if not rows:
            raise InputError(None, "the test set has no rows")

    glossary = build_glossary(config) if config.use_glossary else Glossary(())
    unavailable = ""
    if MODEL_STAGES & set(names):
        if not config.use_model:
            unavailable = "skipped (no model requested)"
        elif backend is None:
            backend, _ = load_backend(config)
            unavailable = "no model" if backend is None else ""

    runnable = [n for n in names if n != "none" and not (n in MODEL_STAGES and unavailable)]
    total, done = len(rows) * len(runnable), 0
    mts = [r.mt for r in rows]
    runs: dict[str, StageRun] = {"none": StageRun("none", mts, None, None)}
    seconds: dict[str, float] = {"none": 0.0}
    for name in runnable:
        cfg = stage_config(config, name)
        if name in MODEL_STAGES:
            repairer = Repairer(
                cfg, glossary=glossary if cfg.use_glossary else None, backend=backend
            )
        else:
            repairer = Repairer(
                replace(cfg, use_model=False), glossary=glossary if cfg.use_glossary else None
            )
        started = time.perf_counter()
        results = []
        step = _ROWS_PER_CALL if repairer.backend is not None else 1
        for start in range(0, len(rows), step):  # the model batches across rows
            results.extend(repairer.repair_many(mts[start : start + step]))
            done += len(mts[start : start + step])
            if progress is not None:
                progress(done, total)
        seconds[name] = time.perf_counter() - started
        runs[name] = StageRun(name, [r.text for r in results], results, None)

    refs = [r.reference for r in rows]
    scorer = Scorer([refs], len(rows), metrics=metric_names)
    chrf_scorer = scorer if "chrf" in metric_names else Scorer([refs], len(rows), metrics=("chrf",))
    systems = [(n, runs[n].outputs or []) for n in names if n in runs]
    if len(systems) > 1:
        table, signatures = scorer.compare(systems, test=test, samples=samples)
    else:  # nothing to compare: plain corpus scores
        table, signatures = scorer.compare(systems * 2, test=test, samples=samples)
        table = table[:1]
    by_name = {row[0].system: tuple(row) for row in table}
    for run in runs.values():
        run.chrf = chrf_scorer.sentences(run.outputs or [])["chrF2++"]

    checker = TermChecker(glossary) if terminology and len(glossary) else None
    sources = [r.source for r in rows]
    perfect = [i for i, r in enumerate(rows) if r.mt == r.reference]
    reports = []
    for name in names:
        if name not in runs:
            reports.append(StageReport(name, False, unavailable))
            continue
        run = runs[name]
        outputs = run.outputs or []
        base_chrf, chrf = runs["none"].chrf or [], run.chrf or []
        changed = [i for i in range(len(rows)) if outputs[i] != mts[i]]
        better = sum(1 for i in changed if chrf[i] > base_chrf[i])
        worse = sum(1 for i in changed if chrf[i] < base_chrf[i])
        terms = None
        if checker is not None:
            edits = [r.edits for r in run.results] if run.results is not None else None
            terms = checker.check(outputs, sources=sources, references=refs, edits=edits)
        reports.append(
            StageReport(
                name=name,
                available=True,
                scores=by_name[name],
                better=better,
                worse=worse,
                tied=len(changed) - better - worse,
                unchanged=len(rows) - len(changed),
                kept_perfect=sum(1 for i in perfect if outputs[i] == mts[i]),
                terms=terms,
                seconds=round(seconds.get(name, 0.0), 3),
            )
        )
    report = EvalReport(label, len(rows), tuple(reports), signatures, test, len(perfect))
    return EvalRun(report, rows, [runs[n] for n in names if n in runs])
