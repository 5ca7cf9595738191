"""Is every edit of a rewrite the undoing of a known poor-MT error?

The rewrite model has a narrow job: the errors of word-by-word machine translation
that the noise generator (:mod:`mtfix.training.noise`) imitates. Its harmful
rewrites of correct text are mostly of other kinds: a content word dropped ("added,
removed, or changed" -> "added, or changed"), a word mangled ("Federer" ->
"Federerer"), a quote lost. :func:`unexplained_edits` lists the edits of a rewrite
that undo none of those errors, and :func:`keep_explained` keeps the others: the
guard takes a rewrite whole, in part (one bad edit per clause put back) or not at all.
:func:`classify_edits` names each edit's kind; :func:`self_evident` tells the fixes of
errors good English never makes (a stutter, "an bus", "we was"), which need less proof.

Explained (each the inverse of a noise type):

- a repeated word (across a comma too, unless a subject pronoun: "touch it, it
  stinks"; the commas of its copies go with it), an auxiliary doubled in its clause
  ("has several businesses settled has") or next to a modal ("may will"), "the"
  before a name or a dangling "of" deleted;
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
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from functools import cache
from importlib.resources import files
from itertools import combinations

from ..training.noise import AGREEMENT, ARTICLES, AUXILIARIES, IRREGULAR_PAST, SUBJECTS, TENSE
from ..training.noise import PREPOSITIONS as _PREPOSITION_LIST

# Numbers ("3.8", with what is glued to them: "2D", "1990s"), hyphenated and possessive
# words ("per-CPU", "party's") are one token.
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*\w*|\w+(?:[-'’]\w+)*|[^\w\s]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_PREPOSITIONS = frozenset(_PREPOSITION_LIST)
_PAIRS = frozenset(
    pair
    for table in (AGREEMENT, TENSE, IRREGULAR_PAST)
    for past, present in table.items()
    for pair in ((past, present), (present, past))
)
_INFLECTIONS = ("s", "es", "ed", "d", "ing")
#: Words no noun phrase starts with, and that a fix may add many times.
FUNCTION_WORDS = ARTICLES | _PREPOSITIONS | AUXILIARIES | SUBJECTS
_MODALS = frozenset({"will", "would", "can", "could", "shall", "should", "may", "might", "must"})


def unexplained_edits(original: str, rewrite: str) -> list[str]:
    """The edits turning ``original`` into ``rewrite`` that undo no known MT error.

    An empty list means every edit is explained (or there is none). Each item is a
    short description such as ``"deleted 'sender'"``.
    """
    return [what for kind, what in classify_edits(original, rewrite) if kind is None]


def edit_kinds(original: str, rewrite: str) -> set[str | None]:
    """The kinds of the edits turning ``original`` into ``rewrite`` (see
    :func:`classify_edits`); ``None`` among them marks an unexplained edit."""
    return {kind for kind, _ in classify_edits(original, rewrite)}


def self_evident(original: str, rewrite: str) -> bool:
    """Whether every edit undoes an error the text shows on its face: a repeated word
    deleted (with the commas of its copies: "the the", "malicious, malicious,
    malicious"), an article that clashed with the sound after it replaced ("an bus"),
    or a word put in the number or person its neighbours demand ("these step must",
    "we was": :data:`AGREEMENT_CLASH`). Good English almost never has these, so their
    fixes need less proof than others."""
    return evident_kinds(edit_kinds(original, rewrite))


def evident_kinds(kinds: set[str | None]) -> bool:
    """Whether edits of ``kinds`` (:func:`edit_kinds`) are all self-evident fixes."""
    return bool(kinds) and kinds <= _EVIDENT


#: A word put in the number or person its neighbours demand, where good English has no
#: other reading: "these step must" -> "this step", "a drivers submits" -> "a driver",
#: "two week to" -> "two weeks", "we was" -> "we were", "to does" -> "to do".
AGREEMENT_CLASH = "agreement clash"
_EVIDENT = frozenset({"repeat", "comma", "a/an clash", AGREEMENT_CLASH})

#: The kind of "the" put for an article that clashed with the next sound ("an bus" ->
#: "the bus"): the clash is mended either way, so the guard weighs it against the plain
#: mend ("a bus", :func:`clash_mended`) rather than against the copy.
CLASH_CHOICE = "the for a/an clash"


def clash_mended(original: str, rewrite: str) -> str:
    """``rewrite`` with each "the" it put for a clashing article made the plain a/an
    mend instead ("an bus" -> "the bus" gives "a bus"); ``rewrite`` when it has none."""
    old_tokens = _TOKEN.findall(original)
    tokens, gaps = _tokens(rewrite)
    low_old, low_new = [t.lower() for t in old_tokens], [t.lower() for t in tokens]
    matcher = SequenceMatcher(a=low_old, b=low_new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 != j2 - j1:
            continue
        for i, j in zip(range(i1, i2), range(j1, j2)):
            following = old_tokens[i + 1 : i + 2]
            if _substitution(low_old[i], low_new[j], following) == CLASH_CHOICE:
                swapped = "an" if low_old[i] == "a" else "a"
                tokens[j] = swapped.capitalize() if tokens[j][0].isupper() else swapped
    return "".join(g + t for g, t in zip(gaps, tokens)) + gaps[-1]


def evident_part(original: str, rewrite: str) -> str:
    """``original`` with only the self-evident edits of ``rewrite`` made (see
    :func:`self_evident`); ``original`` itself when it has none."""
    spliced = _Splicer(original, rewrite)
    chosen = {h for h in range(len(spliced.hunks)) if self_evident(original, spliced.apply({h}))}
    part = spliced.apply(chosen) if chosen else original
    return part if self_evident(original, part) else original


def mend_evident(text: str) -> str:
    """``text`` with its self-evident errors mended by rule: a word said twice in a row,
    or three times or more around commas, said once ("controls controls", "best, best,
    best"), and "a"/"an" made to fit the next sound ("an bus" -> "a bus").

    Not said twice: the words English doubles ("so so", "had had") and short names
    ("Han Han"); numbers are left alone. The guard proposes this text when the model
    missed these errors, and keeps it only if the model prefers it to the original."""
    for _ in range(3):  # a mend can make another ("an an apple" -> "a an apple" -> ...)
        mended = _mend_once(text)
        if mended == text:
            break
        text = mended
    return text


def _mend_once(text: str) -> str:
    tokens, gaps = _tokens(text)
    if not tokens:
        return text
    low = [t.lower() for t in tokens]
    kept: list[int] = []
    i = 0
    while i < len(tokens):
        kept.append(i)
        word, nxt = low[i], i + 1
        if word[0].isalpha() and word not in _DOUBLED_IN_ENGLISH:
            if not may_be_doubled_name(tokens[i]):
                while nxt < len(tokens) and low[nxt] == word:
                    nxt += 1
            end = i
            while end + 2 < len(tokens) and low[end + 1] == "," and low[end + 2] == word:
                end += 2
            if (end - i) // 2 + 1 >= 3:
                nxt = max(nxt, end + 1)
        i = nxt
    words = [tokens[k] for k in kept]
    for n, (article, word) in enumerate(zip(words, words[1:])):
        if _clashes(article, word) and word.lower() not in ARTICLES:
            swapped = "an" if article.lower() == "a" else "a"
            words[n] = swapped.capitalize() if article[0].isupper() else swapped
    out = [gaps[0]]
    for n, (k, word) in enumerate(zip(kept, words)):
        out += [gaps[k] if n else "", word]
    return "".join(out) + gaps[-1]


_SHORT_NAME = re.compile(r"[A-Z][a-z]{1,4}")


def may_be_doubled_name(word: str) -> bool:
    """Whether ``word`` said twice in a row may be a name ("Han Han", "Walla Walla")
    rather than a stutter: a short capitalised word that is no common English word
    ("Find Find", "Data Data", "The The" are stutters)."""
    return bool(_SHORT_NAME.fullmatch(word)) and word.lower() not in _common_words()


@cache
def _common_words() -> frozenset[str]:
    """Short English words that are rarely names (``common_words.txt``, built by
    ``scripts/build_common_words.py`` from clean English corpora)."""
    text = files(__package__).joinpath("common_words.txt").read_text("utf-8")
    words = (line.strip() for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for word in words if word) | FUNCTION_WORDS


def classify_edits(original: str, rewrite: str) -> list[tuple[str | None, str]]:
    """Each edit turning ``original`` into ``rewrite`` as ``(kind, description)``.

    Kinds: ``repeat``, ``doubled auxiliary``, ``doubled modal``, ``comma``, ``the before
    a name``, ``dangling of`` (deletions); ``article``, ``subject`` (insertions);
    ``article``, ``a/an clash`` (an article that clashed with the next word's sound),
    ``the for a/an clash`` (:data:`CLASH_CHOICE`), ``preposition``, ``inflection`` and
    ``agreement clash`` (an inflection that mends a clash: :data:`AGREEMENT_CLASH`) (one
    word for another); ``move``. An edit that undoes no known MT error has the kind ``None``.
    """
    before, after = _TOKEN.findall(original), _TOKEN.findall(rewrite)
    if before == after:
        return [] if original == rewrite else [(None, "changed spacing")]
    edits: list[tuple[str | None, str]] = []
    low_before = [t.lower() for t in before]
    low_after = [t.lower() for t in after]
    deleted: list[tuple[int, str]] = []  # (position in original, token)
    inserted: list[tuple[int, str]] = []  # (hunk, token)
    hunk_of: dict[int, int] = {}  # position in original -> hunk
    matcher = SequenceMatcher(a=low_before, b=low_after, autojunk=False)
    for hunk, (op, i1, i2, j1, j2) in enumerate(matcher.get_opcodes()):
        if op == "equal":
            for k in range(i2 - i1):
                i, j = i1 + k, j1 + k
                if before[i] != after[j] and not (_first_word(before, i) or _first_word(after, j)):
                    edits.append((None, f"changed case of {before[i]!r}"))
            continue
        old, new = low_before[i1:i2], low_after[j1:j2]
        if len(old) == len(new) and all(map(_substitutable, old, new)):
            for k, (a, b) in enumerate(zip(old, new)):
                if a != b:
                    kind = _substitution(a, b, before[i1 + k + 1 : i1 + k + 2])
                    if kind == "inflection" and _agreement_clash(before, after, i1 + k, j1 + k):
                        kind = AGREEMENT_CLASH
                    edits.append((kind, f"{a!r} -> {b!r}"))
            continue
        deleted += [(i1 + k, t) for k, t in enumerate(old)]
        hunk_of.update((i1 + k, hunk) for k in range(len(old)))
        inserted += [(hunk, t) for t in new]
    deleted, left, moved = _cancel_moves(deleted, inserted, hunk_of)
    inserted_words = [t for _, t in left]
    edits += [(kind, f"moved {t!r}") for kind, t in moved]
    new_possessive = _possessives(low_after) > _possessives(low_before)
    gone = {i: _deletion(low_before, before, i, new_possessive) for i, _ in deleted}
    for i, kind in gone.items():
        if kind == "comma" and "repeat" not in (gone.get(i - 1), gone.get(i + 1)):
            # A comma goes with the copies of a stutter ("malicious, malicious"); on its
            # own, deleting one undoes no MT error ("if it doesn't, return the money").
            kind = None
        edits.append((kind, f"deleted {before[i]!r}"))
    edits += [
        ("article" if t in ARTICLES else "subject" if t in SUBJECTS else None, f"inserted {t!r}")
        for t in inserted_words
    ]
    numbers_before = [t for t in low_before if t[0].isdigit()]
    numbers_after = [t for t in low_after if t[0].isdigit()]
    if numbers_after != numbers_before and sorted(numbers_after) == sorted(numbers_before):
        edits.append((None, "reordered the numbers"))  # "from 10 to 20" -> "from 20 to 10"
    if _article_clashes(after) > _article_clashes(before):
        edits.append((None, "'a'/'an' before the wrong sound"))
    if not low_before[-1:] or low_before[-1] not in (".", "!"):  # a question, or unended
        pairs = set(zip(low_after, low_after[1:]))
        for aux, subject in _inversions(low_before) - _inversions(low_after):
            if (subject, aux) in pairs:
                edits.append((None, f"undid the question order of '{aux} {subject}'"))
    return edits


def _substitution(old: str, new: str, following: Sequence[str] = ()) -> str | None:
    """The kind of one word put for another; ``following``: the word after ``old``."""
    after = following[0].lower() if following else ""
    if old in _PLURAL_PRONOUNS and new not in _PLURAL_PRONOUNS and after in _PRONOUN_USE:
        return None  # "except those with ports", "those who": a pronoun, not a determiner
    if old in ARTICLES and new in ARTICLES:
        if following and _clashes(old, following[0]):
            if {old, new} == {"a", "an"}:
                return "a/an clash"
            if new == "the":  # mends the clash too, but which article is a choice
                return CLASH_CHOICE
        return "article"
    if old in _PREPOSITIONS and new in _PREPOSITIONS:
        return "preposition"
    return "inflection"


def _deletion(low: list[str], tokens: list[str], i: int, new_possessive: bool) -> str | None:
    """The kind of error deleting ``tokens[i]`` undoes, if any."""
    token = low[i]
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    if token == ",":
        return "comma"
    if _is_repeat(low, i):
        return "repeat"
    if token in _DOUBLED_BY_ERROR_TOO and token in (low[i - 1] if i else "", following.lower()):
        return "doubled word"  # often an error, but English too: "that that", "is is"
    if token in AUXILIARIES and _doubled_in_clause(low, i):
        return "doubled auxiliary"
    if token in _MODALS and _next_to_modal(low, i):  # "may will result"
        return "doubled modal"
    if token == "the" and not following[:1].islower():  # "the Beijing"
        return "the before a name"
    if token == "of" and (new_possessive or _dangling_of(low, i)):
        return "dangling of"
    return None


_SINGULAR_DETERMINERS = frozenset({"a", "an", "every", "another"})
_PLURAL_DETERMINERS = frozenset(
    "two three four five six seven eight nine ten twelve several multiple numerous various"
    " these those".split()
)
_SINGULAR_DEMONSTRATIVE = {"these": "this", "those": "that"}
# Verb forms a pronoun subject never takes, and the form it does ("we was" -> "we were").
# Left out: "I" (a numeral: "World War I is"), "he/she/it" + a bare verb ("does he say",
# "make it work") and "were" (the subjunctive: "if it were").
_PLURAL_PERSON = {"was": "were", "is": "are", "has": "have", "does": "do"}
_PERSON_FORMS = {
    **dict.fromkeys(("we", "they", "you"), _PLURAL_PERSON),
    **dict.fromkeys(("he", "she", "it"), {"are": "is"}),
}
# After "to", a verb is in its base form ("to does" -> "to do"). Left out: "is", "was",
# "has", "had": "what it comes down to is ...", "... to has nothing to do with" are English.
_BASE_AFTER_TO = {"does": "do", "goes": "go"}
# "It" and "you" are objects as often as subjects ("the gift I gave you is"): they take
# the verb's person only at the start of a clause.
_OBJECT_PRONOUNS = frozenset({"it", "you"})
_CLAUSE_OPENERS = frozenset(
    "and but or so then that which if when because as while although though since where"
    " whether unless until once".split()
)
# Words in -s that are no plurals, or are also singular ("a means", "a series").
_NOT_PLURALS = frozenset(
    "means series species news headquarters crossroads works barracks lens gallows"
    " whereabouts physics mathematics economics politics ethics statistics".split()
)
# Plurals without -s: "these people" is no clash.
_PLURALS_WITHOUT_S = frozenset(
    "people data media criteria phenomena children men women police cattle staff sheep"
    " fish deer feet teeth mice geese personnel bacteria alumni kind sort aircraft spacecraft"
    " offspring stimuli fungi cacti nuclei radii vertebrae larvae formulae indices matrices"
    " vertices appendices crises analyses theses hypotheses axes swine moose salmon bison".split()
)
# Counted without a plural: "two percent", "three million".
_COUNT_WORDS = frozenset("percent per cent hundred thousand million billion trillion dozen".split())


def _agreement_clash(before: Sequence[str], after: Sequence[str], i: int, j: int) -> bool:
    """Whether ``after[j]`` put for ``before[i]`` (their neighbours unchanged) mends a
    clash of number or person that good English has no other reading of.

    A noun counts only as the head of its phrase, followed by punctuation or a function
    word ("a parts of", "these step must"): "a sports car", "these same files" are English.
    """
    old, new = before[i].lower(), after[j].lower()
    if not (old.isalpha() and new.isalpha()):
        return False
    # A noun must be in lower case: names and acronyms ("a Williams") are left alone.
    common_noun = before[i].islower() and after[j].islower()
    prev = before[i - 1].lower() if i else ""
    if prev != (after[j - 1].lower() if j else ""):
        return False
    following = before[i + 1].lower() if i + 1 < len(before) else ""
    if following != (after[j + 1].lower() if j + 1 < len(after) else ""):
        return False
    if _BASE_AFTER_TO.get(old) == new and prev == "to":
        return True
    if _PERSON_FORMS.get(prev, {}).get(old) == new:
        return prev not in _OBJECT_PRONOUNS or _opens_clause(before, i - 1)
    if prev in _SINGULAR_DETERMINERS and _plural_of(new, old):
        return common_noun and _heads_phrase(following)
    if prev in _PLURAL_DETERMINERS and _plural_of(old, new):
        uncounted = old in _PLURALS_WITHOUT_S or old in _COUNT_WORDS
        return common_noun and not uncounted and _heads_phrase(following)
    if _SINGULAR_DEMONSTRATIVE.get(old) == new and i + 2 < len(before):
        noun, then = before[i + 1], before[i + 2].lower()
        singular = noun.isalpha() and noun.islower() and not noun.endswith("s")
        # Before a verb or punctuation only: "those interested in" is English.
        verb_next = then in AUXILIARIES or not then[:1].isalnum()
        return singular and noun not in _PLURALS_WITHOUT_S and verb_next
    return False


def _opens_clause(tokens: Sequence[str], i: int) -> bool:
    """Whether ``tokens[i]`` starts a clause: first, or after punctuation or a conjunction."""
    if i == 0:
        return True
    before = tokens[i - 1].lower()
    return not before[:1].isalnum() or before in _CLAUSE_OPENERS


def _plural_of(singular: str, plural: str) -> bool:
    """Whether ``plural`` is the regular plural of ``singular`` ("step", "steps")."""
    if plural in _NOT_PLURALS or singular.endswith("s") and not singular.endswith("ss"):
        return False
    if singular.endswith("y") and plural == singular[:-1] + "ies":
        return True
    return plural in (singular + "s", singular + "es")


def _heads_phrase(following: str) -> bool:
    """Whether a noun followed by ``following`` ends its phrase (punctuation, a
    function word, a conjunction): "step must", not "sports car"."""
    return not following or not following[0].isalnum() or following in _PHRASE_ENDS


_PHRASE_ENDS = FUNCTION_WORDS | {"and", "or", "but", "that", "which", "who", "when", "if", "as"}


def _inversions(tokens: list[str]) -> set[tuple[str, str]]:
    """Auxiliaries followed by a subject pronoun ("can you", "is it"): the word order of
    a question, which MT often leaves without its question mark ("can you refund")."""
    return {(a, b) for a, b in zip(tokens, tokens[1:]) if a in AUXILIARIES and b in SUBJECTS}


def _first_word(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` is the first word (a subject put back capitalises it)."""
    return not any(t[0].isalnum() for t in tokens[:i])


def _dangling_of(tokens: list[str], i: int) -> bool:
    """Whether the "of" at ``i`` dangles: "attitude of party of", or "of" before
    punctuation, the end, or a word no noun phrase starts with."""
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    if following in _OPENING:  # 'because of risk of "relapse"': a quoted phrase follows
        return False
    two_back = tokens[i - 2] if i >= 2 else ""
    if "of" in (two_back, tokens[i + 2] if i + 2 < len(tokens) else ""):
        return True
    return not following[:1].isalnum() or following in FUNCTION_WORDS


_OPENING = frozenset("\"'“‘«([{")


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


# One syllable ending in one vowel and one consonant: its last letter doubles before
# -ed and -ing ("hop" -> "hopped", "fil" is no stem of "filed").
_SHORT_SYLLABLE = re.compile(r"[^aeiou][aeiou][^aeiouwxy]")


def _stems(word: str) -> set[str]:
    """The stems ``word`` may be an inflection of ("stopped" -> stop, stopp, stopped)."""
    found = {word.removesuffix("'s").removesuffix("’s")}
    if word[:1].isdigit():
        return found  # "1990s" is no inflection of "1990", nor "100ms" of "100m"
    for suffix in _INFLECTIONS:
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            continue  # "toss", "status", "analysis" are no plurals
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix in ("ing", "ed") and stem[-1] == "e" and stem[-2] not in "eoy":
                continue  # "promoteing" is no inflection ("seeing", "hoeing" are)
            found.add(stem + "e")
            if suffix == "s" or not _SHORT_SYLLABLE.fullmatch(stem):
                found.add(stem)  # "hoped" is "hope" + d: "hop" would double ("hopped")
            if len(stem) > 3 and stem[-1] == stem[-2]:  # stopped -> stop
                found.add(stem[:-1])
    if word.endswith(("ies", "ied")) and len(word) > 4:
        found.add(word[:-3] + "y")
    found.discard("")
    return found


def _cancel_moves(
    deleted: list[tuple[int, str]], inserted: list[tuple[int, str]], hunk_of: dict[int, int]
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[str, str]]]:
    """Drop the words deleted in one place and inserted in another (moves), and the
    deleted/inserted pairs in one place (``hunk``) that are inflections of each other;
    return what is left and what was matched, as ``(kind, word)``. A word moved and
    inflected at once ("style has windows" -> "style windows have") undoes no one error."""
    left = list(inserted)
    kept: list[tuple[int, str]] = []
    moved: list[tuple[str, str]] = []
    for i, token in deleted:
        base = token.removesuffix("'s").removesuffix("’s")
        match = next(
            (k for k, (_, t) in enumerate(left) if t.removesuffix("'s").removesuffix("’s") == base),
            None,
        )
        kind = "move"
        if match is None:
            here = hunk_of[i]
            match = next(
                (k for k, (h, t) in enumerate(left) if h == here and _substitutable(token, t)),
                None,
            )
            kind = "move" if match is None else _substitution(token, left[match][1]) or "move"
        if match is None:
            kept.append((i, token))
        else:
            moved.append((kind, token))
            del left[match]
    return kept, left, moved


def _is_repeat(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` repeats its neighbour ("the the"), or is one of three or
    more copies around commas ("malicious, malicious, malicious").

    Twice around a comma is English ("black tea, tea farmers", "Shark, Shark, what"),
    and so are a few words said twice ("so so", "had had", "that that")."""
    word = tokens[i]
    if not word[0].isalnum() or word in _SAID_TWICE:
        return False
    if _NUMBER.fullmatch(word) and "/" in tokens[i + 1 : i + 3]:
        return False  # a whole number and a fraction: "1 1/2 cups"
    doubled = any(0 <= j < len(tokens) and tokens[j] == word for j in (i - 1, i + 1))
    if doubled and word not in _DOUBLED_BY_ERROR_TOO:  # "what it is is", "that that"
        return True
    start = i
    while start >= 2 and tokens[start - 1] == "," and tokens[start - 2] == word:
        start -= 2
    end = i
    while end + 2 < len(tokens) and tokens[end + 1] == "," and tokens[end + 2] == word:
        end += 2
    return (end - start) // 2 + 1 >= 3


_PLURAL_PRONOUNS = frozenset({"these", "those"})
_PRONOUN_USE = _PREPOSITIONS | {"who", "whom", "whose", "which", "that"}
_SAID_TWICE = frozenset({"so", "had", "bye", "ha"})
# Doubles English makes, which a rule does not mend (the model may): "I think that that is
# wrong", "what it is is", "they do do it".
_DOUBLED_BY_ERROR_TOO = frozenset({"that", "is", "do", "does", "did"})
_DOUBLED_IN_ENGLISH = _SAID_TWICE | _DOUBLED_BY_ERROR_TOO
_CLAUSE_PUNCTUATION = frozenset(",;:.!?()")


def _doubled_in_clause(tokens: list[str], i: int) -> bool:
    """Whether the auxiliary at ``i`` comes again a few words away in the same clause
    ("has several businesses settled has"); "will blush, and ... will fade" is English."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(tokens) and abs(j - i) <= 8 and tokens[j] not in _CLAUSE_PUNCTUATION:
            if tokens[j] == tokens[i]:
                return True
            j += step
    return False


def _next_to_modal(tokens: list[str], i: int) -> bool:
    return any(tokens[j] in _MODALS for j in (i - 1, i + 1) if 0 <= j < len(tokens))


def _article_clashes(tokens: list[str]) -> int:
    """How often "a" comes before a vowel or "an" before a consonant (clear cases only)."""
    return sum(map(_clashes, tokens, tokens[1:]))


def _clashes(article: str, word: str) -> bool:
    """Whether ``article`` is "a" before a vowel or "an" before a consonant, clearly:
    not "a university", "a one-off", "a European", "a house", "an hour", "an SQL query",
    "an X-ray", "an x86", "an MBAs", "an Fe atom", "an Xbox"."""
    first = word[:1]
    if not first.isalpha() or not word[1:2].isalpha() or any(c.isupper() for c in word[1:]):
        return False  # a letter or an acronym, read letter by letter
    if first.isupper() and (len(word) == 2 or first == "X" and word[1].lower() not in "aeiou"):
        return False  # read letter by letter too: "an Fe atom", "an Xbox"
    article, low = article.lower(), word.lower()
    if article == "a":  # "u" and "h" are left alone: "a unit", "a house"
        return low[0] in "ai" or low[0] in "eo" and not low.startswith(("eu", "ewe", "one", "once"))
    return article == "an" and low[0] not in "aeiouh"


def keep_explained(
    original: str, rewrite: str, problems: Callable[[str], list[str]] | None = None
) -> tuple[str, list[str]]:
    """``rewrite`` with every edit that undoes no known MT error put back as it was.

    A model's rewrite often fixes a real error and, in the same sentence, makes an edit
    it should not ("malicious, malicious brush powder elect of marketing": the repeat is
    rightly deleted, the "of" wrongly). Judging the rewrite whole would lose the good
    edit with the bad one, so its edits (token hunks) are judged one by one, then
    in pairs (a moved word is a deletion and an insertion that only explain each other),
    and the candidate made of the explained ones is checked again as a whole. At most
    one edit per clause is left out: a clause with more bad edits is put back whole.

    ``problems(candidate)`` may add reasons of its own to refuse a candidate (a
    protected span lost). Returns the kept text (``original`` when nothing is kept)
    and the problems of the whole rewrite (empty when it is kept whole).
    """

    def faults(candidate: str) -> list[str]:
        found = unexplained_edits(original, candidate)
        return problems(candidate) + found if problems else found

    whole = faults(rewrite)
    if not whole:
        return rewrite, []
    spliced = _Splicer(original, rewrite)
    hunks = range(len(spliced.hunks))
    if len(spliced.hunks) > _MAX_HUNKS:
        return original, whole
    good = {h for h in hunks if not faults(spliced.apply({h}))}
    rest = [h for h in hunks if h not in good]
    if len(rest) <= _MAX_PAIRED:
        for a, b in combinations(rest, 2):
            if a not in good and b not in good and not faults(spliced.apply({a, b})):
                good |= {a, b}
    # Explained alone, two edits may still clash together (two articles, one doubled
    # auxiliary deleted twice): drop the last ones until the whole is explained.
    chosen = sorted(good)
    while chosen and faults(spliced.apply(set(chosen))):
        chosen.pop()
    # Several bad edits show the model lost its way in this clause: its other edits
    # there are not trusted either. A long sentence of several clauses (run-on MT)
    # keeps the fixes of its other clauses.
    clause = spliced.clause_of_hunk()
    lost = Counter(clause[h] for h in hunks if h not in chosen)
    chosen = [h for h in chosen if lost[clause[h]] <= _MAX_LEFT_OUT]
    while chosen and faults(spliced.apply(set(chosen))):
        chosen.pop()
    return (spliced.apply(set(chosen)) if chosen else original), whole


# A rewrite with more token hunks than this is not taken apart (it is rarely a fix, and
# the pairs would cost too much): it is judged whole.
_MAX_HUNKS = 12
_MAX_PAIRED = 6
_MAX_LEFT_OUT = 1
_CLAUSE_ENDS = frozenset(",;:")
Opcode = tuple[str, int, int, int, int]


class _Splicer:
    """The token hunks between two texts, and the text made by applying some of them.

    Applying no hunk gives the original byte for byte; the whitespace at a seam
    (where kept and rewritten tokens meet, or a deletion closed a gap) is the
    rewrite's there.
    """

    def __init__(self, original: str, rewrite: str) -> None:
        self.original = original
        self.before, self.before_gaps = _tokens(original)
        self.after, self.after_gaps = _tokens(rewrite)
        matcher = SequenceMatcher(a=self.before, b=self.after, autojunk=False)
        self.opcodes = [piece for op in matcher.get_opcodes() for piece in self._split(*op)]
        self.hunks = [k for k, op in enumerate(self.opcodes) if op[0] != "equal"]

    def _split(self, op: str, i1: int, i2: int, j1: int, j2: int) -> list[Opcode]:
        """A replacement with one word for another at either end split into hunks of
        their own ("Albanians continued, continued" -> "Albanian": the number change
        and the deleted stutter are judged apart)."""
        if op != "replace":
            return [(op, i1, i2, j1, j2)]
        head: list[Opcode] = []
        tail: list[Opcode] = []
        while i2 - i1 > 1 and j2 - j1 >= 1 and self._pair(i1, j1):
            head.append(("replace", i1, i1 + 1, j1, j1 + 1))
            i1, j1 = i1 + 1, j1 + 1
        while i2 - i1 > 1 and j2 - j1 >= 1 and self._pair(i2 - 1, j2 - 1):
            tail.insert(0, ("replace", i2 - 1, i2, j2 - 1, j2))
            i2, j2 = i2 - 1, j2 - 1
        middle: Opcode = ("replace" if j2 > j1 else "delete", i1, i2, j1, j2)
        return head + [middle] + tail

    def _pair(self, i: int, j: int) -> bool:
        return _substitutable(self.before[i].lower(), self.after[j].lower())

    def clause_of_hunk(self) -> list[int]:
        """For each hunk, the clause of the original it is in (clauses end at , ; :)."""
        starts = [self.opcodes[k][1] for k in self.hunks]
        breaks = [i for i, t in enumerate(self.before) if t in _CLAUSE_ENDS]
        return [bisect_left(breaks, i) for i in starts]

    def apply(self, chosen: set[int]) -> str:
        """The original with the hunks numbered in ``chosen`` (indexes into ``hunks``) applied."""
        take = {self.hunks[h] for h in chosen}
        # Each output token as (text, index in the original or None, index in the rewrite or None).
        tokens: list[tuple[str, int | None, int | None]] = []
        for k, (op, i1, i2, j1, j2) in enumerate(self.opcodes):
            if op == "equal":
                tokens += [(self.before[i1 + n], i1 + n, j1 + n) for n in range(i2 - i1)]
            elif k in take:
                tokens += [(self.after[j], None, j) for j in range(j1, j2)]
            else:
                tokens += [(self.before[i], i, None) for i in range(i1, i2)]
        if not tokens:
            return self.original
        out = [self.before_gaps[0], tokens[0][0]]
        for (_, last, _), (text, at, rewrite_at) in zip(tokens, tokens[1:]):
            if last is not None and at == last + 1:
                gap = self.before_gaps[at]
            elif rewrite_at is not None:
                gap = self.after_gaps[rewrite_at]
            else:
                gap = self.before_gaps[at] if at is not None else " "
            out += [gap, text]
        out.append(self.before_gaps[-1])
        return "".join(out)


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """The tokens of ``text`` and the whitespace around them: ``gaps[k]`` comes before
    token ``k``, and ``gaps[-1]`` is what follows the last one."""
    matches = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in matches]
    edges = [0] + [e for m in matches for e in (m.start(), m.end())] + [len(text)]
    gaps = [text[edges[n] : edges[n + 1]] for n in range(0, len(edges), 2)]
    return tokens, gaps
