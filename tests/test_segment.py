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


# --- labelled cases (tests/data/segmentation_cases.jsonl) ---------------------------

import io  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from mtfix import RepairConfig, Repairer  # noqa: E402
from mtfix.glossary import Glossary  # noqa: E402
from mtfix.segment import iter_lines, segment_stream  # noqa: E402

CASES_FILE = Path(__file__).parent / "data" / "segmentation_cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text("utf-8").splitlines() if line]


def labelled(text: str) -> list[list[str]]:
    return [[s.label, s.text] for s in segment(text) if s.label != "blank"]


def test_the_labelled_set_is_big_and_varied() -> None:
    assert len(CASES) >= 40
    labels = {label for case in CASES for label, _ in case["expect"]}
    assert labels == {"content", "heading", "boilerplate", "metadata"}
    assert sum(case["origin"] == "seed" for case in CASES) >= 10
    seed = SAMPLE_MT.read_text("utf-8")
    for case in CASES:  # seed cases really are lines of the seed page
        if case["origin"] == "seed":
            assert all(text in seed for _, text in case["expect"]), case["id"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c["id"],
            marks=[pytest.mark.xfail(strict=True, reason=c["known_failure"])]
            if "known_failure" in c
            else [],
        )
        for c in CASES
    ],
)
def test_labelled_case(case: dict) -> None:  # type: ignore[type-arg]
    assert_tiles(case["text"])
    assert labelled(case["text"]) == case["expect"]


# --- streaming ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Go homepage", "A b. C d!", "QQ:1234", "\n", "\r\n", "\r", " ", "x"]),
        max_size=40,
    )
)
def test_stream_from_a_file_equals_segment(parts: list[str]) -> None:
    text = "".join(parts)
    lines = io.StringIO(text, newline="")  # how a file opened with newline="" iterates
    assert list(segment_stream(lines)) == segment(text)
    assert "".join(iter_lines(text)) == text


def test_stream_offsets_start_where_asked() -> None:
    segs = list(segment_stream(["Hello there.\n"], offset=100))
    assert (segs[0].start, segs[0].end, segs[-1].end) == (100, 112, 113)


# --- lossless on anything ------------------------------------------------------------

ANY_CHAR = st.characters(
    categories=["L", "M", "N", "P", "S", "Z", "C"]  # C includes controls and lone surrogates
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ANY_CHAR, max_size=300))
def test_lossless_with_controls_and_lone_surrogates(text: str) -> None:
    assert_tiles(text)


@settings(max_examples=30, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("a.?! \n1(「。"), min_size=1, max_size=20),
    st.integers(min_value=1_000, max_value=20_000),
)
def test_lossless_on_very_long_lines(unit: str, repeat: int) -> None:
    assert_tiles(unit * repeat)


# --- never hangs ---------------------------------------------------------------------


