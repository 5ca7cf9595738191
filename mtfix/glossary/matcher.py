"""One left-to-right pass that finds every glossary variant in a text.

The text is split into word tokens once; a dictionary keyed by the first word
of each variant leads to the variants starting there, longest first. Cost
grows with the length of the text, not with the number of entries, and since
variants are data (never patterns) nothing an entry contains can slow it down.

Matching rules:
- whole words only; a space, a hyphen or nothing between the words of a
  variant are the same ("micro letter", "micro-letter", "microletter");
- leftmost, then longest match wins; a replacement is never matched again;
- a plural of the last word matches too ("micro letters") and a possessive
  ("micro letter's") keeps its ending;
- the case of the matched text is carried over to the replacement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .entries import Entry, Glossary

_WORD = re.compile(r"[^\W_]+")
_SOFT_GAP = re.compile(r"\s{1,2}|\s?[-‐‑–]\s?")
_PROTECTED = re.compile(
    r"(?:https?|ftp)://\S+|www\.[^\s/]+\S*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE
)


@dataclass(frozen=True)
class Match:
    """``text[start:end]`` should read ``replacement`` according to ``entry``."""

    start: int
    end: int
    before: str
    replacement: str
    entry: Entry


@dataclass(frozen=True)
class _Variant:
    entry: Entry
    gaps: tuple[str, ...]  # the variant's own separators between its words
    head: str = ""  # punctuation before its first word, e.g. "(" in "(beta)"
    tail: str = ""  # punctuation after its last word


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


class Matcher:
    """Finds the variants of a glossary in texts; build once, use many times."""

    def __init__(self, glossary: Glossary | Iterable[Entry]) -> None:
        entries = glossary.entries if isinstance(glossary, Glossary) else tuple(glossary)
        self._table: dict[tuple[str, ...], _Variant] = {}
        self._longest: dict[str, int] = {}  # first word -> most words in a variant
        for entry in entries:
            for variant in entry.variants:
                self._add(entry, variant)

    def _add(self, entry: Entry, variant: str) -> None:
        spans = [(m.start(), m.end()) for m in _WORD.finditer(variant)]
        if not spans:
            return
        words = [variant[a:b] for a, b in spans]
        if not entry.exact_case:
            words = [w.lower() for w in words]
        gaps = tuple(variant[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1))
        head, tail = variant[: spans[0][0]].strip(), variant[spans[-1][1] :].strip()
        keys = [tuple(words)]
        if len(words) > 1:
            keys.append(("".join(words),))
        for key in keys:
            self._table[key] = _Variant(entry, gaps if len(key) > 1 else (), head, tail)
            first = key[0]
            self._longest[first] = max(self._longest.get(first, 0), len(key))

    def find(self, text: str, *, context: str | None = None) -> list[Match]:
        """Every match in ``text``, left to right, non-overlapping.

        Context-gated entries apply only when one of their context terms occurs
        in ``context`` (default: ``text`` itself).
        """
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        lower = text.lower()
        folded = lower if len(lower) == len(text) else None
        words = [folded[a:b] if folded is not None else text[a:b].lower() for a, b in spans]
        protected = [(m.start(), m.end()) for m in _PROTECTED.finditer(text)]
        gate = _ContextGate(context if context is not None else text)
        matches: list[Match] = []
        i, n = 0, len(spans)
        while i < n:
            found = self._match_at(text, spans, words, i, gate)
            if (
                found is None
                or _overlaps(found, protected)
                or (matches and found[0].start < matches[-1].end)
            ):
                i += 1
                continue
            match, used = found
            matches.append(match)
            i += used
        return matches

    def _match_at(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        words: Sequence[str],
        i: int,
        gate: _ContextGate,
    ) -> tuple[Match, int] | None:
        longest = self._longest.get(words[i], 0)
        exact_longest = self._longest.get(text[spans[i][0] : spans[i][1]], 0)
        for size in range(min(max(longest, exact_longest), len(spans) - i), 0, -1):
            for key, plural in self._keys(text, spans, words, i, size):
                variant = self._table.get(key)
                if variant is None or not self._gaps_fit(text, spans, i, size, variant):
                    continue
                entry = variant.entry
                if entry.context and not gate.allows(entry.context):
                    continue
                start, end = spans[i][0], spans[i + size - 1][1]
                if variant.head and text[start - len(variant.head) : start] == variant.head:
                    start -= len(variant.head)
                if variant.tail and text[end : end + len(variant.tail)] == variant.tail:
                    end += len(variant.tail)
                before = text[start:end]
                after = carry_case(
                    before, pluralize(entry.replacement) if plural else entry.replacement
                )
                return Match(start, end, before, after, entry), size
        return None

    @staticmethod
    def _keys(
        text: str, spans: Sequence[tuple[int, int]], words: Sequence[str], i: int, size: int
    ) -> Iterable[tuple[tuple[str, ...], bool]]:
        folded = tuple(words[i : i + size])
        exact = tuple(text[a:b] for a, b in spans[i : i + size])
        yield folded, False
        if exact != folded:
            yield exact, False
        last = folded[-1]
        for stem in _singulars(last):
            yield folded[:-1] + (stem,), True
            if exact != folded:
                yield exact[:-1] + (exact[-1][: len(stem)],), True

    @staticmethod
    def _gaps_fit(
        text: str, spans: Sequence[tuple[int, int]], i: int, size: int, variant: _Variant
    ) -> bool:
        for k in range(size - 1):
            gap = text[spans[i + k][1] : spans[i + k + 1][0]]
            if not (_SOFT_GAP.fullmatch(gap) or (variant.gaps and gap == variant.gaps[k])):
                return False
        return True


class _ContextGate:
    """Answers "does the document mention any of these terms?", caching the answers."""

    def __init__(self, document: str) -> None:
        self._normalised = " " + " ".join(w.lower() for w in _words(document)) + " "
        self._cache: dict[tuple[str, ...], bool] = {}

    def allows(self, terms: tuple[str, ...]) -> bool:
        if terms not in self._cache:
            self._cache[terms] = any(
                f" {' '.join(w.lower() for w in _words(t))} " in self._normalised for t in terms
            )
        return self._cache[terms]


def _overlaps(found: tuple[Match, int], protected: list[tuple[int, int]]) -> bool:
    match = found[0]
    return any(a < match.end and match.start < b for a, b in protected)


def _singulars(word: str) -> list[str]:
    """Possible singulars of a plural-looking word ("letters" -> "letter")."""
    if len(word) < 4 or not word.endswith("s") or word.endswith("ss"):
        return []
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    stems = [word[:-1]]
    if word.endswith("es"):
        stems.append(word[:-2])
    return stems


def pluralize(term: str) -> str:
    """Plural of a replacement term; proper names (capitalised last word) stay as they are."""
    head, _, last = term.rpartition(" ")
    if not last or last[0].isupper() or not last[-1].isalpha():
        return term
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def carry_case(matched: str, replacement: str) -> str:
    """Give ``replacement`` the case pattern of ``matched`` where it makes sense.

    ALL CAPS stays all caps; a capital first letter (e.g. at the start of a
    sentence) is kept; otherwise the replacement is used as written, so brand
    names keep their own spelling ("micro letter" -> "WeChat").
    """
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
