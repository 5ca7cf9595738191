"""Rewrite with any local Hugging Face seq2seq checkpoint (T5, BART, Marian, ...).

torch and transformers are imported here, when a model is actually loaded,
so the rest of mtfix starts fast. Weights load from safetensors only; a
pickled checkpoint is refused unless the caller trusts it explicitly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelLoadError
from .base import MAX_INPUT_TOKENS

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


# Where a long sentence may be cut for the model: after clause punctuation and its spaces.
_CLAUSE_BREAK = re.compile(r"(?<=[,;:)\]])\s+|(?<=\s[-\u2013\u2014])\s+")


def split_for_model(text: str, limit: int, count: Callable[[str], int]) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` tokens (by ``count``), losslessly.

    Pieces end at clause punctuation where possible, else between words; every
    piece keeps its trailing whitespace, so ``"".join(pieces) == text``.
    """
    if count(text) <= limit:
        return [text]
    clauses = _cut(text, [m.end() for m in _CLAUSE_BREAK.finditer(text)])
    units: list[str] = []
    for clause in clauses:
        if count(clause) <= limit:
            units.append(clause)
        else:  # a clause too long on its own: cut between words
            words = _cut(clause, [m.end() for m in re.finditer(r"\s+", clause)])
            units.extend(words)
    pieces: list[str] = []
    current, size = "", 0
    for unit in units:
        n = count(unit)
        if current and size + n > limit:
            pieces.append(current)
            current, size = "", 0
        current += unit
        size += n
    if current:
        pieces.append(current)
    return pieces


def _cut(text: str, ends: Sequence[int]) -> list[str]:
    out, start = [], 0
    for end in ends:
        if start < end < len(text):
            out.append(text[start:end])
            start = end
    out.append(text[start:])
    return out