@contextmanager
def wall_clock_guard(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) when the block runs for longer than ``seconds``.

    Generous on purpose: it catches quadratic blow-ups (hours on these inputs),
    not slowness; speed is measured in benchmarks/bench_segment.py.
    """
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(*_: object) -> None:
        raise TimeoutError(f"segmentation took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


ADVERSARIAL = {
    "digits and dots": "1. 2.. 3... 4.5.6 " * 110_000,
    "no punctuation": "word " * 400_000,
    "one 2 MB line of letters": "x" * 2_000_000,
    "opening brackets": "(" * 2_000_000,
    "dots only": "." * 2_000_000,
    "initials": "A. B. C. " * 220_000,
    "blank lines": "\n" * 2_000_000,
    "short sentences": "Go. " * 500_000,
    "abbreviation bait": "e.g.e.g.e.g. " * 150_000,
    "cjk punctuation": "。！？；" * 500_000,
    "spaces then capital": ". " + " " * 2_000_000 + "A",
    "quotes run": 'a. "' + '"' * 2_000_000,
    "menu-like short lines": "Home | News\n" * 180_000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_inputs_finish(name: str) -> None:
    text = ADVERSARIAL[name]
    with wall_clock_guard(60):
        segs = segment(text)
    assert sum(len(s.text) for s in segs) == len(text)
    assert segs[0].start == 0 and segs[-1].end == len(text)


# --- --strip-boilerplate -------------------------------------------------------------


def stripped(text: str) -> str:
    config = RepairConfig(use_model=False, strip_boilerplate=True, unicode_fix=False)
    return Repairer(config, glossary=Glossary(())).repair(text).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Go homepage\n\nReal text.\n", "Real text.\n"),
        ("Real text.\n\nQQ:12345\n", "Real text.\n"),
        ("Real text.\n\nQQ:12345", "Real text."),
        ("One.\n\nHome | News | Sports\n\nTwo.\n", "One.\n\nTwo.\n"),
        ("One.\r\n\r\nGo homepage\r\nUpload pictures\r\n\r\n\r\nTwo.\r\n", "One.\r\n\r\nTwo.\r\n"),
        (
            "By John Smith\nThe text starts here.\nIt goes on.\n",
            "The text starts here.\nIt goes on.\n",
        ),
        ("\n\nLead blanks stay.\n\nQQ:12345\n", "\n\nLead blanks stay.\n"),
        ("Nothing to drop.\n\n\nAt all.", "Nothing to drop.\n\n\nAt all."),
        ("QQ:12345\nTel: 010-1234 5678\n", ""),
    ],
)
def test_strip_boilerplate(text: str, expected: str) -> None:
    assert stripped(text) == expected


def test_strip_boilerplate_on_the_seed_page() -> None:
    text = SAMPLE_MT.read_text("utf-8")
    out = stripped(text)
    assert out.startswith("Platform, micro e-commerce rising,\n\nPlatform, micro e-commerce")
    assert out.endswith("micro cash will come.")
    for gone in ("Go homepage", "QQ:", "webmaster", "The author", "published in"):
        assert gone not in out
    assert "\n\n\n" not in out
    # Everything else is untouched: the kept lines are the input's own.
    kept = [line for line in text.splitlines() if line.strip() and line in out]
    assert len(kept) == len([line for line in out.splitlines() if line.strip()])


def test_strip_boilerplate_from_the_command_line(tmp_path: Path) -> None:
    from mtfix.cli import app

    src = tmp_path / "page.txt"
    src.write_bytes(b"Go homepage\r\n\r\nMicro letter is big.\r\n\r\nQQ:12345\r\n")
    result = CliRunner().invoke(app, ["fix", str(src), "--no-model", "--strip-boilerplate"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b"WeChat is big.\r\n"
    assert "2 boilerplate/metadata segments left out" in result.stderr


def test_segment_command_streams_large_input(tmp_path: Path) -> None:
    from mtfix.cli import app

    src = tmp_path / "big.txt"
    src.write_text("Go homepage\n\n" + "A sentence here. Another one!\n\n" * 20_000, "utf-8")
    result = CliRunner().invoke(app, ["segment", str(src), "-f", "jsonl", "--blanks"])
    assert result.exit_code == 0
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert "".join(r["text"] for r in records) == src.read_text("utf-8")
    assert records[0]["label"] == "boilerplate" and len(records) == 1 + 1 + 20_000 * 4


def test_reading_and_segmenting_import_no_detector_or_ftfy() -> None:
    import subprocess

    code = (
        "import sys, mtfix.segment, mtfix.textio, mtfix.pipeline; "
        "print(sorted(m for m in ('ftfy', 'charset_normalizer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("He moved to the U.S. The move was hard.",
         ["He moved to the U.S.", " The move was hard."]),
        ("In the U.K. It rains.", ["In the U.K.", " It rains."]),
        ("The U.S. President spoke.", ["The U.S. President spoke."]),
        ("The U.S. And the U.K. are allies.", ["The U.S. And the U.K. are allies."]),
        ("See e.g. The Times.", ["See e.g. The Times."]),
    ],
)  # fmt: skip
def test_a_dotted_acronym_ends_a_sentence_before_a_sentence_starter(
    text: str, sentences: list[str]
) -> None:
    ends = sentence_ends(text)
    assert [text[a:b] for a, b in zip([0, *ends], [*ends, len(text)])] == sentences


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("This article only represents the author's views and does not represent the position "
         "of this website.", "boilerplate"),
        ("If there is any infringement, please contact us to delete it.", "boilerplate"),
        ("本文仅代表作者观点，不代表本站立场。", "boilerplate"),
        # the same words about anything but this site are content
        ("The plan does not represent the position of the government.", "content"),
        ("Free speech does not represent the position of the newspaper, he argued.", "content"),
    ],
)  # fmt: skip
def test_site_disclaimers_written_as_sentences_are_boilerplate(line: str, label: str) -> None:
    assert classify_line(line) == label


def test_headlines_under_a_related_articles_header_are_boilerplate() -> None:
    text = "Related articles:\n1. Alibaba launches Laiwang\nJD.com files for IPO\n"
    labels = [s.label for s in segment(text) if text[s.start : s.end].strip()]
    assert labels == ["boilerplate"] * 3
    # a sentence of content under such a header stays content
    text = "Related news\nThe company said on Monday that it will open three new shops.\n"
    labels = [s.label for s in segment(text) if text[s.start : s.end].strip()]
    assert labels == ["boilerplate", "content"]
