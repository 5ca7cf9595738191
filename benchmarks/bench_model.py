"""Rewrite-model speed: transformers vs CTranslate2 (int8), guard included, in one run.

    python benchmarks/bench_model.py [MODEL_DIR] [--rows 300] [--threads 2]

For each backend: load time, sentences/s through the full pipeline (segment,
glossary, model, guard with its score margin) and through the same pipeline
without a model (same process, same text: the ratio is what the model costs),
over WMT22 zh-en MT rows (or the sample page when ../shared/data is absent),
and peak resident memory of a fresh process per backend (so one backend's
memory does not count against the other). Converts MODEL_DIR for CTranslate2
first when it has no current ``ctranslate2/`` conversion.
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


def one(backend_name: str, model_dir: str, rows: int, threads: int, beams: int) -> dict[str, float]:
    """Measure one backend in this process (called in a child process)."""
    from mtfix import RepairConfig, Repairer
    from mtfix.rewrite import create_backend

    document = "\n\n".join(sentences(rows)) + "\n"
    config = RepairConfig(model=model_dir, backend=backend_name, num_beams=beams)
    glossary_only = Repairer(RepairConfig(use_model=False))
    started = time.perf_counter()
    backend = create_backend(
        backend_name, model_dir, threads=threads, num_beams=beams, batch_size=config.batch_size
    )
    load = time.perf_counter() - started
    full = Repairer(config, backend=backend)
    full.repair(document[:2000])  # warm-up
    started = time.perf_counter()
    baseline = glossary_only.repair(document)
    glossary_s = time.perf_counter() - started
    started = time.perf_counter()
    result = full.repair(document)
    full_s = time.perf_counter() - started
    count = baseline.stats["repairable"]  # the sentences and headings it repairs
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "load_s": load,
        "glossary_sent_s": count / glossary_s,
        "full_sent_s": count / full_s,
        "accepted": sum(d.accepted for d in result.decisions),
        "peak_mb": peak_mb,
        "sentences": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir", nargs="?", default=str(ROOT / "models" / "default"))
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beams", type=int, default=None, help="default: RepairConfig's")
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.beams is None:
        from mtfix import RepairConfig

        args.beams = RepairConfig().num_beams
    if args.child:
        print(json.dumps(one(args.child, args.model_dir, args.rows, args.threads, args.beams)))
        return
    model = Path(args.model_dir)
    from mtfix.rewrite.ctranslate2_backend import convert_model, current_conversion

    if current_conversion(model) is None:
        convert_model(model)
    results = {}
    for name in ("transformers", "ctranslate2"):
        out = subprocess.run(
            [sys.executable, __file__, str(model), "--rows", str(args.rows),
             "--threads", str(args.threads), "--beams", str(args.beams), "--child", name],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    base = results["transformers"]
    print(
        f"model {model}, {base['sentences']} sentences (WMT22 zh-en MT rows), "
        f"{args.threads} threads, beam {args.beams}; full pipeline = segment + glossary + "
        "model + guard, glossary only = the same Repairer without a model, same process"
    )
    print(f"{'backend':<14}{'load s':>8}{'glossary sent/s':>17}{'full sent/s':>13}"
          f"{'full/glossary':>15}{'accepted':>10}{'peak MB':>9}{'vs transf.':>13}")  # fmt: skip
    for name, r in results.items():
        print(f"{name:<14}{r['load_s']:>8.2f}{r['glossary_sent_s']:>17.0f}{r['full_sent_s']:>13.1f}"
              f"{r['full_sent_s'] / r['glossary_sent_s']:>15.3f}{r['accepted']:>10}"
              f"{r['peak_mb']:>9.0f}{r['full_sent_s'] / base['full_sent_s']:>12.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
