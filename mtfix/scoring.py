"""Corpus scores with sacrebleu: BLEU, chrF++ and TER, each with its signature.

Metrics are never reimplemented here; sacrebleu computes them and its
signature says exactly how, so a score can be reproduced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import InputError
from .records import MetricScore, ScoreReport

METRICS = ("bleu", "chrf", "ter")


def make_metric(name: str, *, tokenize: str | None = None, lowercase: bool = False) -> Any:
    """The sacrebleu metric object for ``name`` (``bleu``, ``chrf`` = chrF++, ``ter``)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    if name == "bleu":
        return BLEU(tokenize=tokenize, lowercase=lowercase)
    if name == "chrf":
        return CHRF(word_order=2, lowercase=lowercase)
    if name == "ter":
        return TER()  # sacrebleu's default: case-insensitive, as its own CLI scores it
    raise ValueError(f"unknown metric {name!r} (choose from {', '.join(METRICS)})")


def score(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]] | Sequence[str],
    *,
    metrics: Sequence[str] = METRICS,
    tokenize: str | None = None,
    lowercase: bool = False,
) -> ScoreReport:
    """Score ``hypotheses`` against one reference list (or several).

    ``references`` is either one list of strings, parallel to the hypotheses,
    or a list of such lists.
    """
    refs: list[list[str]]
    if references and isinstance(references[0], str):
        refs = [list(references)]  # type: ignore[arg-type]
    else:
        refs = [list(r) for r in references]
    for k, ref in enumerate(refs):
        if len(ref) != len(hypotheses):
            raise InputError(
                None,
                f"reference {k + 1} has {len(ref)} segments but the hypothesis has {len(hypotheses)}",
            )
    results = []
    for name in metrics:
        metric = make_metric(name, tokenize=tokenize, lowercase=lowercase)
        result = metric.corpus_score(list(hypotheses), refs)
        results.append(MetricScore(result.name, float(result.score), str(metric.get_signature())))
    return ScoreReport(tuple(results), len(hypotheses))
