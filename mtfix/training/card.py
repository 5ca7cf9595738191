"""The model card (``README.md``) written beside a trained model.

It is rebuilt from ``trainer_state.json`` at every checkpoint; measured figures
(:mod:`mtfix.training.measure`) go into a block between two markers that a
rebuild keeps.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..rewrite.base import MAX_INPUT_TOKENS
from .data import MixConfig

MEASURED_BEGIN = "<!-- measured:begin -->"
MEASURED_END = "<!-- measured:end -->"

#: Provenance and licence of the shared data files (from ../shared/data/README.md).
PROVENANCE: dict[str, str] = {
    "mlqe-pe": "MLQE-PE (sheffieldnlp/mlqe-pe), real post-edits of MT English; CC0-1.0",
    "wmt-xen-systems": "WMT22/WMT23 X→en system outputs with human references "
    "(wmt-conference/wmt22-news-systems, wmt23-news-systems); research and evaluation use, "
    "cite the WMT22/WMT23 findings papers",
    "english-news-wmt": "WMT22/23 English references and sources; research and evaluation use",
    "gensim-lee-news": "ABC news articles from gensim's test data",
    "gensim-enwiki": "Wikipedia pages from gensim's test data; CC BY-SA",
    "linux-doc": "Linux kernel documentation, Debian linux-doc-6.1; GPL-2.0",
    "python-doc": "Python 3.11 documentation, Debian python3.11-doc; PSF licence",
    "debian-handbook": "The Debian Administrator's Handbook; GPL-2+ / CC-BY-SA-3.0",
    "wordnet-examples": "WordNet example sentences; WordNet licence",
}


def provenance(path: str) -> str:
    name = Path(path).name
    for key, text in PROVENANCE.items():
        if name.startswith(key):
            return text
    return "user-supplied file"


def write_card(out_dir: Path, state: dict[str, Any]) -> Path:
    """Write ``out_dir/README.md`` from a trainer state record, keeping measured figures."""
    path = out_dir / "README.md"
    measured = ""
    if path.is_file():
        old = path.read_text("utf-8")
        if MEASURED_BEGIN in old and MEASURED_END in old:
            measured = old[old.index(MEASURED_BEGIN) : old.index(MEASURED_END) + len(MEASURED_END)]
    args = state.get("args", {})
    shape = args.get("shape", {})
    lines = [
        *_INTRO,
        *_model_lines(
            d_model=shape.get("d_model"),
            layers=shape.get("layers"),
            heads=shape.get("heads"),
            ffn=shape.get("ffn"),
            vocab=shape.get("vocab_size"),
            parameters=int(state.get("parameters", 0)),
            max_tokens=args.get("max_tokens"),
        ),
        "",
        "## Training",
        f"- steps: {state.get('step')}, epochs started: {int(state.get('epoch', 0)) + 1}, "
        f"training time: {float(state.get('train_seconds', 0)) / 60:.1f} min on the CPU "
        f"({args.get('threads')} torch thread(s)) "
        f"({'finished' if state.get('finished') else 'checkpoint'})",
        f"- seed {state.get('seed')}, learning rate {args.get('lr')} (warm-up "
        f"{args.get('warmup')} steps, then inverse square root), batches of ~"
        f"{args.get('batch_tokens')} tokens, AdamW",
        f"- training pairs: {state.get('data', {}).get('used')} used of "
        f"{state.get('data', {}).get('total')}",
        *_earlier_runs(state),
        "",
        "| source | kind | what was taken | provenance, licence |",
        "|---|---|---|---|",
    ]
    for source in state.get("data", {}).get("sources", []):
        path_text = shared_path(str(source["path"]))
        if source["kind"] == "pairs":
            what = (
                f"{source['pairs']} pairs (columns {source['columns']}, "
                f"chrF ≥ {source['min_chrf']}; {source['changed']} with a correction)"
            )
        else:
            what = f"{source['noisy']} noisy → clean, {source['identity']} identity pairs"
        lines.append(f"| `{path_text}` | {source['kind']} | {what} | {provenance(path_text)} |")
    lines += [
        "",
        *_noise_lines(args.get("mix", {}).get("holdout_percent")),
        "",
        "## Dev scores while training (held-out corpus sentences, greedy, no guard)",
        "| step | dev loss | chrF | input chrF | noisy fixed exactly | clean kept |",
        "|---|---|---|---|---|---|",
    ]
    for h in state.get("history", [])[-12:]:
        lines.append(
            f"| {h['step']} | {h['dev_loss']:.3f} | {h['dev_chrf']:.2f} | "
            f"{h['dev_input_chrf']:.2f} | {h['dev_fixed']:.1%} | {h['dev_clean_kept']:.1%} |"
        )
    lines += ["", "## Measured", ""]
    lines.append(measured or _UNMEASURED)
    lines += ["", *_REBUILD]
    return _write(path, "\n".join(lines))


_INTRO = [
    "# mtfix rewrite model",
    "",
    "A small BART-style seq2seq model trained with `mtfix train` on the CPU (from scratch,",
    "or continued from the model named under Training).",
    "Its job: the errors of poor (word-by-word) machine translation that can be fixed from",
    "the English alone — duplicated words, misplaced auxiliaries, article and preposition",
    "slips, agreement, tense and number errors, literal calques. It is meant to run behind",
    "mtfix's guard (`mtfix/rewrite/guard.py`), which keeps a rewrite only when it is small,",
    "keeps every protected span, makes only edits that undo known poor-MT errors",
    "(`mtfix/rewrite/edits.py`, judged edit by edit and clause by clause) and scores",
    "better than copying the input.",
    "",
]
_UNMEASURED = (
    f"{MEASURED_BEGIN}\n(not measured yet: run `python benchmarks/eval_model.py MODEL_DIR`)"
    f"\n{MEASURED_END}"
)
_REBUILD = [
    "## Rebuild",
    "`make model` (the exact `mtfix train` commands are in the Makefile).",
    "",
]


def _model_lines(
    *, d_model: Any, layers: Any, heads: Any, ffn: Any, vocab: Any, parameters: int,
    max_tokens: Any,
) -> list[str]:  # fmt: skip
    return [
        "## Model",
        f"- architecture: BART (post-norm, learned positions), d_model {d_model}, "
        f"{layers}+{layers} layers, {heads} heads, ffn {ffn}, {parameters / 1e6:.1f}M "
        "parameters (tied embeddings)",
        f"- tokenizer: sentencepiece unigram, vocabulary {vocab} "
        "(`spiece.model`, `tokenizer.json`)",
        f"- inputs up to {max_tokens} tokens; mtfix splits longer sentences at clause "
        "boundaries before the model sees them (never truncates)",
        "- weights: `model.safetensors` (no pickle)",
    ]


def _noise_lines(holdout_percent: Any) -> list[str]:
    return [
        "Synthetic noise: `mtfix/training/noise.py` (types and weights in the model's training",
        "record, `trainer_state.json` when training; see `mtfix train --help`). A fixed share of",
        f"corpus sentences ({holdout_percent}%, chosen by a hash of",
        "the text) is never trained on and serves for evaluation.",
        "Nothing from `../shared/data/dev/` is trained on.",
    ]


def _earlier_runs(state: dict[str, Any]) -> list[str]:
    """Card lines for the runs of the model this one was started from (``--init``)."""
    earlier = state.get("earlier") or []
    if not earlier:
        return []
    init = state.get("args", {}).get("init")
    lines = [f"- started (`--init`) from `{init}`, a model trained before this run in:"]
    lines += [line for run in earlier for line in run_lines(run, "  ")]
    runs = _training_runs(earlier)
    if runs is not None:
        this_run = {"steps": state.get("step", 0), "minutes": state.get("train_seconds", 0) / 60}
        averaged = any(run.get("averaged") for run in earlier)
        lines.append(_in_all([*runs, this_run], averaged))
    return lines


def _in_all(runs: list[dict[str, Any]], averaged: bool) -> str:
    """The card line with the steps and minutes of ``runs`` summed."""
    steps = sum(int(run.get("steps") or 0) for run in runs)
    minutes = sum(float(run.get("minutes") or 0) for run in runs)
    shared = " (a run behind several averaged models counted once)" if averaged else ""
    return f"- in all: {steps} steps, {minutes:.1f} min of training{shared}"


def run_lines(run: dict[str, Any], indent: str = "") -> list[str]:
    """Card lines for one entry of a training record; an averaged model's parts are
    listed with their own runs, nested."""
    if not run.get("averaged"):
        return [f"{indent}- {describe_run(run)}"]
    return [f"{indent}- {describe_run(run)}:", *_part_lines(run["averaged"], indent + "  ")]


def _part_lines(parts: list[dict[str, Any]], indent: str) -> list[str]:
    """Card lines for the models of an average, each with the runs it was trained in."""
    lines = []
    for part in parts:
        lines.append(f"{indent}- `{part['model']}`, weight {part['weight']}, trained in:")
        for inner in part.get("runs", []):
            lines += run_lines(inner, indent + "  ")
    return lines


def _training_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Every training run behind ``runs``, those of averaged models included, each once
    (averaged models often share their first runs); ``None`` if one is not recorded."""
    found: dict[str, dict[str, Any]] = {}
    for run in runs:
        if run.get("unrecorded"):
            return None
        if run.get("averaged"):
            inner = _training_runs([r for part in run["averaged"] for r in part.get("runs", [])])
            if inner is None:
                return None
            found.update((json.dumps(r, sort_keys=True), r) for r in inner)
        else:
            found[json.dumps(run, sort_keys=True)] = run
    return list(found.values())


