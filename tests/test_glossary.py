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
        ("I use micro·letter and micro ・ letter daily.", "I use WeChat and WeChat daily."),
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
    # mid-sentence, one capitalised word is MT's pinyin-as-name, a title keeps its capitals
    assert carry_case("Xiaobian", "editor", sentence_start=False) == "editor"
    assert carry_case("Circle Of Friends", "moments", sentence_start=False) == "Moments"
    assert carry_case("NET RED", "internet celebrity", False) == "INTERNET CELEBRITY"


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("Xiaobian says hi.", "Editor says hi."),
        ("I hope the introduction of Xiaobian helps. Xiaobian agrees.",
         "I hope the introduction of editor helps. Editor agrees."),
        ('He said: "Xiaobian is here"', 'He said: "Editor is here"'),
        ("- Xiaobian\n(Xiaobian)", "- Editor\n(Editor)"),
    ],
)  # fmt: skip
def test_a_capital_is_carried_over_at_the_start_of_a_sentence_only(text: str, fixed: str) -> None:
    assert fix(text, "xiaobian\teditor\n") == fixed
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


# --- the automaton matcher -------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from mtfix.cli import app  # noqa: E402
from mtfix.glossary import Entry  # noqa: E402
from mtfix.glossary.formats import dump_glossary, load_protected  # noqa: E402
from mtfix.glossary.matcher import normalise, protected_spans  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # non-ASCII around a match: offsets stay right
        ("Ünïcode — micro letter’s news", "Ünïcode — WeChat’s news"),
        ("«micro-letter» and “circle of friends”", "«WeChat» and “Moments”"),
        ("İstanbul İİ micro letter", "İstanbul İİ WeChat"),
        ("日本語 micro letter。", "日本語 WeChat。"),
        # adjacent matches sharing one separator
        ("micro letter micro letter", "WeChat WeChat"),
        ("micro letter\nmicro-letter", "WeChat\nWeChat"),
        # punctuation between words is not a soft gap
        ("micro, letter", "micro, letter"),
        ("micro.letter", "micro.letter"),
        # a line break is, and so are two spaces, CRLF and a spaced hyphen
        ("micro\nletter", "WeChat"),
        ("x  y micro  letter, micro\r\nletter - micro - letter", "x  y WeChat, WeChat - WeChat"),
        ("a – b micro – letter and circle  of - friends", "a – b WeChat and Moments"),
        # but not a blank line or three spaces
        ("micro\n\nletter", "micro\n\nletter"),
        ("micro   letter", "micro   letter"),
    ],
)
def test_matching_offsets_and_separators(text: str, expected: str) -> None:
    assert fix(text) == expected


def test_shorter_entry_found_where_longer_one_ends_inside_a_word() -> None:
    glossary = "micro\tMICRO\nmicro letter\tWeChat\n"
    assert fix("a micro lettering class", glossary) == "a MICRO lettering class"
    assert fix("a micro letter class", glossary) == "a WeChat class"


def test_plurals_of_y_words_and_es_words() -> None:
    glossary = "net celebrity\tinfluencer\nbrush box\tbuy box\n"
    assert fix("two net celebrities", glossary) == "two influencers"
    assert fix("three brush boxes", glossary) == "three buy boxes"
    assert fix("the net celebrityish look", glossary) == "the net celebrityish look"


def test_exact_case_plural_and_multiword() -> None:
    glossary = "variants\treplacement\tcase\nSky Cat\tTmall\texact\n"
    assert fix("Sky Cat and Sky Cats", glossary) == "Tmall and Tmall"
    assert fix("sky cat", glossary) == "sky cat"


def test_context_argument_and_lazy_gate() -> None:
    glossary = "variants\treplacement\tcontext\ncat\tTmall\te-commerce\n"
    assert fix("cat", glossary, context="about ecommerce") == "Tmall"  # joined context term
    assert fix("cat", glossary, context="about commerce") == "cat"


