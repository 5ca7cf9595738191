from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mtfix
from mtfix import RepairConfig, Repairer
from mtfix.glossary import parse_glossary
from mtfix.rewrite import judge, register_backend
from mtfix.rewrite.guard import GuardConfig, word_edit_distance
from mtfix.writers import to_jsonl

GLOSSARY = parse_glossary(
    "micro letter | micro-letter\tWeChat\t微信\ncircle of friends\tMoments\t朋友圈\n", "g.tsv"
)


class ReplaceBackend:
    """A fake model that rewrites one word, to exercise the guard and the records."""

    name = "fake"

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.seen: list[str] = []

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        self.seen.extend(sentences)
        return [s.replace(self.old, self.new) for s in sentences]


def glossary_only(text: str) -> mtfix.RepairResult:
    return Repairer(RepairConfig(use_model=False), glossary=GLOSSARY).repair(text)


def test_untouched_text_is_byte_for_byte() -> None:
    text = "Go homepage(回首页)\r\n\r\nNothing  to fix here.\t \r\nAnd no final newline"
    result = glossary_only(text)
    assert result.text == text and not result.edits and not result.changed


def test_glossary_edits_are_recorded_with_input_offsets() -> None:
    text = "Title\n\nI like micro letter.  Post to circle of friends!\r\n"
    result = glossary_only(text)
    assert result.text == "Title\n\nI like WeChat.  Post to Moments!\r\n"
    assert [(e.before, e.after, e.stage) for e in result.edits] == [
        ("micro letter", "WeChat", "glossary"),
        ("circle of friends", "Moments", "glossary"),
    ]
    for e in result.edits:
        assert text[e.start : e.end] == e.before
        assert e.rule == "g.tsv:1" or e.rule == "g.tsv:2"


def test_boilerplate_and_metadata_are_left_alone_unless_asked() -> None:
    text = "Author: micro letter team\n\nShare on micro letter (微信)\n\nMicro letter is big.\n"
    assert glossary_only(text).text == (
        "Author: micro letter team\n\nShare on micro letter (微信)\n\nWeChat is big.\n"
    )
    everything = RepairConfig(
        use_model=False, labels=frozenset({"content", "heading", "boilerplate", "metadata"})
    )
    assert Repairer(everything, glossary=GLOSSARY).repair(text).text.count("WeChat") == 3


def test_model_rewrite_accepted_and_recorded() -> None:
    backend = ReplaceBackend("has been launch", "has been launched")
    repairer = Repairer(RepairConfig(), glossary=GLOSSARY, backend=backend)
    text = "The micro letter shop has been launch in May.\n\nHeading here\n"
    result = repairer.repair(text)
    assert result.text == "The WeChat shop has been launched in May.\n\nHeading here\n"
    assert backend.seen[0] == "The WeChat shop has been launch in May."  # glossary first
    model = [e for e in result.edits if e.stage == "model"]
    assert len(model) == 1 and model[0].rule == "model:fake"
    assert model[0].start == 0 and text[model[0].start : model[0].end].startswith("The micro")
    accepted = [d for d in result.decisions if d.accepted]
    assert len(accepted) == 1 and accepted[0].reason.startswith("accepted")


class ScriptBackend:
    """A fake model that answers from a table (and copies what it does not know)."""

    name = "script"

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        return [self.table.get(s, s) for s in sentences]


def test_a_rewrite_kept_in_part_is_recorded_as_such() -> None:
    bad = "The shop has has opened in the city of Beijing on Monday."
    proposal = "The shop has opened in the town of Beijing on Monday."
    repairer = Repairer(RepairConfig(), glossary=GLOSSARY, backend=ScriptBackend({bad: proposal}))
    result = repairer.repair(bad + "\n")
    kept = "The shop has opened in the city of Beijing on Monday."
    assert result.text == kept + "\n"
    (decision,) = result.decisions
    assert decision.accepted and decision.rewrite == proposal and decision.kept == kept
    assert "left out: deleted 'city'" in decision.reason
    (edit,) = [e for e in result.edits if e.stage == "model"]
    assert edit.after == kept
    record = json.loads(to_jsonl(result).splitlines()[0])
    assert record["decision"]["kept"] == kept and record["output"] == kept


def test_guard_rejects_a_rewrite_that_drops_a_fixed_term() -> None:
    backend = ReplaceBackend("WeChat", "Weixin")
    result = Repairer(RepairConfig(), glossary=GLOSSARY, backend=backend).repair(
        "I like micro letter a lot."
    )
    assert result.text == "I like WeChat a lot."
    (decision,) = result.decisions
    assert not decision.accepted and "lost protected span 'WeChat'" in decision.reason


