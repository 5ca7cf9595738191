"""The model measurements (benchmarks/eval_model.py) on a stand-in model and corpus."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mtfix.rewrite.guard import collapse_repeats
from mtfix.training.measure import measure_noise

SENTENCES = [
    "The committee approved the new budget for the coming year.",
    "Engineers tested the bridge before it was opened to traffic.",
    "She has written three books about the history of the city.",
    "The driver stops the process when the device is removed.",
    "Many visitors come to the museum in the summer months.",
    "The kernel keeps a list of every open file in memory.",
] * 20


class StutterFixer:
    """A stand-in model that only deletes repeated words, and prefers shorter text."""

    name = "stutter"

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        return [collapse_repeats(s) for s in sentences]

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float]:
        return [-float(len(t)) for t in targets]


def test_measure_noise_counts_fixes_by_kind_raw_and_guarded(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(f"{s[:-1]} ({n})." for n, s in enumerate(SENTENCES)) + "\n")
    result = measure_noise(StutterFixer(), [corpus], n=120, holdout_percent=100, seed=3,
                           levels=(0.25,))  # fmt: skip
    kinds = result["by_kind"]
    assert kinds["duplicate"]["raw"] == 1.0 and kinds["duplicate"]["guarded"] == 1.0
    assert all(v["raw"] == 0.0 for k, v in kinds.items() if k != "duplicate")
    assert sum(v["sentences"] for v in kinds.values()) == result["noisy"]
    share = kinds["duplicate"]["sentences"] / result["noisy"]
    assert result["fixed_raw"] == share
    # the guard also mends "an" before a consonant by rule (a misused article)
    assert all(
        v["guarded"] == 0.0 for k, v in kinds.items() if k not in {"duplicate", "misuse_article"}
    )
    mended = round(kinds["misuse_article"]["guarded"] * kinds["misuse_article"]["sentences"])
    fixed = (kinds["duplicate"]["sentences"] + mended) / result["noisy"]
    assert abs(result["fixed"][0.25] - fixed) < 1e-9
    assert result["changed"][0.25] == result["changed_raw"] == 0.0
