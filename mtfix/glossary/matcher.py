"""One left-to-right pass that finds every glossary variant in a text.

How: the text is normalised once into a string of the same length (lower
case, every character that is not a letter or digit turned into a space). An
Aho-Corasick automaton (``ahocorasick_rs``, over UTF-8 bytes) holding the
start of every spelling of every variant, each after a space (" micro lett",
" microlett"), runs over it in a single pass; a hit counts only when the whole
spelling follows, and then a space or the plural ending of the last word and a
space, so only whole-word occurrences remain. Only those candidates reach Python, which
checks what the automaton cannot: the real separators between words, exact
case, context gates, protected spans; then picks leftmost-longest matches.
Cost grows with the length of the text and the number of real candidates, not
with the number of entries. Literal variants are data, never patterns, so
nothing an entry contains can slow matching down; pattern entries (explicitly
marked) run on RE2, whose time is linear in the text.

Matching rules:
- whole words only; one or two whitespace characters (not a blank line), a
  hyphen, dash or middle dot (MT keeps the one of Chinese names) with at most one
  space either side, or nothing at all between the words of a variant are the
  same ("micro letter", "micro-letter", "micro - letter", "micro·letter",
  "microletter"); the separator the variant itself is
  written with matches too. Separators of two or three characters are found
  by cheap probes and searched in a copy where they are one space;
- leftmost, then longest match wins; at equal spans a non-plural reading beats a
  plural one and a later entry beats an earlier one; a replacement is never
  matched again (one pass, no cascades);
- a plural of the last word matches too ("micro letters") and a possessive
  ("micro letter's") keeps its ending;
- the case of the matched text is carried over to the replacement;
- URLs, e-mail addresses, `code` spans and protected terms are never rewritten.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from .entries import Entry, Glossary

_WORD = re.compile(r"[^\W_]+")
# Hyphens, dashes and middle dots ("micro·letter": MT keeps the dot of Chinese names).
_HYPHENS = frozenset("-\u2010\u2011\u2013\u00b7\u30fb")
# Separators between the words of a variant that the text may use instead: one or
# two whitespace characters (not a blank line), or a hyphen with a space either side.
_SOFT_GAP = re.compile(r"\s{1,2}|\s?[-\u2010\u2011\u2013\u00b7\u30fb]\s?")
# Probes for long separators, each starting with a byte that is rare in prose
# (double spaces are found separately).
_GAP_PROBES = ("\r\n", "\t", "- ", "\n ", "\u2010", "\u2011", "\u2013", "\u00b7", "\u30fb")
_PROBE_SEARCH: Any = None  # built on first use
# ASCII characters that are not letters or digits become spaces; the rest of the
# (rare) non-ASCII separators are handled by a regex only when the text has any.
_ASCII_MAP = bytes(b if chr(b).isalnum() or b >= 128 else 32 for b in range(256))
_NON_ASCII_SEPARATOR = re.compile(r"[^\x00-\x7f\w]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_EMAIL_LOCAL = re.compile(r"[\w.+-]{1,64}\Z")
_EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_NON_SPACE = re.compile(r"\S*")
_SCHEME = re.compile(r"(?:https?|ftp)\Z", re.IGNORECASE)
_CODE = re.compile(r"`[^`\n]+`")


@dataclass(frozen=True)
class Match:
    """``text[start:end]`` should read ``replacement`` according to ``entry``."""

    start: int
    end: int
    before: str
    replacement: str
    entry: Entry


# The automaton holds only the start of each key: its first word and four more
# letters, at most 15 characters ("micro lett", "microlett"); hits() compares the
# whole key. The build time grows with the automaton's states, and in a large
# glossary most of them would be the tails of keys, which almost never decide a
# hit (at 100,000 entries: the automaton builds in half the time, for a quarter
# more raw hits).
_PREFIX_MAX = 15
_PREFIX_LETTERS = 4
# Keys whose start is shared by more than this many keys go in whole: every
# occurrence of a shared start reports all its keys, and a glossary of product
# names ("foo bar 1" ... "foo bar 99999") must not make each occurrence cost 100,000.
_MAX_SHARED_START = 8


class _Target:
    """One reading of an automaton key: which entry, and what to verify in the text.

    Made only for keys that a text hits (see :class:`_Keys`); the details that
    verification needs are worked out when it first does.
    """

    __slots__ = ("index", "entry", "variant", "joined", "head", "tail", "simple", "_detail")

    def __init__(
        self, index: int, entry: Entry, variant: str, joined: bool, head: str, tail: str, words: int
    ) -> None:
        self.index = index  # position of the entry in the glossary: later wins ties
        self.entry = entry
        self.variant = variant
        self.joined = joined  # the "microletter" reading of a multi-word variant
        self.head = head  # punctuation before the first word of the variant, e.g. "(" in "(beta)"
        self.tail = tail
        # Nothing to verify beyond the automaton's whole-word hit:
        self.simple = (words == 1 or joined) and not (
            entry.exact_case or entry.context or head or tail
        )
        self._detail: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def detail(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The variant's words as written and the separators between them."""
        if self._detail is None:
            spans = [(m.start(), m.end()) for m in _WORD.finditer(self.variant)]
            words = tuple(self.variant[a:b] for a, b in spans)
            gaps = tuple(self.variant[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1))
            self._detail = (("".join(words),) if self.joined else words), gaps
        return self._detail