def test_protected_terms_column_block_any_overlap() -> None:
    glossary = "variants\treplacement\tprotect\nmicro letter\tWeChat\t\nletter box\t\tyes\n"
    # "micro letter" overlaps the protected "letter box": nothing is rewritten there.
    assert fix("the micro letter box", glossary) == "the micro letter box"
    assert fix("the micro letter app", glossary) == "the WeChat app"


def test_protect_list_file(tmp_path: Path) -> None:
    path = tmp_path / "keep.txt"
    path.write_text("# brand names we keep\nMicro Letter Ltd\n\n", "utf-8")
    protect = load_protected(path)
    assert protect.entries[0].protect and protect.entries[0].rule == f"{path}:2"
    glossary = parse_glossary(BASIC, "t.tsv") + protect
    text = "Micro Letter Ltd makes micro letter stickers."
    matches = Matcher(glossary).find(text)
    assert [(m.before, m.replacement) for m in matches] == [("micro letter", "WeChat")]
    assert not any(m.entry.protect for m in matches)


def test_protect_list_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", "utf-8")
    with pytest.raises(GlossaryError, match="no terms"):
        load_protected(empty)
    long = tmp_path / "long.txt"
    long.write_text("ok\n" + "y" * 1001 + "\n", "utf-8")
    with pytest.raises(GlossaryError, match=r"long.txt:2: term longer than 1000"):
        load_protected(long)


def test_code_spans_are_protected() -> None:
    assert fix("run `micro letter` then micro letter") == "run `micro letter` then WeChat"
    text = "mail me: a.b@x.org or www.x.com/a ok, see HTTPS://e.cn/p."
    assert sorted(text[a:b] for a, b in protected_spans(text)) == [
        "HTTPS://e.cn/p.",
        "a.b@x.org",
        "www.x.com/a",
    ]


@pytest.mark.parametrize(
    "glossary",
    [
        "variants\treplacement\tpattern\nnet\\s+reds?\tinternet celebrity\tregex\n",
        "re:net\\s+reds?\tinternet celebrity\n",
    ],
)
def test_pattern_entries_only_when_marked(glossary: str) -> None:
    assert fix("Net reds and a net  red and a Net reds", glossary) == (
        "Internet celebrity and an internet celebrity and an internet celebrity"
    )
    assert fix("a netred", glossary) == "a netred"  # whole words only


def test_pattern_alternation_is_not_split_and_literal_bars_are() -> None:
    entry = parse_glossary("re:(a|b)c\tX\n", "t.tsv").entries[0]
    assert entry.pattern and entry.variants == ("(a|b)c",)
    literal = parse_glossary("(a|b)c\tX\n", "t.tsv").entries[0]
    assert not literal.pattern and literal.variants == ("(a", "b)c")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("re:(a)\\1\tX\n", "t.tsv:1: invalid pattern"),
        ("re:(?=x)y\tX\n", "t.tsv:1: invalid pattern"),
        ("re:a*\tX\n", "t.tsv:1: pattern 'a*' matches the empty string"),
        ("re:" + "a" * 1001 + "\tX\n", "t.tsv:1: term longer than 1000"),
        ("variants\treplacement\tpattern\nx\ty\tmaybe\n", "t.tsv:2: pattern must be 'regex'"),
        ("variants\treplacement\tprotect\nx\ty\tperhaps\n", "t.tsv:2: protect must be 'yes'"),
    ],
)
def test_bad_patterns_name_file_and_line(content: str, message: str) -> None:
    with pytest.raises(GlossaryError) as info:
        parse_glossary(content, "t.tsv")
    assert str(info.value).startswith(message)


def test_catastrophic_regex_runs_in_linear_time() -> None:
    # (a+)+$ backtracks exponentially in Python's re; RE2 answers at once.
    glossary = "re:(a+)+$\tX\n"
    text = "a" * 5000 + "b"
    assert fix(text, glossary) == text


def test_normalise_keeps_length() -> None:
    for text in ("İstanbul", "Straße ǅ ﬁ", "a\u0130b—c", "\U0001f600 x"):
        assert len(normalise(text)) == len(text)


