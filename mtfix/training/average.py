"""Weight averaging: one model whose weights are a weighted mean of several.

Averaging a model continued on a narrow job with the one it started from is a cheap way
to trade some of the new skill for some of the old caution (for the shipped model it did
no better than the continued run alone; see its card). The models must share
architecture and tokenizer; only safetensors weights are read or written.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import ModelLoadError, UsageError
from ..rewrite.transformers_backend import check_model_dir
from .card import write_average_card
from .trainer import read_lineage, write_lineage

_COPIED = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
           "spiece.model")  # fmt: skip
# config.json keys that may differ between models of the same shape.
_FREE_KEYS = {"_name_or_path", "transformers_version", "torch_dtype", "dtype"}


def average_models(
    sources: Sequence[Path], out: Path, weights: Sequence[float] | None = None
) -> Path:
    """Write to ``out`` the model whose weights are the ``weights``-mean of ``sources``.

    ``weights`` default to equal; they must be positive and are normalised to sum to 1.
    ``out`` is written whole or not at all (a temporary folder renamed into place).
    """
    from safetensors.torch import load_file, save_file

    if len(sources) < 2:
        raise UsageError("model average: give at least two model directories")
    weights = list(weights) if weights is not None else [1.0] * len(sources)
    if len(weights) != len(sources) or any(not w > 0 for w in weights):
        raise UsageError(
            f"model average: {len(sources)} models need {len(sources)} positive weights, "
            f"got {weights}"
        )
    weights = [w / sum(weights) for w in weights]
    for path in sources:
        check_model_dir(path)
    _check_same_kind(sources)
    states = [load_file(str(Path(path) / "model.safetensors")) for path in sources]
    keys = set(states[0])
    for path, state in zip(sources[1:], states[1:]):
        if set(state) != keys or any(state[k].shape != states[0][k].shape for k in keys):
            raise ModelLoadError(f"{path}: its weights do not match {sources[0]}'s")
    averaged = {}
    for k in keys:
        mean = weights[0] * states[0][k].float()
        for w, state in zip(weights[1:], states[1:]):
            mean += w * state[k].float()
        averaged[k] = mean.to(states[0][k].dtype).contiguous()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        save_file(averaged, str(staging / "model.safetensors"), metadata={"format": "pt"})
        for name in _COPIED:
            if (Path(sources[0]) / name).is_file():
                shutil.copyfile(Path(sources[0]) / name, staging / name)
        parts = [
            {"model": str(path), "weight": round(w, 4), "runs": read_lineage(Path(path))}
            for path, w in zip(sources, weights)
        ]
        write_lineage(staging, [{"averaged": parts}])
        config = json.loads((Path(sources[0]) / "config.json").read_text("utf-8"))
        write_average_card(staging, parts, config, sum(t.numel() for t in averaged.values()))
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out


def _check_same_kind(sources: Sequence[Path]) -> None:
    """Same architecture (config.json less its free keys) and the same tokenizer."""

    def shape(path: Path) -> dict[str, object]:
        config = json.loads((Path(path) / "config.json").read_text("utf-8"))
        return {k: v for k, v in config.items() if k not in _FREE_KEYS}

    first = Path(sources[0])
    for path in sources[1:]:
        if shape(Path(path)) != shape(first):
            raise ModelLoadError(f"{path}: not the same architecture as {first} (config.json)")
        ours, theirs = Path(path) / "tokenizer.json", first / "tokenizer.json"
        if ours.is_file() != theirs.is_file() or (
            ours.is_file() and ours.read_bytes() != theirs.read_bytes()
        ):
            raise ModelLoadError(f"{path}: not the same tokenizer as {first} (tokenizer.json)")