def normalise(text: str) -> str:
    """``text`` lowered, with every non-letter/digit made a space; always the same length.

    Characters whose lower case is longer (e.g. "İ") are kept as they are, so
    that offsets in the result are offsets in ``text``.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    out = (
        low.encode("utf-8", "surrogatepass").translate(_ASCII_MAP).decode("utf-8", "surrogatepass")
    )
    if not out.isascii():
        out = _NON_ASCII_SEPARATOR.sub(" ", out)
    return out


def _plural_suffix(word: str) -> tuple[str, str] | None:
    """How a lower-case word's regular plural is spelled: (stem, suffix); None when too short."""
    if len(word) < 3 or not word[-1].isalpha():
        return None
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ie", "s"  # a key "companie" rarely ends inside other words
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word, "es"
    return word, "s"


class Matcher:
    """Finds the variants of a glossary in texts; build once, use many times."""

    def __init__(self, glossary: Glossary | Iterable[Entry]) -> None:
        with paused_gc():  # hundreds of thousands of short-lived tuples, none of them cyclic
            self._build(glossary.entries if isinstance(glossary, Glossary) else tuple(glossary))

    def _build(self, entries: tuple[Entry, ...]) -> None:
        self._keys = _Keys(entries)
        self._patterns: list[tuple[int, Entry, Any]] = [
            (index, entry, _compile(entry)) for index, entry in enumerate(entries) if entry.pattern
        ]
        self._automaton: Any = None
        self._order: list[int] = []  # the key number of each automaton key
        keys = self._keys.keys
        if keys:
            import ahocorasick_rs

            # The start of each key (keys that share one are each reported), sorted:
            # the automaton builds twice as fast (its memory is then filled in order).
            cuts = [key[:reach] for key, reach in zip(keys, self._keys.reach)]
            self._order = order = sorted(range(len(keys)), key=cuts.__getitem__)
            starts = [cuts[n] for n in order]
            # A start that more than _MAX_SHARED_START keys share: those keys go in whole.
            limit = _MAX_SHARED_START
            crowded = [i for i, (a, b) in enumerate(zip(starts, starts[limit:])) if a == b]
            for i in crowded:
                for k in range(i, i + limit + 1):
                    starts[k] = keys[order[k]]
            # " " + each start, in UTF-8; one encode() for all: keys never hold a NUL.
            joined = " " + "\0 ".join(starts)
            # Bytes and a contiguous NFA: the fastest search of the options measured
            # (FACTS.md and benchmarks/bench_glossary.py).
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                joined.encode("utf-8", "surrogatepass").split(b"\0"),
                implementation=ahocorasick_rs.Implementation.ContiguousNFA,
            )

    def find(self, text: str, *, context: str | None = None) -> list[Match]:
        """Every match in ``text``, left to right, non-overlapping.

        Context-gated entries apply only when one of their context terms occurs
        in ``context`` (default: ``text`` itself).
        """
        if not text or (self._automaton is None and not self._patterns):
            return []
        with paused_gc():  # a long document can yield many small candidate tuples
            return self._find(text, context)

    def hits(self, padded: str, back: Any = None) -> Iterator[tuple[int, int, bool, list[_Target]]]:
        """Whole-word occurrences of any key in ``padded`` (``" " + normalise(text) + " "``).

        Yields ``(start, stop, plural, targets)`` with offsets in ``text``, in
        the order in which the keys end (at the same end, the longer first); the
        targets are not verified yet (separators, case, context). When
        ``padded`` was made from a copy of the text with some separators
        shortened, ``back`` maps its offsets to offsets in ``text``.
        """
        for start, stop, plural, targets, _ in sorted(self._hits(padded), key=_by_end):
            if back is None:
                yield start, stop, plural, targets
            else:
                yield back(start), back(stop), plural, targets

    def _hits(self, padded: str) -> Iterator[tuple[int, int, bool, list[_Target], int]]:
        """What :meth:`hits` yields, and where the key ends, in the automaton's order."""
        if self._automaton is None:
            return
        data = padded.encode("utf-8", "surrogatepass")
        to_char = _char_offsets(padded, data)
        table, order = self._keys, self._order
        keys, suffixes, plural_only = table.keys, table.suffixes, table.plural_only
        for index, begin, _ in self._automaton.find_matches_as_indexes(data, overlapping=True):
            n = order[index]
            key = keys[n]
            length = len(key)
            start = begin if to_char is None else to_char(begin)  # text offset of the key
            if not padded.startswith(key, start + 1):
                continue  # only the start of the key is in the automaton
            after = start + length + 1  # padded offset just after the key
            suffix = suffixes[n]
            if padded[after] == " " and not plural_only[n]:
                stop, plural = start + length, False
            elif suffix and padded.startswith(suffix, after) and padded[after + len(suffix)] == " ":
                stop, plural = start + length + len(suffix), True
            else:
                continue  # the key ends inside a longer word
            yield start, stop, plural, table.targets(n), start + length

    def _find(self, text: str, context: str | None) -> list[Match]:
        norm = normalise(text)
        padded = f" {norm} "
        gate = _ContextGate(padded if context is None else None, context)
        found: list[tuple[int, int, bool, int, Any]] = []
        shields: list[tuple[int, int]] = []
        searched, back = padded, None
        runs = _long_gaps(text)
        if runs:  # "micro  letter", "micro - letter": search a copy with one space there
            searched, back = _shorten(norm, runs)
        for start, stop, plural, targets, _ in self._hits(searched):
            if back is not None:
                start, stop = back(start), back(stop)
            for target in targets:
                if not target.simple and not _verify(target, text, start, stop, plural, gate):
                    continue
                if target.entry.protect:
                    shields.append((start, stop))
                elif target.head or target.tail:
                    a, b = _extend(target, text, start, stop)
                    found.append((a, -b, plural, -target.index, target))
                else:
                    found.append((start, -stop, plural, -target.index, target))
                break
        for index, entry, compiled in self._patterns:
            if entry.context and not gate.allows(entry.context):
                continue
            for m in compiled.finditer(text):
                a, b = m.span()
                if a < b and _is_word_edge(text, a, b):
                    found.append((a, -b, False, -index, entry))
        if not found:
            return []
        shields.extend(protected_spans(text))
        matches: list[Match] = []
        for candidate in _select(found, shields):
            match = _match(text, candidate)
            floor = matches[-1].end if matches else 0
            matches.append(_with_article(text, match, floor))
        return matches


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures.

    Without this, Python rescans the growing tables again and again; building
    a 100,000-entry glossary takes about three times longer.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _long_gaps(text: str) -> list[tuple[int, int]]:
    """Separators of two or three characters between two words that still count as soft.

    Found from probes in the UTF-8 bytes: double spaces with ``bytes.find``, the
    rest (CRLF, tab, "- ", dashes) with a small automaton whose probes start
    with rare bytes, so that its vectorised prefilter skips ordinary prose.
    Each hit is widened to its run of spaces and hyphens. (A space before a
    hyphen with none after, "micro -letter", is not probed.)
    """
    global _PROBE_SEARCH
    if _PROBE_SEARCH is None:
        import ahocorasick_rs

        _PROBE_SEARCH = ahocorasick_rs.BytesAhoCorasick([p.encode("utf-8") for p in _GAP_PROBES])
    data = text.encode("utf-8", "surrogatepass")
    offsets = [begin for _, begin, _ in _PROBE_SEARCH.find_matches_as_indexes(data)]
    pos = data.find(b"  ")
    while pos != -1:
        offsets.append(pos)
        pos = data.find(b"  ", pos + 2)
    if not offsets:
        return []
    found: set[tuple[int, int]] = set()
    size = len(text)
    for pos in _chars_at(data, offsets, len(data) == size):
        a, b = pos, pos + 1
        while a > 0 and pos - a < 2 and _is_separator(text[a - 1]):
            a -= 1
        while b < size and b - pos < 3 and _is_separator(text[b]):
            b += 1
        if (
            2 <= b - a <= 3
            and a > 0
            and b < size
            and text[a - 1].isalnum()
            and text[b].isalnum()
            and _soft(text[a:b])
        ):
            found.add((a, b))
    return sorted(found)


