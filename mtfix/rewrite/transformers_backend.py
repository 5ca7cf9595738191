"""Rewrite with any local Hugging Face seq2seq checkpoint (T5, BART, Marian, ...).

torch and transformers are imported here, when a model is actually loaded,
so the rest of mtfix starts fast. Weights load from safetensors only; a
pickled checkpoint is refused unless the caller trusts it explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelLoadError

PICKLE_WEIGHTS = ("pytorch_model.bin", "pytorch_model.bin.index.json")
SAFE_WEIGHTS = ("model.safetensors", "model.safetensors.index.json")


def check_model_dir(model_dir: str | Path, *, trust_pickle: bool = False) -> Path:
    """Fail with a one-line :class:`ModelLoadError` unless ``model_dir`` looks loadable."""
    path = Path(model_dir)
    if not path.is_dir():
        raise ModelLoadError(f"{path}: model directory not found")
    if not (path / "config.json").is_file():
        raise ModelLoadError(f"{path}: no config.json (not a Hugging Face model directory)")
    if not any((path / name).is_file() for name in SAFE_WEIGHTS):
        if any((path / name).is_file() for name in PICKLE_WEIGHTS) and not trust_pickle:
            raise ModelLoadError(
                f"{path}: weights are pickled (pytorch_model.bin), which can run code; "
                "convert them to safetensors or pass --trust-pickle"
            )
        if not trust_pickle:
            raise ModelLoadError(f"{path}: no model.safetensors weights")
    return path


class TransformersBackend:
    """Batched generation with a local seq2seq model on the CPU (or ``device``)."""

    name = "transformers"

    def __init__(
        self,
        model_dir: str | Path | None,
        *,
        batch_size: int = 16,
        num_beams: int = 2,
        max_input_tokens: int = 256,
        device: str = "cpu",
        trust_pickle: bool = False,
        **_: object,
    ) -> None:
        if model_dir is None:
            raise ModelLoadError("the transformers backend needs a model directory")
        path = check_model_dir(model_dir, trust_pickle=trust_pickle)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
        os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
        import torch
        from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        try:
            config = AutoConfig.from_pretrained(path, local_files_only=True)
        except Exception as exc:  # transformers raises many kinds; report one line
            raise ModelLoadError(f"{path}: cannot read config.json: {_first_line(exc)}") from None
        if not getattr(config, "is_encoder_decoder", False):
            raise ModelLoadError(
                f"{path}: model type {config.model_type!r} is not a seq2seq (encoder-decoder) model"
            )
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.model: Any = AutoModelForSeq2SeqLM.from_pretrained(
                path, local_files_only=True, use_safetensors=not trust_pickle
            )
        except Exception as exc:
            raise ModelLoadError(f"{path}: cannot load model: {_first_line(exc)}") from None
        self.model.to(device).eval()
        self._torch = torch
        self.device = device
        self.batch_size = batch_size
        self.num_beams = num_beams
        self.max_input_tokens = max_input_tokens
        self.path = path

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        """Rewrite each sentence; ones longer than the model's input limit come back unchanged."""
        outputs = list(sentences)
        lengths = [len(ids) for ids in self.tokenizer(list(sentences))["input_ids"]]
        todo = [i for i, n in enumerate(lengths) if 0 < n <= self.max_input_tokens]
        todo.sort(key=lambda i: lengths[i])  # similar lengths batch with little padding
        for b in range(0, len(todo), self.batch_size):
            batch = todo[b : b + self.batch_size]
            texts = [sentences[i] for i in batch]
            longest = max(lengths[i] for i in batch)
            for i, text in zip(batch, self._generate(texts, longest)):
                outputs[i] = text
        return outputs

    def _generate(self, texts: list[str], longest: int) -> list[str]:
        encoded = self.tokenizer(texts, return_tensors="pt", padding=True).to(self.device)
        with self._torch.inference_mode():
            generated = self.model.generate(
                **encoded,
                num_beams=self.num_beams,
                max_new_tokens=int(longest * 1.5) + 8,
                do_sample=False,
            )
        decoded: list[str] = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [d.strip() for d in decoded]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
