"""The guard: cheap checks, the score margin, and the aggressiveness knob."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.rewrite.guard import (
    GuardConfig,
    char_edit_distance,
    decide,
    judge,
    names,
    protected_spans,
    word_edit_distance,
)


class FakeScorer:
    """Scores from a table: (source, target) -> log-prob; records what it was asked."""

    name = "fake"

    def __init__(self, table: dict[tuple[str, str], float]) -> None:
        self.table = table
        self.calls: list[tuple[list[str], list[str]]] = []

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        return list(sentences)

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float]:
        self.calls.append((list(sources), list(targets)))
        return [self.table[(s, t)] for s, t in zip(sources, targets)]


BAD = "The shop has has opened in the the city of Beijing."
GOOD = "The shop has opened in the city of Beijing."
OK = "Prices rose by 5% in May."


def test_margin_accepts_only_rewrites_the_model_prefers_to_a_copy() -> None:
    scorer = FakeScorer({(BAD, GOOD): -0.5, (BAD, BAD): -1.5, (OK, OK): -0.2,
                         (OK, "Prices rise by 5% in May."): -0.4})  # fmt: skip
    config = GuardConfig(min_margin=0.1, max_edit_ratio=0.5)
    verdicts = decide(scorer, [BAD, OK], [GOOD, "Prices rise by 5% in May."], None, config)
    assert verdicts[0].accepted and "score margin +1.000" in verdicts[0].reason
    assert not verdicts[1].accepted and "model prefers copy" in verdicts[1].reason
    # one call scores rewrites and copies together
    assert len(scorer.calls) == 1 and scorer.calls[0][0] == [BAD, OK, BAD, OK]


def test_margin_must_be_reached_not_just_positive() -> None:
    scorer = FakeScorer({(BAD, GOOD): -1.45, (BAD, BAD): -1.5})
    strict = decide(scorer, [BAD], [GOOD], None, GuardConfig(min_margin=0.1, max_edit_ratio=0.5))
    loose = decide(scorer, [BAD], [GOOD], None, GuardConfig(min_margin=0.0, max_edit_ratio=0.5))
    assert not strict[0].accepted and loose[0].accepted


def test_cheap_checks_run_first_and_skip_scoring() -> None:
    scorer = FakeScorer({})
    verdicts = decide(scorer, [OK], ["Prices rose by 6% in May."], None, GuardConfig(min_margin=0))
    assert not verdicts[0].accepted and "lost protected span '5'" in verdicts[0].reason
    assert scorer.calls == []


def test_a_number_is_protected_with_what_is_glued_to_it() -> None:
    loose = GuardConfig.from_aggressiveness(1.0)
    for original, rewrite in [
        ("We need 16K samples.", "We need 32K samples."),
        ("It was in the 1990s.", "It was in the 1980s."),
        ("Add 1 1/2 cups of flour.", "Add 1/2 cups of flour."),  # no stutter: a fraction
    ]:
        verdict = judge(original, rewrite, protected_spans(original), loose)
        assert not verdict.accepted and "lost protected span" in verdict.reason


def test_protected_spans_from_the_caller_must_survive() -> None:
    verdicts = decide(None, [GOOD], ["The store has opened in the city of Beijing."],
                      [["shop"]], GuardConfig(max_edit_ratio=0.5))  # fmt: skip
    assert not verdicts[0].accepted and "shop" in verdicts[0].reason


def test_without_a_scorer_only_the_cheap_checks_apply() -> None:
    class NoScore:
        name = "plain"

    verdicts = decide(
        NoScore(), [BAD], [GOOD], None, GuardConfig(min_margin=5.0, max_edit_ratio=0.5)
    )
    assert verdicts[0].accepted and "score margin" not in verdicts[0].reason


def test_nan_and_minus_infinity_scores_reject() -> None:
    for value in (float("nan"), float("-inf")):
        scorer = FakeScorer({(BAD, GOOD): value, (BAD, BAD): -1.0})
        verdict = decide(
            scorer, [BAD], [GOOD], None, GuardConfig(min_margin=-9, max_edit_ratio=0.5)
        )
        assert not verdict[0].accepted


def test_char_edit_ratio_cap() -> None:
    text = "The committee approved the annual budget yesterday."
    rewrite = "The committee approves the annual budgets yesterday."
    assert judge(text, rewrite, config=GuardConfig(max_edit_ratio=1)).accepted
    capped = judge(text, rewrite, config=GuardConfig(max_edit_ratio=1, max_char_edit_ratio=0.02))
    assert not capped.accepted and capped.reason.startswith("char edit ratio")
    assert char_edit_distance("kitten", "sitting") == 3
    assert char_edit_distance("same", "same") == 0


@settings(max_examples=300, deadline=None)
@given(st.text("abc", max_size=12), st.text("abc", max_size=12), st.integers(0, 12))
def test_a_limited_edit_distance_is_exact_up_to_its_limit(a: str, b: str, limit: int) -> None:
    exact = char_edit_distance(a, b)
    assert char_edit_distance(a, b, limit) == min(exact, limit + 1)
    assert word_edit_distance(list(a), list(b), limit) == min(
        word_edit_distance(list(a), list(b)), limit + 1
    )


def test_absolute_edit_cap() -> None:
    text = " ".join(f"w{i}" for i in range(40))
    rewrite = text.replace("w1 ", "x1 ").replace("w2 ", "x2 ").replace("w3 ", "x3 ")
    assert judge(text, rewrite, config=GuardConfig(max_edits=3)).accepted
    assert not judge(text, rewrite, config=GuardConfig(max_edits=2)).accepted


def test_aggressiveness_zero_accepts_nothing_and_one_is_loosest() -> None:
    scorer = FakeScorer({(BAD, GOOD): 5.0, (BAD, BAD): -5.0})
    assert not decide(scorer, [BAD], [GOOD], None, GuardConfig.from_aggressiveness(0.0))[0].accepted
    assert decide(scorer, [BAD], [GOOD], None, GuardConfig.from_aggressiveness(1.0))[0].accepted


def test_aggressiveness_loosens_every_threshold_monotonically() -> None:
    levels = [GuardConfig.from_aggressiveness(x / 10) for x in range(1, 11)]
    for low, high in zip(levels, levels[1:]):
        assert low.max_edit_ratio <= high.max_edit_ratio
        assert low.max_char_edit_ratio <= high.max_char_edit_ratio
        assert low.min_length_ratio >= high.min_length_ratio
        assert low.max_length_ratio <= high.max_length_ratio
        assert low.min_margin is not None and high.min_margin is not None
        assert low.min_margin >= high.min_margin
        assert low.max_edits <= high.max_edits
    assert math.isinf(GuardConfig.from_aggressiveness(0).min_margin or 0)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_aggressiveness_out_of_range(bad: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        GuardConfig.from_aggressiveness(bad)


def test_default_level_blocks_big_rewrites_of_good_text() -> None:
    config = GuardConfig.from_aggressiveness(0.5)
    original = "The central bank kept interest rates unchanged on Thursday."
    rewritten = "On Thursday the central bank left the interest rates as they were."
    assert not judge(original, rewritten, config=config).accepted


def test_mismatched_lengths_are_an_error() -> None:
    with pytest.raises(ValueError):
        decide(None, ["a"], [], None, GuardConfig())


def test_names_must_survive_even_when_repeated() -> None:
    scorer = FakeScorer({})
    text = "When it comes to insulting the audience, Han Han is truly gifted."
    verdict = decide(scorer, [text], [text.replace("Han Han", "Han")], None, GuardConfig())
    assert not verdict[0].accepted and "'Han'" in verdict[0].reason
    assert scorer.calls == []
    # a lower-case repeat may go, and the first word of a sentence is not a name
    ok = decide(None, ["The the shop opened."], ["The shop opened."], None, GuardConfig())
    assert ok[0].accepted


def test_below_one_every_level_requires_explained_edits() -> None:
    assert all(GuardConfig.from_aggressiveness(x / 10).explained_only for x in range(0, 10))
    assert not GuardConfig.from_aggressiveness(1.0).explained_only
    config = GuardConfig(max_edit_ratio=0.5, min_length_ratio=0.5, explained_only=True)
    dropped = judge(
        "No guarantees are made that bytecode will not be added, removed, or changed.",
        "No guarantees are made that bytecode will not be added, or changed.",
        config=config,
    )
    assert not dropped.accepted and dropped.reason.startswith("unexplained edit: deleted 'removed'")
    assert judge(BAD, GOOD, config=config).accepted


def test_the_default_margin_is_a_whole_sentence_log_prob_gain() -> None:
    # Totals, not means: a one-word fix in a long sentence gains as much as in a short one.
    config = GuardConfig.from_aggressiveness(0.25)
    bad = "The shop have opened in city of Beijing."
    scorer = FakeScorer({(bad, GOOD): -10.0, (bad, bad): -14.0})
    assert decide(scorer, [bad], [GOOD], None, config)[0].accepted
    scorer = FakeScorer({(bad, GOOD): -10.0, (bad, bad): -12.0})
    assert not decide(scorer, [bad], [GOOD], None, config)[0].accepted


def test_deleting_repeats_needs_only_the_models_preference_and_no_size_cap() -> None:
    config = GuardConfig.from_aggressiveness(0.25)
    scorer = FakeScorer({(BAD, GOOD): -10.0, (BAD, BAD): -10.5})
    verdict = decide(scorer, [BAD], [GOOD], None, config)[0]
    assert verdict.accepted and verdict.self_evident
    scorer = FakeScorer({(BAD, GOOD): -10.5, (BAD, BAD): -10.0})
    assert not decide(scorer, [BAD], [GOOD], None, config)[0].accepted
    # a long stutter is a big edit, every word of it a repeat
    stutter = "The VC controls all compression parameters, parameters, parameters, parameters."
    fixed = "The VC controls all compression parameters."
    assert judge(stutter, fixed, names(stutter), config).self_evident
    assert judge(stutter, fixed, names(stutter), config).accepted
    # a repeat deleted beside another edit is judged like any other rewrite
    mixed = judge(BAD, "The shop has opened in a city of Beijing.", (), config)
    assert mixed.accepted and not mixed.self_evident
    # the reason names what the kept edits fix
    assert verdict.reason == "accepted (self-evident: repeat; score margin +0.500)"
    assert mixed.reason.startswith("accepted (article, repeat; edit ratio")


def test_a_protected_name_altered_inside_a_longer_word_is_lost() -> None:
    config = GuardConfig(max_edit_ratio=1, min_margin=None)
    verdict = decide(
        None, ["Agassi lost to Federer."], ["Agassi lost to Federerer."], None, config
    )[0]
    assert not verdict.accepted and verdict.reason == "lost protected span 'Federer'"


def test_a_word_repeated_at_the_start_or_around_a_comma_is_no_name() -> None:
    config = GuardConfig(max_edit_ratio=1, min_margin=None, explained_only=True)
    for original, rewrite in [
        ("Takes Takes and releases the RCU lock.", "Takes and releases the RCU lock."),
        (
            "See section Path, Path, Path Objects for details.",
            "See section Path Objects for details.",
        ),
        (
            "The, The, The basic idea of iterators is simple.",
            "The basic idea of iterators is simple.",
        ),
        (
            "It’s It’s used to indicate transient AP2 state.",
            "It’s used to indicate transient AP2 state.",
        ),
        ("See DV BT Timing Timing standards.", "See DV BT Timing standards."),
        ("Shopping on the PC PC works.", "Shopping on the PC works."),
    ]:
        assert judge(original, rewrite, names(original), config).accepted, original
    # mid-sentence, without a comma, a repeated capitalised word may be a name
    kim = judge("Numbers drop under Kim Kim now.", "Numbers drop under Kim now.",
                names("Numbers drop under Kim Kim now."), config)  # fmt: skip
    assert not kim.accepted and kim.reason == "lost protected span 'Kim'"
    han = "Han Han is a famous blogger."
    assert not judge(han, "Han is a famous blogger.", names(han), config).accepted
    walla = "They drove to Walla Walla in May."
    assert not judge(walla, "They drove to Walla in May.", names(walla), config).accepted
    # a common English word said twice is a stutter, at the start or not
    for original, rewrite in [
        ("Find Find something wrong with this?", "Find something wrong with this?"),
        ("When, When, When she is tired, she sleeps.", "When she is tired, she sleeps."),
        ("Try Try talking to them.", "Try talking to them."),
        ("The file says Data Data is loop backed.", "The file says Data is loop backed."),
    ]:  # fmt: skip
        assert judge(original, rewrite, names(original), config).accepted, original


def test_a_rewrite_is_kept_in_part_when_only_some_edits_are_explained() -> None:
    config = GuardConfig.from_aggressiveness(0.25)
    original = "Development of the shop has has opened in a city in the north of China."
    rewrite = "The development of the shop has opened in a city in the south of China."
    kept = "The development of the shop has opened in a city in the north of China."
    evident = "Development of the shop has opened in a city in the north of China."
    table = {(original, kept): -10.0, (original, original): -20.0, (original, evident): -15.0}
    scorer = FakeScorer(table)
    verdict = decide(scorer, [original], [rewrite], None, config)[0]
    assert verdict.accepted and verdict.text == kept
    assert "in part, left out:" in verdict.reason and "deleted 'north'" in verdict.reason
    # the margin is the model's score of what is kept, not of the whole rewrite
    assert scorer.calls and scorer.calls[0][1][0] == kept


def test_edits_beside_a_self_evident_fix_must_earn_the_margin_by_themselves() -> None:
    config = GuardConfig.from_aggressiveness(0.25)
    original = (
        'It is as easy to sing as "The, The, The Star-Spangled Banner" and "America the Beautiful".'
    )
    rewrite = 'It is as easy to sing as "The Star-Spangled Banner" and "America Beautiful".'
    evident = 'It is as easy to sing as "The Star-Spangled Banner" and "America the Beautiful".'
    # the stutter gains 20, the deleted "the" only 1 more: the fix alone is kept
    table = {(original, rewrite): -9.0, (original, original): -30.0, (original, evident): -10.0}
    verdict = decide(FakeScorer(table), [original], [rewrite], None, config)[0]
    assert verdict.accepted and verdict.text == evident and verdict.self_evident
    assert "the other edits add +1.000 < +4.000" in verdict.reason
    # when the other edit costs more than the stutter gains, the fix is still kept alone
    table[(original, rewrite)] = -31.0
    verdict = decide(FakeScorer(table), [original], [rewrite], None, config)[0]
    assert verdict.accepted and verdict.text == evident
    # when the other edit earns the margin too, the whole rewrite is kept
    table[(original, rewrite)] = -5.0
    verdict = decide(FakeScorer(table), [original], [rewrite], None, config)[0]
    assert verdict.accepted and verdict.text == rewrite and not verdict.self_evident
    # and when the model prefers the copy to the fix alone, nothing is
    table[(original, evident)] = -31.0
    table[(original, rewrite)] = -29.0
    verdict = decide(FakeScorer(table), [original], [rewrite], None, config)[0]
    assert not verdict.accepted


def test_a_name_may_come_back_in_its_other_number() -> None:
    config = GuardConfig(max_edit_ratio=1, min_margin=None, explained_only=True)
    original = "He was the first citizen of an Africans country in space."
    fixed = "He was the first citizen of an African country in space."
    assert decide(None, [original], [fixed], None, config)[0].accepted
    assert decide(None, ["This may use a FIFOs here."], ["This may use a FIFO here."], None,
                  config)[0].accepted  # fmt: skip
    # a glossary term must come back exactly, and a name must not be mangled or dropped
    verdict = decide(None, [original], [fixed], [["Africans"]], config)[0]
    assert not verdict.accepted and verdict.reason == "lost protected span 'Africans'"
    mangled = decide(None, ["Agassi met Federer."], ["Agassi met Federerer."], None, config)
    assert not mangled[0].accepted
    # a name ending in "s" is no plural: "Williams", "Athens" come back as they are
    for original, rewrite in [
        (
            "Yesterday I met Serena Williams at the club.",
            "Yesterday I met Serena William at the club.",
        ),
        ("They flew to Athens in May.", "They flew to Athen in May."),
    ]:
        assert not decide(None, [original], [rewrite], None, config)[0].accepted, original


def test_a_model_caught_in_a_loop_is_refused_whole() -> None:
    original = (
        "It strengthens the adjustment of macro policies, strives to promote sustained "
        "development, and deepens reform."
    )
    rewrite = (
        "It strengthens the adjustment of macros policies, strives to promoteing macros and "
        "promotes to macros development, and the macros reform."
    )
    verdict = judge(original, rewrite, (), GuardConfig(max_edit_ratio=1, explained_only=True))
    assert not verdict.accepted and verdict.reason == "degenerate rewrite: 'macros' over and over"
    # articles put back into word-by-word MT are no loop
    bare = "Government said that president will visit capital with minister and mayor."
    fixed = "The government said that the president will visit the capital with the minister."
    looped = judge(bare, fixed, (), GuardConfig(max_edit_ratio=1, min_length_ratio=0.5))
    assert "degenerate" not in looped.reason


def test_the_guard_mends_a_stutter_the_model_left_when_the_model_prefers_it() -> None:
    config = GuardConfig.from_aggressiveness(0.25)
    original = "Only those controls controls for which the filter returns true are added."
    mended = "Only those controls for which the filter returns true are added."
    scorer = FakeScorer({(original, mended): -10.0, (original, original): -12.0})
    verdict = decide(scorer, [original], [original], None, config)[0]
    assert verdict.accepted and verdict.text == mended and verdict.self_evident
    assert "mended by rule, the model's rewrite not kept: unchanged" in verdict.reason
    # the model prefers the original: nothing is changed
    scorer = FakeScorer({(original, mended): -12.0, (original, original): -10.0})
    assert not decide(scorer, [original], [original], None, config)[0].accepted
    # without a model to ask (no scorer, or aggressiveness 0), no rule fix either
    assert not decide(None, [original], [original], None, config)[0].accepted
    never = GuardConfig.from_aggressiveness(0.0)
    assert not decide(FakeScorer({}), [original], [original], None, never)[0].accepted
    # aggressiveness 0 takes no self-evident rewrite either, with or without a scorer
    assert not decide(None, [original], [mended], None, never)[0].accepted
    assert not judge(original, mended, (), never).accepted


def test_the_for_a_clashing_article_is_weighed_against_the_plain_mend() -> None:
    config = GuardConfig.from_aggressiveness(0.25)  # margin 4, for self-evident fixes 0
    original = "He is driving an bus to work."
    the, plain = "He is driving the bus to work.", "He is driving a bus to work."
    verdict = judge(original, the, (), config)
    assert verdict.accepted and verdict.clash_choice and verdict.evident_part == plain

    def run(the_score: float, plain_score: float, copy: float = -20.0) -> object:
        scorer = FakeScorer({(original, the): the_score, (original, plain): plain_score,
                             (original, original): copy})  # fmt: skip
        return decide(scorer, [original], [the], None, config)[0]

    # "the" beats the copy by less than the full margin, but the model prefers it to "a"
    kept = run(-19.5, -20.0, copy=-21.0)
    assert kept.accepted and kept.text == the  # type: ignore[attr-defined]
    # the model prefers "a": the plain mend is kept
    plain_kept = run(-20.5, -20.0, copy=-21.0)
    assert plain_kept.accepted and plain_kept.text == plain  # type: ignore[attr-defined]
    assert "the other edits add -0.500 < +0.000" in plain_kept.reason  # type: ignore[attr-defined]
    # the model prefers the clash to either mend: nothing changes
    assert not run(-25.0, -24.0).accepted  # type: ignore[attr-defined]
    # beside another kind of edit, "the" needs the full margin as before
    both = judge("He drive an bus to work.", "He drives the bus to work.", (), config)
    assert both.accepted and not both.clash_choice and not both.self_evident


def test_an_agreement_clash_mended_needs_only_the_models_preference() -> None:
    config = GuardConfig.from_aggressiveness(0.25)
    clash, mended = "After dinner, we was tired.", "After dinner, we were tired."
    tense = "After dinner, we are tired."  # also explained, but a choice: the full margin
    scorer = FakeScorer({(clash, mended): -10.0, (clash, clash): -11.0, (clash, tense): -10.0})
    verdict = decide(scorer, [clash], [mended], None, config)[0]
    assert verdict.accepted and verdict.reason.startswith("accepted (self-evident: agreement clash")
    assert not decide(scorer, [clash], [tense], None, config)[0].accepted