def _chars_at(data: bytes, offsets: list[int], ascii: bool) -> list[int]:
    """Character offsets of the (character-aligned) byte ``offsets`` in UTF-8 ``data``."""
    ordered = sorted(set(offsets))
    if ascii:
        return ordered
    out, last_byte, last_char = [], 0, 0
    for offset in ordered:  # decode each stretch once: linear in the data overall
        last_char += len(data[last_byte:offset].decode("utf-8", "surrogatepass"))
        last_byte = offset
        out.append(last_char)
    return out


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in _HYPHENS


def _shorten(norm: str, runs: list[tuple[int, int]]) -> tuple[str, Any]:
    """``" " + norm + " "`` with each run made one space, and a map back to ``text`` offsets."""
    pieces, pos = [" "], 0
    marks: list[int] = []  # offset in the copy (without pad) just after each shortened run
    removed: list[int] = [0]  # characters removed up to and including each run
    for a, b in runs:
        pieces.append(norm[pos:a])
        pieces.append(" ")
        marks.append(a - removed[-1] + 1)
        removed.append(removed[-1] + (b - a - 1))
        pos = b
    pieces.append(norm[pos:])
    pieces.append(" ")

    def back(offset: int) -> int:
        return offset + removed[bisect_right(marks, offset)]

    return "".join(pieces), back