WORDS = st.sampled_from(["micro", "letter", "circle", "of", "friends", "code", "-", "’s", "İ"])


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=12), st.sampled_from([" ", "  ", "-", "\n", ", "]))
def test_matches_are_ordered_disjoint_and_exact(words: list[str], sep: str) -> None:
    text = sep.join(words)
    glossary = parse_glossary(BASIC + "letter\tmissive\nof\tOF\n", "t.tsv")
    matches = Matcher(glossary).find(text)
    last = 0
    for m in matches:
        assert last <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.before
        last = m.end


def test_flat_matcher_agrees_on_many_entries() -> None:
    # 5,000 unrelated entries do not change what the basic ones find.
    filler = [Entry((f"zz{i} qq{i}",), f"R{i}", f"f:{i}") for i in range(5000)]
    small = parse_glossary(BASIC, "t.tsv")
    text = "micro-letter, circle of friends and electricity suppliers zz12 qq12"
    found = Matcher(small.entries + tuple(filler)).find(text)
    assert [m.replacement for m in found] == ["WeChat", "Moments", "e-commerce", "R12"]


LONG = """\
international business machines\tIBM
international business\tglobal trade
international businessmen\ttraders
international business company\tmultinational
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # keys longer than the part of them that is in the automaton
        ("international business machines rose", "IBM rose"),
        ("International-Business-Machines rose", "IBM rose"),
        ("internationalbusinessmachines rose", "IBM rose"),
        ("international business machine rose", "global trade machine rose"),
        ("international business rose", "global trade rose"),
        ("two international businesses", "two global trades"),
        (
            "international businessmen and an international businessman",
            "traders and an international businessman",
        ),
        ("international business companies", "multinationals"),
        ("internationalbusinesscompanies", "multinationals"),
        ("international business compan", "global trade compan"),
    ],
)
def test_keys_that_share_a_long_start(text: str, expected: str) -> None:
    assert fix(text, LONG) == expected


def test_hits_come_in_the_order_the_keys_end() -> None:
    matcher = Matcher(parse_glossary(LONG + "business\tB\nmachines\tM\n", "t.tsv"))
    text = "x international business machines y"
    hits = [(a, b) for a, b, _, _ in matcher.hits(f" {normalise(text)} ")]
    assert hits == [(2, 24), (16, 24), (2, 33), (25, 33)]


def test_building_leaves_the_garbage_collector_little_to_scan() -> None:
    import gc

    entries = tuple(
        Entry((f"alpha{i} beta{i}", f"gamma{i}"), f"R{i}", f"f:{i}") for i in range(3000)
    )
    gc.collect()
    before = len(gc.get_objects())
    matcher = Matcher(entries)
    assert len(gc.get_objects()) - before < 100  # no objects per key or variant
    assert [m.replacement for m in matcher.find("alpha7 beta7 or gamma9")] == ["R7", "R9"]


# --- TBX -----------------------------------------------------------------------------------


def test_tbx_deprecated_and_admitted_map_to_preferred() -> None:
    glossary = load_glossary(DATA / "glossary_sample.tbx")
    wechat, qr = glossary.entries
    assert wechat.variants == ("micro letter", "Weixin") and wechat.replacement == "WeChat"
    assert wechat.source == "微信" and wechat.note == "Tencent's messaging app"
    assert wechat.rule.endswith("glossary_sample.tbx:8")
    assert qr.replacement == "QR code"  # the one unmarked English term is the preferred one
    old = load_glossary(DATA / "glossary_sample_2008.tbx")
    assert old.entries[0].variants == ("circle of friends",)
    assert old.entries[0].replacement == "Moments"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"<tbx>\n<text>\n<body>\n<conceptEntry>\n</body></tbx>", "bad.tbx:5: broken XML"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"\n<tbx><text><body>&b;</body></text></tbx>",
            "unsafe XML refused",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"\n<tbx><text><body>&x;</body></text></tbx>",
            "unsafe XML refused",
        ),
        (b"<html><body/></html>", "not a TBX file"),
        (b"<tbx><text><body></body></text></tbx>", "no entries"),
    ],
)
def test_bad_tbx(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.tbx"
    path.write_bytes(content)
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_zero_byte_and_binary_tsv(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tsv"
    empty.write_bytes(b"")
    with pytest.raises(GlossaryError, match="empty.tsv: empty file"):
        load_glossary(empty)
    binary = tmp_path / "bin.tsv"
    binary.write_bytes(b"a\tb\n\x00\x01\x02\n")
    with pytest.raises(GlossaryError, match="bin.tsv:2: binary data"):
        load_glossary(binary)


def test_round_trip_tsv_csv() -> None:
    source = (
        "variants\treplacement\tzh\tnote\tcontext\tcase\tpattern\tprotect\n"
        "micro letter | micro message\tWeChat\t微信\tapp\t\t\t\t\n"
        "East\tJD.com\t京东\t\ttaobao | tmall\texact\t\t\n"
        "net\\s+reds?\tinternet celebrity\t\t\t\t\tregex\t\n"
        "Micro Letter Ltd\t\t\t\t\t\t\tyes\n"
    )
    glossary = parse_glossary(source, "a.tsv")
    for fmt, delimiter in (("tsv", "\t"), ("csv", ",")):
        text, warnings = dump_glossary(glossary, fmt)
        again = parse_glossary(text, f"b.{fmt}", delimiter=delimiter)
        strip = [
            (
                e.variants,
                e.replacement,
                e.source,
                e.note,
                e.context,
                e.exact_case,
                e.pattern,
                e.protect,
            )
            for e in glossary.entries
        ]
        assert strip == [
            (
                e.variants,
                e.replacement,
                e.source,
                e.note,
                e.context,
                e.exact_case,
                e.pattern,
                e.protect,
            )
            for e in again.entries
        ]
        assert warnings == []


runner = CliRunner()


def test_cli_convert_tsv_tbx_tsv(tmp_path: Path) -> None:
    src = tmp_path / "g.tsv"
    src.write_text("variants\treplacement\tzh\nmicro letter | weixin\tWeChat\t微信\n", "utf-8")
    tbx = tmp_path / "g.tbx"
    result = runner.invoke(app, ["glossary", "convert", str(src), str(tbx)])
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.csv"
    result = runner.invoke(app, ["glossary", "convert", str(tbx), str(back)])
    assert result.exit_code == 0, result.output
    entry = load_glossary(back).entries[0]
    assert entry.variants == ("micro letter", "weixin") and entry.replacement == "WeChat"
    assert entry.source == "微信"


def test_cli_convert_bad_input_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "bad.tsv"
    src.write_text("micro letter\tWeChat\nonly one\n", "utf-8")
    out = tmp_path / "out.tbx"
    result = runner.invoke(app, ["glossary", "convert", str(src), str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"mtfix: error: {src}:2: expected 2 to 3 fields, found 1")
    assert not out.exists() and list(tmp_path.iterdir()) == [src]
    result = runner.invoke(app, ["glossary", "convert", str(src), str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "--to" in result.stderr


def test_cli_convert_never_overwrites_its_source(tmp_path: Path) -> None:
    src = tmp_path / "client.tsv"
    text = "# client glossary v3\nmicro letter\tWeChat\n"
    src.write_text(text, "utf-8")
    result = runner.invoke(app, ["glossary", "convert", str(src), str(src)])
    assert result.exit_code == 2 and "would overwrite the input file" in result.stderr
    assert src.read_text("utf-8") == text


# --- lint ------------------------------------------------------------------------------------


def _check(tmp_path: Path, content: str, name: str = "g.tsv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(content, "utf-8")
    return path, runner.invoke(app, ["glossary", "check", str(path)])


def test_check_clean_file_exits_zero(tmp_path: Path) -> None:
    path, result = _check(tmp_path, BASIC)
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stderr


def test_check_conflict_and_cycle_are_errors(tmp_path: Path) -> None:
    path, result = _check(
        tmp_path, "micro letter\tWeChat\nmicro-letter\tWeixin\nfoo bar\tbaz\nbaz\tfoo bar\n"
    )
    assert result.exit_code == 1
    out = result.stdout
    assert f"{path}:2: error: variant 'micro-letter' conflicts ('WeChat' vs 'Weixin')" in out
    assert f"{path}:1: warning: variant 'micro letter' is overridden by {path}:2" in out
    assert "error: cycle: 'baz' -> 'foo bar' -> 'baz'" in out or (
        "error: cycle: 'foo bar' -> 'baz' -> 'foo bar'" in out
    )


def test_check_warnings_exit_zero(tmp_path: Path) -> None:
    content = (
        "variants\treplacement\n"
        "micro letter\tWeChat\n"
        "micro  letter \tWeChat\n"  # duplicate, with stray whitespace
        "letter\tmissive\n"  # shadowed inside "micro letter", different term
        "net red\tinternet celebrity\n"
        "internet celebrity star\tinfluencer\n"
        "red carpet|\tgala\n"
        "star\tnet red star\n"  # replacement contains a variant of line 5
    )
    path, result = _check(tmp_path, content)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"{path}:3: warning: variant 'micro  letter' duplicate of 'micro letter'" in out
    assert f"{path}:3: warning: variants has leading or trailing whitespace" in out
    assert f"{path}:3: warning: variants has doubled or unusual whitespace" in out
    assert f"{path}:4: warning: variant 'letter' is shadowed inside longer variant" in out
    assert f"{path}:7: warning: variants has an empty '|' part" in out
    assert f"{path}:8: warning: replacement 'net red star' contains 'net red'" in out


def test_check_reports_every_bad_row(tmp_path: Path) -> None:
    content = "re:(a)\\1\tX\nok\tfine\n\tempty\n" + "x" * 1001 + "\ty\n"
    path, result = _check(tmp_path, content)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:1: error: invalid pattern")
    assert lines[1] == f"{path}:3: error: empty variant"
    assert lines[2] == f"{path}:4: error: term longer than 1000 characters"


def test_check_bad_files_and_pack(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"ok\tfine\n\xff\tbroken\n")
    result = runner.invoke(app, ["glossary", "check", str(bad), "--pack", "nope"])
    assert result.exit_code == 1
    assert f"{bad}:2: error: not valid UTF-8" in result.stdout
    assert "pack:nope: error: no such built-in pack" in result.stdout
    result = runner.invoke(app, ["glossary", "check"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Open a public account today.", "Open an Official Account today."),
        ("AN public account.", "AN Official Account."),  # already agrees: untouched
        ("A micro letter app.", "A WeChat app."),
        ("Scan a two-dimensional code.", "Scan a QR code."),
    ],
)
def test_article_agrees_with_the_replacement(text: str, expected: str) -> None:
    glossary = (
        "public account\tOfficial Account\nmicro letter\tWeChat\ntwo-dimensional code\tQR code\n"
    )
    assert fix(text, glossary) == expected


def test_article_edit_covers_the_article_in_the_input() -> None:
    glossary = parse_glossary("public account\tOfficial Account\n", "g.tsv")
    (match,) = Matcher(glossary).find("Open a public account.")
    assert (match.before, match.replacement) == ("a public account", "an Official Account")


def test_mass_nouns_and_plurals_are_not_pluralized_again() -> None:
    assert pluralize("e-commerce") == "e-commerce"
    assert pluralize("online shopping") == "online shopping"
    assert pluralize("buying followers") == "buying followers"
    assert pluralize("red packet") == "red packets"


def test_many_keys_with_one_start_do_not_fan_out() -> None:
    # 5,000 product names share "foo bar ": each occurrence in a text must not report them all.
    entries = [Entry((f"foo bar {n}",), f"Product {n}", rule=f"g:{n}") for n in range(5000)]
    matcher = Matcher(entries)
    padded = " " + normalise("see foo bar 4321 and foo bar 17") + " "
    raw = matcher._automaton.find_matches_as_indexes(padded.encode(), overlapping=True)
    assert len(raw) == 6  # whole keys ("foo bar 4", "foo bar 43" ...), not 10,000 shared starts
    found = matcher.find("see foo bar 4321 and foo bar 17")
    assert [m.replacement for m in found] == ["Product 4321", "Product 17"]
