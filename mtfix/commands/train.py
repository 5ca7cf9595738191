"""`mtfix train`: train (or continue) a rewrite model from pairs and clean English."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import _fail, app
from ..errors import MtfixError, UsageError


def _columns(text: str) -> tuple[int, int]:
    try:
        a, b = (int(x) for x in text.split(","))
    except ValueError:
        raise UsageError(f"--pairs-columns: expected two numbers like 2,3, got {text!r}") from None
    return a, b


def _aligned(values: list[str] | None, n: int, name: str, default: str) -> list[str]:
    """One value per --pairs file: none (default), one (for all) or exactly one each."""
    if not values:
        return [default] * n
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise UsageError(f"{name}: give it once, or once per --pairs file ({n})")
    return values


@app.command()
def train(
    out_dir: Annotated[Path, typer.Argument(help="Model directory to write (or resume).")],
    pairs: Annotated[
        Optional[list[Path]],
        typer.Option("--pairs", help="TSV of MT -> corrected text; repeatable (.gz is fine)."),
    ] = None,
    pairs_columns: Annotated[
        Optional[list[str]],
        typer.Option(
            "--pairs-columns",
            help="1-based input,target columns, e.g. 2,3; once for all --pairs or once each.",
        ),
    ] = None,
    pairs_min_chrf: Annotated[
        Optional[list[str]],
        typer.Option(
            "--pairs-min-chrf",
            help="Keep pairs whose sides reach this chrF (filters MT->reference paraphrases); "
            "once for all or once per --pairs.",
        ),
    ] = None,
    pairs_limit: Annotated[
        Optional[list[str]],
        typer.Option("--pairs-limit", help="At most this many pairs per file (0: all)."),
    ] = None,
    corpus: Annotated[
        Optional[list[Path]],
        typer.Option("--corpus", help="Clean English, one sentence a line (.txt/.txt.gz)."),
    ] = None,
    corpus_limit: Annotated[
        int, typer.Option("--corpus-limit", help="At most this many sentences per corpus file.")
    ] = 0,
    identity_ratio: Annotated[
        float, typer.Option("--identity-ratio", help="Share of corpus sentences also kept as-is.")
    ] = 0.25,
    noise_weights: Annotated[
        Optional[str],
        typer.Option(
            "--noise-weights",
            help="Noise mix, e.g. 'duplicate=2,swap=0' (others keep their default weight).",
        ),
    ] = None,
    max_errors: Annotated[int, typer.Option("--max-errors", help="Most errors per sentence.")] = 3,
    dev: Annotated[
        Optional[Path],
        typer.Option(
            "--dev", help="Dev TSV (input, target in columns 1,2); default: held-out corpus."
        ),
    ] = None,
    init: Annotated[
        Optional[Path], typer.Option("--init", help="Start from this model directory.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the run saved in OUT_DIR.")
    ] = False,
    max_minutes: Annotated[float, typer.Option("--max-minutes", help="Time budget.")] = 60.0,
    max_steps: Annotated[int, typer.Option("--max-steps", help="Stop at this step (0: none).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed for data, noise and order.")] = 1,
    vocab_size: Annotated[int, typer.Option("--vocab-size")] = 8000,
    d_model: Annotated[int, typer.Option("--d-model")] = 256,
    layers: Annotated[int, typer.Option("--layers", help="Encoder and decoder layers each.")] = 4,
    heads: Annotated[int, typer.Option("--heads")] = 4,
    ffn: Annotated[int, typer.Option("--ffn")] = 1024,
    max_tokens: Annotated[
        int, typer.Option("--max-tokens", help="Longest training input/target in tokens.")
    ] = 128,
    batch_tokens: Annotated[int, typer.Option("--batch-tokens")] = 4096,
    lr: Annotated[float, typer.Option("--lr")] = 7e-4,
    warmup: Annotated[int, typer.Option("--warmup")] = 500,
    eval_every: Annotated[
        int, typer.Option("--eval-every", help="Dev scores every N steps.")
    ] = 500,
    checkpoint_minutes: Annotated[float, typer.Option("--checkpoint-minutes")] = 10.0,
    threads: Annotated[int, typer.Option("--threads", help="torch CPU threads.")] = 2,
    export: Annotated[
        Optional[Path],
        typer.Option("--export", help="Also copy the finished model (no optimizer state) here."),
    ] = None,
) -> None:
    """Train a seq2seq rewrite model from scratch on the CPU (or continue one)."""
    try:
        from ..training.data import MixConfig, PairSource
        from ..training.noise import DEFAULT_WEIGHTS, NoiseConfig
        from ..training.trainer import ModelShape, TrainConfig, export_model
        from ..training.trainer import train as run_training

        files = list(pairs or [])
        cols = _aligned(pairs_columns, len(files), "--pairs-columns", "1,2")
        chrfs = _aligned(pairs_min_chrf, len(files), "--pairs-min-chrf", "0")
        limits = _aligned(pairs_limit, len(files), "--pairs-limit", "0")
        sources = tuple(
            PairSource(path, _columns(c), float(m), int(n))
            for path, c, m, n in zip(files, cols, chrfs, limits)
        )
        weights = dict(DEFAULT_WEIGHTS)
        for item in (noise_weights or "").split(","):
            if not item.strip():
                continue
            name, _, value = item.partition("=")
            if name.strip() not in weights:
                raise UsageError(f"--noise-weights: unknown noise type {name.strip()!r} "
                                 f"(known: {', '.join(weights)})")  # fmt: skip
            weights[name.strip()] = float(value)
        if resume and init is not None:
            raise UsageError(
                "--resume continues OUT_DIR; --init starts from another model: pick one"
            )
        config = TrainConfig(
            out_dir=out_dir,
            pairs=sources,
            corpus=tuple(corpus or ()),
            dev=PairSource(dev) if dev else None,
            init=init,
            resume=resume,
            max_minutes=max_minutes,
            max_steps=max_steps,
            seed=seed,
            shape=ModelShape(vocab_size, d_model, layers, heads, ffn, max(2 * max_tokens, 256)),
            mix=MixConfig(
                noise=NoiseConfig(weights=weights, max_errors=max_errors),
                identity_ratio=identity_ratio,
                corpus_limit=corpus_limit,
            ),
            max_tokens=max_tokens,
            batch_tokens=batch_tokens,
            lr=lr,
            warmup=warmup,
            eval_every=eval_every,
            checkpoint_minutes=checkpoint_minutes,
            threads=threads,
        )
        result = run_training(config)
        if export is not None:
            export_model(result.out_dir, export)
    except MtfixError as error:
        _fail(error)
    except ValueError as error:  # a malformed number in a list option
        _fail(UsageError(str(error).splitlines()[0]))
    typer.echo(f"trained {result.steps} steps in {result.seconds / 60:.1f} min -> {result.out_dir}",
               err=True)  # fmt: skip
