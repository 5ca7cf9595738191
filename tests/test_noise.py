"""The synthetic poor-MT noise: each type makes the error it claims, reproducibly."""

from __future__ import annotations

import random

import pytest

from mtfix.training import noise
from mtfix.training.noise import NOISE_TYPES, NoiseConfig, add_noise, make_calque

SENTENCE = (
    "We have opened a new shop on the main street, and the company's attitude has changed "
    "since they sold many phones through WeChat."
)


def apply(fn: noise.NoiseFn, text: str, seed: int = 0) -> str:
    result = fn(text.split(), random.Random(seed))
    assert result is not None, f"{fn.__name__} found no place in {text!r}"
    return " ".join(result)


def test_duplicate_repeats_a_word() -> None:
    outs = {apply(noise.duplicate, "Merchants face malicious reviews.", s) for s in range(20)}
    assert "Merchants face malicious, malicious, malicious reviews." in outs
    assert any(o.split().count("face") == 2 for o in outs)
    # a comma list has three copies or more: twice around a comma is often English
    assert not any(o.count("malicious") == 2 and "," in o for o in outs)


def test_auxiliary_is_moved_or_doubled_later_in_the_clause() -> None:
    text = "It has several businesses settled in the city."
    outs = {apply(noise.auxiliary, text, s) for s in range(20)}
    for out in outs:
        assert out != text and out.replace("has ", "", 1).count("has") >= 0
        words = out.split()
        assert "has" in words[3:] or "has" in [w.rstrip(".") for w in words[3:]]
    assert any(out.split().count("has") == 2 for out in outs)  # doubled
    assert any(out.split().count("has") == 1 for out in outs)  # moved


def test_of_chain_inverts_a_possessive() -> None:
    out = apply(noise.of_chain, "They changed the third party's attitude quickly.")
    assert "attitude of third party" not in out  # one-word owner: "party" is the owner here
    assert "attitude of party" in out or "attitude of party of" in out


def test_of_chain_adds_a_dangling_of() -> None:
    out = apply(noise.of_chain, "It is the price of the goods.")
    assert out == "It is the price of goods of."


def test_drop_article() -> None:
    out = apply(noise.drop_article, "He bought the book.")
    assert out == "He bought book."


def test_misuse_article() -> None:
    outs = {apply(noise.misuse_article, "She ate an apple.", s) for s in range(20)}
    assert "She ate a apple." in outs
    assert apply(noise.misuse_article, "They live in Beijing.") == "They live in the Beijing."


def test_preposition_is_replaced() -> None:
    out = apply(noise.preposition, "It depends on luck.")
    assert out.startswith("It depends ") and out != "It depends on luck."
    assert out.split()[2] in noise.PREPOSITIONS


def test_tense() -> None:
    assert apply(noise.tense, "The shop was closed yesterday.") in {
        "The shop is closed yesterday.",
        "The shop was close yesterday.",
    }
    assert apply(noise.tense, "They went home.") == "They go home."


@pytest.mark.parametrize(
    ("past", "base"),
    [
        ("wanted", "want"), ("closed", "close"), ("disabled", "disable"),
        ("described", "describe"), ("handled", "handle"), ("specified", "specify"),
        ("stopped", "stop"), ("called", "call"), ("agreed", "agree"), ("changed", "change"),
        ("belonged", "belong"), ("caused", "cause"), ("focused", "focus"),
        ("claimed", "claim"), ("treated", "treat"), ("created", "create"),
        ("negotiated", "negotiate"), ("required", "require"), ("named", "name"),
        ("deleted", "delete"), ("entered", "enter"), ("registered", "register"),
        # spelling leaves these open: no tense error is made of them
        ("developed", None), ("typed", None), ("stored", None), ("monitored", None),
        ("edited", None), ("controlled", None),
    ],
)  # fmt: skip
def test_regular_base_makes_words_not_stems(past: str, base: str | None) -> None:
    assert noise.regular_base(past) == base


