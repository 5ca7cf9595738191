"""Batch throughput: 1,000 files of ~5 KB with --jobs 1 and --jobs 2, and a large file's memory.

    python benchmarks/bench_batch.py [--files 1000] [--large-mb 500] [--only small|large]
                                     [-- extra mtfix batch options, e.g. --no-model]

Small files: the sample page copied into a tree, repaired with the default model
(the shipped one, through the default backend) unless extra options say
otherwise. Prints files/s and sentences/s for each job count, the speed-up of
--jobs 2 over --jobs 1 measured in the same run, and peak memory: of the main
process and of the largest worker (each worker loads its own model).

Large file: one file of --large-mb MB repaired with the glossary only, which
is streamed paragraph by paragraph: what it measures is that memory stays flat
whatever the size (with the model it would take hours at ~100 sentences/s).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "wechat-ecommerce-2014.mt.txt"

# Runs `mtfix ARGS...` in this interpreter and reports the peak memory of the process and of
# its largest child (the workers): ru_maxrss of RUSAGE_CHILDREN is the largest of them.
_MEASURED = """
import json, resource, sys
from mtfix.cli import main
sys.argv = ["mtfix", *json.loads(sys.argv[1])]
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code or 0
peak = lambda who: resource.getrusage(who).ru_maxrss / 1024
print(json.dumps({"code": code, "self_mb": peak(resource.RUSAGE_SELF),
                  "children_mb": peak(resource.RUSAGE_CHILDREN)}), file=sys.stderr)
"""


def make_files(folder: Path, count: int) -> None:
    text = SAMPLE.read_text("utf-8")
    for i in range(count):
        sub = folder / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i:04}.txt").write_text(text, "utf-8")


def run(args: list[str]) -> tuple[float, str, dict[str, float]]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, json.dumps(args)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    measured = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"code": 1}
    if done.returncode != 0 or measured["code"] != 0:
        raise SystemExit(done.stderr)
    return seconds, "\n".join(lines[:-1]), measured


def small_files(work: Path, count: int, extra: list[str]) -> None:
    src = work / "in"
    make_files(src, count)
    print(f"{count} files of {SAMPLE.stat().st_size / 1000:.1f} KB; options: {extra or 'defaults'}")
    seconds_at = {}
    for jobs in (1, 2):
        out = str(work / f"out{jobs}")
        seconds, log, peak = run(["batch", str(src), "-o", out, "-j", str(jobs), *extra])
        sentences = int(log.strip().splitlines()[-1].split("(")[1].split()[0])
        seconds_at[jobs] = seconds
        print(f"--jobs {jobs}: {count / seconds:7.2f} files/s  {sentences / seconds:7.1f} "
              f"sentences/s  ({seconds:.1f} s, {sentences} sentences); peak memory: main "
              f"{peak['self_mb']:.0f} MB, largest worker {peak['children_mb']:.0f} MB")  # fmt: skip
    print(f"speed-up of --jobs 2 over --jobs 1: {seconds_at[1] / seconds_at[2]:.2f}x")


def large_file(work: Path, size_mb: int) -> None:
    big = work / "big"
    big.mkdir()
    paragraph = SAMPLE.read_bytes() + b"\n\n"
    with (big / "large.txt").open("wb") as handle:
        for _ in range(size_mb * 1_000_000 // len(paragraph) + 1):
            handle.write(paragraph)
    args = ["batch", str(big), "-o", str(work / "bigout"), "-q", "-j", "1", "--no-model"]
    seconds, _, peak = run(args)
    memory = max(peak["self_mb"], peak["children_mb"])
    print(f"{size_mb} MB file, glossary only, streamed: peak memory {memory:.0f} MB, "
          f"{size_mb / seconds:.1f} MB/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--large-mb", type=int, default=500)
    parser.add_argument("--only", choices=("small", "large"))
    parser.add_argument("extra", nargs="*", help="options for the small-file runs (after --)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mtfix-bench-"))
    try:
        if args.only != "large":
            small_files(work, args.files, args.extra)
        if args.only != "small":
            large_file(work, args.large_mb)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