class TransformersBackend:
    """Batched generation with a local seq2seq model on the CPU (or ``device``).

    Sentences longer than ``max_input_tokens`` are cut at clause boundaries
    (:func:`split_for_model`), rewritten piece by piece and joined again; a piece
    holding characters the tokenizer cannot represent comes back unchanged (the
    model could only lose them).
    """

    name = "transformers"

    def __init__(
        self,
        model_dir: str | Path | None,
        *,
        batch_size: int = 32,
        num_beams: int = 1,
        max_input_tokens: int = MAX_INPUT_TOKENS,
        device: str = "cpu",
        trust_pickle: bool = False,
        threads: int | None = None,
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
        hf_logging.disable_progress_bar()  # no loading bars on the user's stderr
        if threads:
            torch.set_num_threads(threads)
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
        positions = getattr(config, "max_position_embeddings", None) or max_input_tokens * 2
        # Leave room for the rewrite to grow: outputs may be ~1.5x the input.
        self.max_input_tokens = min(max_input_tokens, int(positions) * 2 // 3)
        self.path = path
        self._unk = self.tokenizer.unk_token_id
        self._plain_greedy = _plain_greedy(self.model)

    # -- token counting ------------------------------------------------------------------------

    def _count(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def _pieces(self, text: str) -> list[str]:
        return split_for_model(text, self.max_input_tokens, self._count)

    # -- rewriting ------------------------------------------------------------------------------

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        """One rewrite per sentence, in order; see the class docstring for long sentences."""
        # Each sentence becomes pieces (leading/trailing whitespace kept aside) so the model
        # only ever sees text it was trained on: one clause-bounded piece under the limit.
        jobs: list[tuple[int, str, str, str]] = []  # sentence index, lead, core, trail
        for i, sentence in enumerate(sentences):
            for piece in self._pieces(sentence):
                core = piece.strip()
                if not core:
                    jobs.append((i, piece, "", ""))
                    continue
                lead = piece[: len(piece) - len(piece.lstrip())]
                trail = piece[len(piece.rstrip()) :]
                jobs.append((i, lead, core, trail))
        cores = [core for _, _, core, _ in jobs]
        encoded = self.tokenizer(cores)["input_ids"] if cores else []
        lengths = [len(ids) for ids in encoded]
        todo = [
            j
            for j, ids in enumerate(encoded)
            if cores[j] and self._unk not in ids and lengths[j] <= self.max_input_tokens
        ]
        outputs = list(cores)
        todo.sort(key=lambda j: lengths[j])  # similar lengths batch with little padding
        if self.num_beams == 1 and self._plain_greedy:
            # Most pieces come back as they are: find those in one pass, search the rest.
            kept = [
                copy
                for b in range(0, len(todo), self.batch_size)
                for copy in self._greedy_copies(encoded, todo[b : b + self.batch_size])
            ]
            todo = [j for j, copy in zip(todo, kept) if not copy]
        for b in range(0, len(todo), self.batch_size):
            batch = todo[b : b + self.batch_size]
            longest = max(lengths[j] for j in batch)
            for j, text in zip(batch, self._generate([cores[j] for j in batch], longest)):
                outputs[j] = text
        results = [""] * len(sentences)
        for (i, lead, _, trail), out in zip(jobs, outputs):
            results[i] += lead + out + trail
        return results

    def _greedy_copies(self, encoded: list[list[int]], batch: list[int]) -> list[bool]:
        """Whether greedy search would return each piece unchanged, from one forward pass.

        Teacher-forced on the input itself, the decoder's argmax at every position is
        exactly the token greedy search would pick after the same prefix; when it is
        the input's own token all the way to ``</s>``, the search would copy the input.
        """
        torch = self._torch
        rows = [encoded[j] for j in batch]
        width = max(len(ids) for ids in rows)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=self.device)
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
        mask = mask.to(self.device)
        with torch.inference_mode():
            logits = self.model(
                input_ids=ids, attention_mask=mask, labels=ids.masked_fill(mask == 0, -100)
            ).logits
        agree = (logits.argmax(-1) == ids) | (mask == 0)
        return [bool(row) for row in agree.all(-1).tolist()]

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

    # -- scoring --------------------------------------------------------------------------------

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float]:
        """Log-probability of ``targets[i]`` given ``sources[i]``, summed over its tokens.

        Teacher-forced (one forward pass per batch, no search). A long pair is scored
        piece by piece when source and target cut into the same number of pieces at
        clause boundaries (always true for a copy); otherwise it gets ``-inf``.
        """
        if len(sources) != len(targets):
            raise ValueError("score: sources and targets differ in length")
        chunks: list[tuple[int, str, str]] = []
        results = [0.0] * len(sources)
        for i, (src, tgt) in enumerate(zip(sources, targets)):
            src_pieces = [p.strip() for p in self._pieces(src)]
            if len(src_pieces) == 1:
                chunks.append((i, src.strip(), tgt.strip()))
                continue
            tgt_pieces: list[str] | None = _cut(tgt, [m.end() for m in _CLAUSE_BREAK.finditer(tgt)])
            if src == tgt:
                tgt_pieces = list(src_pieces)
            elif tgt_pieces is not None and len(tgt_pieces) != len(src_pieces):
                tgt_pieces = _regroup(tgt_pieces, self._pieces(src))
            if tgt_pieces is None or len(tgt_pieces) != len(src_pieces):
                results[i] = float("-inf")
                continue
            chunks.extend((i, s, t.strip()) for s, t in zip(src_pieces, tgt_pieces))
        totals: dict[int, float] = {}
        order = sorted(range(len(chunks)), key=lambda c: len(chunks[c][1]))
        for b in range(0, len(order), self.batch_size):
            batch = [chunks[c] for c in order[b : b + self.batch_size]]
            for (i, _, _), logprob in zip(batch, self._score_batch(batch)):
                totals[i] = totals.get(i, 0.0) + logprob
        for i, logprob in totals.items():
            if results[i] != float("-inf"):
                results[i] = logprob
        return results

    def _score_batch(self, batch: list[tuple[int, str, str]]) -> list[float]:
        torch = self._torch
        enc = self.tokenizer([s for _, s, _ in batch], return_tensors="pt", padding=True)
        labels = self.tokenizer([t for _, _, t in batch], return_tensors="pt", padding=True)[
            "input_ids"
        ]
        mask = labels != self.tokenizer.pad_token_id
        labels = labels.masked_fill(~mask, -100)
        with torch.inference_mode():
            logits = self.model(**enc.to(self.device), labels=labels.to(self.device)).logits
            logprobs = torch.log_softmax(logits.float(), dim=-1)
            picked = logprobs.gather(-1, labels.clamp(min=0).unsqueeze(-1).to(self.device))
            picked = picked.squeeze(-1) * mask.to(self.device)
        return [float(s) for s in picked.sum(-1).tolist()]


# Generation settings under which greedy search is not the plain argmax at each step.
_SEARCH_CONSTRAINTS = (
    "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids", "sequence_bias",
    "suppress_tokens", "begin_suppress_tokens", "forced_bos_token_id", "forced_decoder_ids",
    "min_length", "min_new_tokens",
)  # fmt: skip


def _plain_greedy(model: Any) -> bool:
    """Whether greedy search with ``model`` picks the argmax token at every step."""
    generation = getattr(model, "generation_config", None)
    if generation is None:
        return False
    if any(getattr(generation, name, None) for name in _SEARCH_CONSTRAINTS):
        return False
    return getattr(generation, "repetition_penalty", None) in (None, 1.0)


def _regroup(target_clauses: list[str], source_pieces: list[str]) -> list[str] | None:
    """Group target clauses into as many pieces as the source has, by clause counts."""
    wanted = [len(_CLAUSE_BREAK.findall(p.rstrip())) + 1 for p in source_pieces]
    if sum(wanted) != len(target_clauses):
        return None
    out, start = [], 0
    for n in wanted:
        out.append("".join(target_clauses[start : start + n]))
        start += n
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
