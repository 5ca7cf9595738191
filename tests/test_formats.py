"""Localisation formats: only target text changes, tags and everything else survive."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.config import RepairConfig
from mtfix.errors import InputError, UsageError
from mtfix.formats import detect_format, extract, repair_file
from mtfix.pipeline import Repairer

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "formats"
ALL = sorted(p.name for p in SAMPLES.iterdir())
XML_INLINE = re.compile(r"<(/?)(g|x|bpt|ept|ph|pc|sc|ec|it|mrk)\b[^>]*>")


@pytest.fixture(scope="module")
def repairer() -> Repairer:
    return Repairer(RepairConfig(use_model=False))


def _fix(name: str, repairer: Repairer, **kw):  # type: ignore[no-untyped-def]
    path = SAMPLES / name
    data = path.read_bytes()
    return data, repair_file(data, detect_format(path), repairer, path=name, column="target", **kw)


def _units(data: bytes, name: str):  # type: ignore[no-untyped-def]
    units, _ = extract(data.decode("utf-8"), detect_format(name), name, "target")
    return units


def test_every_format_has_a_sample() -> None:
    kinds = {detect_format(n) for n in ALL}
    assert kinds >= {"xliff", "tmx", "po", "srt", "vtt", "md", "html", "csv", "tsv", "jsonl"}


@pytest.mark.parametrize("name", ALL)
def test_samples_are_repaired_and_keep_units_tags_and_sources(
    name: str, repairer: Repairer
) -> None:
    data, result = _fix(name, repairer)
    out = result.output.decode("utf-8")
    assert result.changed and out != data.decode("utf-8")
    if not name.endswith((".md", ".html")):  # those keep it in code, URLs and attributes
        assert not re.search(r"micro[- ]letter", out, re.IGNORECASE)
    before, after = _units(data, name), _units(result.output, name)
    assert [u.id for u in after] == [u.id for u in before]
    assert [u.tags for u in after] == [u.tags for u in before]
    assert [u.source for u in after] == [u.source for u in before]
    assert any("WeChat" in u.target for u in after)
    # outside the repaired units, the lines are the same: count of lines kept
    assert out.count("\n") == data.decode("utf-8").count("\n")


@pytest.mark.parametrize("name", ALL)
def test_repaired_output_is_left_byte_identical_on_a_second_run(
    name: str, repairer: Repairer
) -> None:
    _, first = _fix(name, repairer)
    again = repair_file(first.output, detect_format(name), repairer, path=name, column="target")
    assert again.output is first.output  # nothing to repair: the very same bytes
    assert not again.changed


@pytest.mark.parametrize("name", ALL)
def test_nothing_to_repair_gives_identical_bytes_with_crlf_and_bom(name: str) -> None:
    data = b"\xef\xbb\xbf" + (SAMPLES / name).read_bytes().replace(b"\n", b"\r\n")
    empty = Repairer(RepairConfig(use_model=False, packs=()))
    result = repair_file(data, detect_format(name), empty, path=name, column="target")
    assert result.output == data


@pytest.mark.parametrize("name", ALL)
def test_crlf_files_are_repaired_without_losing_crlf(name: str, repairer: Repairer) -> None:
    data = (SAMPLES / name).read_bytes().replace(b"\n", b"\r\n")
    result = repair_file(data, detect_format(name), repairer, path=name, column="target")
    assert result.changed
    assert result.output.count(b"\r\n") == data.count(b"\r\n")
    assert b"\n" not in result.output.replace(b"\r\n", b"")


@pytest.mark.parametrize("name", ["wechat.xlf", "wechat.xliff", "wechat.tmx"])
def test_xml_reparses_with_lxml_with_same_inline_tags(name: str, repairer: Repairer) -> None:
    from lxml import etree

    data, result = _fix(name, repairer)
    old, new = etree.fromstring(data), etree.fromstring(result.output)
    assert [e.tag for e in old.iter()] == [e.tag for e in new.iter()]
    assert [dict(e.attrib) for e in old.iter()] == [dict(e.attrib) for e in new.iter()]
    # the term inside an inline-tagged segment was fixed, the tags are where they were
    tagged = [u for u in _units(result.output, name) if u.tags and "WeChat" in u.target]
    assert tagged
    old_text, new_text = data.decode(), result.output.decode()
    assert XML_INLINE.findall(old_text) == XML_INLINE.findall(new_text)


def test_xliff_term_inside_g_is_fixed_and_source_untouched(repairer: Repairer) -> None:
    data, result = _fix("wechat.xlf", repairer)
    out = result.output.decode()
    assert '<g id="1">WeChat shop</g>' in out
    assert '<source>我认为推出<g id="1">微信小店</g>是为了培养生态市场。</source>' in out
    assert "eco-market &amp; user habits" in out  # entities stay escaped
    assert '<bpt id="3">&lt;b&gt;</bpt>e-commerce<ept id="3">&lt;/b&gt;</ept>' in out
    report = {u.id: u for u in result.units}
    assert report["3"].edits and report["4"].edits == ()


def test_xliff2_pc_sc_ec_and_unit_ids(repairer: Repairer) -> None:
    _, result = _fix("wechat.xliff", repairer)
    out = result.output.decode()
    assert '<pc id="1">WeChat</pc>' in out
    assert 'Moments<ph id="2"/> will become a <sc id="3"/>WeChat business<ec startRef="3"/>' in out
    assert [u.id for u in result.units] == ["u1/s1", "u1/s2", "u2"]


def test_mark_edited(repairer: Repairer) -> None:
    _, x1 = _fix("wechat.xlf", repairer, mark_edited=True)
    assert x1.output.decode().count('state="needs-review-translation"') == 3
    _, x2 = _fix("wechat.xliff", repairer, mark_edited=True)
    out = x2.output.decode()
    assert out.count('subState="mtfix:edited"') == 2 and '<segment state="final">' in out
    _, po = _fix("wechat.po", repairer, mark_edited=True)
    assert po.output.decode().count("fuzzy") == 3 and "#, c-format, fuzzy" in po.output.decode()
    _, plain = _fix("wechat.xlf", repairer)
    assert b"needs-review" not in plain.output


def test_tmx_repairs_english_tuv_only(repairer: Repairer) -> None:
    data, result = _fix("wechat.tmx", repairer)
    out = result.output.decode()
    assert "<seg>朋友圈是<bpt" in out
    assert '<bpt i="1" x="1">&lt;b&gt;</bpt>WeChat<ept i="1">&lt;/b&gt;</ept>' in out
    assert [u.source for u in result.units][0] == "微信觊觎电商已久。"


def test_po_keeps_wrapping_and_escapes(repairer: Repairer) -> None:
    _, result = _fix("wechat.po", repairer)
    out = result.output.decode()
    assert (
        '"From a user experience point of view, %s: WeChat"\n" of these practices are wrong."'
        in out
    )
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in out  # header untouched
    assert [u.id for u in result.units][2] == "feed|朋友圈"


def test_po_output_passes_gettext_msgfmt(repairer: Repairer, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("msgfmt") is None:
        pytest.skip("gettext's msgfmt is not installed")
    _, result = _fix("wechat.po", repairer, mark_edited=True)
    out = tmp_path / "out.po"
    out.write_bytes(result.output)
    for po in (SAMPLES / "wechat.po", out):
        check = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
    assert "3 fuzzy" in check.stderr  # the three repaired entries, marked for review


def test_subtitles_keep_numbers_timings_and_line_breaks(repairer: Repairer) -> None:
    data, result = _fix("wechat.srt", repairer)
    old, new = data.decode().splitlines(), result.output.decode().splitlines()
    assert len(old) == len(new)
    timing = re.compile(r"^\d+$|-->")
    assert [line for line in old if timing.search(line)] == [x for x in new if timing.search(x)]
    assert "But I think your <i>Moments</i>" in new
    assert [u.id for u in result.units] == ["1", "2", "3"]
    _, vtt = _fix("wechat.vtt", repairer)
    assert "<v Narrator>But I think your <b>Moments</b>" in vtt.output.decode()
    assert "00:00:01.000 --> 00:00:04.000 line:90%" in vtt.output.decode()
    assert [u.id for u in vtt.units] == ["intro", "2", "3"]


def test_markdown_keeps_code_urls_and_front_matter(repairer: Repairer) -> None:
    data, result = _fix("wechat.md", repairer)
    out = result.output.decode()
    assert out.startswith("---\ntitle: micro letter and e-commerce\n---")
    assert '[the WeChat shop](https://example.com/micro-letter/shop "micro letter")' in out
    assert "Use `micro letter` in code" in out
    assert "micro letter stays in code blocks" in out
    assert "# WeChat and e-commerce" in out

    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    types = [t.type for t in md.parse(data.decode())]
    assert [t.type for t in md.parse(out)] == types


def test_html_keeps_attributes_code_and_markup(repairer: Repairer) -> None:
    from lxml import html as lhtml

    data, result = _fix("wechat.html", repairer)
    out = result.output.decode()
    assert 'href="https://example.com/micro-letter" title="micro letter">WeChat shop</a>' in out
    assert "<code>micro letter</code>" in out and "<pre>micro letter stays in pre</pre>" in out
    assert ".micro-letter { color: red }" in out
    old, new = lhtml.fromstring(data), lhtml.fromstring(result.output)
    assert [(e.tag, dict(e.attrib)) for e in old.iter()] == [
        (e.tag, dict(e.attrib)) for e in new.iter()
    ]


def test_tables_change_only_the_named_column(repairer: Repairer) -> None:
    for name, delimiter in (("wechat.csv", ","), ("wechat.tsv", "\t")):
        data, result = _fix(name, repairer)
        old = list(csv.reader(io.StringIO(data.decode()), delimiter=delimiter))
        new = list(csv.reader(io.StringIO(result.output.decode()), delimiter=delimiter))
        assert len(old) == len(new)
        target = old[0].index("target")
        for a, b in zip(old, new):
            assert [v for i, v in enumerate(a) if i != target] == [
                v for i, v in enumerate(b) if i != target
            ]
        assert any("WeChat" in row[target] for row in new[1:])
    data, result = _fix("wechat.jsonl", repairer)
    old = [json.loads(x) for x in data.decode().splitlines()]
    new = [json.loads(x) for x in result.output.decode().splitlines()]
    assert [{k: v for k, v in o.items() if k != "target"} for o in old] == [
        {k: v for k, v in n.items() if k != "target"} for n in new
    ]
    assert '"source": "\\u670b\\u53cb\\u5708"' in result.output.decode()  # style kept
    assert [u.id for u in result.units] == ["line 1", "line 2", "line 3"]


def test_csv_quotes_a_field_only_when_it_must(repairer: Repairer) -> None:
    data = 'id,target\n1,Open micro letter now\n2,"Share, to circle of friends on micro letter"\n'
    out = repair_file(data.encode(), "csv", repairer, column="target").output.decode()
    assert out == 'id,target\n1,Open WeChat now\n2,"Share, to Moments on WeChat"\n'


def test_jsonl_repairs_the_value_readers_keep_and_names_a_missing_field(
    repairer: Repairer,
) -> None:
    data = '{"target": "circle of friends", "target": "micro letter"}\n'
    out = repair_file(data.encode(), "jsonl", repairer, column="target").output.decode()
    assert out == '{"target": "circle of friends", "target": "WeChat"}\n'  # the last one
    with pytest.raises(UsageError, match="no line has a string field 'tgt'"):
        repair_file(data.encode(), "jsonl", repairer, column="tgt")


def test_tsv_quotes_are_text_unless_a_field_is_quoted_whole(repairer: Repairer) -> None:
    data = (
        'id\ttarget\n1\t"Hello" he said, micro letter\n2\tShe said "micro letter" twice\n'
        '3\t"a ""micro letter"" c"\n'
    )
    out = repair_file(data.encode(), "tsv", repairer, column="target").output.decode()
    assert out == (
        'id\ttarget\n1\t"Hello" he said, WeChat\n2\tShe said "WeChat" twice\n3\t"a ""WeChat"" c"\n'
    )


class _Rewriter:
    """A rewrite backend that rewords one phrase and, if asked, loses every placeholder
    (what a careless model does)."""

    name = "fake"

    def __init__(self, drop_tags: bool) -> None:
        self.drop_tags = drop_tags

    def rewrite(self, batch: list[str]) -> list[str]:
        out = [s.replace("three connected", "tightly connected") for s in batch]
        return [re.sub("[\ue000-\uf8ff]", "", s) for s in out] if self.drop_tags else out


@pytest.mark.parametrize("drop_tags", [False, True])
def test_model_rewrites_keep_tags_or_are_dropped(drop_tags: bool) -> None:
    r = Repairer(RepairConfig(backend="identity", aggressiveness=1.0), backend=_Rewriter(drop_tags))
    data, result = _fix("wechat.xlf", r)
    out = result.output.decode()
    assert XML_INLINE.findall(out) == XML_INLINE.findall(data.decode())
    assert '<g id="1">WeChat shop</g>' in out  # the glossary edits survive either way
    assert ("tightly connected" in out) is not drop_tags
    assert result.stats["model_edits"] == (0 if drop_tags else 1)
    assert result.stats["glossary_edits"] == 4


def test_an_edit_across_a_line_break_is_left_out_the_rest_is_made() -> None:
    xlf = (
        '<?xml version="1.0"?>\n<xliff version="1.2"><file target-language="en"><body>\n'
        '<trans-unit id="a2"><source>y</source><target>Micro\nletter and circle of friends'
        "</target></trans-unit>\n</body></file></xliff>\n"
    )
    r = Repairer(RepairConfig(use_model=False))
    result = repair_file(xlf.encode(), "xliff", r)
    assert "<target>Micro\nletter and Moments</target>" in result.output.decode()
    assert result.units[0].note and result.stats["units_with_edits_left_out"] == 1


@pytest.mark.parametrize(
    ("fmt", "text", "line"),
    [
        ("xliff", '<?xml version="1.0"?>\n<xliff version="1.2">\n<file>\n</xliff>\n', 4),
        ("srt", "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\nno timing here\n", 5),
        ("vtt", "WEBVTT\n\nhello\nnot a timing\n", 3),
        ("po", 'msgid "a"\nmsgstr "b\n', 2),
        ("csv", 'id,target\n1,"open\n', 2),
        ("jsonl", '{"target": "a"}\n[1, 2\n', 2),
    ],
)
def test_malformed_input_is_one_error_with_file_and_line(fmt: str, text: str, line: int) -> None:
    empty = Repairer(RepairConfig(use_model=False, packs=()))
    with pytest.raises(InputError) as info:
        repair_file(text.encode(), fmt, empty, path="bad.file", column="target")
    message = str(info.value)
    assert message.startswith(f"bad.file:{line}: ") and "\n" not in message


def test_entity_bombs_and_external_entities_are_refused() -> None:
    laughs = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE xliff [\n' + "\n".join(laughs) + "\n]>\n"
        '<xliff version="1.2"><file target-language="en"><body><trans-unit id="1">'
        "<source>a</source><target>&lol9;</target></trans-unit></body></file></xliff>\n"
    )
    external = (
        '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<tmx version="1.4"><body><tu><tuv xml:lang="en"><seg>&x;</seg></tuv></tu></body></tmx>\n'
    )
    empty = Repairer(RepairConfig(use_model=False, packs=()))
    for fmt, doc in (("xliff", bomb), ("tmx", external)):
        with pytest.raises(InputError, match="entities"):
            repair_file(doc.encode(), fmt, empty, path="evil.xml")


def test_non_english_xliff_target_is_not_touched(repairer: Repairer) -> None:
    data = (
        (SAMPLES / "wechat.xlf")
        .read_bytes()
        .replace(b'target-language="en-US"', b'target-language="de"')
    )
    result = repair_file(data, "xliff", repairer, path="de.xlf")
    assert result.output == data and result.notes


def test_format_detection() -> None:
    assert detect_format("a/b.XLF") == "xliff" and detect_format("x.po") == "po"
    assert detect_format("notes") == "text" and detect_format("a.srt", "text") == "text"
    with pytest.raises(InputError):
        detect_format("a.txt", "docx")


def test_cli_fix_reports_edits_per_unit_id(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["fix", "--no-model", "-f", "jsonl", str(SAMPLES / "wechat.srt")])
    assert res.exit_code == 0, res.output
    records = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["unit"] for r in records] == ["1", "2", "3"]
    assert (
        records[1]["before"]
        == "But I think your {1}circle of friends{2}\nwill become a micro-business ties."
    )
    edit = records[1]["edits"][0]
    assert (
        records[1]["before"][edit["start"] : edit["end"]] == edit["before"] == "circle of friends"
    )
    out = tmp_path / "out.xlf"
    res = runner.invoke(
        app, ["fix", "--no-model", "--mark-edited", str(SAMPLES / "wechat.xlf"), "-o", str(out)]
    )
    assert res.exit_code == 0 and b"needs-review-translation" in out.read_bytes()
    # a text file given --input-format srt is read as subtitles: broken, one line, no output
    bad = tmp_path / "bad.txt"
    bad.write_text("1\nnot a timing\nHello micro letter\n")
    target = tmp_path / "never.txt"
    res = runner.invoke(
        app, ["fix", "--no-model", "--input-format", "srt", str(bad), "-o", str(target)]
    )
    assert res.exit_code == 1 and f"{bad}:1: broken subtitle" in res.stderr and not target.exists()
    res = runner.invoke(app, ["fix", "--no-model", str(SAMPLES / "wechat.csv")])
    assert res.exit_code == 2 and "--column" in res.stderr


def test_cli_batch_takes_a_mixed_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("wechat.xlf", "wechat.srt", "wechat.po", "wechat.csv"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "notes.txt").write_text("Open micro letter now.\n")
    (folder / "image.png").write_bytes(b"\x89PNG")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["batch", str(folder), "-o", str(out), "--no-model", "-j", "1"])
    assert res.exit_code == 0, res.output
    made = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert made == ["notes.txt", "wechat.po", "wechat.srt", "wechat.xlf"]  # csv needs --column
    assert (out / "notes.txt").read_text() == "Open WeChat now.\n"
    assert b'<g id="1">WeChat shop</g>' in (out / "wechat.xlf").read_bytes()
    res = CliRunner().invoke(
        app, ["batch", str(folder), "-o", str(out), "--no-model", "-j", "1", "--column", "target"]
    )
    assert res.exit_code == 0 and b"WeChat foray" in (out / "wechat.csv").read_bytes()
