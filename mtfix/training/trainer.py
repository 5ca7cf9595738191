"""Train a small seq2seq rewrite model from scratch (or continue one) on the CPU.

The architecture is BART-style (learned absolute positions): in a measurement here a
T5 of the same size did not learn to copy in 1,600 steps while BART did by ~500
(``../shared/FACTS.md``), and copying is most of the job. The tokenizer is a
sentencepiece unigram model exposed as a ``T5Tokenizer`` (``tokenizer.json``), so the
directory loads with ``AutoTokenizer``/``AutoModelForSeq2SeqLM`` and converts to
CTranslate2.

Everything written is safetensors or JSON: the model, and for ``--resume`` the
optimizer state (``optimizer.safetensors``) and ``trainer_state.json``.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from ..errors import InputError, ModelLoadError
from .card import shared_path, write_card
from .data import (
    MixConfig,
    Pair,
    PairSource,
    batches,
    build_training_pairs,
    held_out_sentences,
)
from .noise import NoiseConfig, add_noise, pack_calques

STATE_FILE = "trainer_state.json"
OPTIMIZER_FILE = "optimizer.safetensors"
#: The training runs behind a model, oldest first: a model continued with ``--init``
#: keeps the record of the one it started from, so its card tells the whole story.
LINEAGE_FILE = "training.json"
MODEL_FILES = ("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
               "tokenizer_config.json", "spiece.model", "README.md", LINEAGE_FILE)  # fmt: skip


@dataclass(frozen=True)
class ModelShape:
    """Size of a new model (ignored with ``init``/``resume``: the existing one is kept)."""

    vocab_size: int = 8000
    d_model: int = 256
    layers: int = 4
    heads: int = 4
    ffn: int = 1024
    max_positions: int = 256
    dropout: float = 0.1


@dataclass(frozen=True)
class TrainConfig:
    out_dir: Path
    pairs: tuple[PairSource, ...] = ()
    corpus: tuple[Path, ...] = ()
    dev: PairSource | None = None
    """Dev pairs; ``None`` builds them from held-out corpus sentences."""
    init: Path | None = None
    resume: bool = False
    max_minutes: float = 60.0
    max_steps: int = 0
    """Stop after this many optimizer steps in total (0: only the time budget counts)."""
    seed: int = 1
    shape: ModelShape = field(default_factory=ModelShape)
    mix: MixConfig = field(default_factory=MixConfig)
    max_tokens: int = 128
    """Longest input or target, in tokens; longer training pairs are left out."""
    batch_tokens: int = 4096
    lr: float = 7e-4
    warmup: int = 500
    eval_every: int = 500
    checkpoint_minutes: float = 10.0
    threads: int = 2
    dev_size: int = 300
    log_every: int = 50


Log = Callable[[str], None]


def _stderr(message: str) -> None:
    clear = "\r\033[K" if sys.stderr.isatty() else ""  # over the progress bar, if any
    print(clear + message, file=sys.stderr, flush=True)


def progress_line(
    step: int, max_steps: int, elapsed: float, budget: float, loss: float, tokens_per_s: float
) -> str:
    """The training progress bar: how far into the budget (time or steps), loss, throughput."""
    done = max(elapsed / budget if budget else 0.0, step / max_steps if max_steps else 0.0)
    done = min(done, 1.0)
    filled = round(done * 20)
    return (
        f"[{'#' * filled}{'.' * (20 - filled)}] {done:4.0%} step {step} loss {loss:.3f} "
        f"{tokens_per_s:,.0f} tok/s {elapsed / 60:.1f}/{budget / 60:.1f} min"
    )


# --- tokenizer and model ------------------------------------------------------------------


def train_tokenizer(texts: Sequence[str], out_dir: Path, vocab_size: int, seed: int) -> Any:
    """Train a sentencepiece unigram model on ``texts`` and wrap it as a ``T5Tokenizer``.

    ids: 0 = pad (also the decoder start), 1 = ``</s>``, 2 = ``<unk>``.
    """
    import sentencepiece as spm

    rng = random.Random(seed)
    sample = list(texts) if len(texts) <= 300_000 else rng.sample(list(texts), 300_000)
    prefix = out_dir / "spiece"
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sample),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=0.99995,
        normalization_rule_name="identity",  # the HF tokenizer applies none: keep them equal
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        num_threads=2,
        minloglevel=2,
    )
    return tokenizer_from_spm(prefix.with_suffix(".model"))


def tokenizer_from_spm(model_file: Path) -> Any:
    """A ``T5Tokenizer`` (tokenizers backend) with the pieces and scores of ``model_file``."""
    import sentencepiece as spm
    from transformers import T5Tokenizer

    sp = spm.SentencePieceProcessor(model_file=str(model_file))
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    return T5Tokenizer(vocab=vocab, extra_ids=0, clean_up_tokenization_spaces=False)


def new_model(shape: ModelShape, vocab_size: int) -> Any:
    from transformers import BartConfig, BartForConditionalGeneration

    config = BartConfig(
        vocab_size=vocab_size,
        d_model=shape.d_model,
        encoder_layers=shape.layers,
        decoder_layers=shape.layers,
        encoder_attention_heads=shape.heads,
        decoder_attention_heads=shape.heads,
        encoder_ffn_dim=shape.ffn,
        decoder_ffn_dim=shape.ffn,
        max_position_embeddings=shape.max_positions,
        dropout=shape.dropout,
        attention_dropout=0.0,
        activation_dropout=0.0,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=0,
        decoder_start_token_id=0,
        forced_eos_token_id=1,
        scale_embedding=False,  # learned positions must not be drowned by scaled tokens
        tie_word_embeddings=True,
    )
    return BartForConditionalGeneration(config)


def load_model_dir(path: Path) -> tuple[Any, Any]:
    """Model and tokenizer of an existing directory (safetensors only)."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from ..rewrite.transformers_backend import check_model_dir

    check_model_dir(path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            path, local_files_only=True, use_safetensors=True
        )
    except Exception as exc:
        raise ModelLoadError(f"{path}: cannot load model: {str(exc).splitlines()[0]}") from None
    return model, tokenizer