def _char_offsets(padded: str, data: bytes) -> Any:
    """A function from byte offsets in ``data`` (``padded`` in UTF-8) to character offsets.

    ``None`` when the text is ASCII and the two are the same.
    """
    if len(data) == len(padded):
        return None
    starts: list[int] = []  # byte offset where each non-ASCII character starts
    extra: list[int] = [0]  # bytes beyond one, for the first k non-ASCII characters
    for m in _NON_ASCII.finditer(padded):
        ch = m.group()
        starts.append(m.start() + extra[-1])
        extra.append(extra[-1] + len(ch.encode("utf-8", "surrogatepass")) - 1)

    def to_char(offset: int) -> int:
        return offset - extra[bisect_right(starts, offset - 1)]

    return to_char


def _compile(entry: Entry) -> Any:
    from .patterns import compile_pattern

    path, _, line = entry.rule.rpartition(":")
    where = (path, int(line)) if line.isdigit() else (entry.rule, None)
    return compile_pattern(entry.variants[0], exact_case=entry.exact_case, where=where)


class _Keys:
    """Every key of every literal variant, in flat lists indexed by key number.

    A key is matched after a word boundary; what follows it in the text is
    either a boundary or the suffix of its last word's plural and then a
    boundary. A 100,000-entry glossary has some 400,000 keys: kept as strings
    and numbers in a few lists, they are quick to make and leave the garbage
    collector nothing to scan (objects for each key cost 0.5 s more to build,
    and every later full collection rescanned them for about a second). The
    targets of a key are made when the key is first hit.
    """

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        self.keys: list[str] = []
        self.reach: list[int] = []  # how much of each key goes into the automaton
        self.suffixes: list[str] = []  # (the first variant's, when several share a key)
        self.plural_only: list[bool] = []  # "compani" + "es" only, never "compani" alone
        # The readings of each key: variant number * 2 + 1 if joined; a list when several.
        self.readings: list[Any] = []
        self.variant_entry: list[int] = []  # by variant number: its entry's index
        self.variants: list[str] = []
        self._targets: dict[int, list[_Target]] = {}
        number: dict[str, int] = {}
        # Bound once: this loop runs for every key of every variant.
        add_key, add_reach, add_suffix = self.keys.append, self.reach.append, self.suffixes.append
        add_plural_only, add_reading = self.plural_only.append, self.readings.append
        for index, variant, readings in self._variants(entries):
            reading = 2 * len(self.variants)
            self.variant_entry.append(index)
            self.variants.append(variant)
            for key, reach, joined, suffix, plural_only in readings:
                n = number.get(key)
                if n is None:
                    number[key] = len(self.keys)
                    add_key(key)
                    add_reach(reach)
                    add_suffix(suffix)
                    add_plural_only(plural_only)
                    add_reading(reading + joined)
                else:
                    self._share(n, plural_only, reading + joined)
        for ids in self.readings:
            if isinstance(ids, list):
                # Protected terms first, then later entries: the first target
                # that passes its checks decides what a span is.
                ids.sort(key=self._precedence)

    @staticmethod
    def _variants(
        entries: tuple[Entry, ...],
    ) -> Iterator[tuple[int, str, list[tuple[str, int, int, str, bool]]]]:
        """Each literal variant with a letter or digit: ``(entry index, variant, readings)``.

        A reading is ``(key, reach, joined, plural suffix, plural only)``.
        """
        # One normalise() call for all variants (it keeps lengths, so slicing works).
        everything = normalise("".join([v for e in entries if not e.pattern for v in e.variants]))
        pos = 0
        for index, entry in enumerate(entries):
            if entry.pattern:
                continue
            for variant in entry.variants:
                end = pos + len(variant)
                core = everything[pos:end].strip(" ")
                pos = end
                if core:
                    yield index, variant, _key_readings(core)

    def _share(self, n: int, plural_only: bool, reading: int) -> None:
        """Add ``reading`` to key number ``n``, which another variant has too."""
        if not plural_only:
            self.plural_only[n] = False
        ids = self.readings[n]
        if isinstance(ids, list):
            ids.append(reading)
        else:
            self.readings[n] = [ids, reading]

    def _precedence(self, reading: int) -> tuple[bool, int]:
        index = self.variant_entry[reading >> 1]
        return (not self.entries[index].protect, -index)

    def targets(self, n: int) -> list[_Target]:
        """The targets of key number ``n``, in order of precedence."""
        targets = self._targets.get(n)
        if targets is None:
            ids = self.readings[n]
            targets = [self._target(r) for r in (ids if isinstance(ids, list) else (ids,))]
            self._targets[n] = targets
        return targets

    def _target(self, reading: int) -> _Target:
        index, variant = self.variant_entry[reading >> 1], self.variants[reading >> 1]
        norm = normalise(variant)
        core = norm.strip(" ")
        if len(core) == len(variant):
            head = tail = ""
        else:
            first = norm.index(core[0])
            head, tail = variant[:first].strip(), variant[first + len(core) :].strip()
        words = len(core.split())
        return _Target(index, self.entries[index], variant, bool(reading & 1), head, tail, words)