def test_guard_rejects_a_rewrite_that_changes_numbers() -> None:
    backend = ReplaceBackend("15%", "50%")
    result = Repairer(RepairConfig(), glossary=GLOSSARY, backend=backend).repair(
        "It holds only 15% of the shares."
    )
    assert result.text == "It holds only 15% of the shares."
    assert "lost protected span '15'" in result.decisions[0].reason


def test_guard_limits() -> None:
    assert judge("a b c d", "a b c d").reason == "unchanged"
    assert not judge("a b c d", "").accepted
    assert judge(
        "one two three four five six seven eight", "one two three four five six seven eights"
    ).accepted
    wild = judge(
        "one two three four",
        "five six seven eight",
        config=GuardConfig(min_length_ratio=0, max_length_ratio=9),
    )
    assert not wild.accepted and wild.reason.startswith("edit ratio 1.00")
    assert not judge("a long sentence of words", "a long").accepted
    assert word_edit_distance("a b c".split(), "a x c d".split()) == 2


def test_identity_backend_registry_and_unknown_backend() -> None:
    result = mtfix.repair("Plain text.", backend="identity", use_glossary=False)
    assert result.text == "Plain text." and result.decisions[0].reason == "unchanged"
    with pytest.raises(mtfix.UnknownBackendError, match="unknown rewrite backend 'nope'"):
        mtfix.repair("Plain text.", backend="nope", model=".", use_glossary=False)


def test_registered_backend_is_found_by_name() -> None:
    register_backend("shout", lambda model_dir, **_: ReplaceBackend("quiet", "QUIET"))
    result = mtfix.repair(
        "Keep it quiet please.", backend="shout", model=".", use_glossary=False, aggressiveness=1.0
    )
    assert result.text == "Keep it QUIET please."


def test_no_default_model_means_glossary_only_with_a_note() -> None:
    repairer = Repairer(RepairConfig(), glossary=GLOSSARY)
    assert repairer.backend is None
    assert repairer.notes and "glossary only" in repairer.notes[0]


def test_default_pack_repairs_the_seed_terms() -> None:
    result = mtfix.repair("Share it in your circle of friends on micro letter.", use_model=False)
    assert "Moments" in result.text and "WeChat" in result.text
    assert all(e.rule.startswith("pack:zh-en-internet:") for e in result.edits)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_repair_never_crashes_and_is_lossless_without_matches(text: str) -> None:
    result = glossary_only(text)
    if not result.edits:
        assert result.text == text
    assert "".join(s.text for s in result.segments) == text


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "micro letter",
                "circle of friends",
                "plain",
                "words.",
                "\n",
                "\r\n\r\n",
                "Title",
                "  ",
                "Micro-Letter's",
            ]
        ),
        max_size=30,
    )
)
def test_edits_reconstruct_the_output(parts: list[str]) -> None:
    text = " ".join(parts)
    result = glossary_only(text)
    rebuilt, pos = [], 0
    for e in result.edits:
        assert text[e.start : e.end] == e.before
        rebuilt += [text[pos : e.start], e.after]
        pos = e.end
    assert "".join(rebuilt) + text[pos:] == result.text


def test_model_edit_before_is_the_input_text_and_lists_are_accepted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    backend = ReplaceBackend("has been launch", "has been launched")
    text = "Intro.\n\nThe micro letter shop has been launch in May.\n"
    result = Repairer(RepairConfig(), glossary=GLOSSARY, backend=backend).repair(text)
    for e in result.edits:
        assert text[e.start : e.end] == e.before
    glossary = tmp_path / "g.tsv"
    glossary.write_text("launch\tstart\n", "utf-8")
    fixed = mtfix.repair("The launch.", glossaries=[glossary], use_model=False, labels={"content"})
    assert fixed.text == "The start."


def test_repair_many_batches_the_model_and_equals_one_by_one() -> None:
    texts = [
        "The micro letter shop has been launch in May.\n",
        "Menu | Home | About\n\nIts circle of friends has been launch too. A second one.\n",
        "",
        "Nothing to do here.\n",
    ]
    config = RepairConfig(strip_boilerplate=True)
    one_by_one = [
        Repairer(config, glossary=GLOSSARY, backend=ReplaceBackend("launch ", "launched ")).repair(
            t
        )
        for t in texts
    ]
    backend = ReplaceBackend("launch ", "launched ")
    calls: list[int] = []
    rewrite = backend.rewrite
    backend.rewrite = lambda sentences: calls.append(len(sentences)) or rewrite(sentences)  # type: ignore[method-assign]
    together = Repairer(config, glossary=GLOSSARY, backend=backend).repair_many(texts)
    assert calls == [4]  # one model call for the sentences of all four texts
    assert together == one_by_one
    assert together[1].text.startswith("Its Moments has been launched too.")
