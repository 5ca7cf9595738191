from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.segment import classify_line, segment, sentence_ends

from .conftest import SAMPLE_MT


def joined(text: str) -> str:
    return "".join(s.text for s in segment(text))


def assert_tiles(text: str) -> None:
    segs = segment(text)
    assert "".join(s.text for s in segs) == text
    pos = 0
    for s in segs:
        assert s.start == pos and text[s.start : s.end] == s.text
        pos = s.end
    assert pos == len(text)


@pytest.mark.parametrize(
    "text",
    [
        "One. Two.",
        "Line one\r\nLine two\r\n\r\nPara two.\r\n",
        "no final newline",
        "\n\n  leading blanks. And more.  \n\n\n",
        "Tabs\tinside.\tNext one.\n",
        "微信是一个应用。朋友圈很好！真的吗？",
        "Unicode line\u2028separator and\x0bvertical tab.\x0c",
        "",
    ],
)
def test_segments_tile_the_input(text: str) -> None:
    assert_tiles(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_lossless_on_any_text(text: str) -> None:
    assert_tiles(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Dr. Smith",
                "said",
                "U.S.",
                "3.5%",
                "Hi!",
                "\n",
                "\r\n",
                " ",
                "\n\n",
                "e.g.",
                "“Quoted.”",
                "(note)",
                "Yes?",
                "微信。",
                "...",
            ]
        ),
        max_size=40,
    )
)
def test_lossless_on_sentence_like_text(parts: list[str]) -> None:
    assert_tiles(" ".join(parts))


def test_sample_page_is_lossless_and_labelled() -> None:
    text = SAMPLE_MT.read_text("utf-8")
    assert_tiles(text)
    labels = {s.text: s.label for s in segment(text)}
    assert labels["Go homepage(回首页)"] == "boilerplate"
    assert labels["Upload pictures (上传图片)"] == "boilerplate"
    assert labels["QQ:154298438"] == "boilerplate"
    assert labels["The author:(作者)qq"] == "metadata"
    assert labels["published in(发表于) 2014/6/19 4:43:45"] == "metadata"
    assert labels["Third-party services platform is the App Accelerator"] == "heading"
    assert labels["Micro-payment is most crucial O2O in closed loop step."] == "content"
    assert (
        labels[
            "If you have any requirements, please contact webmaster。(如果有什么要求,请联系站长)"
        ]
        == "boilerplate"
    )


def sentences(block: str) -> list[str]:
    cuts = [0, *sentence_ends(block), len(block)]
    return [block[a:b].strip() for a, b in zip(cuts, cuts[1:])]


def test_sentence_boundaries() -> None:
    assert sentences("It rained. Then it stopped! Did it? Yes.") == [
        "It rained.",
        "Then it stopped!",
        "Did it?",
        "Yes.",
    ]
    assert sentences("Dr. Smith met Mr. Li in the U.S. on Monday.") == [
        "Dr. Smith met Mr. Li in the U.S. on Monday."
    ]
    assert sentences("Prices rose 3.5% in 2014. Sales fell.") == [
        "Prices rose 3.5% in 2014.",
        "Sales fell.",
    ]
    assert sentences('He said "Stop." Then he left.') == ['He said "Stop."', "Then he left."]
    assert sentences("微信很好。朋友圈也是！") == ["微信很好。", "朋友圈也是！"]
    assert sentences("see e.g. the docs. and more") == ["see e.g. the docs. and more"]


def test_paragraph_indices_and_blank_segments() -> None:
    segs = segment("Title\n\nFirst sentence. Second one.\n")
    kinds = [(s.label, s.paragraph) for s in segs]
    assert kinds == [
        ("heading", 0),
        ("blank", 0),
        ("content", 1),
        ("blank", 1),
        ("content", 1),
        ("blank", 1),
    ]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Go homepage(回首页)", "boilerplate"),
        ("Contact us", "boilerplate"),
        ("QQ:417480759", "boilerplate"),
        ("Copyright 2014 example.com", "boilerplate"),
        ("Author: Zhang Wei", "metadata"),
        ("2014-06-19 04:43", "metadata"),
        ("Micro letter foray into e-commerce ambitions for a long time.", "content"),
    ],
)
def test_line_labels(line: str, label: str) -> None:
    assert classify_line(line) == label


def test_short_line_alone_is_a_heading_but_not_inside_a_paragraph() -> None:
    assert (
        classify_line("App store app the next cornucopia", single_line_paragraph=True) == "heading"
    )
    assert classify_line("App store app the next cornucopia") == "content"