# --- optimizer state as safetensors ---------------------------------------------------------


def save_optimizer(optimizer: torch.optim.Optimizer, params: list[Any], path: Path) -> None:
    from safetensors.torch import save_file

    tensors: dict[str, torch.Tensor] = {}
    for i, p in enumerate(params):
        for key, value in optimizer.state.get(p, {}).items():
            if isinstance(value, torch.Tensor):
                tensors[f"{i}.{key}"] = value.detach().reshape(value.shape or (1,)).contiguous()
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp))
    os.replace(tmp, path)


def load_optimizer(optimizer: torch.optim.Optimizer, params: list[Any], path: Path) -> None:
    from safetensors.torch import load_file

    tensors = load_file(str(path))
    for name, value in tensors.items():
        index, _, key = name.partition(".")
        p = params[int(index)]
        if key == "step":
            value = value.reshape(())
        optimizer.state[p][key] = value


# --- the loop --------------------------------------------------------------------------------


@dataclass
class TrainResult:
    out_dir: Path
    steps: int
    seconds: float
    history: list[dict[str, float]]
    data: dict[str, Any]


def _encode(tokenizer: Any, texts: list[str]) -> list[list[int]]:
    ids: list[list[int]] = []
    for start in range(0, len(texts), 10_000):
        ids.extend(tokenizer(texts[start : start + 10_000])["input_ids"])
    return ids


def _pad(rows: list[list[int]], value: int) -> torch.Tensor:
    longest = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (longest - len(r)) for r in rows], dtype=torch.long)


