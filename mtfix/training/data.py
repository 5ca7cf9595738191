"""Training data for the rewrite model: reading, filtering, mixing, held-out splits.

Sources of (input, target) pairs:

- ``--pairs`` files: TSV of MT → corrected text (real post-edits, MT → reference),
  with a choice of columns and an optional minimum chrF between the two sides
  (MT → reference pairs are otherwise paraphrases, not corrections);
- ``--corpus`` files of clean English (``.txt`` or ``.txt.gz``): each training
  sentence becomes a noisy → clean pair (:mod:`mtfix.training.noise`) and, in a
  share of cases, an identity pair that teaches the model to leave good text alone.

A fixed share of corpus sentences is held out by a hash of the text (not by the
seed), so the evaluation can rebuild the same held-out set from the same files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .noise import NoiseConfig, add_noise

Pair = tuple[str, str]


@dataclass(frozen=True)
class PairSource:
    """A TSV file of pairs: which columns (1-based) hold input and target, and a filter."""

    path: Path
    columns: tuple[int, int] = (1, 2)
    min_chrf: float = 0.0
    """Keep a pair only when chrF(input, target) reaches this (0 keeps all)."""
    limit: int = 0
    """Keep at most this many pairs (0: all), drawn with the training seed."""


@dataclass
class DataStats:
    """What went into the training set, for the log and the model card."""

    sources: list[dict[str, object]] = field(default_factory=list)
    total: int = 0


def open_text(path: Path) -> io.TextIOBase:
    """Open ``path`` as UTF-8 text, gunzipping ``.gz`` files."""
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115


def read_pairs(source: PairSource) -> list[Pair]:
    """The (input, target) pairs of ``source``, deduplicated, in file order.

    A first line whose chosen columns read like a header ("mt", "ref", ...) is skipped;
    a line with too few columns is an :class:`InputError` naming the line.
    """
    a, b = (c - 1 for c in source.columns)
    if a < 0 or b < 0:
        raise InputError(source.path, f"columns are 1-based, got {source.columns}")
    pairs: list[Pair] = []
    seen: set[Pair] = set()
    with open_text(source.path) as handle:
        for number, line in enumerate(handle, 1):
            cells = line.rstrip("\n").split("\t")
            if len(cells) <= max(a, b):
                if not line.strip():
                    continue
                raise InputError(
                    source.path, f"line {number}: {len(cells)} columns, need {max(a, b) + 1}"
                )
            src, tgt = cells[a].strip(), cells[b].strip()
            if number == 1 and _looks_like_header(src, tgt):
                continue
            if not src or not tgt or (src, tgt) in seen:
                continue
            seen.add((src, tgt))
            pairs.append((src, tgt))
    if source.min_chrf > 0:
        pairs = [p for p in pairs if chrf(p[0], p[1]) >= source.min_chrf]
    return pairs


def _looks_like_header(src: str, tgt: str) -> bool:
    names = {"mt", "src", "source", "ref", "reference", "pe", "post-edit", "target", "tgt"}
    return src.lower() in names and tgt.lower() in names


def read_corpus(path: Path) -> list[str]:
    """Non-empty lines of a clean-English corpus file (``.txt`` or ``.txt.gz``)."""
    with open_text(path) as handle:
        return [line.strip() for line in handle if line.strip()]


def is_held_out(sentence: str, percent: float) -> bool:
    """Whether ``sentence`` belongs to the held-out evaluation share (stable across runs)."""
    digest = hashlib.blake2b(sentence.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 10_000 < percent * 100


def chrf(hypothesis: str, reference: str, order: int = 6, beta: float = 2.0) -> float:
    """Sentence chrF (character n-grams 1..6, spaces removed, β=2), 0–100.

    A plain implementation of the chrF definition, used only to filter training
    pairs quickly; reported scores always come from sacrebleu.
    """
    hyp, ref = hypothesis.replace(" ", ""), reference.replace(" ", "")
    precisions: list[float] = []
    recalls: list[float] = []
    for n in range(1, order + 1):
        h = Counter(hyp[i : i + n] for i in range(len(hyp) - n + 1))
        r = Counter(ref[i : i + n] for i in range(len(ref) - n + 1))
        if not h or not r:
            continue
        overlap = sum((h & r).values())
        precisions.append(overlap / sum(h.values()))
        recalls.append(overlap / sum(r.values()))
    if not precisions:
        return 100.0 if hyp == ref else 0.0
    prec, rec = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if prec + rec == 0:
        return 0.0
    return 100 * (1 + beta**2) * prec * rec / (beta**2 * prec + rec)


@dataclass(frozen=True)
class MixConfig:
    """How corpus sentences become training pairs."""

    noise: NoiseConfig = field(default_factory=NoiseConfig)
    identity_ratio: float = 0.25
    """Share of corpus sentences that (also) appear as identity pairs."""
    holdout_percent: float = 2.0
    """Share of corpus sentences kept out of training for evaluation (by hash)."""
    corpus_limit: int = 0
    """At most this many training sentences per corpus file (0: all)."""
    max_words: int = 80
    """Corpus sentences longer than this are skipped (the model sees ≤ max tokens)."""


def corpus_pairs(
    sentences: Sequence[str], rng: random.Random, mix: MixConfig
) -> tuple[list[Pair], int, int]:
    """Noisy → clean and identity pairs from the training share of ``sentences``.

    Returns the pairs, the number of noisy pairs and the number of identity pairs.
    """
    train = [
        s
        for s in sentences
        if 3 <= len(s.split()) <= mix.max_words and not is_held_out(s, mix.holdout_percent)
    ]
    if mix.corpus_limit and len(train) > mix.corpus_limit:
        train = rng.sample(train, mix.corpus_limit)
    pairs: list[Pair] = []
    noisy = identity = 0
    for sentence in train:
        bad, applied = add_noise(sentence, rng, mix.noise)
        if applied:
            pairs.append((bad, sentence))
            noisy += 1
        if not applied or rng.random() < mix.identity_ratio:
            pairs.append((sentence, sentence))
            identity += 1
    return pairs, noisy, identity


def held_out_sentences(paths: Sequence[Path], percent: float, max_words: int = 80) -> list[str]:
    """The held-out corpus sentences (never trained on), in file order."""
    out: list[str] = []
    for path in paths:
        out.extend(
            s
            for s in read_corpus(path)
            if 3 <= len(s.split()) <= max_words and is_held_out(s, percent)
        )
    return out


def build_training_pairs(
    pair_sources: Sequence[PairSource],
    corpus_paths: Sequence[Path],
    seed: int,
    mix: MixConfig = MixConfig(),
) -> tuple[list[Pair], DataStats]:
    """All training pairs, shuffled with ``seed``; the same inputs and seed give the same list."""
    rng = random.Random(seed)
    stats = DataStats()
    pairs: list[Pair] = []
    for source in pair_sources:
        found = read_pairs(source)
        if source.limit and len(found) > source.limit:
            found = rng.sample(found, source.limit)
        # Real pairs never come from the held-out corpus share by construction; they are
        # separate files, so nothing to exclude here.
        pairs.extend(found)
        stats.sources.append(
            {
                "path": str(source.path),
                "kind": "pairs",
                "columns": list(source.columns),
                "min_chrf": source.min_chrf,
                "pairs": len(found),
                "changed": sum(a != b for a, b in found),
            }
        )
    for path in corpus_paths:
        made, noisy, identity = corpus_pairs(read_corpus(path), rng, mix)
        pairs.extend(made)
        stats.sources.append(
            {"path": str(path), "kind": "corpus", "noisy": noisy, "identity": identity}
        )
    rng.shuffle(pairs)
    stats.total = len(pairs)
    return pairs, stats


def batches(
    lengths: Sequence[tuple[int, int]], batch_tokens: int, rng: random.Random, pool: int = 4096
) -> Iterator[list[int]]:
    """Index batches of about ``batch_tokens`` (padded source + target) tokens, in random order.

    Examples are sorted by length inside pools of ``pool`` so a batch wastes little
    padding; the order depends only on ``rng``'s state.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    all_batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batch: list[int] = []
        longest = 0
        for i in chunk:
            size = lengths[i][0] + lengths[i][1]
            if batch and max(longest, size) * (len(batch) + 1) > batch_tokens:
                all_batches.append(batch)
                batch, longest = [], 0
            batch.append(i)
            longest = max(longest, size)
        if batch:
            all_batches.append(batch)
    rng.shuffle(all_batches)
    yield from all_batches