def test_tense_never_makes_a_non_word() -> None:
    outs = {apply(noise.tense, "The port was disabled.", s) for s in range(10)}
    assert outs == {"The port is disabled.", "The port was disable."}
    assert noise.tense("The plan developed slowly.".split(), random.Random(0)) is None


def test_agreement() -> None:
    assert apply(noise.agreement, "He is late.") == "He are late."
    outs = {apply(noise.agreement, "She says hello.", s) for s in range(5)}
    assert outs == {"She say hello."}


def test_number() -> None:
    assert apply(noise.number, "We sold many phones.") == "We sold many phone."
    assert apply(noise.number, "He bought a phone.") == "He bought a phones."
    assert apply(noise.number, "He bought a brush.") == "He bought a brushes."
    assert apply(noise.number, "It ran two processes.") == "It ran two process."
    assert apply(noise.number, "It took two weeks to fix.") == "It took two week to fix."


@pytest.mark.parametrize(
    "sentence",
    [
        "Playing a jaunty tune, the robot glides.",  # a modifier, not the noun
        "The older of the two, and GRUB, its replacement.",  # "two," quantifies nothing
        "It is a means of payment.",  # no number to change
        "Use the value a specified by the caller.",  # a participle
    ],
)
def test_number_changes_only_a_noun_that_ends_its_phrase(sentence: str) -> None:
    assert noise.number(sentence.split(), random.Random(0)) is None


def test_drop_subject() -> None:
    assert apply(noise.drop_subject, "We have opened a shop.") == "Have opened a shop."


def test_swap_exchanges_neighbours_keeping_punctuation() -> None:
    out = apply(noise.swap, "Prices rose sharply.")
    assert sorted(out.rstrip(".").lower().split()) == ["prices", "rose", "sharply"]
    assert out.endswith(".") and out != "Prices rose sharply."


def test_calque_uses_the_table_in_reverse() -> None:
    calque = make_calque({"WeChat": ("micro letter",), "e-commerce": ("electrical contractor",)})
    assert apply(calque, "Shops sell on WeChat.") == "Shops sell on micro letter."
    assert apply(noise.calque, "They use WeChat daily.").split()[2] in {"micro", "micro-letter"}


def test_every_type_declines_when_it_has_no_place() -> None:
    for name in ("drop_article", "auxiliary", "drop_subject", "calque"):
        assert NOISE_TYPES[name](["Hello"], random.Random(0)) is None


def test_every_type_changes_a_rich_sentence() -> None:
    for name, fn in NOISE_TYPES.items():
        out = fn(SENTENCE.split(), random.Random(3))
        assert out is not None and " ".join(out) != SENTENCE, name


def test_add_noise_is_seeded_and_records_what_it_did() -> None:
    a = [add_noise(SENTENCE, random.Random(7)) for _ in range(3)]
    assert a[0] == a[1] == a[2]
    text, applied = a[0]
    assert text != SENTENCE and 1 <= len(applied) <= 3
    assert set(applied) <= set(NOISE_TYPES)


def test_mixing_weights_choose_the_noise() -> None:
    only = NoiseConfig(weights={"drop_article": 1.0}, min_errors=1, max_errors=1)
    rng = random.Random(1)
    for _ in range(10):
        text, applied = add_noise(SENTENCE, rng, only)
        assert applied == ["drop_article"]
        assert len(text.split()) == len(SENTENCE.split()) - 1


def test_sentence_without_a_place_for_noise_comes_back_unchanged() -> None:
    only = NoiseConfig(weights={"drop_article": 1.0})
    assert add_noise("Hello", random.Random(0), only) == ("Hello", [])


@pytest.mark.parametrize("seed", range(30))
def test_noise_never_loses_numbers(seed: int) -> None:
    text = "In 2023 the company sold 15,000 phones for 3.5 million dollars."
    out, _ = add_noise(text, random.Random(seed))
    for number in ("2023", "15,000", "3.5"):
        assert number in out
