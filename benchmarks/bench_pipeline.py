"""Throughput of the glossary-only pipeline against segmentation alone.

Prints MB/s of `segment()` (the baseline) and of `Repairer.repair()` with the
default pack on the same text, and the ratio between them.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

from mtfix import RepairConfig, Repairer
from mtfix.segment import segment

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "english-news-wmt.txt.gz"
SAMPLE = ROOT / "samples" / "wechat-ecommerce-2014.mt.txt"


def text_of_size(megabytes: float) -> str:
    if CORPUS.is_file():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
            base = handle.read()
    else:
        base = SAMPLE.read_text("utf-8")
    size = int(megabytes * 1_000_000)
    return (base * (size // len(base) + 1))[:size]


def best_of(runs: int, fn, *args):  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    text = text_of_size(2)
    mb = len(text.encode("utf-8")) / 1e6
    repairer = Repairer(RepairConfig(use_model=False))
    base = best_of(3, segment, text)
    full = best_of(3, repairer.repair, text)
    edits = len(repairer.repair(text).edits)
    print(f"text: {mb:.1f} MB, glossary entries: {len(repairer.glossary)}, edits: {edits}")
    print(f"segment only          {mb / base:6.2f} MB/s   (baseline)")
    print(f"repair, glossary only {mb / full:6.2f} MB/s   ({full / base:.2f}x the baseline's time)")


if __name__ == "__main__":
    main()
