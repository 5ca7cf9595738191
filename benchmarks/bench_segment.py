"""Segmentation: quality on the labelled set, speed, linear scaling, memory of `mtfix segment`.

    .venv/bin/python benchmarks/bench_segment.py            # everything, about 1-2 minutes
    .venv/bin/python benchmarks/bench_segment.py --quick    # skip the 50 MB and 100 MB runs

Prints:
1. precision/recall of boilerplate (and of "not repairable" = boilerplate or
   metadata) detection, per expected segment of tests/data/segmentation_cases.jsonl,
   and how many cases get every label and sentence boundary right;
2. MB/s of ``segment()`` on plain English paragraphs (../shared/data/corpus text
   when present, else generated), one core, with a naive regex sentence
   splitter measured in the same process as the baseline;
3. time per MB from 1 MB to 50 MB (flat = linear);
4. seconds on adversarial inputs of 5 MB (and one 50 MB line);
5. peak memory (max RSS) of ``mtfix segment`` on a 100 MB file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtfix.segment import segment  # noqa: E402

CASES = ROOT / "tests" / "data" / "segmentation_cases.jsonl"
CORPUS = ROOT.parent / "shared" / "data" / "corpus"
MB = 1_000_000


# --- 1. quality ------------------------------------------------------------------------


def quality() -> None:
    cases = [json.loads(line) for line in CASES.read_text("utf-8").splitlines() if line]
    pairs: list[tuple[str, str]] = []  # (expected label, predicted label) per expected segment
    exact = 0
    for case in cases:
        text = case["text"]
        predicted = [s for s in segment(text) if s.label != "blank"]
        got = [[s.label, s.text] for s in predicted]
        exact += got == case["expect"]
        pos = 0
        for label, expected_text in case["expect"]:
            start = text.index(expected_text, pos)
            pos = start + len(expected_text)
            hit = next((s for s in predicted if s.start <= start < s.end), None)
            pairs.append((label, hit.label if hit else "blank"))
    print(f"labelled set: {len(cases)} cases, {len(pairs)} expected segments")
    print(f"  cases entirely right (labels and sentence boundaries): {exact}/{len(cases)}")
    for name, positive in (
        ("boilerplate", {"boilerplate"}),
        ("not repairable (boilerplate or metadata)", {"boilerplate", "metadata"}),
    ):
        tp = sum(e in positive and p in positive for e, p in pairs)
        fp = sum(e not in positive and p in positive for e, p in pairs)
        fn = sum(e in positive and p not in positive for e, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(
            f"  {name}: precision {precision:.3f} recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"
        )


# --- 2-3. speed and scaling ----------------------------------------------------------------


def english(size: int) -> str:
    """Plain English paragraphs of 2-8 sentences, blank-line separated, about ``size`` chars."""
    sentences: list[str] = []
    for path in sorted(CORPUS.glob("*.txt.gz")) if CORPUS.is_dir() else []:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            sentences.extend(line.strip() for line in handle if line.strip())
        if sum(map(len, sentences)) > 6 * MB:
            break
    if not sentences:  # no shared data: generate sentence-like text
        rng0 = random.Random(0)
        words = "the a of to in market users said platform new app shop pay on for with".split()
        for _ in range(40_000):
            body = " ".join(rng0.choice(words) for _ in range(rng0.randint(6, 25)))
            sentences.append(body.capitalize() + rng0.choice([".", ".", ".", "?", "!"]))
    rng = random.Random(1)
    parts: list[str] = []
    total = 0
    while total < size:
        k = rng.randint(2, 8)
        start = rng.randrange(len(sentences))
        para = " ".join(sentences[start : start + k])
        parts.append(para)
        total += len(para) + 2
    return "\n\n".join(parts)[:size]


_NAIVE = re.compile(r"(?<=[.!?])\s+")


def best_of(runs: int, fn, *args) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def speed(quick: bool) -> None:
    text = english(5 * MB)
    ours = best_of(3, segment, text)
    naive = best_of(3, _NAIVE.split, text)
    print(f"\nspeed on {len(text) / MB:.0f} MB of plain English, one core (best of 3):")
    print(f"  mtfix.segment      {len(text) / MB / ours:6.1f} MB/s ({ours:.2f} s)")
    print(
        f"  naive regex split  {len(text) / MB / naive:6.1f} MB/s  "
        f"(baseline; ours takes {ours / naive:.1f}x its time)"
    )
    sizes = [1, 5, 10] + ([] if quick else [50])
    print("\nscaling (seconds per MB should stay flat):")
    base = english(10 * MB)
    for size in sizes:
        sample = (base * (size // 10 + 1))[: size * MB]
        seconds = best_of(1 if size >= 50 else 2, segment, sample)
        print(f"  {size:>3} MB: {seconds:6.2f} s  {seconds / size:.3f} s/MB")


# --- 4. adversarial inputs -------------------------------------------------------------------

ADVERSARIAL = {
    "1. 2.. 3... 4.5.6": "1. 2.. 3... 4.5.6 ",
    "no punctuation": "word ",
    "one line, no spaces": "x",
    "dots": ".",
    "opening brackets": "(",
    "initials A. B. C.": "A. B. C. ",
    "blank lines": "\n",
    "Go. Go. Go.": "Go. ",
    "e.g.e.g.": "e.g.e.g. ",
    "CJK punctuation": "。！？；",
    "digits": "0123456789",
    "menu lines": "Home | News\n",
}


def adversarial(quick: bool) -> None:
    print("\nadversarial inputs, 5 MB each (seconds):")
    for name, unit in ADVERSARIAL.items():
        text = (unit * (5 * MB // len(unit) + 1))[: 5 * MB]
        t = time.perf_counter()
        count = len(segment(text))
        print(f"  {name:<22} {time.perf_counter() - t:6.2f} s  {count:>9} segments")
    if not quick:
        line = ("word micro letter, and more " * (50 * MB // 28 + 1))[: 50 * MB]
        t = time.perf_counter()
        count = len(segment(line))
        print(f"  {'one 50 MB line':<22} {time.perf_counter() - t:6.2f} s  {count:>9} segments")


# --- 5. memory -------------------------------------------------------------------------------


def memory() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.txt"
        chunk = english(10 * MB) + "\n\n"
        with path.open("w", encoding="utf-8") as handle:
            for _ in range(10):
                handle.write(chunk)
        size = path.stat().st_size
        # The child reports its own peak (VmHWM, reset at exec), so the parent's
        # memory, copied at fork time, does not count.
        code = (
            "import sys\n"
            "from mtfix.cli import main\n"
            "sys.argv = ['mtfix'] + sys.argv[1:]\n"
            "try:\n"
            "    main()\n"
            "finally:\n"
            "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
            "    sys.stderr.write(f'peak-kib {status}\\n')\n"
        )
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code, "segment", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        seconds = time.perf_counter() - t
    peak = int(done.stderr.split("peak-kib")[1].split()[0]) / 1024
    print(
        f"\n`mtfix segment` on a {size / MB:.0f} MB file: peak RSS {peak:.0f} MiB "
        f"(limit 1024 MiB), {seconds:.1f} s including printing"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 50 MB and 100 MB runs")
    args = parser.parse_args()
    if sys.platform != "linux" and not args.quick:
        sys.exit("the memory figure reads /proc: run with --quick elsewhere")
    quality()
    speed(args.quick)
    adversarial(args.quick)
    if not args.quick:
        memory()


if __name__ == "__main__":
    main()
