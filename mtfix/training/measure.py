"""Measure a rewrite model at its job, and check that through the guard it does no harm.

Three measurements, each a plain function of a backend (no CLI here;
``benchmarks/eval_model.py`` runs them and prints or records the figures):

- :func:`measure_noise` — held-out clean sentences (never trained on: the hash split of
  :mod:`mtfix.training.data`) with one injected poor-MT error each: the share restored
  exactly, and the share of the clean originals the model changed;
- :func:`measure_wmt` — real Chinese→English MT (``dev/wmt22-zhen-niutrans.tsv``):
  chrF++ and TER of the guarded output against doing nothing, with sacrebleu's
  paired bootstrap;
- :func:`measure_keep` — ``dev/mlqe-pe-ruen.tsv`` rows whose MT needed no post-edit:
  the share left unchanged.

Every function reports the raw model (no guard) beside the guarded one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..rewrite.guard import GuardConfig, Verdict, decide, word_edit_distance
from .data import held_out_sentences, open_text
from .noise import NoiseConfig, add_noise, pack_calques


@dataclass
class Guarded:
    """Raw rewrites, and what the guard kept at each aggressiveness level."""

    raw: list[str]
    kept: dict[float, list[str]] = field(default_factory=dict)
    verdicts: dict[float, list[Verdict]] = field(default_factory=dict)


def run_guarded(
    backend: Any, sentences: Sequence[str], levels: Sequence[float] = (0.5,)
) -> Guarded:
    """Rewrite ``sentences`` once, then apply the guard at each aggressiveness level."""
    raw = backend.rewrite(list(sentences))
    result = Guarded(raw)
    for level in levels:
        verdicts = decide(backend, sentences, raw, None, GuardConfig.from_aggressiveness(level))
        result.verdicts[level] = verdicts
        result.kept[level] = [v.text if v.accepted else s for s, v in zip(sentences, verdicts)]
    return result


def injected_errors(
    corpus: Sequence[Path], n: int, seed: int, holdout_percent: float = 2.0
) -> tuple[list[str], list[str], list[str], list[str]]:
    """``n`` held-out clean sentences drawn with ``seed``, and one injected error in each
    that can take one: ``(sample, noisy, clean, kinds)``, where ``noisy[k]`` is
    ``clean[k]`` with an error of kind ``kinds[k]``."""
    held = held_out_sentences(corpus, holdout_percent)
    rng = random.Random(seed)
    sample = rng.sample(held, min(n, len(held)))
    noise = NoiseConfig(min_errors=1, max_errors=1, calques=pack_calques())
    noisy, clean, kinds = [], [], []
    for sentence in sample:
        bad, applied = add_noise(sentence, rng, noise)
        if applied:
            noisy.append(bad)
            clean.append(sentence)
            kinds.append(applied[0])
    return sample, noisy, clean, kinds


def measure_noise(
    backend: Any,
    corpus: Sequence[Path],
    *,
    n: int = 400,
    holdout_percent: float = 2.0,
    seed: int = 2024,
    levels: Sequence[float] = (0.5,),
    pipeline: Callable[[list[str]], list[str]] | None = None,
) -> dict[str, Any]:
    """Share of single injected errors fixed, and of clean sentences changed.

    ``pipeline`` (texts -> repaired texts), when given, is measured the same way
    under the key ``"pipeline"``: the whole repair, glossary included.

    ``n`` held-out sentences are drawn with ``seed``; each gets exactly one error
    (:func:`mtfix.training.noise.add_noise`, default mix). "Fixed" means the output
    equals the clean original exactly; "changed" means a clean original came back
    different.
    """
    sample, noisy, clean, kinds = injected_errors(corpus, n, seed, holdout_percent)
    on_noisy = run_guarded(backend, noisy, levels)
    on_clean = run_guarded(backend, sample, levels)

    def fixed(outputs: list[str]) -> float:
        return sum(o == c for o, c in zip(outputs, clean)) / max(len(clean), 1)

    def closer(outputs: list[str]) -> float:
        """Share of noisy sentences brought closer (in words) to the clean original."""
        won = 0
        for out, bad, want in zip(outputs, noisy, clean):
            w = want.split()
            won += word_edit_distance(out.split(), w) < word_edit_distance(bad.split(), w)
        return won / max(len(clean), 1)

    def changed(outputs: list[str]) -> float:
        return sum(o != s for o, s in zip(outputs, sample)) / max(len(sample), 1)

    by_kind: dict[str, list[int]] = {}  # kind -> [sentences, fixed raw, fixed guarded]
    default = levels[0]
    for kind, raw, out, want in zip(kinds, on_noisy.raw, on_noisy.kept[default], clean):
        counts = by_kind.setdefault(kind, [0, 0, 0])
        counts[0] += 1
        counts[1] += raw == want
        counts[2] += out == want
    through: dict[str, float] = {}
    if pipeline is not None:
        repaired = pipeline(noisy)
        through = {"fixed": fixed(repaired), "closer": closer(repaired)}
        through["changed"] = changed(pipeline(sample))
    return {
        "pipeline": through,
        "sentences": len(sample),
        "noisy": len(noisy),
        "fixed_raw": fixed(on_noisy.raw),
        "changed_raw": changed(on_clean.raw),
        "fixed": {level: fixed(on_noisy.kept[level]) for level in levels},
        "closer_raw": closer(on_noisy.raw),
        "closer": {level: closer(on_noisy.kept[level]) for level in levels},
        "changed": {level: changed(on_clean.kept[level]) for level in levels},
        "by_kind": {
            k: {"sentences": v[0], "raw": v[1] / v[0], "guarded": v[2] / v[0]}
            for k, v in sorted(by_kind.items())
        },
        "examples": [(b, o, c) for b, o, c in zip(noisy, on_noisy.kept[default], clean) if o != b][
            :8
        ],
    }


def read_tsv_columns(path: Path, columns: Sequence[int], rows: int = 0) -> list[list[str]]:
    """Columns (0-based) of the first ``rows`` lines (0: all) of a TSV file."""
    out: list[list[str]] = [[] for _ in columns]
    with open_text(path) as handle:
        for number, line in enumerate(handle):
            if rows and number >= rows:
                break
            cells = line.rstrip("\n").split("\t")
            for k, c in enumerate(columns):
                out[k].append(cells[c] if c < len(cells) else "")
    return out


def measure_wmt(
    backend: Any, path: Path, *, rows: int = 500, levels: Sequence[float] = (0.5,)
) -> dict[str, Any]:
    """chrF++ and TER of raw and guarded output vs doing nothing, with a paired bootstrap."""
    from sacrebleu.metrics import CHRF, TER
    from sacrebleu.significance import PairedTest

    mt, ref = read_tsv_columns(path, (1, 2), rows)
    guarded = run_guarded(backend, mt, levels)
    systems: list[tuple[str, Sequence[str]]] = [("do nothing", mt), ("raw model", guarded.raw)]
    systems += [(f"guarded {level}", guarded.kept[level]) for level in levels]
    metrics = {"chrF++": CHRF(word_order=2), "TER": TER()}
    paired = PairedTest(
        systems, metrics, references=[ref], test_type="bs", n_samples=1000, n_ar_confidence=-1
    )
    signatures, table_ = paired()
    table: dict[str, Any] = dict(table_)
    result: dict[str, Any] = {"rows": len(mt), "systems": {}, "signatures": {}}
    # sacrebleu keys the table by its own metric names (chrF2++, TER), in our order.
    names = dict(zip(metrics, [k for k in table if k != "System"]))
    for k, (name, hyps) in enumerate(systems):
        result["systems"][name] = {
            "changed": sum(h != m for h, m in zip(hyps, mt)),
            **{
                metric: {
                    "score": float(table[names[metric]][k].score),
                    "p_value": None if k == 0 else float(table[names[metric]][k].p_value),
                }
                for metric in metrics
            },
        }
    result["signatures"] = {m: str(s) for m, s in signatures.items()}
    default = levels[0]
    result["accepted_examples"] = [(m, h) for m, h in zip(mt, guarded.kept[default]) if m != h][:10]
    return result


def measure_keep(backend: Any, path: Path, *, levels: Sequence[float] = (0.5,)) -> dict[str, Any]:
    """Of the rows whose MT equals its post-edit, the share each system leaves unchanged."""
    mt, pe = read_tsv_columns(path, (1, 2))
    good = [m for m, p in zip(mt, pe) if m.strip() == p.strip()]
    guarded = run_guarded(backend, good, levels)
    return {
        "rows": len(good),
        "kept_raw": sum(r == m for r, m in zip(guarded.raw, good)) / max(len(good), 1),
        "kept": {
            level: sum(o == m for o, m in zip(guarded.kept[level], good)) / max(len(good), 1)
            for level in levels
        },
    }
