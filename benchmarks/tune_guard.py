"""Tune the guard's score margin for a model: its job and "never worse", side by side.

    python benchmarks/tune_guard.py models/default [--level 0.25] [--margins 4,3.5,3,2.5,2]
        [--noise-n 1000] [--seed 7] [--threads 2]

For each margin, with every other threshold as at ``--level``: the share of injected
errors fixed and of clean sentences changed (held-out sentences drawn with ``--seed``;
tune with 7 and report the card's figures with 2024, so the figures are not the ones
tuned on), then the model stage on the whole dev sets: segments better / worse by
sentence chrF++, and chrF++ and TER against doing nothing with sacrebleu's paired
bootstrap. The model rewrites and scores each sentence once; only the guard runs again
for each margin. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
DEV_SETS = ("mlqe-pe-ruen", "wmt22-zhen-niutrans")


class Remembering:
    """A backend that asks the real one once per sentence (and per scored pair)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "model")
        self.rewrites: dict[str, str] = {}
        self.scores: dict[tuple[str, str], float] = {}

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        new = [s for s in dict.fromkeys(sentences) if s not in self.rewrites]
        if new:
            self.rewrites.update(zip(new, self.inner.rewrite(new)))  # type: ignore[attr-defined]
        return [self.rewrites[s] for s in sentences]

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float]:
        pairs = list(zip(sources, targets))
        new = [p for p in dict.fromkeys(pairs) if p not in self.scores]
        if new:
            got = self.inner.score([s for s, _ in new], [t for _, t in new])  # type: ignore[attr-defined]
            self.scores.update(zip(new, got))
        return [self.scores[p] for p in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--level", type=float, default=0.25)
    parser.add_argument("--margins", default="4,3.5,3,2.5,2")
    parser.add_argument("--noise-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    from mtfix import RepairConfig
    from mtfix.evaluate import evaluate
    from mtfix.rewrite import create_backend
    from mtfix.rewrite.guard import GuardConfig, decide
    from mtfix.training.measure import injected_errors

    backend = Remembering(create_backend("auto", args.model_dir, threads=args.threads))
    corpus = sorted((DATA / "corpus").glob("*.txt.gz"))
    sample, noisy, clean, _ = injected_errors(corpus, args.noise_n, args.seed)
    print(f"{args.model_dir}: guard at level {args.level} with the margin below; "
          f"{len(noisy)} injected errors, {len(sample)} clean sentences (seed {args.seed})\n")
    print("| margin | injected fixed | clean changed | "
          + " | ".join(f"{name}: better/worse, chrF++ (p), TER (p)" for name in DEV_SETS)
          + " |")  # fmt: skip
    print("|---" * (3 + len(DEV_SETS)) + "|")
    for margin in (float(m) for m in args.margins.split(",")):
        guard = dataclasses.replace(GuardConfig.from_aggressiveness(args.level), min_margin=margin)
        fixed = _kept(decide(backend, noisy, backend.rewrite(noisy), None, guard), noisy)
        changed = _kept(decide(backend, sample, backend.rewrite(sample), None, guard), sample)
        cells = [
            f"{margin:g}",
            f"{sum(o == c for o, c in zip(fixed, clean)) / max(len(clean), 1):.1%}",
            f"{sum(o != s for o, s in zip(changed, sample)) / max(len(sample), 1):.1%}",
        ]
        config = RepairConfig(model=str(args.model_dir), guard=guard, threads=args.threads)
        for name in DEV_SETS:
            run = evaluate(DATA / "dev" / f"{name}.tsv", config, stages=("none", "model"),
                           metrics=("chrf", "ter"), terminology=False, backend=backend)  # fmt: skip
            stage = run.report.stage("model")
            chrf, ter = stage.scores
            cells.append(
                f"+{stage.better} / −{stage.worse}, {chrf.score - chrf.baseline:+.3f} "
                f"({chrf.p_value:.3f}), {ter.score - ter.baseline:+.3f} ({ter.p_value:.3f})"
            )
        print("| " + " | ".join(cells) + " |", flush=True)


def _kept(verdicts: Sequence[object], originals: Sequence[str]) -> list[str]:
    return [v.text if v.accepted else o for v, o in zip(verdicts, originals)]  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