def dev_pairs(config: TrainConfig) -> list[Pair]:
    """Dev pairs: the ``--dev`` file, or noisy + clean pairs from held-out corpus sentences."""
    if config.dev is not None:
        from .data import read_pairs

        return read_pairs(config.dev)[: config.dev_size]
    held = held_out_sentences(config.corpus, config.mix.holdout_percent, config.mix.max_words)
    rng = random.Random(config.seed + 7919)
    held = rng.sample(held, min(len(held), config.dev_size))
    out: list[Pair] = []
    for i, sentence in enumerate(held):
        if i % 3 == 2:
            out.append((sentence, sentence))  # a third clean: is good text left alone?
        else:
            out.append((add_noise(sentence, rng, config.mix.noise)[0], sentence))
    return out


def evaluate_dev(
    model: Any, tokenizer: Any, pairs: list[Pair], max_tokens: int
) -> dict[str, float]:
    """Teacher-forced loss, greedy-output chrF (sacrebleu), exact matches, clean rows kept."""
    import sacrebleu

    model.eval()
    losses: list[float] = []
    outputs: list[str] = []
    with torch.inference_mode():
        for start in range(0, len(pairs), 32):
            chunk = pairs[start : start + 32]
            enc = tokenizer([s for s, _ in chunk], return_tensors="pt", padding=True,
                            truncation=True, max_length=max_tokens)  # fmt: skip
            labels = tokenizer([t for _, t in chunk], return_tensors="pt", padding=True,
                               truncation=True, max_length=max_tokens)["input_ids"]  # fmt: skip
            labels[labels == tokenizer.pad_token_id] = -100
            losses.append(float(model(**enc, labels=labels).loss))
            longest = int(enc["input_ids"].shape[1])
            generated = model.generate(
                **enc, num_beams=1, do_sample=False, max_new_tokens=int(longest * 1.3) + 5
            )
            outputs.extend(
                d.strip() for d in tokenizer.batch_decode(generated, skip_special_tokens=True)
            )
    model.train()
    targets = [t for _, t in pairs]
    clean = [i for i, (s, t) in enumerate(pairs) if s == t]
    noisy = [i for i, (s, t) in enumerate(pairs) if s != t]
    return {
        "dev_loss": sum(losses) / max(len(losses), 1),
        "dev_chrf": sacrebleu.corpus_chrf(outputs, [targets]).score,
        "dev_input_chrf": sacrebleu.corpus_chrf([s for s, _ in pairs], [targets]).score,
        "dev_fixed": sum(outputs[i] == targets[i] for i in noisy) / max(len(noisy), 1),
        "dev_clean_kept": sum(outputs[i] == targets[i] for i in clean) / max(len(clean), 1),
    }


