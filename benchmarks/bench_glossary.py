"""Glossary matching speed: flat in glossary size, against a naive per-entry regex loop.

Run: ``python benchmarks/bench_glossary.py [--mb 5] [--only-load]``

Text: real English news and encyclopaedia prose from ``../shared/data/corpus``
(at least 5 MB). Glossaries: synthetic, made from the corpus's own words so
that they look like real ones: 1-3 variants per entry, mostly 2-4 words, a
tenth single rarer words, and a fifth of the variants taken from n-grams that
really occur in the text (so matches happen and the filter does real work).

Printed: MB/s of ``Matcher.find`` over the whole text at 10 / 1,000 / 10,000 /
100,000 entries, and of the naive loop (one ``re.sub`` per entry, case-
insensitive, whole words, space/hyphen/joined alternation) in the same process.
The naive loop runs on a slice of the text where the whole text would take
minutes; its MB/s is per byte, so it compares directly (labelled "slice"); at
100,000 entries it is extrapolated from 10,000 (labelled "extrapolated").
Then the time to load a 100,000-entry TSV file and to build its matcher (alone
with ``--only-load``).
Times are CPU seconds of this process (``time.process_time``), so other load
on the machine does not distort them; wall-clock seconds are shown beside them.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtfix.glossary import Entry, Glossary, Matcher, load_glossary  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "corpus"
SOURCES = ("english-news-wmt.txt.gz", "gensim-enwiki-206pages.txt.gz", "gensim-lee-news.txt.gz")


def corpus_text(megabytes: float) -> str:
    want = int(megabytes * 1_000_000)
    parts: list[str] = []
    for name in SOURCES:
        path = CORPUS / name
        if path.is_file():
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
                parts.append(handle.read())
        if sum(len(p) for p in parts) >= want:
            break
    text = "\n".join(parts)
    if not text:
        sys.exit(f"no corpus under {CORPUS}")
    while len(text) < want:  # repeat real text rather than invent any
        text += "\n" + text
    return text[:want]


def synthetic_glossary(text: str, size: int, seed: int = 13, dense: bool = False) -> Glossary:
    """``size`` entries from the text's words; ``dense`` puts far more of them in the text."""
    rng = random.Random(seed)
    words = re.findall(r"[a-z]+", text[:2_000_000].lower())
    counts = Counter(words)
    vocab = [w for w, c in counts.most_common() if c >= 2 and len(w) > 1]
    common = [w for w in vocab[:20_000] if len(w) > 2]
    rare = [w for w, c in counts.items() if c <= 2 and len(w) > 3]  # like "weixin"
    frequent = set(vocab[:1_000])
    entries = []
    for i in range(size):
        variants = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            roll = rng.random()
            if roll < (0.1 if dense else 0.03):
                variant = rng.choice(rare)
            elif roll < (
                0.12 if dense else 0.035
            ):  # an n-gram that occurs in the text, not just "of the"
                while True:
                    at = rng.randrange(len(words) - 4)
                    gram = words[at : at + rng.choice((2, 2, 3))]
                    if all(len(w) > 2 for w in gram) and any(w not in frequent for w in gram):
                        break
                variant = " ".join(gram)
            else:
                variant = " ".join(rng.choice(common) for _ in range(rng.choice((2, 2, 3, 4))))
            variants.append(variant)
        entries.append(Entry(tuple(variants), f"Term{i}", f"synthetic:{i + 1}"))
    return Glossary(tuple(entries), "synthetic")


def naive_apply(glossary: Glossary, text: str) -> str:
    """The baseline: one compiled regex and one ``re.sub`` pass per entry."""
    for entry in glossary.entries:
        forms = []
        for variant in entry.variants:
            words = [re.escape(w) for w in variant.split()]
            forms.append(r"[\s-]?".join(words))
        regex = re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)", re.IGNORECASE)
        text = regex.sub(entry.replacement, text)
    return text


def timed(fn, *args):  # type: ignore[no-untyped-def]
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="megabytes of text (default 5)")
    parser.add_argument(
        "--only-load", action="store_true", help="only time loading the 100,000-entry TSV"
    )
    args = parser.parse_args()
    text = corpus_text(args.mb)
    if not args.only_load:
        find_speed(text)
    load_speed(text)


def find_speed(text: str) -> None:
    mb = len(text.encode("utf-8")) / 1e6
    print(f"text: {mb:.2f} MB of real English ({len(text):,} characters)")
    print(
        f"{'entries':>8} {'build s':>8} {'find MB/s':>10} {'matches':>8} "
        f"{'naive MB/s':>11} {'naive on':>20} {'speed-up':>9}"
    )
    naive_rates: dict[int, float] = {}
    slices = {10: len(text), 1_000: 300_000, 10_000: 30_000}
    for size in (10, 1_000, 10_000, 100_000):
        glossary = synthetic_glossary(text, size)
        matcher, build_cpu, _ = timed(Matcher, glossary)
        matcher.find(text[:10_000])  # warm-up
        found, cpu, wall = timed(matcher.find, text)
        rate = mb / cpu
        if size in slices:
            piece = text[: slices[size]]
            _, ncpu, _ = timed(naive_apply, glossary, piece)
            naive = len(piece.encode("utf-8")) / 1e6 / ncpu
            naive_rates[size] = naive
            label = "whole text" if len(piece) == len(text) else f"slice {len(piece):,} ch"
        else:
            naive = naive_rates[10_000] * 10_000 / size
            label = "extrapolated (x1/10)"
        print(
            f"{size:>8,} {build_cpu:>8.2f} {rate:>10.1f} {len(found):>8,} "
            f"{naive:>11.4f} {label:>20} {rate / naive:>8.0f}x"
        )
    dense = synthetic_glossary(text, 100_000, dense=True)
    matcher, build_cpu, _ = timed(Matcher, dense)
    found, cpu, _ = timed(matcher.find, text)
    print(f"{'100,000':>8} {build_cpu:>8.2f} {mb / cpu:>10.1f} {len(found):>8,}  (dense glossary)")


def load_speed(text: str) -> None:
    glossary = synthetic_glossary(text, 100_000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.tsv"
        rows = ["variants\treplacement"]
        rows += [f"{' | '.join(e.variants)}\t{e.replacement}" for e in glossary.entries]
        path.write_text("\n".join(rows) + "\n", "utf-8")
        size_mb = path.stat().st_size / 1e6
        loaded, load_cpu, load_wall = timed(load_glossary, path)
        _, build_cpu, build_wall = timed(Matcher, loaded)
    print(
        f"100,000-entry TSV ({size_mb:.1f} MB, "
        f"{sum(len(e.variants) for e in loaded.entries):,} variants): "
        f"load {load_cpu:.2f} s, build matcher {build_cpu:.2f} s, "
        f"total {load_cpu + build_cpu:.2f} s CPU ({load_wall + build_wall:.2f} s wall)"
    )


if __name__ == "__main__":
    main()