def _key_readings(core: str) -> list[tuple[str, int, int, str, bool]]:
    """The keys of a variant whose normalised form is ``core``, as readings (see _Keys)."""
    words = core.split()
    last = words[-1]
    plural = _plural_suffix(last)
    suffix = plural[1] if plural else ""
    reach = min(_PREFIX_MAX, len(words[0]) + 1 + _PREFIX_LETTERS) if len(words) > 1 else _PREFIX_MAX
    keys = [(core, reach, 0)]
    if len(words) > 1:
        spaced = " ".join(words)
        if spaced != core:  # written with other separators ("a+b (c)"): also with single ones
            keys.append((spaced, reach, 0))
        keys.append(("".join(words), reach - 1, 1))  # the "microletter" reading
    readings = []
    for key, reach, joined in keys:
        readings.append((key, reach, joined, suffix, False))
        if plural and plural[0] != last:  # "company" is found as "compani" + "es"
            stem = key[: len(key) - len(last)] + plural[0]
            readings.append((stem, reach, joined, suffix, True))
    return readings


def _verify(
    target: _Target, text: str, start: int, stop: int, plural: bool, gate: _ContextGate
) -> bool:
    """Whether the whole-word hit ``text[start:stop]`` really is ``target``."""
    words, gaps = target.detail()
    entry = target.entry
    if len(words) > 1 or entry.exact_case:
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text, start, stop)]
        if len(spans) != len(words):
            return False
        for k in range(len(spans) - 1):
            gap = text[spans[k][1] : spans[k + 1][0]]
            if gap != gaps[k] and not (
                (gap.isspace() or gap in _HYPHENS) if len(gap) == 1 else _soft(gap)
            ):
                return False
        if entry.exact_case:
            last = len(words) - 1
            for k, ((a, b), word) in enumerate(zip(spans, words)):
                seen = text[a:b]
                if seen != word and not (plural and k == last and seen.startswith(word[:-1])):
                    return False
    return not entry.context or gate.allows(entry.context)


