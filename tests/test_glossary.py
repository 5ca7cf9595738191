from __future__ import annotations

from pathlib import Path

import pytest

from mtfix.errors import GlossaryError
from mtfix.glossary import Matcher, load_glossary, parse_glossary
from mtfix.glossary.matcher import carry_case, pluralize

BASIC = """\
micro letter | micro message | micro-channel\tWeChat\t微信
circle of friends\tMoments\t朋友圈
electrical contractor | electricity supplier\te-commerce\t电商
micro electrical contractor\tWeChat e-commerce\t微电商
two-dimensional code\tQR code\t二维码
"""


def fix(text: str, glossary_text: str = BASIC, context: str | None = None) -> str:
    glossary = parse_glossary(glossary_text, "test.tsv", rule_prefix="t")
    matches = Matcher(glossary).find(text, context=context)
    out, pos = [], 0
    for m in matches:
        assert text[m.start : m.end] == m.before
        out += [text[pos : m.start], m.replacement]
        pos = m.end
    return "".join(out) + text[pos:]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I use micro letter daily.", "I use WeChat daily."),
        ("I use micro-letter daily.", "I use WeChat daily."),
        ("I use microletter daily.", "I use WeChat daily."),
        ("Micro letter is big.", "WeChat is big."),
        ("MICRO LETTER IS BIG.", "WECHAT IS BIG."),
        ("Post it to the circle of friends.", "Post it to the Moments."),
        ("Electricity supplier giants grew.", "E-commerce giants grew."),
        ("the micro electrical contractor market", "the WeChat e-commerce market"),
        ("the micro-electrical contractor market", "the WeChat e-commerce market"),
        ("micro letter's future", "WeChat's future"),
        ("many micro letters", "many WeChat"),
        ("scan the two-dimensional codes", "scan the QR codes"),
        # whole words only
        ("a micro lettering style", "a micro lettering style"),
        ("the nonmicro letter", "the nonmicro letter"),
        # protected spans are never rewritten
        ("see https://example.com/micro-letter now", "see https://example.com/micro-letter now"),
        ("mail micro.letter@example.com", "mail micro.letter@example.com"),
    ],
)
def test_matching(text: str, expected: str) -> None:
    assert fix(text) == expected


def test_longest_match_wins_and_no_cascade() -> None:
    glossary = "a b\tc\na b c\tX\nc\ta b\n"
    # "a b c" is matched whole; the replacement "c" of "a b" is never matched again by "c" -> "a b".
    assert fix("a b c d", glossary) == "X d"
    assert fix("a b d", glossary) == "c d"


def test_later_entries_win_ties() -> None:
    glossary = "micro letter\tWeixin\nmicro letter\tWeChat\n"
    assert fix("micro letter", glossary) == "WeChat"


def test_context_gated_entry_fires_only_with_context() -> None:
    glossary = "variants\treplacement\tcontext\ncat\tTmall\ttaobao | e-commerce\n"
    assert fix("The cat sat on the mat.", glossary) == "The cat sat on the mat."
    assert fix("Taobao and cat compete.", glossary) == "Taobao and Tmall compete."
    assert fix("The cat sells.", glossary, context="About e-commerce.") == "The Tmall sells."


def test_exact_case_entry() -> None:
    glossary = "variants\treplacement\tcase\nEast\tJD.com\texact\n"
    assert fix("bought on East today", glossary) == "bought on JD.com today"
    assert fix("went east today", glossary) == "went east today"


def test_carry_case_and_pluralize() -> None:
    assert carry_case("micro letter", "WeChat") == "WeChat"
    assert carry_case("Electrical contractor", "e-commerce") == "E-commerce"
    assert carry_case("NET RED", "internet celebrity") == "INTERNET CELEBRITY"
    assert pluralize("QR code") == "QR codes"
    assert pluralize("internet celebrity") == "internet celebrities"
    assert pluralize("WeChat") == "WeChat"


def test_rule_ids_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text("# my terms\nvariants\treplacement\tnote\nmicro letter\tWeChat\tapp\n", "utf-8")
    glossary = load_glossary(path)
    (entry,) = glossary.entries
    assert entry.rule == f"{path}:3" and entry.note == "app" and entry.variants == ("micro letter",)


def test_csv_glossary(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text('variants,replacement\n"micro letter | micro message",WeChat\n', "utf-8")
    assert load_glossary(path).entries[0].variants == ("micro letter", "micro message")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("micro letter\tWeChat\nonly one field\n", "test.tsv:2: expected 2 to 3 fields, found 1"),
        ("a\tb\tc\td\n", "test.tsv:1: expected 2 to 3 fields, found 4"),
        ("\tWeChat\n", "test.tsv:1: empty variant"),
        ("micro letter\t \n", "test.tsv:1: empty replacement"),
        ("x" * 1001 + "\ty\n", "test.tsv:1: term longer than 1000 characters"),
        ("# nothing\n", "test.tsv: no entries"),
        ("variants\treplacement\tcase\na\tb\tsometimes\n", "test.tsv:2: case must be"),
    ],
)
def test_bad_rows_name_file_and_line(content: str, message: str) -> None:
    with pytest.raises(GlossaryError) as info:
        parse_glossary(content, "test.tsv")
    assert str(info.value).startswith(message)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="no such file"):
        load_glossary(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"ok\tfine\n\xff\xfe\tbroken\n")
    with pytest.raises(GlossaryError, match=r"bad.tsv:2: not valid UTF-8"):
        load_glossary(bad)


def test_regex_characters_are_literal() -> None:
    glossary = "a+b (c)\tplain\n(x|y)*\tstar\n"
    assert fix("xxxx yyyy", glossary) == "xxxx yyyy"
    assert fix("so a+b (c) here", glossary) == "so plain here"
