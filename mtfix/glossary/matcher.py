"""One left-to-right pass that finds every glossary variant in a text.

How: the text is normalised once into a string of the same length (lower
case, every character that is not a letter or digit turned into a space). An
Aho-Corasick automaton holding every spelling of every variant, each padded
with a space on both sides (" micro letter ", " microletter ",
" micro letters "), runs over it in a single pass; because of the padding it
reports only whole-word occurrences. Only those candidates reach Python, which
checks what the automaton cannot: the real separators between words, exact
case, context gates, protected spans; then picks leftmost-longest matches.
Cost grows with the length of the text and the number of real candidates, not
with the number of entries. Literal variants are data, never patterns, so
nothing an entry contains can slow matching down; pattern entries (explicitly
marked) run on RE2, whose time is linear in the text.

Matching rules:
- whole words only; a single space, line break or hyphen between the words of
  a variant, or nothing at all, are the same ("micro letter", "micro-letter",
  "microletter"); the separator the variant itself is written with matches too;
- leftmost, then longest match wins; at equal spans a non-plural reading beats a
  plural one and a later entry beats an earlier one; a replacement is never
  matched again (one pass, no cascades);
- a plural of the last word matches too ("micro letters") and a possessive
  ("micro letter's") keeps its ending;
- the case of the matched text is carried over to the replacement;
- URLs, e-mail addresses, `code` spans and protected terms are never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .entries import Entry, Glossary

_WORD = re.compile(r"[^\W_]+")
_HYPHENS = frozenset("-\u2010\u2011\u2013")
# ASCII characters that are not letters or digits become spaces; the rest of the
# (rare) non-ASCII separators are handled by a regex only when the text has any.
_ASCII_MAP = bytes(b if chr(b).isalnum() or b >= 128 else 32 for b in range(256))
_NON_ASCII_SEPARATOR = re.compile(r"[^\x00-\x7f\w]")
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


class _Target:
    """One reading of an automaton key: which entry, and what to verify in the text.

    A plain slotted class: glossaries of 100,000 entries create hundreds of
    thousands of these, and building them must stay cheap.
    """

    __slots__ = (
        "index", "entry", "plural", "gap_spans", "gaps", "word_spans", "words",
        "head", "tail", "simple",
    )

    def __init__(
        self,
        index: int,
        entry: Entry,
        plural: bool,
        gap_spans: tuple[tuple[int, int], ...],
        gaps: tuple[str, ...],
        word_spans: tuple[tuple[int, int], ...],
        words: tuple[str, ...],
        head: str,
        tail: str,
    ) -> None:
        self.index = index  # position of the entry in the glossary: later wins ties
        self.entry = entry
        self.plural = plural
        self.gap_spans = gap_spans  # separators in the text, relative to the match start
        self.gaps = gaps  # the variant's own separators, always accepted
        self.word_spans = word_spans
        self.words = words  # the variant's words as written (checked for exact-case entries)
        self.head = head  # punctuation before the first word of the variant, e.g. "(" in "(beta)"
        self.tail = tail
        # Nothing to verify beyond the automaton's whole-word hit:
        self.simple = not (gap_spans or entry.exact_case or entry.context or head or tail)


def normalise(text: str) -> str:
    """``text`` lowered, with every non-letter/digit made a space; always the same length.

    Characters whose lower case is longer (e.g. "İ") are kept as they are, so
    that offsets in the result are offsets in ``text``.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    out = low.encode("utf-8", "surrogatepass").translate(_ASCII_MAP).decode("utf-8", "surrogatepass")
    if not out.isascii():
        out = _NON_ASCII_SEPARATOR.sub(" ", out)
    return out


def _plural(word: str) -> str | None:
    """The regular plural of a lower-case word, or ``None`` when too short to be safe."""
    if len(word) < 3 or not word[-1].isalpha():
        return None
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


