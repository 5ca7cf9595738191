"""Synthetic errors of poor (word-by-word Chinese) machine translation.

Each noise type is a function ``f(words, rng) -> list[str] | None`` over the
sentence's whitespace-separated words (punctuation stays attached to its word).
It returns a new word list carrying one error of its kind, or ``None`` when the
sentence offers no place for that error (no article to drop, no auxiliary to
move). :func:`add_noise` applies a few of them, drawn by :class:`NoiseConfig`'s
weights, with a caller-supplied ``random.Random`` so a seed reproduces the data.

The errors imitate what the project's sample page is full of:

- ``duplicate``       "malicious, malicious, malicious" / "the the"
- ``auxiliary``       "has several businesses settled has" (auxiliary moved or doubled)
- ``of_chain``        "the third party's attitude" -> "attitude of third party of"
- ``drop_article``    "the price of the goods" -> "price of goods"
- ``misuse_article``  "an apple" -> "a apple", "a price" -> "the price", "the Beijing"
- ``preposition``     "depends on" -> "depends in"
- ``tense``           "was sold" -> "is sold", "announced" -> "announce"
- ``agreement``       "he is" -> "he are", "she says" -> "she say"
- ``number``          "many shops" -> "many shop", "a shop" -> "a shops"
- ``drop_subject``    "We have opened a shop" -> "Have opened a shop"
- ``swap``            two neighbouring words exchanged
- ``calque``          a correct term replaced by a literal rendering ("WeChat" -> "micro letter"),
                      from the glossary packs read in reverse plus a small built-in list
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Words = list[str]
NoiseFn = Callable[[Words, random.Random], "Words | None"]

ARTICLES = {"a", "an", "the"}
PREPOSITIONS = ["in", "on", "at", "to", "for", "of", "with", "from", "by", "about", "into"]
_PREP_SET = set(PREPOSITIONS)
AUXILIARIES = {
    "has", "have", "had", "is", "are", "was", "were", "will", "would", "can", "could",
    "should", "may", "might", "must", "does", "do", "did", "been", "be",
}  # fmt: skip
AGREEMENT = {
    "is": "are", "are": "is", "was": "were", "were": "was", "has": "have", "have": "has",
    "does": "do", "do": "does", "this": "these", "these": "this", "that": "those",
    "those": "that",
}  # fmt: skip
IRREGULAR_PAST = {
    "went": "go", "said": "say", "made": "make", "took": "take", "came": "come", "saw": "see",
    "knew": "know", "got": "get", "gave": "give", "found": "find", "thought": "think",
    "told": "tell", "became": "become", "left": "leave", "felt": "feel", "brought": "bring",
    "began": "begin", "kept": "keep", "held": "hold", "wrote": "write", "stood": "stand",
    "heard": "hear", "meant": "mean", "met": "meet", "ran": "run", "paid": "pay", "sat": "sit",
    "spoke": "speak", "led": "lead", "grew": "grow", "lost": "lose", "fell": "fall",
    "sent": "send", "built": "build", "understood": "understand", "bought": "buy",
    "sold": "sell", "won": "win", "rose": "rise", "chose": "choose",
}  # fmt: skip
TENSE = {
    "is": "was", "was": "is", "are": "were", "were": "are", "has": "had", "had": "has",
    "will": "would", "would": "will", "can": "could", "could": "can", "does": "did",
    "did": "does",
}  # fmt: skip
SUBJECTS = {"i", "we", "you", "he", "she", "it", "they"}
_QUANTIFIERS = {"many", "several", "these", "those", "some", "all", "two", "three", "few", "both"}
_VOWELS = frozenset("aeiou")
_CLAUSE_END = (",", ";", ":", ".", "!", "?")

#: Literal renderings of Chinese internet terms (correct term -> calque), used when the
#: glossary packs are not available; the packs add many more.
BUILTIN_CALQUES: dict[str, tuple[str, ...]] = {
    "WeChat": ("micro letter", "micro-letter", "micro channel"),
    "Moments": ("circle of friends",),
    "e-commerce": ("electrical contractor", "electricity supplier", "electric business"),
    "Weibo": ("micro-blog", "microblog"),
    "Alipay": ("PayPal", "pay treasure"),
    "JD.com": ("Jing-dong", "Beijing East"),
    "Taobao": ("naughty treasure", "Amoy"),
    "Dianping": ("mass comment", "public comment"),
    "buying followers": ("brush powder",),
    "online shop": ("net shop",),
    "smartphone": ("intelligent phone", "smart mobile phone"),
    "mobile phone": ("hand machine",),
    "online": ("on the net",),
    "user": ("user of net",),
    "customer service": ("guest service",),
    "red envelope": ("red bag",),
    "QR code": ("two-dimensional code",),
    "Tmall": ("day cat",),
    "cloud computing": ("cloud calculation",),
    "big data": ("large data",),
}


def _strip(word: str) -> tuple[str, str, str]:
    """Split ``word`` into leading punctuation, the core, trailing punctuation."""
    start, end = 0, len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[:start], word[start:end], word[end:]


def _core(word: str) -> str:
    return _strip(word)[1].lower()


def _recase(new: str, like: str) -> str:
    """``new`` with the capitalisation of ``like`` (only the first letter matters here)."""
    if like[:1].isupper() and new:
        return new[0].upper() + new[1:]
    return new


def _replace_core(word: str, core: str) -> str:
    lead, old, trail = _strip(word)
    return lead + _recase(core, old) + trail


def _positions(words: Words, test: Callable[[str], bool]) -> list[int]:
    return [i for i, w in enumerate(words) if test(_core(w))]


def _is_content(core: str) -> bool:
    return len(core) > 2 and core.isalpha() and core not in AUXILIARIES and core not in _PREP_SET


def _ends_phrase(words: Words, i: int) -> bool:
    """Whether ``words[i]`` ends its phrase: punctuation after it, the last word, or a
    function word, verb-like auxiliary or capitalised word next."""
    if _strip(words[i])[2] or i + 1 >= len(words):
        return True
    following = _strip(words[i + 1])[1]
    low = following.lower()
    return low in AUXILIARIES or low in _PREP_SET or low in _JOINERS or following[:1].isupper()


_JOINERS = frozenset(
    "and or but that which who when where if as than so because through over under after"
    " before between during without within across against among since until via per like"
    " near".split()
)
# Words after a quantifier or article that are no countable noun to inflect.
_NOT_NOUNS = _JOINERS | {
    "other", "more", "most", "such", "same", "own", "much", "few", "the", "means", "series",
    "species", "news", "data", "people", "status", "analysis",
}  # fmt: skip


# --- the noise types ---------------------------------------------------------------------


def duplicate(words: Words, rng: random.Random) -> Words | None:
    """Repeat a word: "the the price", or a comma list "malicious, malicious, malicious"."""
    candidates = [i for i, w in enumerate(words) if _strip(w)[1]]
    if not candidates:
        return None
    i = rng.choice(candidates)
    lead, core, trail = _strip(words[i])
    # Said twice around a comma, a word is often English ("black tea, tea farmers",
    # "touch it, it stinks"): the comma lists of MT stutter have three copies or more.
    if _is_content(core.lower()) and rng.random() < 0.5:
        copies = rng.choice((3, 4))
        repeated = [lead + core + ","] + [core + ","] * (copies - 2) + [core + trail]
        return words[:i] + repeated + words[i + 1 :]
    return words[:i] + [lead + core] + [core + trail] + words[i + 1 :]


def auxiliary(words: Words, rng: random.Random) -> Words | None:
    """Move an auxiliary later in its clause, or double it there ("has ... settled has")."""
    spots = _positions(words, lambda c: c in AUXILIARIES)
    spots = [i for i in spots if i + 2 < len(words) and not _strip(words[i])[2]]
    if not spots:
        return None
    i = rng.choice(spots)
    aux = _core(words[i])
    # The clause ends at the first word carrying clause punctuation, within 6 words.
    end = i + 1
    while end < min(len(words) - 1, i + 6) and not _strip(words[end])[2]:
        end += 1
    target = rng.randint(i + 2, end) if end >= i + 2 else i + 2
    target = min(target, len(words) - 1)
    lead, core, trail = _strip(words[target])
    moved = words[:target] + [lead + core, aux + trail] + words[target + 1 :]
    if rng.random() < 0.5:
        return moved  # doubled: the auxiliary stays and comes again
    return moved[:i] + moved[i + 1 :]


def of_chain(words: Words, rng: random.Random) -> Words | None:
    """Turn "X's Y" into "Y of X", or hang a dangling "of" after an "of" phrase."""
    possessive = [
        i
        for i, w in enumerate(words[:-1])
        if _strip(w)[1].endswith(("'s", "’s")) and not _strip(w)[2] and _strip(words[i + 1])[1]
    ]
    if possessive:
        i = rng.choice(possessive)
        lead, owner, _ = _strip(words[i])
        owner = owner[:-2]
        head_lead, head, head_trail = _strip(words[i + 1])
        start = i - 1 if i > 0 and _core(words[i - 1]) in ARTICLES else i
        chain = [lead + _recase(head, words[start]) if start == i else head, "of", owner]
        if start < i:
            chain[0] = _recase(head, _strip(words[start])[1])
        if rng.random() < 0.5:
            chain.append("of")
        chain[-1] += head_trail
        return words[:start] + chain + words[i + 2 :]
    ofs = [i for i, w in enumerate(words[:-1]) if _core(w) == "of" and i > 0]
    if not ofs:
        return None
    i = rng.choice(ofs)
    # The noun after "of" (skipping an article) gets a trailing "of", and the article goes.
    j = i + 1
    out = list(words)
    if _core(out[j]) in ARTICLES and j + 1 < len(out):
        del out[j]
    if j >= len(out):
        return None
    lead, core, trail = _strip(out[j])
    if not core:
        return None
    out[j : j + 1] = [lead + core, "of" + trail]
    return out


def drop_article(words: Words, rng: random.Random) -> Words | None:
    """Leave out an article: "the price of the goods" -> "price of the goods"."""
    spots = _positions(words, lambda c: c in ARTICLES)
    spots = [i for i in spots if i + 1 < len(words) and not _strip(words[i])[2]]
    if not spots:
        return None
    i = rng.choice(spots)
    out = words[:i] + words[i + 1 :]
    if i == 0 and out:
        out[0] = _recase(out[0], words[0])
    return out


def misuse_article(words: Words, rng: random.Random) -> Words | None:
    """Use the wrong article: "an apple" -> "a apple", "a shop" -> "the shop", "the Beijing"."""
    spots = _positions(words, lambda c: c in ARTICLES)
    spots = [i for i in spots if not _strip(words[i])[2]]
    if spots:
        i = rng.choice(spots)
        art = _core(words[i])
        nxt = _core(words[i + 1]) if i + 1 < len(words) else ""
        if art in ("a", "an") and nxt and rng.random() < 0.5:
            wrong = "an" if nxt[0] not in _VOWELS else "a"
        else:
            wrong = rng.choice(sorted(ARTICLES - {art} - ({"a", "an"} if art != "the" else set())))
        out = list(words)
        out[i] = _replace_core(words[i], wrong)
        return out
    # No article: put "the" before a capitalised name in mid-sentence.
    names = [i for i, w in enumerate(words) if i > 0 and _strip(w)[1][:1].isupper()]
    if not names:
        return None
    i = rng.choice(names)
    return words[:i] + ["the"] + words[i:]


def preposition(words: Words, rng: random.Random) -> Words | None:
    """Replace a preposition with another: "depends on" -> "depends in"."""
    spots = _positions(words, lambda c: c in _PREP_SET)
    if not spots:
        return None
    i = rng.choice(spots)
    old = _core(words[i])
    out = list(words)
    out[i] = _replace_core(words[i], rng.choice([p for p in PREPOSITIONS if p != old]))
    return out


def tense(words: Words, rng: random.Random) -> Words | None:
    """Put a verb in the wrong tense: "was" -> "is", "announced" -> "announce"."""
    options = []
    for i, w in enumerate(words):
        core = _core(w)
        new = TENSE.get(core) or IRREGULAR_PAST.get(core)
        if not new and core.endswith("ed") and len(core) > 5 and core.isalpha():
            new = regular_base(core)
        if new:
            options.append((i, new))
    if not options:
        return None
    i, new = rng.choice(options)
    out = list(words)
    out[i] = _replace_core(words[i], new)
    return out


def regular_base(past: str) -> str | None:
    """The base form of a regular past in -ed ("wanted" -> "want", "closed" -> "close",
    "disabled" -> "disable"), or ``None`` where spelling leaves it open ("developed" but
    "typed", "monitored" but "stored", "edited" but "united"): poor MT mixes up tenses,
    it does not make non-words such as "disabl"."""
    if past.endswith("ied"):
        return past[:-3] + "y"
    stem = past[:-2]
    last, pair = stem[-1], stem[-2:]
    if last == stem[-2]:
        if last not in "lsfz":
            return stem[:-1]  # stopped, occurred
        if last == "l" and len(stem) > 5 and not stem.endswith(("install", "call", "fill")):
            return None  # controlled, cancelled: "controll" is no word
        return stem  # called, passed, stuffed
    if last in "cvzue" or pair in _E_AFTER_CONSONANT or pair in ("rs", "ns", "ls", "ps"):
        return stem + "e"  # forced, solved, queued, agreed; disabled, described; dispersed
    if last == "g":
        return stem if stem.endswith("ong") else stem + "e"  # changed, but belonged
    if last == "s" and stem[-2] in _VOWELS:  # based, caused, raised; but focused, biased
        return stem if stem.endswith(("cus", "ias")) else stem + "e"
    if last in "aiowxy" or stem[-2] not in _VOWELS | {"y"}:
        return stem  # echoed, allowed, fixed, played; wanted, helped, formed, asked
    if stem[-3:-2] in _VOWELS and stem[-4:-2] != "qu":  # claimed, treated; but negotiated
        return stem + "e" if stem.endswith(("iat", "uat", "creat")) else stem
    if pair in _E_AFTER_VOWEL or stem.endswith("let"):
        return stem + "e"  # named, liked, defined, required, provided, noted, ruled, deleted
    if pair in ("er", "en", "el"):
        return stem  # entered, opened, modeled
    return None


# A consonant then "l" or "ib": disable, handle, couple, settle; describe.
_E_AFTER_CONSONANT = frozenset({"bl", "cl", "dl", "fl", "gl", "kl", "pl", "tl", "zl", "yl", "ib"})
# One vowel, one consonant, silent e: name, like, define, tune, require, secure, compare,
# provide, include, code, fade, compute, note, state, compile, rule, probe.
_E_AFTER_VOWEL = frozenset(
    "am im um ak ik ok uk in un ir ur ar id ud od ad ut ot at il ul ob ub".split()
)


def agreement(words: Words, rng: random.Random) -> Words | None:
    """Break subject-verb agreement: "he is" -> "he are", "she says" -> "she say"."""
    spots = _positions(words, lambda c: c in AGREEMENT)
    third = [
        i + 1
        for i, w in enumerate(words[:-1])
        if _core(w) in {"he", "she", "it"} and _core(words[i + 1]).endswith("s")
        and len(_core(words[i + 1])) > 3 and _core(words[i + 1]) not in AUXILIARIES
    ]  # fmt: skip
    options = [(i, "swap") for i in spots] + [(i, "drop_s") for i in third]
    if not options:
        return None
    i, how = rng.choice(options)
    core = _core(words[i])
    new = AGREEMENT[core] if how == "swap" else core[:-1]
    out = list(words)
    out[i] = _replace_core(words[i], new)
    return out


def number(words: Words, rng: random.Random) -> Words | None:
    """Singular for plural or plural for singular of the noun after a quantifier or
    article ("many shop", "a shops"); only a noun that ends its phrase: "a jaunty tune"
    does not become "a jaunties tune" in MT."""
    spots = [
        i + 1
        for i, w in enumerate(words[:-1])
        if _core(w) in _QUANTIFIERS | {"a", "an", "one", "each", "every"}
        and not _strip(w)[2]  # "the two, and" is no quantifier of "and"
        and _is_content(_core(words[i + 1]))
        and _core(words[i + 1]) not in _NOT_NOUNS
        and not _core(words[i + 1]).endswith("ed")  # "a specified", "the two required"
        and _ends_phrase(words, i + 1)
    ]
    if not spots:
        return None
    i = rng.choice(spots)
    core = _strip(words[i])[1]
    if core.endswith("ies"):
        new = core[:-3] + "y"
    elif core.endswith(("sses", "xes", "ches", "shes", "zzes")):
        new = core[:-2]  # processes, boxes, branches
    elif core.endswith("s") and not core.endswith(("ss", "us", "is")):
        new = core[:-1]
    elif core.endswith("y") and core[-2:-1] not in _VOWELS:
        new = core[:-1] + "ies"
    elif core.endswith("sis"):
        new = core[:-2] + "es"  # basis, crisis
    elif core.endswith(("s", "x", "z", "ch", "sh")):
        new = core + "es"  # process, box, brush
    else:
        new = core + "s"
    out = list(words)
    out[i] = _replace_core(words[i], new)
    return out


def drop_subject(words: Words, rng: random.Random) -> Words | None:
    """Leave out a pronoun subject, as Chinese allows: "We have opened" -> "Have opened"."""
    spots = [
        i
        for i, w in enumerate(words[:-1])
        if _core(w) in SUBJECTS and (i == 0 or _strip(words[i - 1])[2].endswith(_CLAUSE_END))
    ]
    if not spots:
        return None
    i = rng.choice(spots)
    out = words[:i] + words[i + 1 :]
    if i == 0:
        out[0] = _recase(out[0], "X")
    return out


def swap(words: Words, rng: random.Random) -> Words | None:
    """Exchange two neighbouring words inside a clause (punctuation stays in place)."""
    spots = [
        i
        for i in range(len(words) - 1)
        if not _strip(words[i])[2] and _strip(words[i])[1] and _strip(words[i + 1])[1]
        and _core(words[i]) != _core(words[i + 1])
    ]  # fmt: skip
    if not spots:
        return None
    i = rng.choice(spots)
    a_lead, a, _ = _strip(words[i])
    _, b, b_trail = _strip(words[i + 1])
    first = a_lead + (_recase(b, a) if i == 0 else b)
    second = (a[0].lower() + a[1:] if i == 0 and not a.isupper() and len(a) > 1 else a) + b_trail
    return words[:i] + [first, second] + words[i + 2 :]


def make_calque(calques: Mapping[str, Sequence[str]]) -> NoiseFn:
    """A ``calque`` noise function that replaces a correct term with one of its calques."""
    by_first: dict[str, list[tuple[list[str], Sequence[str]]]] = {}
    for term, variants in calques.items():
        parts = term.split()
        if parts and variants:
            by_first.setdefault(parts[0].lower(), []).append(([p.lower() for p in parts], variants))

    def calque(words: Words, rng: random.Random) -> Words | None:
        """Replace a correct term with a literal rendering: "WeChat" -> "micro letter"."""
        found: list[tuple[int, int, Sequence[str]]] = []
        for i, w in enumerate(words):
            for parts, variants in by_first.get(_core(w), ()):
                n = len(parts)
                if [_core(x) for x in words[i : i + n]] == parts:
                    found.append((i, n, variants))
        if not found:
            return None
        i, n, variants = rng.choice(found)
        lead = _strip(words[i])[0]
        trail = _strip(words[i + n - 1])[2]
        new = rng.choice(list(variants)).split()
        new[0] = lead + new[0]
        new[-1] = new[-1] + trail
        return words[:i] + new + words[i + n :]

    return calque


calque = make_calque(BUILTIN_CALQUES)

NOISE_TYPES: dict[str, NoiseFn] = {
    "duplicate": duplicate,
    "auxiliary": auxiliary,
    "of_chain": of_chain,
    "drop_article": drop_article,
    "misuse_article": misuse_article,
    "preposition": preposition,
    "tense": tense,
    "agreement": agreement,
    "number": number,
    "drop_subject": drop_subject,
    "swap": swap,
    "calque": calque,
}

DEFAULT_WEIGHTS: dict[str, float] = {
    "duplicate": 1.5,
    "auxiliary": 1.0,
    "of_chain": 0.8,
    "drop_article": 1.5,
    "misuse_article": 1.0,
    "preposition": 1.0,
    "tense": 0.8,
    "agreement": 1.0,
    "number": 1.0,
    "drop_subject": 0.5,
    "swap": 0.8,
    "calque": 0.6,
}


@dataclass(frozen=True)
class NoiseConfig:
    """How much noise, and of which kinds, :func:`add_noise` applies."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    """Relative frequency of each noise type (a name of :data:`NOISE_TYPES`); 0 turns one off."""
    min_errors: int = 1
    max_errors: int = 3
    calques: Mapping[str, Sequence[str]] | None = None
    """Correct term -> calques for the ``calque`` type; ``None`` uses the built-in list."""


def pack_calques() -> dict[str, tuple[str, ...]]:
    """The built-in calque list extended by every installed glossary pack, read in reverse."""
    table: dict[str, list[str]] = {k: list(v) for k, v in BUILTIN_CALQUES.items()}
    try:
        from ..glossary.packs import available_packs, load_pack

        for name in available_packs():
            for entry in load_pack(name).entries:
                # Context-bound entries ("East" -> "JD.com" only near shops) would teach the
                # model to break ordinary words, so only unconditional ones are reversed.
                if entry.context or not entry.replacement.strip():
                    continue
                variants = table.setdefault(entry.replacement, [])
                variants.extend(v for v in entry.variants if v not in variants)
    except Exception:  # a pack being edited must not stop training; the built-ins remain
        pass
    return {k: tuple(v) for k, v in table.items()}


def add_noise(
    sentence: str, rng: random.Random, config: NoiseConfig = NoiseConfig()
) -> tuple[str, list[str]]:
    """``sentence`` with between ``min_errors`` and ``max_errors`` errors, and their names.

    Returns the sentence unchanged with an empty list when no noise type applies.
    """
    functions = dict(NOISE_TYPES)
    if config.calques is not None:
        functions["calque"] = make_calque(config.calques)
    names = [n for n, w in config.weights.items() if w > 0 and n in functions]
    weights = [config.weights[n] for n in names]
    words = sentence.split()
    applied: list[str] = []
    wanted = rng.randint(config.min_errors, config.max_errors)
    tries = 0
    while len(applied) < wanted and tries < wanted * 4 and names:
        tries += 1
        name = rng.choices(names, weights)[0]
        result = functions[name](words, rng)
        if result is not None and result != words:
            words, applied = result, applied + [name]
    return (" ".join(words), applied) if applied else (sentence, [])
