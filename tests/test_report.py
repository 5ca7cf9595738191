"""The HTML report: self-contained, escaped, edits coloured by stage; and text tables."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix import RepairConfig, Repairer
from mtfix.cli import app
from mtfix.evaluate import evaluate
from mtfix.glossary import parse_glossary
from mtfix.records import Edit
from mtfix.report import annotate, delta_chart, eval_html, format_table, repair_html

from .conftest import SAMPLE_MT, SAMPLE_REF

runner = CliRunner()
GLOSSARY = parse_glossary("micro letter\tWeChat\ncircle of friends\tMoments\n", "g.tsv")


class Articles:
    """A fake model that changes one article."""

    name = "articles"

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        return [s.replace(" the launched", " a launched") for s in sentences]


def marked(text: str, marks: list[object], stage: str) -> str:
    return "".join(ch for ch, m in zip(text, marks) if m == stage)


def test_annotate_glossary_and_model_edits() -> None:
    text = "The micro letter is the best app in the world."
    result = Repairer(RepairConfig(use_model=False), glossary=GLOSSARY).repair(text)
    left, right = annotate(text, result.text, result.edits)
    assert marked(text, left, "glossary") == "micro letter"
    assert marked(result.text, right, "glossary") == "WeChat"
    # a model rewrite on top: only the words it changed are the model's
    rewritten = result.text.replace("the world", "all the world")
    edits = [*result.edits, Edit(0, len(text), result.text, rewritten, "model", "model:x")]
    left, right = annotate(text, rewritten, edits)
    assert marked(rewritten, right, "model").strip() == "all"
    assert marked(rewritten, right, "glossary") == "WeChat"
    assert marked(text, left, "glossary") == "micro letter" and "model" not in left


def test_format_table_formats() -> None:
    rows = [["a|b", 1.5, None], ["c", -2.0, "x"]]
    assert (
        format_table(["name", "value", "note"], rows, "csv")
        == "name,value,note\na|b,1.50,\nc,-2.00,x\n"
    )
    md = format_table(["name", "value", "note"], rows, "markdown").splitlines()
    assert md[0] == "| name | value | note |" and md[2] == "| a\\|b | 1.50 |  |"
    table = format_table(["name", "value", "note"], rows).splitlines()
    assert table[2] == "a|b    1.50" and table[3] == "c     -2.00  x"


def test_delta_chart_is_inline_svg() -> None:
    svg = delta_chart([2.0, -1.0, 0.0, 3.5], "stage <x>")
    assert svg.count("<rect") == 4 and "stage &lt;x&gt;" in svg
    assert "2 better, 1 worse, 1 tied" in svg
    assert "no segment changed" in delta_chart([], "empty")


def assert_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=|@import|url\(""", page, re.IGNORECASE)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


def test_repair_html_escapes_and_shows_stages() -> None:
    text = "The micro letter <script>alert(1)</script> & the launched app.\nSecond line.\n"
    refs = ["WeChat <script>alert(1)</script> & a launched app.", "Second line."]
    result = Repairer(
        RepairConfig(aggressiveness=1.0), glossary=GLOSSARY, backend=Articles()
    ).repair(text)
    page = repair_html(result, "in<put>.txt", refs)
    assert_self_contained(page)
    assert "<script>" not in page and "&lt;script&gt;" in page and "in&lt;put&gt;.txt" in page
    assert 'class="st-glossary"' in page and 'class="st-model"' in page
    assert "Best changes (1)" in page and "<svg" in page
    assert "guard accepted" in page


def test_a_rewrite_kept_in_part_shows_what_the_model_proposed() -> None:
    class Partial:
        name = "partial"

        def rewrite(self, sentences: Sequence[str]) -> list[str]:
            return [s.replace("has has", "has").replace("city", "town") for s in sentences]

    text = "The shop has has opened in the city of Beijing on Monday.\n"
    result = Repairer(RepairConfig(), glossary=GLOSSARY, backend=Partial()).repair(text)
    assert result.text == text.replace("has has", "has")
    page = repair_html(result, "page.txt")
    assert "guard accepted: accepted in part, left out: deleted &#x27;city&#x27;" in page
    assert "proposed: <code>The shop has opened in the town of Beijing" in page


def test_eval_html(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text(
        "微信\tUse the micro letter app.\tUse the WeChat app.\n"
        "好\tIt is fine.\tIt is fine.\n"
        "坏\tThe circle of friends <b>x</b>.\tThe circle of friends <b>x</b> here.\n",
        "utf-8",
    )
    glossary = tmp_path / "g.tsv"
    glossary.write_text("micro letter\tWeChat\ncircle of friends\tMoments\n", "utf-8")
    run = evaluate(path, RepairConfig(packs=(), glossaries=(str(glossary),)), samples=50)
    page = eval_html(run)
    assert_self_contained(page)
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert "no model" in page and "Best changes (1)" in page and "Worst changes (1)" in page
    out = tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "eval",
            str(path),
            "--no-packs",
            "-g",
            str(glossary),
            "--html",
            str(out),
            "--samples",
            "50",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert_self_contained(out.read_text("utf-8"))
    before = path.read_bytes()
    result = runner.invoke(app, ["eval", str(path), "--no-model", "--html", str(path)])
    assert result.exit_code == 2 and "would overwrite the input file" in result.stderr
    assert path.read_bytes() == before


def sample(tmp_path: Path, lines: int = 12) -> tuple[Path, Path]:
    """The first lines of the seed page and its reference (the whole page is slow to TER-score)."""
    mt, ref = tmp_path / "mt.txt", tmp_path / "ref.txt"
    for src, dst in ((SAMPLE_MT, mt), (SAMPLE_REF, ref)):
        dst.write_text("".join(src.read_text("utf-8").splitlines(keepends=True)[:lines]), "utf-8")
    return mt, ref


def test_cli_report(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    mt, ref = sample(tmp_path)
    result = runner.invoke(app, ["report", str(mt), "-o", str(out), "--ref", str(ref), "-q"])
    assert result.exit_code == 0, result.stderr
    page = out.read_text("utf-8")
    assert_self_contained(page)
    assert "Scores" in page and "chrF2++" in page and "Best changes" in page
    short = tmp_path / "short.txt"
    short.write_text("one line\n", "utf-8")
    bad = runner.invoke(
        app, ["report", str(mt), "-o", str(tmp_path / "x.html"), "--ref", str(short)]
    )
    assert bad.exit_code == 2 and "must be line-aligned" in bad.stderr
    assert not (tmp_path / "x.html").exists()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium browser installed")
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    out, shot = tmp_path / "report.html", tmp_path / "shot.png"
    mt, ref = sample(tmp_path)
    result = runner.invoke(app, ["report", str(mt), "-o", str(out), "--ref", str(ref), "-q"])
    assert result.exit_code == 0, result.stderr
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1200,1600",
                out.as_uri(),
            ],
            capture_output=True,
            timeout=120,
        )
        dom = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                "--dump-dom",
                out.as_uri(),
            ],
            capture_output=True,
            timeout=120,
        )
    assert done.returncode == 0 and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rendered = dom.stdout.decode("utf-8")
    assert "<svg" in rendered and "st-glossary" in rendered and "Best changes" in rendered