def _by_end(hit: tuple[int, int, bool, list[_Target], int]) -> tuple[int, int]:
    return hit[4], hit[0]


def _soft(gap: str) -> bool:
    return _SOFT_GAP.fullmatch(gap) is not None and "\n\n" not in gap and "\r\r" not in gap


def _extend(target: _Target, text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the variant's own leading/trailing punctuation when the text has it too."""
    head, tail = target.head, target.tail
    if head and text[max(0, start - len(head)) : start] == head:
        start -= len(head)
    if tail and text[end : end + len(tail)] == tail:
        end += len(tail)
    return start, end


def _match(text: str, candidate: tuple[int, int, bool, int, Any]) -> Match:
    start, neg_end, plural, _, what = candidate
    entry = what if isinstance(what, Entry) else what.entry
    before = text[start:-neg_end]
    replacement = pluralize(entry.replacement) if plural else entry.replacement
    replacement = carry_case(before, replacement, starts_sentence(text, start))
    return Match(start, -neg_end, before, replacement, entry)


def _select(
    found: list[tuple[int, int, bool, int, Any]], shields: list[tuple[int, int]]
) -> list[tuple[int, int, bool, int, Any]]:
    """Leftmost-longest non-overlapping candidates that touch no protected span."""
    found.sort(key=lambda c: c[:4])
    shields.sort()
    out = []
    last_end = 0
    k = 0
    for candidate in found:
        start, end = candidate[0], -candidate[1]
        if start < last_end:
            continue
        while k < len(shields) and shields[k][1] <= start:
            k += 1
        if k < len(shields) and _overlaps_any(start, end, shields, k):
            continue
        out.append(candidate)
        last_end = end
    return out


def _overlaps_any(start: int, end: int, shields: list[tuple[int, int]], k: int) -> bool:
    # Shields are sorted by start; any overlapping one starts before ``end``.
    for a, b in shields[k:]:
        if a >= end:
            return False
        if b > start:
            return True
    return False


def _is_word_edge(text: str, a: int, b: int) -> bool:
    """``text[a:b]`` starts and ends on word boundaries."""
    left = a == 0 or not _is_word_char(text[a - 1]) or not _is_word_char(text[a])
    right = b == len(text) or not _is_word_char(text[b]) or not _is_word_char(text[b - 1])
    return left and right


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _word_end(text: str, pos: int) -> int:
    """Where the run of non-space characters starting at ``pos`` ends."""
    m = _NON_SPACE.match(text, pos)
    return m.end() if m else pos


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans never rewritten: URLs, e-mail addresses and `code`.

    Found from cheap anchors ("://", "www.", "@", "`") so that ordinary text costs
    almost nothing and no pathological input can make the search slow.
    """
    spans: list[tuple[int, int]] = []
    low = text.lower()
    if len(low) != len(text):
        low = text
    pos = low.find("://")
    while pos != -1:
        end = _word_end(text, pos)
        scheme = _SCHEME.search(low, max(0, pos - 5), pos)
        if scheme:
            spans.append((scheme.start(), end))
        pos = low.find("://", max(end, pos + 1))
    pos = low.find("www.")
    while pos != -1:
        end = _word_end(text, pos)
        spans.append((pos, end))
        pos = low.find("www.", max(end, pos + 1))
    pos = text.find("@")
    while pos != -1:
        local = _EMAIL_LOCAL.search(text, max(0, pos - 64), pos)
        domain = _EMAIL_DOMAIN.match(text, pos + 1)
        if local and domain:
            spans.append((local.start(), domain.end()))
        pos = text.find("@", pos + 1)
    if "`" in text:
        spans.extend(m.span() for m in _CODE.finditer(text))
    return spans


class _ContextGate:
    """Answers "does the document mention any of these terms?", caching the answers.

    Built lazily: a document is normalised only when a gated entry needs it.
    """

    def __init__(self, padded: str | None, document: str | None) -> None:
        self._padded = padded
        self._document = document
        self._cache: dict[tuple[str, ...], bool] = {}

    def allows(self, terms: tuple[str, ...]) -> bool:
        known = self._cache.get(terms)
        if known is None:
            if self._padded is None:
                self._padded = f" {normalise(self._document or '')} "
            known = any(self._mentions(t) for t in terms)
            self._cache[terms] = known
        return known

    def _mentions(self, term: str) -> bool:
        assert self._padded is not None
        words = [normalise(w) for w in _WORD.findall(term)]
        if not words:
            return False
        return f" {' '.join(words)} " in self._padded or f" {''.join(words)} " in self._padded


_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(an?|An?|AN)([ \t]+)$")
# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "eu", "one", "once", "ubi")
_VOWEL_SOUND = ("hour", "honest", "honor", "honour", "heir")
_VOWEL_LETTER_NAMES = frozenset("AEFHILMNORSX")  # "an SMS", "an FAQ", but "a QR code"


def takes_an(phrase: str) -> bool:
    """Does ``phrase`` start with a vowel sound (so "an", not "a", goes before it)?"""
    word = phrase.split(" ", 1)[0]
    letters = "".join(c for c in word if c.isalpha())
    if not letters:
        return False
    if 1 < len(letters) <= 4 and letters.isupper():  # an acronym, read letter by letter
        return letters[0] in _VOWEL_LETTER_NAMES
    lower = letters.lower()
    if lower.startswith(_VOWEL_SOUND):
        return True
    return lower[0] in "aeiou" and not lower.startswith(_CONSONANT_SOUND)


def _with_article(text: str, match: Match, floor: int) -> Match:
    """Extend ``match`` over a preceding "a"/"an" that no longer agrees with the replacement.

    "a public account" -> "an Official Account". ``floor`` is where the previous
    match ends: the article is only taken when it lies after it.
    """
    window = text[max(floor, match.start - 8) : match.start]
    found = _ARTICLE_BEFORE.search(window)
    if found is None:
        return match
    article, gap = found.group(1), found.group(2)
    wanted = "an" if takes_an(match.replacement) else "a"
    if article.lower() == wanted:
        return match
    if article.isupper() and len(article) > 1:
        new_article = wanted.upper()
    elif article[0].isupper():
        new_article = wanted.capitalize()
    else:
        new_article = wanted
    start = match.start - len(found.group(0))
    before = text[start : match.end]
    return replace(
        match, start=start, before=before, replacement=new_article + gap + match.replacement
    )


# Replacements that have no plural form of their own ("e-commerce", "WeChat Pay").
_UNCOUNTABLE_ENDINGS = ("commerce", "ing", "ware", "data", "information", "traffic", "news")


def pluralize(term: str) -> str:
    """Plural of a replacement term.

    Proper names (capitalised last word), words already ending in "s" and mass
    nouns ("e-commerce", "shopping") stay as they are.
    """
    head, _, last = term.rpartition(" ")
    if not last or last[0].isupper() or not last[-1].isalpha():
        return term
    if last.endswith("s") or last.lower().endswith(_UNCOUNTABLE_ENDINGS):
        return term
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def carry_case(matched: str, replacement: str, sentence_start: bool = True) -> str:
    """Give ``replacement`` the case pattern of ``matched`` where it makes sense.

    ALL CAPS stays all caps; a capital first letter is kept at the start of a sentence,
    and mid-sentence when every word of ``matched`` has one (a title: "Circle Of
    Friends"), not for one capitalised word there (MT capitalises pinyin like a name:
    "the introduction of Xiaobian" -> "of editor", not "of Editor"). Otherwise the
    replacement is used as written, so brand names keep their own spelling ("micro
    letter" -> "WeChat").
    """
    if matched.islower():  # the common case, decided without looking at every letter
        return replacement
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    words = matched.split()
    titled = sentence_start or (len(words) > 1 and all(w[:1].isupper() for w in words))
    if titled and matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


_OPENERS = "\"'“‘«([{-–—*#>• \t"


def starts_sentence(text: str, start: int) -> bool:
    """Whether ``text[start:]`` begins a sentence, line or heading (after any opening
    quotes, brackets or list marks; a long run of those counts as a break too)."""
    before = text[max(0, start - 16) : start].rstrip(_OPENERS)  # bounded: linear overall
    return not before or before[-1] in ".!?:;\n\r…。！？："
