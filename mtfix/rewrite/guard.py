"""The guard: per sentence, keep the model's rewrite only when it is safe.

A rewrite is rejected when it drops or alters a protected span (a term the
glossary just fixed, a number, a URL), changes too many words, or changes the
length too much. Every decision comes with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORDS = re.compile(r"\w+|[^\w\s]")
_PROTECTED = re.compile(
    r"(?:https?|ftp)://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d+(?:[.,:/]\d+)*"
)


@dataclass(frozen=True)
class GuardConfig:
    max_edit_ratio: float = 0.25
    """Most word edits (insertions, deletions, substitutions) per word of the original."""
    min_length_ratio: float = 0.9
    """Shortest rewrite, in characters, as a share of the original (truncations are common)."""
    max_length_ratio: float = 1.3


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    reason: str


def protected_spans(text: str) -> list[str]:
    """Numbers, URLs and e-mail addresses in ``text``: they must survive a rewrite."""
    return _PROTECTED.findall(text)


def judge(
    original: str, rewrite: str, protected: Sequence[str] = (), config: GuardConfig = GuardConfig()
) -> Verdict:
    """Accept ``rewrite`` in place of ``original``, or say why not."""
    if rewrite == original:
        return Verdict(False, "unchanged")
    if not rewrite.strip():
        return Verdict(False, "empty rewrite")
    for span in protected:
        if rewrite.count(span) < original.count(span):
            return Verdict(False, f"lost protected span {span!r}")
    ratio = len(rewrite) / max(len(original), 1)
    if not config.min_length_ratio <= ratio <= config.max_length_ratio:
        return Verdict(
            False,
            f"length ratio {ratio:.2f} outside "
            f"[{config.min_length_ratio:.2f}, {config.max_length_ratio:.2f}]",
        )
    before, after = _WORDS.findall(original), _WORDS.findall(rewrite)
    edits = word_edit_distance(before, after) / max(len(before), 1)
    if edits > config.max_edit_ratio:
        return Verdict(False, f"edit ratio {edits:.2f} > {config.max_edit_ratio:.2f}")
    return Verdict(True, f"accepted (edit ratio {edits:.2f})")


def word_edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]