def train(config: TrainConfig, log: Log = _stderr) -> TrainResult:
    """Train (or continue) a model into ``config.out_dir``; see :class:`TrainConfig`."""
    started = time.monotonic()
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    out = config.out_dir
    out.mkdir(parents=True, exist_ok=True)
    state_path = out / STATE_FILE
    state: dict[str, Any] = {}
    if config.resume:
        if not state_path.is_file():
            raise InputError(out, f"--resume: no {STATE_FILE} here (nothing to resume)")
        state = json.loads(state_path.read_text("utf-8"))
        if config.init is None and state.get("args", {}).get("init"):
            # A continued run stays one "started from INIT" in the record.
            config = replace(config, init=Path(state["args"]["init"]))

    mix = config.mix
    if mix.noise.calques is None:
        mix = MixConfig(**{**asdict_shallow(mix), "noise": _with_calques(mix.noise)})
    log(f"mtfix train: reading data (seed {config.seed})")
    pairs, stats = build_training_pairs(config.pairs, config.corpus, config.seed, mix)
    if not pairs:
        raise InputError(out, "no training pairs: give --pairs and/or --corpus files")
    for source in stats.sources:
        log(f"  {source}")
    dev = dev_pairs(config)

    earlier: list[dict[str, Any]] = list(state.get("earlier", []))
    if config.resume:
        model, tokenizer = load_model_dir(out)
    elif config.init is not None:
        model, tokenizer = load_model_dir(config.init)
        earlier = read_lineage(config.init)
        if (config.init / "spiece.model").is_file():  # the tokenizer's source, for the card
            shutil.copyfile(config.init / "spiece.model", out / "spiece.model")
    else:
        texts = [t for _, t in pairs] + [s for s, t in pairs if s != t][: len(pairs) // 4]
        tokenizer = train_tokenizer(texts, out, config.shape.vocab_size, config.seed)
        model = new_model(config.shape, len(tokenizer))
    tokenizer.save_pretrained(out)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"  model: {model.config.model_type}, {n_params / 1e6:.1f}M parameters, "
        f"vocab {len(tokenizer)}")  # fmt: skip

    src_ids = _encode(tokenizer, [s for s, _ in pairs])
    tgt_ids = _encode(tokenizer, [t for _, t in pairs])
    keep = [
        i
        for i in range(len(pairs))
        if len(src_ids[i]) <= config.max_tokens and len(tgt_ids[i]) <= config.max_tokens
    ]
    log(f"  {len(pairs)} pairs, {len(pairs) - len(keep)} longer than {config.max_tokens} "
        f"tokens left out")  # fmt: skip
    src_ids = [src_ids[i] for i in keep]
    tgt_ids = [tgt_ids[i] for i in keep]
    lengths = [(len(s), len(t)) for s, t in zip(src_ids, tgt_ids)]

    params = list(model.parameters())
    optimizer = torch.optim.AdamW(params, lr=config.lr, betas=(0.9, 0.98), weight_decay=0.01)
    step = int(state.get("step", 0))
    epoch = int(state.get("epoch", 0))
    skip = int(state.get("batch_in_epoch", 0))
    previous_seconds = float(state.get("train_seconds", 0.0))
    history: list[dict[str, float]] = list(state.get("history", []))
    if config.resume and (out / OPTIMIZER_FILE).is_file():
        load_optimizer(optimizer, params, out / OPTIMIZER_FILE)

    def lr_at(s: int) -> float:
        s = max(s, 1)
        if s < config.warmup:
            return config.lr * s / config.warmup
        return config.lr * math.sqrt(config.warmup / s)

    def checkpoint(final: bool = False) -> None:
        elapsed = previous_seconds + time.monotonic() - started
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
        save_optimizer(optimizer, params, out / OPTIMIZER_FILE)
        record = {
            "step": step, "epoch": epoch, "batch_in_epoch": batch_in_epoch,
            "train_seconds": elapsed, "seed": config.seed, "history": history,
            "data": {"sources": stats.sources, "total": stats.total, "used": len(keep)},
            "args": _config_record(config), "parameters": n_params, "finished": final,
            "earlier": earlier,
        }  # fmt: skip
        tmp = state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1), "utf-8")
        os.replace(tmp, state_path)
        write_lineage(out, earlier + [run_summary(record)])
        write_card(out, record)
        log(f"  checkpoint: step {step}, {elapsed / 60:.1f} min trained in all -> {out}")

    budget = config.max_minutes * 60
    bar, bar_shown = log is _stderr and sys.stderr.isatty(), 0.0
    model.train()
    last_checkpoint = time.monotonic()
    window_tokens, window_loss, window_steps, window_start = 0, 0.0, 0, time.monotonic()
    batch_in_epoch = skip
    stop = False
    while not stop:
        order = list(batches(lengths, config.batch_tokens, random.Random(f"{config.seed}:{epoch}")))
        for b, batch in enumerate(order):
            if b < skip:
                continue
            input_ids = _pad([src_ids[i] for i in batch], 0)
            labels = _pad([tgt_ids[i] for i in batch], -100)
            loss = model(
                input_ids=input_ids, attention_mask=(input_ids != 0).long(), labels=labels
            ).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            step += 1
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            batch_in_epoch = b + 1
            window_tokens += sum(lengths[i][0] + lengths[i][1] for i in batch)
            window_loss += float(loss.detach())
            window_steps += 1
            if bar and time.monotonic() - bar_shown > 0.5:
                now = bar_shown = time.monotonic()
                line = progress_line(
                    step, config.max_steps, now - started, budget,
                    window_loss / window_steps, window_tokens / max(now - window_start, 1e-9),
                )  # fmt: skip
                sys.stderr.write("\r" + line)
                sys.stderr.flush()
            if step % config.log_every == 0:
                now = time.monotonic()
                log(f"step {step} epoch {epoch} loss {window_loss / window_steps:.3f} "
                    f"lr {lr_at(step):.2e} {window_tokens / (now - window_start):,.0f} tok/s "
                    f"elapsed {(now - started) / 60:.1f} min")  # fmt: skip
                window_tokens, window_loss, window_steps, window_start = 0, 0.0, 0, now
            if config.eval_every and step % config.eval_every == 0 and dev:
                scores = evaluate_dev(model, tokenizer, dev, config.max_tokens)
                history.append({"step": step, **scores})
                log("dev " + " ".join(f"{k} {v:.3f}" for k, v in scores.items()))
            out_of_time = time.monotonic() - started > budget
            if (config.max_steps and step >= config.max_steps) or out_of_time:
                stop = True
                break
            if time.monotonic() - last_checkpoint > config.checkpoint_minutes * 60:
                checkpoint()
                last_checkpoint = time.monotonic()
        else:
            epoch += 1
            skip = 0
            batch_in_epoch = 0
    if dev and (not history or history[-1]["step"] != step):
        scores = evaluate_dev(model, tokenizer, dev, config.max_tokens)
        history.append({"step": step, **scores})
        log("dev " + " ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    checkpoint(final=True)
    return TrainResult(out, step, previous_seconds + time.monotonic() - started, history,
                       {"sources": stats.sources, "total": stats.total})  # fmt: skip


def run_summary(state: dict[str, Any]) -> dict[str, Any]:
    """One training run as the lineage keeps it: what a card needs to describe it."""
    args = state.get("args", {})
    return {
        "steps": state.get("step"),
        "minutes": round(float(state.get("train_seconds", 0.0)) / 60, 1),
        "seed": state.get("seed"),
        "init": args.get("init"),
        "lr": args.get("lr"),
        "warmup": args.get("warmup"),
        "batch_tokens": args.get("batch_tokens"),
        "threads": args.get("threads"),
        "data": [
            {**source, "path": shared_path(str(source["path"]))}
            for source in state.get("data", {}).get("sources", [])
        ],
    }


def read_lineage(model_dir: Path) -> list[dict[str, Any]]:
    """The training runs recorded in ``model_dir`` (one "unrecorded" run when it has none)."""
    path = model_dir / LINEAGE_FILE
    if not path.is_file():
        return [{"model": str(model_dir), "unrecorded": True}]
    try:
        runs = json.loads(path.read_text("utf-8"))["runs"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(path, f"not a training record: {exc}") from None
    if not isinstance(runs, list):
        raise InputError(path, "not a training record: 'runs' is not a list")
    return runs


def write_lineage(model_dir: Path, runs: list[dict[str, Any]]) -> None:
    path = model_dir / LINEAGE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"runs": runs}, indent=1, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, path)


def asdict_shallow(obj: Any) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in obj.__dataclass_fields__}


def _with_calques(noise: NoiseConfig) -> NoiseConfig:
    return NoiseConfig(noise.weights, noise.min_errors, noise.max_errors, pack_calques())


def _config_record(config: TrainConfig) -> dict[str, Any]:
    """The training options as plain JSON (paths as strings)."""
    record = asdict(config)

    def plain(value: Any) -> Any:
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k != "calques"}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return plain(record)  # type: ignore[no-any-return]


def export_model(src: Path, dest: Path) -> list[Path]:
    """Copy the files a user needs (no optimizer or trainer state) from ``src`` to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in MODEL_FILES:
        if (src / name).is_file():
            shutil.copyfile(src / name, dest / name)
            copied.append(dest / name)
    return copied
