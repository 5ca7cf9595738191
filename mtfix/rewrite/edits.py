"""Is every edit of a rewrite the undoing of a known poor-MT error?

The rewrite model has a narrow job: the errors of word-by-word machine translation
that the noise generator (:mod:`mtfix.training.noise`) imitates. Its harmful
rewrites of correct text are mostly of other kinds: a content word dropped ("added,
removed, or changed" -> "added, or changed"), a word mangled ("Federer" ->
"Federerer"), a quote lost. :func:`unexplained_edits` lists the edits of a rewrite
that undo none of those errors, so the guard can refuse them.

Explained (each the inverse of a noise type):

- a repeated word, a doubled auxiliary or modal ("may will"), "the" before a name, a
  dangling "of" or a comma deleted;
- an article or a subject pronoun inserted;
- an article for an article, a preposition for a preposition, another tense or number
  of the same word ("is" -> "are", "announce" -> "announced", "shop" -> "shops",
  "go" -> "went");
- words moved (the same words, in another order: swaps, "attitude of the party" ->
  "the party's attitude"), and the first word's capital moving with them.

Measured on the shipped model (see its card): this check refuses about half of the
rewrites that made real MT (WMT22 zh-en, MLQE-PE ru-en) worse while keeping
nearly all of the correct fixes of injected errors.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from ..training.noise import AGREEMENT, ARTICLES, AUXILIARIES, IRREGULAR_PAST, SUBJECTS, TENSE
from ..training.noise import PREPOSITIONS as _PREPOSITION_LIST

# Numbers ("3.8"), hyphenated and possessive words ("per-CPU", "party's") are one token.
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|\w+(?:[-'’]\w+)*|[^\w\s]")
_PREPOSITIONS = frozenset(_PREPOSITION_LIST)
_PAIRS = frozenset(
    pair
    for table in (AGREEMENT, TENSE, IRREGULAR_PAST)
    for past, present in table.items()
    for pair in ((past, present), (present, past))
)
_INFLECTIONS = ("s", "es", "ed", "d", "ing")
_INSERTABLE = ARTICLES | SUBJECTS
_NOT_A_NOUN_PHRASE = ARTICLES | _PREPOSITIONS | AUXILIARIES | SUBJECTS
_MODALS = frozenset({"will", "would", "can", "could", "shall", "should", "may", "might", "must"})


def unexplained_edits(original: str, rewrite: str) -> list[str]:
    """The edits turning ``original`` into ``rewrite`` that undo no known MT error.

    An empty list means every edit is explained (or there is none). Each item is a
    short description such as ``"deleted 'sender'"``.
    """
    before, after = _TOKEN.findall(original), _TOKEN.findall(rewrite)
    if before == after:
        return [] if original == rewrite else ["changed spacing"]
    problems: list[str] = []
    low_before = [t.lower() for t in before]
    low_after = [t.lower() for t in after]
    deleted: list[tuple[int, str]] = []  # (position in original, token)
    inserted: list[str] = []
    matcher = SequenceMatcher(a=low_before, b=low_after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                i, j = i1 + k, j1 + k
                if before[i] != after[j] and not (_first_word(before, i) or _first_word(after, j)):
                    problems.append(f"changed case of {before[i]!r}")
            continue
        old, new = low_before[i1:i2], low_after[j1:j2]
        if len(old) == len(new) and all(map(_substitutable, old, new)):
            continue
        deleted += [(i1 + k, t) for k, t in enumerate(old)]
        inserted += new
    deleted, inserted = _cancel_moves(deleted, inserted)
    counts = Counter(low_before)
    new_possessive = _possessives(low_after) > _possessives(low_before)
    for i, token in deleted:
        following = before[i + 1] if i + 1 < len(before) else ""
        if not (
            token == ","
            or _is_repeat(low_before, i)
            or (token in AUXILIARIES and counts[token] > 1)
            or (token in _MODALS and _next_to_modal(low_before, i))  # "may will result"
            or (token == "the" and not following[:1].islower())  # "the Beijing"
            or (token == "of" and (new_possessive or _dangling_of(low_before, i)))
        ):
            problems.append(f"deleted {before[i]!r}")
    problems += [f"inserted {t!r}" for t in inserted if t not in _INSERTABLE]
    if _article_clashes(low_after) > _article_clashes(low_before):
        problems.append("'a'/'an' before the wrong sound")
    return problems


def _first_word(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` is the first word (a subject put back capitalises it)."""
    return not any(t[0].isalnum() for t in tokens[:i])


