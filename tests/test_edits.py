"""The edit-kind check: the undoing of every noise type is explained, typical harm is not."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.rewrite.edits import (
    CLASH_CHOICE,
    clash_mended,
    edit_kinds,
    keep_explained,
    mend_evident,
    self_evident,
    unexplained_edits,
)
from mtfix.training.noise import NOISE_TYPES

SENTENCES = [
    "The company has opened three new shops in the city of Shanghai this year.",
    "We have sold the old house, and they bought a new one near the river.",
    "She says the third party's attitude is important for an honest debate.",
    "The price of the goods was announced by the manager on Monday.",
    "It is a long road, but many people walk it every day.",
    "He created a small library that converts images to text.",
    "Users can configure the device before they connect it to the network.",
    "In 2019 the team won the final, and the fans celebrated in the streets.",
]


@pytest.mark.parametrize("kind", sorted(set(NOISE_TYPES) - {"calque"}))
def test_undoing_each_noise_type_is_explained(kind: str) -> None:
    noise = NOISE_TYPES[kind]
    undone = 0
    for seed in range(40):
        rng = random.Random(seed)
        for sentence in SENTENCES:
            words = noise(sentence.split(), rng)
            if words is None:
                continue
            noisy = " ".join(words)
            assert unexplained_edits(noisy, sentence) == [], (kind, noisy, sentence)
            undone += 1
    assert undone > 20


@pytest.mark.parametrize(
    ("original", "rewrite", "problem"),
    [
        ("The sender sends the tag-matching header.", "The sends the tag-matching header.",
         "deleted 'sender'"),
        ("Agassi lost in the final to Federer.", "Agassi lost in the final to Federerer.",
         "deleted 'Federer'"),
        ("He was considered absentee from rehearsals.",
         "He was considered absente from rehearsals.", "deleted 'absentee'"),
        ("They began an affair.", "They began a affair.", "'a'/'an' before the wrong sound"),
        ("They sent examples of using the parts.", "They sent examples using the parts.",
         "deleted 'of'"),
        ("We looked from the perspective of an ant.", "We looked from the perspective of ant.",
         "deleted 'an'"),
        ("It will be used to count clusters.", "It will be used to count free clusters.",
         "inserted 'free'"),
        ('They launched "app stores" last year.', 'They launched "app stores last year.',
         "deleted '\"'"),
        ("I want to transfer to home schooling.", "I want to transfer home schooling.",
         "deleted 'to'"),
        ("The plan is ready .", "The plan is ready.", "changed spacing"),
        ("The plan is ready.", "The Plan is ready.", "changed case of 'plan'"),
        ("The ashamed will blush, and the shameless will fade.",
         "The ashamed blush, and the shameless will fade.", "deleted 'will'"),
        ("Don't touch it, it doesn't stink.", "Don't touch it doesn't stink.", "deleted 'it'"),
        ("If you cancel the order, can you refund the money",
         "If you cancel the order, you can refund the money",
         "undid the question order of 'can you'"),
        ("I think it's just so so.", "I think it's just so.", "deleted 'so'"),
        ("after picking green tea and black tea, tea farmers have income",
         "after picking green tea and black tea farmers have income", "deleted 'tea'"),
        ("OK, if it doesn't, return the money", "OK, if it doesn't return the money",
         "deleted ','"),
        ("strives to promote sustained growth", "strives to promoteing sustained growth",
         "inserted 'promoteing'"),
        ("port cities (except those with ports connected to Hong Kong)",
         "port cities (except that with ports connected to Hong Kong)", "'those' -> 'that'"),
        # "of" before a quoted phrase does not dangle, even after another "of" (MLQE-PE)
        ('denied parole because of risk of "relapse"', 'denied parole because of risk "relapse"',
         "deleted 'of'"),
        # a word moved and inflected at once undoes no one error (WMT22 zh-en)
        ("a laptop with a good style has windows 11 installed",
         "a laptop with a good style windows have 11 installed", "inserted 'have'"),
        # numbers: no inflections, not to be reordered, a fraction is no stutter
        ("It was in the 1990s.", "It was in the 1990.", "deleted '1990s'"),
        ("Latency is 100ms here.", "Latency is 100m here.", "deleted '100ms'"),
        ("The price rose from 10 to 20.", "The price rose from 20 to 10.",
         "reordered the numbers"),
        ("Add 1 1/2 cups of flour.", "Add 1/2 cups of flour.", "deleted '1'"),
        # a stem ending in one vowel and one consonant doubles it: "filed" is no "filled"
        ("The form was filed today.", "The form was filled today.", "deleted 'filed'"),
        ("We hoped for rain.", "We hopped for rain.", "deleted 'hoped'"),
    ],
)  # fmt: skip
def test_typical_harm_is_unexplained(original: str, rewrite: str, problem: str) -> None:
    assert problem in unexplained_edits(original, rewrite)


@pytest.mark.parametrize(
    ("original", "rewrite"),
    [
        ("malicious, malicious, malicious marketing", "malicious marketing"),
        ("Changed in version 3.8 3.8: links", "Changed in version 3.8: links"),
        ("you can use a per-CPU per-CPU array", "you can use a per-CPU array"),
        ("has several businesses settled has", "has several businesses settled"),
        ("the attitude of third party of", "the third party's attitude"),
        ("He go to the the Beijing market.", "He went to the Beijing market."),
        ("Have opened a shop.", "We have opened a shop."),
        ("She create many shop.", "She created many shops."),
        ("a comment may will result in value", "a comment may result in value"),
        ("We would like these book to evolve.", "We would like this book to evolve."),
        ("except that with ports connected", "except those with ports connected"),
    ],
)
def test_known_mt_errors_undone_are_explained(original: str, rewrite: str) -> None:
    assert unexplained_edits(original, rewrite) == []


@pytest.mark.parametrize(
    ("original", "rewrite", "kept"),
    [
        # the repeat goes, the wrongly deleted "of" comes back
        ("the premise, malicious, malicious, malicious brush elect of marketing, fraud.",
         "the premise, malicious brush elect marketing, fraud.",
         "the premise, malicious brush elect of marketing, fraud."),
        # a fix at the end, an invented word elsewhere
        ("Later models implement the the methods and have 16 levels.",
         "Later models implement the methods and have 16 fine levels.",
         "Later models implement the methods and have 16 levels."),
        # an inserted word keeps its spaces, at the start and before punctuation
        ("cat sat on a mat, happily.", "The cat sat on the mat happily too.",
         "The cat sat on the mat, happily."),
        # a moved word is a deletion and an insertion that explain each other
        ("If the has connector no screen, they say it is a no-op.",
         "If the connector has no screen, they say it is no-op.",
         "If the connector has no screen, they say it is a no-op."),
    ],
)  # fmt: skip
def test_keep_explained_keeps_the_fixes_and_reverts_the_rest(
    original: str, rewrite: str, kept: str
) -> None:
    text, problems = keep_explained(original, rewrite)
    assert text == kept
    assert problems and unexplained_edits(original, text) == []


def test_keep_explained_returns_an_explained_rewrite_whole_and_nothing_of_a_bad_one() -> None:
    rewrite = "We have opened a shop  in Beijing."
    assert keep_explained("Have opened a shop  in Beijing.", rewrite) == (rewrite, [])
    original = "The sender sends the header."
    text, problems = keep_explained(original, "The sends the header.")
    assert text == original and problems == ["deleted 'sender'"]
    # a caller's own problems (a lost protected span) count like unexplained edits
    text, problems = keep_explained(
        "It costs 5 5 dollars in Paris.",
        "It costs 5 dollars in Pariss.",
        lambda candidate: [] if "Paris." in candidate else ["lost 'Paris'"],
    )
    assert text == "It costs 5 dollars in Paris." and "lost 'Paris'" in problems


def test_keep_explained_judges_a_rewrite_with_too_many_hunks_whole() -> None:
    words = [f"word{n}" for n in range(30)]
    original = " ".join(w + " " + w for w in words)  # 30 repeats
    rewrite = " ".join(w.upper() for w in words)
    assert keep_explained(original, rewrite)[0] == original


def test_a_clause_with_several_bad_edits_is_put_back_and_the_other_clauses_kept() -> None:
    original = (
        "Recently, has several businesses settled has Tencent cloud, open QQ also will has "
        "play window advertising, from this can see WeChat attitude Shang also is transparent."
    )
    rewrite = (
        "Recently, has several businesses settled Tencent cloud, open QQ also will have "
        "play window advertising, from this see WeChat's attitude Shangng is transparent."
    )
    text, problems = keep_explained(original, rewrite)
    assert text == original.replace("settled has", "settled").replace("will has", "will have")
    assert "deleted 'can'" in problems
    # in one clause, two bad edits make the model's other edits there untrusted
    one_clause = "Recently has several businesses settled has Tencent cloud attitude Shang also."
    bad = "Recently has several businesses settled Tencent attitude Shangng also."
    assert keep_explained(one_clause, bad)[0] == one_clause


@pytest.mark.parametrize(
    ("original", "rewrite", "evident"),
    [
        ("He is driving an bus.", "He is driving a bus.", True),
        ("A election turnover of 60%.", "An election turnover of 60%.", True),
        # "the" for a clashing "an" mends the clash, but the choice of article is no mend
        ("He is driving an bus.", "He is driving the bus.", False),
        ("malicious, malicious, malicious marketing", "malicious marketing", True),
        ("the the shop and an bus", "the shop and a bus", True),
        # no clash to begin with: "an SQL query", "a European", "a university"
        ("Run an SQL query.", "Run a SQL query.", False),
        ("He met a European.", "He met the European.", False),
        ("He is driving a bus.", "He is driving the bus.", False),
        # a clash fixed beside another edit
        ("He is driving an bus to work.", "He drove the bus to work.", False),
        ("OK, if it doesn't, return it", "OK, if it doesn't return it", False),
        ('In "Sons of Anarchy," "City of of Gold"', 'In "Sons of Anarchy" "City of Gold"', False),
        ("The plan is ready.", "The plan is ready.", False),
        # a word that starts with a digit is one word: its stutter is a repeat
        ("Support for 2D 2D and 3D output.", "Support for 2D and 3D output.", True),
        ("Up to 16K 16K users.", "Up to 16K users.", True),
        ("Up to 16K users.", "Up to 16 users.", False),
        # doubles English makes, and words read letter by letter after "an"
        ("What it is is a scam.", "What it is a scam.", False),
        ("I think that that is wrong.", "I think that is wrong.", False),
        ("Add 1 1/2 cups of flour.", "Add 1/2 cups of flour.", False),
        ("Changed in version 3.8 3.8: links", "Changed in version 3.8: links", True),
        ("I bought an Xbox and an Fe atom.", "I bought a Xbox and a Fe atom.", False),
        ("I met an Xavier.", "I met a Xavier.", True),
    ],
)  # fmt: skip
def test_self_evident_fixes_are_repeats_and_article_clashes(
    original: str, rewrite: str, evident: bool
) -> None:
    assert self_evident(original, rewrite) is evident


@pytest.mark.parametrize(
    ("original", "rewrite", "evident"),
    [
        # number clashes of a determiner and the head noun of its phrase
        ("These step must be repeated.", "This step must be repeated.", True),
        ("These step must be repeated.", "These steps must be repeated.", True),
        ("In these case, it fails.", "In this case, it fails.", True),
        ("It took two week to develop a fix.", "It took two weeks to develop a fix.", True),
        ("The server sends a headers (and a code).", "The server sends a header (and a code).",
         True),
        ("without requiring a changes to the layout", "without requiring a change to the layout",
         True),
        # person clashes of a pronoun or "to" and the verb
        ("After dinner, we was tired.", "After dinner, we were tired.", True),
        ("It requires the host to does something.", "It requires the host to do something.", True),
        ("Then it are discarded.", "Then it is discarded.", True),
        # English after all: a modifier, a plural without -s, a participle, a name, a numeral,
        # the subjunctive, a pseudo-cleft, a noun that is not the head
        ("It needs a sports car.", "It needs a sport car.", False),
        ("It is a means to an end.", "It is a mean to an end.", False),
        ("These people must go.", "This people must go.", False),
        ("Those interested in it may apply.", "That interested in it may apply.", False),
        ("He was a Williams of the old school.", "He was a William of the old school.", False),
        ("World War I is over.", "World War I am over.", False),
        ("If it were so, we would know.", "If it was so, we would know.", False),
        ("What it comes down to is money.", "What it comes down to be money.", False),
        ("These attribute file displays it.", "This attribute file displays it.", False),
        # "it" and "you" as objects, unit words after a numeral, plurals without -s, "to has"
        ("The gift I gave you is nice.", "The gift I gave you are nice.", False),
        ("The parts that make it are cheap.", "The parts that make it is cheap.", False),
        ("Prices rose two percent.", "Prices rose two percents.", False),
        ("It cost three million.", "It cost three millions.", False),
        ("These stimuli are weak.", "This stimuli are weak.", False),
        ("It carried two aircraft.", "It carried two aircrafts.", False),
        ("What it comes down to has nothing to do with it.",
         "What it comes down to have nothing to do with it.", False),
        # a clash is not evident beside the words around it changing
        ("These step must be repeated.", "This step should be repeated.", False),
    ],
)  # fmt: skip
def test_agreement_clashes_are_self_evident_where_english_has_no_other_reading(
    original: str, rewrite: str, evident: bool
) -> None:
    assert self_evident(original, rewrite) is evident
    assert unexplained_edits(original, rewrite) == [] or not evident


_WORDS = ["the", "a", "an", "bus", "has", "is", "shop", "shops", "of", "in", "on", "Han",
          "malicious", ",", ";", ".", "opened", "open", "we", "those", "with"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS), max_size=14),
    st.lists(st.sampled_from(_WORDS), max_size=14),
)
def test_whatever_is_kept_is_explained(before: list[str], after: list[str]) -> None:
    original, rewrite = " ".join(before), " ".join(after)
    text, problems = keep_explained(original, rewrite)
    assert text == original or unexplained_edits(original, text) == []
    assert (text == rewrite) == (not problems) or original == rewrite
    if self_evident(original, text):
        assert text != original


@pytest.mark.parametrize(
    ("text", "mended"),
    [
        ("only those controls controls for which", "only those controls for which"),
        ("The family is the best, best, best, best!", "The family is the best!"),
        (" He drove an bus.  A election followed. ", " He drove a bus.  An election followed. "),
        ("The, The, The basic idea", "The basic idea"),
        # English says these twice; short names are said twice; numbers are left alone
        ("Han Han is so so good, he had had enough.", "Han Han is so so good, he had had enough."),
        ("We met in Walla Walla.", "We met in Walla Walla."),
        # a short common word capitalised is no name: "Find Find", "Data Data" are stutters
        ("Find Find the bug. See Data Data here.", "Find the bug. See Data here."),
        ("the ACPI 4.0 4.0 spec", "the ACPI 4.0 4.0 spec"),
        ("an hour, an SQL query, a European, a unit", "an hour, an SQL query, a European, a unit"),
        ("an X-ray, an x86 box, an MBAs course", "an X-ray, an x86 box, an MBAs course"),
        ("I think that that is so. What it is is this. They do do it.",
         "I think that that is so. What it is is this. They do do it."),
        ("black tea, tea farmers", "black tea, tea farmers"),
    ],
)  # fmt: skip
def test_mend_evident_fixes_stutters_and_article_clashes_by_rule(text: str, mended: str) -> None:
    assert mend_evident(text) == mended
    assert mended == text or self_evident(text, mended)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + ["Han", "so", "4.0", "election", "  "]), max_size=16))
def test_mend_evident_only_deletes_words_and_mends_articles(words: list[str]) -> None:
    text = " ".join(words)
    mended = mend_evident(text)
    assert mend_evident(mended) == mended
    kept = [w for w in mended.split() if w.lower() not in ("a", "an")]
    assert len(mended.split()) <= len(text.split())
    assert set(kept) <= set(text.split())


@pytest.mark.parametrize(
    ("original", "rewrite", "mended"),
    [
        ("He is driving an bus.", "He is driving the bus.", "He is driving a bus."),
        ("A election was held.", "The election was held.", "An election was held."),
        ("the the shop and an bus", "the shop and the bus", "the shop and a bus"),
        # no clash to mend: "the" for an article that fit is a plain article edit
        ("He met a European.", "He met the European.", "He met the European."),
        ("He is driving an bus.", "He is driving a bus.", "He is driving a bus."),
    ],
)  # fmt: skip
def test_the_for_a_clashing_article_is_a_choice_beside_the_plain_mend(
    original: str, rewrite: str, mended: str
) -> None:
    assert clash_mended(original, rewrite) == mended
    choice = CLASH_CHOICE in edit_kinds(original, rewrite)
    assert choice is (mended != rewrite)


def test_the_shipped_common_words_are_what_their_script_builds() -> None:
    import importlib.util

    from mtfix.rewrite import edits

    from .conftest import ROOT, shared_file

    corpus = shared_file("corpus/english-news-wmt.txt.gz").parent
    spec = importlib.util.spec_from_file_location(
        "build_common_words", ROOT / "scripts" / "build_common_words.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    built = script.common_words(sorted(corpus.glob("*.txt.gz")))
    shipped = (ROOT / "mtfix" / "rewrite" / "common_words.txt").read_text("utf-8").splitlines()
    assert built == [line for line in shipped if not line.startswith("#")]
    assert {"find", "data", "when"} <= edits._common_words()
    assert not {"han", "walla", "king"} & edits._common_words()
