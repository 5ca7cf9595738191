"""Batch throughput: 1,000 files of ~5 KB with --jobs 1 and --jobs 2, and a large file's memory.

MTFIX_BENCH_FILES (default 1000) sets the number of files; MTFIX_BENCH_ARGS adds options to
the small-file runs (e.g. "--no-model" or "--backend ctranslate2").

Prints files/s and sentences/s for each job count and the speed-up ratio
(jobs 2 against jobs 1, measured in the same run), then the peak memory of
repairing one large file, which is streamed paragraph by paragraph.
Uses the default model when models/default has one, else the glossary only.
The large file (MTFIX_BENCH_LARGE_MB, default 500) is repaired with the glossary only:
what it measures is memory, which streaming keeps flat whatever the size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "wechat-ecommerce-2014.mt.txt"


def make_files(folder: Path, count: int) -> None:
    text = SAMPLE.read_text("utf-8")
    for i in range(count):
        sub = folder / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i:04}.txt").write_text(text, "utf-8")


def run(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mtfix", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - started, done.stderr


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="mtfix-bench-"))
    try:
        src = work / "in"
        count = int(os.environ.get("MTFIX_BENCH_FILES", "1000"))
        extra = os.environ.get("MTFIX_BENCH_ARGS", "").split()
        make_files(src, count)
        results = {}
        for jobs in (1, 2):
            out = str(work / f"out{jobs}")
            seconds, log = run(["batch", str(src), "-o", out, "-j", str(jobs), *extra])
            sentences = int(log.strip().splitlines()[-1].split("(")[1].split()[0])
            results[jobs] = seconds
            print(f"--jobs {jobs}: {count / seconds:7.1f} files/s  {sentences / seconds:9.0f} "
                  f"sentences/s  ({seconds:.1f} s)")
        print(f"speed-up of --jobs 2 over --jobs 1: {results[1] / results[2]:.2f}x")

        size_mb = int(os.environ.get("MTFIX_BENCH_LARGE_MB", "500"))
        big = work / "big"
        big.mkdir()
        paragraph = SAMPLE.read_bytes() + b"\n\n"
        with (big / "large.txt").open("wb") as handle:
            for _ in range(size_mb * 1_000_000 // len(paragraph) + 1):
                handle.write(paragraph)
        code = (
            "import resource, sys\n"
            "from mtfix.cli import main\n"
            f"sys.argv = ['mtfix', 'batch', {str(big)!r}, '-o', {str(work / 'bigout')!r}, '-q',"
            " '--no-model']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.split()[-1]
        seconds = time.perf_counter() - started
        print(f"{size_mb} MB file: peak memory {int(out) / 1024:.0f} MB, "
              f"{size_mb / seconds:.1f} MB/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