def _dangling_of(tokens: list[str], i: int) -> bool:
    """Whether the "of" at ``i`` dangles: "attitude of party of", or "of" before
    punctuation, the end, or a word no noun phrase starts with."""
    two_back = tokens[i - 2] if i >= 2 else ""
    if "of" in (two_back, tokens[i + 2] if i + 2 < len(tokens) else ""):
        return True
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    return not following[:1].isalnum() or following in _NOT_A_NOUN_PHRASE


def _possessives(tokens: list[str]) -> int:
    return sum(t.endswith(("'s", "’s")) for t in tokens)


def _substitutable(old: str, new: str) -> bool:
    """One word in place of another, as the undoing of an article, preposition, tense,
    agreement or number error."""
    if old == new:
        return True
    if (old in ARTICLES and new in ARTICLES) or (old in _PREPOSITIONS and new in _PREPOSITIONS):
        return True
    return (old, new) in _PAIRS or bool(_stems(old) & _stems(new))


def _stems(word: str) -> set[str]:
    """The stems ``word`` may be an inflection of ("stopped" -> stop, stopp, stopped)."""
    found = {word.removesuffix("'s").removesuffix("’s")}
    for suffix in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            found |= {stem, stem + "e"}
            if len(stem) > 3 and stem[-1] == stem[-2]:  # stopped -> stop
                found.add(stem[:-1])
    if word.endswith(("ies", "ied")) and len(word) > 4:
        found.add(word[:-3] + "y")
    found.discard("")
    return found


def _cancel_moves(
    deleted: list[tuple[int, str]], inserted: list[str]
) -> tuple[list[tuple[int, str]], list[str]]:
    """Drop the words deleted in one place and inserted in another (moves), and the
    deleted/inserted pairs that are inflections of each other."""
    left = list(inserted)
    kept: list[tuple[int, str]] = []
    for i, token in deleted:
        base = token.removesuffix("'s").removesuffix("’s")
        match = next(
            (k for k, t in enumerate(left) if t.removesuffix("'s").removesuffix("’s") == base),
            None,
        )
        if match is None:
            match = next((k for k, t in enumerate(left) if _substitutable(token, t)), None)
        if match is None:
            kept.append((i, token))
        else:
            del left[match]
    return kept, left


def _is_repeat(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` repeats its neighbour ("the the", "malicious, malicious")."""
    word = tokens[i]
    if not word[0].isalnum():
        return False
    for step in (-1, 1):
        j = i + step
        if 0 <= j < len(tokens) and tokens[j] == ",":
            j += step
        if 0 <= j < len(tokens) and tokens[j] == word:
            return True
    return False


def _next_to_modal(tokens: list[str], i: int) -> bool:
    return any(tokens[j] in _MODALS for j in (i - 1, i + 1) if 0 <= j < len(tokens))


def _article_clashes(tokens: list[str]) -> int:
    """How often "a" comes before a vowel or "an" before a consonant (clear cases only)."""
    clashes = 0
    for article, word in zip(tokens, tokens[1:]):
        first = word[:1]
        if not first.isalpha() or first in "uhoe" and article == "a":
            continue  # "a university", "a one-off", "a European", "a house"
        if article == "a" and first in "ai":
            clashes += 1
        elif article == "an" and first not in "aeiouh" and first.isalpha():
            clashes += 1
    return clashes