class Matcher:
    """Finds the variants of a glossary in texts; build once, use many times."""

    def __init__(self, glossary: Glossary | Iterable[Entry]) -> None:
        entries = glossary.entries if isinstance(glossary, Glossary) else tuple(glossary)
        table: dict[str, Any] = {}  # key -> one _Target, or a list of them
        self._patterns: list[tuple[int, Entry, Any]] = []
        for index, entry in enumerate(entries):
            if entry.pattern:
                from .patterns import compile_pattern

                path, _, line = entry.rule.rpartition(":")
                where = (path, int(line)) if line.isdigit() else (entry.rule, None)
                compiled = compile_pattern(
                    entry.variants[0], exact_case=entry.exact_case, where=where
                )
                self._patterns.append((index, entry, compiled))
                continue
            for variant in entry.variants:
                for key, target in _readings(index, entry, variant):
                    known = table.get(key)
                    if known is None:
                        table[key] = target
                    elif isinstance(known, list):
                        known.append(target)
                    else:
                        table[key] = [known, target]
        self._automaton: Any = None
        if table:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            add = automaton.add_word
            for key, targets in table.items():
                if isinstance(targets, list):
                    # Protected terms first, then later entries, then non-plural
                    # readings: the first target that passes its checks decides.
                    targets.sort(key=_precedence)
                    add(f" {key} ", (len(key), tuple(targets)))
                else:
                    add(f" {key} ", (len(key), (targets,)))
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, text: str, *, context: str | None = None) -> list[Match]:
        """Every match in ``text``, left to right, non-overlapping.

        Context-gated entries apply only when one of their context terms occurs
        in ``context`` (default: ``text`` itself).
        """
        if not text or (self._automaton is None and not self._patterns):
            return []
        padded = f" {normalise(text)} "
        gate = _ContextGate(padded if context is None else None, context)
        found: list[tuple[int, int, bool, int, Any]] = []
        shields: list[tuple[int, int]] = []
        if self._automaton is not None:
            for end, (length, targets) in self._automaton.iter(padded):
                start = end - length - 1  # end is the trailing pad; -1 for the leading pad
                for target in targets:
                    if not target.simple and not _verify(target, text, start, gate):
                        continue
                    if target.entry.protect:
                        shields.append((start, start + length))
                    elif target.head or target.tail:
                        a, b = _extend(target, text, start, start + length)
                        found.append((a, -b, target.plural, -target.index, target))
                    else:
                        found.append((start, -start - length, target.plural, -target.index, target))
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
        return [_match(text, c) for c in _select(found, shields)]


def _precedence(target: _Target) -> tuple[bool, int, bool]:
    return (not target.entry.protect, -target.index, target.plural)


def _readings(index: int, entry: Entry, variant: str) -> Iterator[tuple[str, _Target]]:
    """The automaton keys under which ``variant`` is found, each with what to verify."""
    norm = normalise(variant)
    first = len(norm) - len(norm.lstrip(" "))
    last = len(norm.rstrip(" "))
    if last == 0:
        return
    head, tail = variant[:first].strip(), variant[last:].strip()
    core = norm[first:last]
    if "  " not in core:  # the usual case: words separated by one character
        lower = core.split(" ")
        word_spans, pos = [], 0
        for w in lower:
            word_spans.append((pos, pos + len(w)))
            pos += len(w) + 1
    else:
        word_spans = [(m.start(), m.end()) for m in _WORD.finditer(core)]
        lower = [core[a:b] for a, b in word_spans]
    n = len(lower)
    gap_spans = tuple((word_spans[i][1], word_spans[i + 1][0]) for i in range(n - 1))
    gaps = tuple(variant[first + a : first + b] for a, b in gap_spans)
    words = tuple(variant[first + a : first + b] for a, b in word_spans)
    spans = tuple(word_spans)
    plural = _plural(lower[-1])
    grow = len(plural) - len(lower[-1]) if plural else 0
    forms = [(core, spans, gap_spans, words)]
    spaced = " ".join(lower)
    if spaced != core:
        pos, ws = 0, []
        for w in lower:
            ws.append((pos, pos + len(w)))
            pos += len(w) + 1
        between = tuple((ws[i][1], ws[i + 1][0]) for i in range(n - 1))
        forms.append((spaced, tuple(ws), between, words))
    for key, wspans, gspans, exact in forms:
        yield key, _Target(index, entry, False, gspans, gaps, wspans, exact, head, tail)
        if plural:
            a, b = wspans[-1]
            yield (
                key[: a] + plural,
                _Target(index, entry, True, gspans, gaps, wspans[:-1] + ((a, b + grow),), exact, head, tail),
            )
    if n > 1:  # joined: "microletter"
        joined = "".join(lower)
        yield joined, _Target(index, entry, False, (), (), ((0, len(joined)),), ("".join(words),), head, tail)


def _verify(target: _Target, text: str, start: int, gate: _ContextGate) -> bool:
    """Whether the whole-word hit at ``start`` really is ``target`` in ``text``."""
    for k, (a, b) in enumerate(target.gap_spans):
        gap = text[start + a : start + b]
        if gap != target.gaps[k] and not (len(gap) == 1 and (gap.isspace() or gap in _HYPHENS)):
            return False
    entry = target.entry
    if entry.exact_case:
        last = len(target.words) - 1
        for k, ((a, b), word) in enumerate(zip(target.word_spans, target.words)):
            seen = text[start + a : start + b]
            if seen != word and not (target.plural and k == last and seen.startswith(word)):
                return False
    return not entry.context or gate.allows(entry.context)


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
    return Match(start, -neg_end, before, carry_case(before, replacement), entry)


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
        end = _NON_SPACE.match(text, pos).end()
        scheme = _SCHEME.search(low, max(0, pos - 5), pos)
        if scheme:
            spans.append((scheme.start(), end))
        pos = low.find("://", max(end, pos + 1))
    pos = low.find("www.")
    while pos != -1:
        end = _NON_SPACE.match(text, pos).end()
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
    if matched.islower():  # the common case, decided without looking at every letter
        return replacement
    letters = [c for c in matched if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