def describe_run(run: dict[str, Any]) -> str:
    """One line for one entry of a model's training record (``training.json``)."""
    if run.get("unrecorded"):
        return f"`{run.get('model')}`, whose training is not recorded"
    if run.get("averaged"):
        return "the weighted mean of " + ", ".join(
            f"`{part['model']}` ({part['weight']})" for part in run["averaged"]
        )
    start = f"from `{run['init']}`" if run.get("init") else "from scratch"
    data = ", ".join(
        f"`{d['path']}` ({d['pairs']} pairs)" if d.get("kind") == "pairs"
        else f"`{d['path']}` ({d.get('noisy')} noisy, {d.get('identity')} identity)"
        for d in run.get("data", [])
    )  # fmt: skip
    return (
        f"{run.get('steps')} steps, {run.get('minutes')} min on {run.get('threads')} "
        f"thread(s), seed {run.get('seed')}, lr {run.get('lr')} (warm-up {run.get('warmup')}), "
        f"batches of ~{run.get('batch_tokens')} tokens, {start}; data: {data or 'not recorded'}"
    )


def write_average_card(
    out_dir: Path, parts: list[dict[str, Any]], config: dict[str, Any], parameters: int
) -> Path:
    """The card of a model made by ``mtfix model average`` from ``parts`` (each a model
    directory, its weight and its training record), of the shape ``config`` (its
    ``config.json``) with ``parameters`` weights."""
    runs = [{"averaged": parts}]
    lines = [
        *_INTRO,
        *_model_lines(
            d_model=config.get("d_model"),
            layers=config.get("encoder_layers"),
            heads=config.get("encoder_attention_heads"),
            ffn=config.get("encoder_ffn_dim"),
            vocab=config.get("vocab_size"),
            parameters=parameters,
            max_tokens=MAX_INPUT_TOKENS,
        ),
        "",
        "## Training",
        "Its weights are the weighted mean of the models below (`mtfix model average`), each",
        "trained as listed (the same architecture and tokenizer):",
        *_part_lines(parts, ""),
    ]
    trained = _training_runs(runs)
    if trained is not None:
        lines.append(_in_all(trained, averaged=True))
    paths = dict.fromkeys(
        shared_path(str(d["path"])) for run in trained or [] for d in run.get("data", [])
    )
    if paths:
        lines += ["", "| source | provenance, licence |", "|---|---|"]
        lines += [f"| `{path}` | {provenance(path)} |" for path in paths]
    # Training records do not keep the held-out share: the runs used the default.
    lines += ["", *_noise_lines(MixConfig().holdout_percent), "", "## Measured", "", _UNMEASURED]
    lines += ["", *_REBUILD]
    path = out_dir / "README.md"
    return _write(path, "\n".join(lines))


def update_measured(out_dir: Path, markdown: str) -> Path:
    """Replace the measured block of ``out_dir/README.md`` with ``markdown``."""
    path = out_dir / "README.md"
    text = path.read_text("utf-8") if path.is_file() else "# mtfix rewrite model\n\n## Measured\n\n"
    block = f"{MEASURED_BEGIN}\n{markdown.strip()}\n{MEASURED_END}"
    if MEASURED_BEGIN in text and MEASURED_END in text:
        start, end = text.index(MEASURED_BEGIN), text.index(MEASURED_END) + len(MEASURED_END)
        text = text[:start] + block + text[end:]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    return _write(path, text)


def _write(path: Path, text: str) -> Path:
    """Write ``path`` whole or not at all (a temporary file renamed into place)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)
    return path


def shared_path(path: str) -> str:
    """``/…/shared/data/x`` → ``../shared/data/x`` (how the project names shared data)."""
    marker = "/shared/data/"
    return "../shared/data/" + path.split(marker, 1)[1] if marker in path else path
