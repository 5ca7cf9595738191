"""Rewrite-model speed: transformers vs CTranslate2 (int8), guard included, in one run.

    python benchmarks/bench_model.py [MODEL_DIR] [--rows 300] [--threads 2]

For each backend: load time, sentences/s for rewrite + guard (score margin
included) over WMT22 zh-en MT rows (or the sample page when ../shared/data is
absent), and peak resident memory of a fresh process per backend (so one
backend's memory does not count against the other). Converts MODEL_DIR for
CTranslate2 first when it has no ``ctranslate2/`` folder.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WMT = ROOT.parent / "shared" / "data" / "dev" / "wmt22-zhen-niutrans.tsv"
SAMPLE = ROOT / "samples" / "wechat-ecommerce-2014.mt.txt"


def sentences(rows: int) -> list[str]:
    if WMT.is_file():
        lines = WMT.read_text("utf-8").splitlines()[:rows]
        return [line.split("\t")[1] for line in lines]
    text = SAMPLE.read_text("utf-8")
    return [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()][:rows]


def one(backend_name: str, model_dir: str, rows: int, threads: int) -> dict[str, float]:
    """Measure one backend in this process (called in a child process)."""
    from mtfix.rewrite import create_backend
    from mtfix.rewrite.guard import GuardConfig, decide

    texts = sentences(rows)
    started = time.perf_counter()
    backend = create_backend(backend_name, model_dir, threads=threads, batch_size=32)
    load = time.perf_counter() - started
    backend.rewrite(texts[:8])  # warm-up
    started = time.perf_counter()
    raw = backend.rewrite(texts)
    rewrite_s = time.perf_counter() - started
    verdicts = decide(backend, texts, raw, None, GuardConfig.from_aggressiveness(0.5))
    total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "load_s": load,
        "rewrite_sent_s": len(texts) / rewrite_s,
        "guarded_sent_s": len(texts) / total,
        "accepted": sum(v.accepted for v in verdicts),
        "peak_mb": peak_mb,
        "sentences": len(texts),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir", nargs="?", default=str(ROOT / "models" / "default"))
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(args.child, args.model_dir, args.rows, args.threads)))
        return
    model = Path(args.model_dir)
    if not (model / "ctranslate2" / "model.bin").is_file():
        from mtfix.rewrite.ctranslate2_backend import convert_model

        convert_model(model)
    results = {}
    for name in ("transformers", "ctranslate2"):
        out = subprocess.run(
            [sys.executable, __file__, str(model), "--rows", str(args.rows),
             "--threads", str(args.threads), "--child", name],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    base = results["transformers"]
    print(f"model {model}, {base['sentences']} sentences, {args.threads} threads, batch 32, beam 2")
    print(f"{'backend':<14}{'load s':>8}{'rewrite sent/s':>16}{'+guard sent/s':>15}"
          f"{'accepted':>10}{'peak MB':>9}{'speed-up':>10}")  # fmt: skip
    for name, r in results.items():
        print(f"{name:<14}{r['load_s']:>8.2f}{r['rewrite_sent_s']:>16.1f}{r['guarded_sent_s']:>15.1f}"
              f"{r['accepted']:>10}{r['peak_mb']:>9.0f}"
              f"{r['guarded_sent_s'] / base['guarded_sent_s']:>9.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
