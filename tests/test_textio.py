"""Reading messy real-world bytes, writing output, and the mojibake (unicode) stage."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtfix import RepairConfig, Repairer
from mtfix.errors import InputError, MtfixError, UsageError
from mtfix.glossary import parse_glossary
from mtfix.textio import decode, encode, fix_mojibake, read_text

CHINESE = "微信是一个很好的应用，朋友圈也很好。电商正在崛起。\n"
TRADITIONAL = "微信是一個很好的應用，朋友圈也很好。電商正在崛起。\n"
LATIN = "Café résumé: naïve señor, déjà vu — “quoted” it’s 5 €.\r\n"


@pytest.mark.parametrize(
    ("data", "text", "encoding", "bom", "detected"),
    [
        (b"plain ascii\n", "plain ascii\n", "utf-8", False, False),
        (CHINESE.encode("utf-8"), CHINESE, "utf-8", False, False),
        (codecs.BOM_UTF8 + CHINESE.encode(), CHINESE, "utf-8", True, False),
        (CHINESE.encode("utf-16"), CHINESE, "utf-16", True, False),
        (codecs.BOM_UTF16_BE + CHINESE.encode("utf-16-be"), CHINESE, "utf-16", True, False),
        (CHINESE.encode("utf-32"), CHINESE, "utf-32", True, False),
        (CHINESE.encode("gbk"), CHINESE, "gb18030", False, True),
        (CHINESE.encode("gb18030"), CHINESE, "gb18030", False, True),
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5", False, True),
        (LATIN.encode("cp1252"), LATIN, "cp1252", False, True),
        ("Go homepage(回首页)\n".encode("gbk"), "Go homepage(回首页)\n", "gb18030", False, True),
        ("Go homepage(回首頁)\n".encode("big5"), "Go homepage(回首頁)\n", "big5", False, True),
    ],
)
def test_decode_detects_encodings(
    data: bytes, text: str, encoding: str, bom: bool, detected: bool
) -> None:
    decoded = decode(data, "in.txt")
    assert (decoded.text, decoded.encoding, decoded.bom, decoded.detected) == (
        text,
        encoding,
        bom,
        detected,
    )
    assert bool(decoded.note) == detected
    if detected:
        assert encoding in decoded.note


def test_latin1_bytes_read_as_latin_text() -> None:
    decoded = decode("Les élèves à l'école.\n".encode("latin-1"), "in.txt")
    assert decoded.text == "Les élèves à l'école.\n" and decoded.detected


def test_forced_encoding_is_used_without_guessing() -> None:
    data = "abc é\n".encode("latin-1")
    assert decode(data, "x", "latin-1").text == "abc é\n"
    assert decode(data, "x", "latin-1").detected is False
    with pytest.raises(InputError, match="cannot decode as utf-8 at byte 4"):
        decode(data, "x", "utf-8")
    with pytest.raises(InputError, match="unknown encoding 'nope'"):
        decode(data, "x", "nope")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (b" \r\n\t\n", "only whitespace"),
        ("\ufeff  \n".encode(), "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (PNG image)"),
        (b"%PDF-1.4\n%\xe2\xe3", "binary file (PDF document)"),
        (b"PK\x03\x04\x14\x00", "binary file (ZIP archive"),
        (b"\x1f\x8b\x08\x00abc", "gzip archive"),
        (b"text\x00with nul", "contains NUL bytes"),
        ("plain ascii".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        (b"abc \xff\xfe def", "cannot decode as utf-8 at byte 4"),
        (b"abc \xff\xfe def", "not confident (pass --encoding)"),
        (b"ok \x81\x8d\x8f bytes", "cannot decode as utf-8 at byte 3"),
    ],
)
def test_bad_input_gets_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        decode(data, "bad.txt")
    assert str(info.value).startswith("bad.txt: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_mixed_encodings_are_decoded_line_by_line() -> None:
    data = (
        "第一行是 UTF-8 的微信。\n".encode()
        + "第二行是 GBK 的朋友圈。\n".encode("gbk")
        + b"Third line, ASCII.\n"
    )
    decoded = decode(data, "mixed.txt")
    assert decoded.text == "第一行是 UTF-8 的微信。\n第二行是 GBK 的朋友圈。\nThird line, ASCII.\n"
    assert decoded.encoding == "utf-8+gb18030" and "1 line(s)" in decoded.note


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=200))
def test_utf8_round_trip_keeps_every_character_and_newline(text: str) -> None:
    data = text.encode("utf-8")
    if not text.strip() or "\x00" in text or text.startswith("\ufeff"):
        with pytest.raises(InputError):
            decode(data)
        return
    decoded = decode(data)
    assert decoded.text == text and decoded.encoding == "utf-8"
    assert encode(decoded.text, decoded) == data


def test_encode_output_encodings() -> None:
    bom_input = decode(codecs.BOM_UTF8 + b"Hi\r\n")
    assert encode("Hi\r\n", bom_input) == codecs.BOM_UTF8 + b"Hi\r\n"  # UTF-8 keeps its BOM
    utf16_input = decode("Hi\n".encode("utf-16"))
    assert encode("Hi\n", utf16_input) == b"Hi\n"  # output is UTF-8 unless asked
    assert encode("微信\n", None, "gb18030") == "微信\n".encode("gb18030")
    assert encode("Hi", utf16_input, "utf-16").decode("utf-16") == "Hi"
    with pytest.raises(MtfixError, match=r"cannot write '微' \(U\+5FAE\) as latin-1"):
        encode("a 微信", None, "latin-1")
    with pytest.raises(UsageError, match="unknown output encoding"):
        encode("a", None, "nope")


def test_read_text_of_a_single_long_line(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"word " * 2_000_000 + "caf\xe9".encode("latin-1"))
    decoded = read_text(path)
    assert decoded.encoding == "cp1252" and decoded.text.endswith("café")


# --- the unicode (mojibake) stage ------------------------------------------------------


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="replace")


def test_fix_mojibake_spans_are_small_and_rebuild_the_fix() -> None:
    text = "CafÃ© and Iâ€™m â€œhappyâ€\x9d with å¾®ä¿¡."
    fix = fix_mojibake(text)
    assert fix is not None and fix.text == "Café and I’m “happy” with 微信."
    assert fix.rule == "ftfy:fix_encoding" and "decode utf-8" in fix.reason
    befores = [text[a:b] for a, b, _ in fix.spans]
    assert befores == ["Ã©", "â€™", "â€œ", "â€\x9d", "å¾®ä¿¡"]
    rebuilt, pos = [], 0
    for a, b, after in fix.spans:
        rebuilt += [text[pos:a], after]
        pos = b
    assert "".join(rebuilt) + text[pos:] == fix.text


@pytest.mark.parametrize(
    "text",
    ["plain ascii", "naïve café", "“curly” quotes stay", "全角！（括号）", "ﬁ ligature", "e\u0301"],
)
def test_fix_mojibake_leaves_good_text_alone(text: str) -> None:
    assert fix_mojibake(text) is None


GLOSSARY = parse_glossary("micro letter\tWeChat\nnaïve app\tsimple app\n", "g.tsv")


def repair(text: str, **config: object) -> object:
    return Repairer(RepairConfig(use_model=False, **config), glossary=GLOSSARY).repair(text)  # type: ignore[arg-type]


def test_unicode_edits_are_recorded_with_input_offsets() -> None:
    text = "Go homepage â€“ CafÃ©\n\nThe micro letterâ€™s shop is CafÃ© Bar.\r\n"
    result = repair(text)
    assert result.text == "Go homepage – Café\n\nThe WeChat’s shop is Café Bar.\r\n"
    assert [(e.stage, e.before, e.after) for e in result.edits] == [
        ("unicode", "â€“", "–"),  # boilerplate gets its characters repaired too
        ("unicode", "Ã©", "é"),
        ("glossary", "micro letter", "WeChat"),
        ("unicode", "â€™", "’"),
        ("unicode", "Ã©", "é"),
    ]
    for e in result.edits:
        assert text[e.start : e.end] == e.before
    assert result.stats["unicode_edits"] == 4
    assert all(e.rule == "ftfy:fix_encoding" for e in result.edits if e.stage == "unicode")


def test_a_glossary_term_over_mojibake_absorbs_the_unicode_edit() -> None:
    text = "A naÃ¯ve app for you."
    result = repair(text)
    assert result.text == "A simple app for you."
    (edit,) = result.edits
    assert (edit.stage, edit.before, edit.after) == ("glossary", "naÃ¯ve app", "simple app")
    assert text[edit.start : edit.end] == edit.before


def test_no_unicode_fix_leaves_mojibake() -> None:
    text = "CafÃ© time.\n"
    assert repair(text, unicode_fix=False).text == text
    assert repair(text).text == "Café time.\n"


WORDS = [
    "micro letter",
    "café",
    "naïve app",
    "it’s",
    "微信",
    "plain",
    "Title",
    "\n",
    "\r\n\r\n",
    "QQ:12345",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.booleans()), max_size=25))
def test_unicode_and_glossary_edits_rebuild_the_output(parts: list[tuple[str, bool]]) -> None:
    text = " ".join(mojibake(w) if broken else w for w, broken in parts)
    result = repair(text)
    rebuilt, pos = [], 0
    for e in result.edits:
        assert pos <= e.start and text[e.start : e.end] == e.before
        rebuilt += [text[pos : e.start], e.after]
        pos = e.end
    assert "".join(rebuilt) + text[pos:] == result.text
    assert "".join(s.text for s in result.segments) == text


# --- command line ----------------------------------------------------------------------


def run(*args: str):  # type: ignore[no-untyped-def]
    from mtfix.cli import app

    return CliRunner().invoke(app, list(args))


def test_fix_reads_gbk_and_writes_utf8_by_default(tmp_path: Path) -> None:
    src = tmp_path / "gbk.txt"
    src.write_bytes("微信 micro letter 朋友圈。\r\n".encode("gbk"))
    result = run("fix", str(src), "--no-model", "--no-packs")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == "微信 micro letter 朋友圈。\r\n".encode()
    assert "decoded as gb18030 (detected" in result.stderr
    out = tmp_path / "out.txt"
    result = run(
        "fix", str(src), "--no-model", "--no-packs", "--output-encoding", "gbk", "-o", str(out)
    )
    assert result.exit_code == 0 and out.read_bytes() == src.read_bytes()


def test_fix_with_forced_encoding_and_bad_output_encoding(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes("Caf\xe9 ok.\n".encode("latin-1"))
    result = run("fix", str(src), "--no-model", "--encoding", "latin-1")
    assert result.exit_code == 0 and result.stdout == "Café ok.\n"
    assert "detected" not in result.stderr
    bad = run("fix", str(src), "--no-model", "--output-encoding", "nope", "-o", str(tmp_path / "o"))
    assert bad.exit_code == 2 and "unknown output encoding 'nope'" in bad.stderr
    assert not (tmp_path / "o").exists()
    unencodable = tmp_path / "zh.txt"
    unencodable.write_text("微信\n", "utf-8")
    result = run("fix", str(unencodable), "--no-model", "--output-encoding", "latin-1")
    assert result.exit_code == 1 and "choose another --output-encoding" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_fix_no_unicode_fix_option(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("CafÃ© here.\n", "utf-8")
    assert run("fix", str(src), "--no-model").stdout == "Café here.\n"
    assert run("fix", str(src), "--no-model", "--no-unicode-fix").stdout == "CafÃ© here.\n"


# --- streaming reads (mtfix segment) ---------------------------------------------------

from mtfix.textio import read_lines  # noqa: E402


@pytest.mark.parametrize(
    "data",
    [
        b"one\r\ntwo\n\nthree\rfour",
        codecs.BOM_UTF8 + "微信\r\n朋友圈\n".encode(),
        "微信\r\nline two\n".encode("utf-16"),
        "中文 GBK text。\n第二行\n".encode("gbk"),
        b"x" * 3_000_000 + b"\n" + b"y" * 10,
    ],
)
def test_read_lines_gives_what_read_text_gives(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    whole = read_text(path)
    streamed = read_lines(path)
    assert "".join(streamed.lines) == whole.text
    assert (streamed.encoding, streamed.bom, streamed.detected) == (
        whole.encoding,
        whole.bom,
        whole.detected,
    )


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"", None, "file is empty"),
        (b" \n" * 1_000_000, None, "only whitespace"),
        (b"a" * 2_000_000 + b"\x00", None, "contains NUL bytes"),
        (b"\x89PNG\r\n\x1a\n", None, "PNG image"),
        (b"a" * 1_500_000 + b"\xff", "utf-8", "cannot decode as utf-8 at byte 1500000"),
        (b"abc \xff\xfe def", None, "cannot decode as utf-8 at byte 4"),
        (b"abc", "nope", "unknown encoding 'nope'"),
    ],
)
def test_read_lines_errors(tmp_path: Path, data: bytes, encoding: str | None, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=re.escape(message)):
        read_lines(path, encoding)


def test_segment_command_reads_legacy_encodings(tmp_path: Path) -> None:
    src = tmp_path / "big5.txt"
    src.write_bytes("Go homepage(回首頁)\n\n微信很好。朋友圈也是！\n".encode("big5"))
    result = run("segment", str(src))
    assert result.exit_code == 0
    assert [line.split()[2] for line in result.stdout.splitlines()] == [
        "boilerplate",
        "content",
        "content",
    ]
    assert "decoded as big5" in result.stderr


LEGACY_PIECES = ["微信。".encode(), "微信。".encode("gbk"), "微信。".encode("big5")]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from([*(LEGACY_PIECES), b"\r\n", b"ok "]),
        ),
        max_size=12,
    )
)
def test_any_bytes_give_text_or_a_clear_error(parts: list[bytes]) -> None:
    data = b"".join(parts)
    try:
        decoded = decode(data, "in.txt")
    except InputError as error:
        assert str(error).startswith("in.txt: ") and "\n" not in str(error)
    else:
        assert decoded.text.strip()
        if decoded.encoding == "utf-8":  # UTF-8, with or without BOM, round-trips exactly
            assert encode(decoded.text, decoded) == data
