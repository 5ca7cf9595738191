"""`mtfix eval` and mtfix.evaluate: stage by stage against doing nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
import sacrebleu
from typer.testing import CliRunner

import mtfix
from mtfix import RepairConfig
from mtfix.cli import app
from mtfix.errors import InputError, UsageError
from mtfix.evaluate import evaluate, parse_stages, read_testset
from mtfix.rewrite import register_backend

from .conftest import shared_file

runner = CliRunner()

ROWS = [
    ("微信很流行。", "The micro letter is very popular.", "WeChat is very popular."),
    ("朋友圈", "Share it in the circle of friends.", "Share it on Moments."),
    ("好", "It is good.", "It is good."),
    ("她来了", "She come here yesterday.", "She came here yesterday."),
    (
        "猫",
        "The cat cat sat on the warm mat in the sun all day.",
        "The cat sat on the warm mat in the sun all day.",
    ),
]
GLOSSARY = (
    "variants\treplacement\tsource\n"
    "micro letter\tWeChat\t微信\n"
    "circle of friends\tMoments\t朋友圈\n"
)


class FixCome:
    """A fake model: fixes one verb and breaks another sentence."""

    name = "fixcome"

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        return [
            s.replace("come here", "came here").replace("cat cat", "dog dog") for s in sentences
        ]


register_backend("fixcome", lambda model_dir, **_: FixCome())


@pytest.fixture()
def testset(tmp_path: Path) -> Path:
    path = tmp_path / "dev.tsv"
    path.write_text("".join("\t".join(r) + "\n" for r in ROWS), "utf-8")
    return path


@pytest.fixture()
def glossary(tmp_path: Path) -> Path:
    path = tmp_path / "g.tsv"
    path.write_text(GLOSSARY, "utf-8")
    return path


def config(glossary: Path, **overrides: object) -> RepairConfig:
    return RepairConfig(packs=(), glossaries=(str(glossary),), **overrides)  # type: ignore[arg-type]


def test_stages_without_a_model(testset: Path, glossary: Path) -> None:
    run = mtfix.evaluate(testset, config(glossary), samples=100)
    report = run.report
    assert [s.name for s in report.stages] == ["none", "glossary", "model", "full"]
    none, gloss, model, full = report.stages
    assert not model.available and model.note == "no model" and not full.available
    mts = [r[1] for r in ROWS]
    refs = [r[2] for r in ROWS]
    outputs = run.stage("glossary").outputs
    assert outputs is not None
    assert outputs[0] == "The WeChat is very popular." and outputs[2:] == mts[2:]
    assert none.score("BLEU").score == pytest.approx(sacrebleu.corpus_bleu(mts, [refs]).score)
    assert gloss.score("TER").score == pytest.approx(sacrebleu.corpus_ter(outputs, [refs]).score)
    assert gloss.score("chrF2++").delta > 0 and gloss.score("chrF2++").p_value is not None
    assert (gloss.better, gloss.worse, gloss.tied, gloss.unchanged) == (2, 0, 0, 3)
    assert none.unchanged == 5 and report.perfect_rows == 1 and gloss.kept_perfect == 1
    assert none.terms is not None and gloss.terms is not None
    assert (none.terms.bad_variants, none.terms.found, none.terms.expected) == (2, 0, 2)
    assert (gloss.terms.bad_variants, gloss.terms.found) == (0, 2)
    assert (gloss.terms.edits, gloss.terms.confirmed) == (2, 2)
    assert "bs:100" in report.signatures["BLEU"]


def test_a_loaded_backend_can_be_passed_in(testset: Path, glossary: Path) -> None:
    # No model directory is configured: the given backend is used as it is.
    cfg = config(glossary, aggressiveness=1.0)
    run = evaluate(testset, cfg, stages=("none", "model"), metrics=("bleu",), backend=FixCome())
    outputs = run.stage("model").outputs
    assert outputs is not None and outputs[3] == "She came here yesterday."


def test_model_stages_with_a_backend(testset: Path, glossary: Path) -> None:
    cfg = config(glossary, backend="fixcome", model=".", aggressiveness=1.0)
    run = evaluate(testset, cfg, samples=100, metrics=("bleu",))
    model, full = run.report.stage("model"), run.report.stage("full")
    assert model.available and full.available
    model_out = run.stage("model").outputs
    full_out = run.stage("full").outputs
    assert model_out is not None and full_out is not None
    assert model_out[3] == "She came here yesterday." and model_out[0] == ROWS[0][1]
    assert full_out[0] == "The WeChat is very popular."
    assert model.better >= 1 and model.worse == 1  # "dog dog" is worse by sentence chrF
    results = run.stage("full").results
    assert results is not None and any(e.stage == "model" for e in results[3].edits)
    assert list(run.report.signatures) == ["BLEU"]


def test_no_model_flag_skips_model_stages(testset: Path, glossary: Path) -> None:
    report = evaluate(testset, config(glossary, use_model=False), stages="full", samples=50).report
    assert [s.name for s in report.stages] == ["none", "full"]
    assert not report.stages[1].available and "skipped" in report.stages[1].note


def test_limit_progress_and_bad_input(testset: Path, glossary: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    run = evaluate(
        testset,
        config(glossary),
        stages=("glossary",),
        limit=3,
        samples=50,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert run.report.rows == 3 and calls == [(1, 3), (2, 3), (3, 3)]
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\tc\nonly two\tcolumns\n", "utf-8")
    with pytest.raises(InputError, match=r"bad.tsv:2: expected 3 tab-separated columns"):
        read_testset(bad)
    with pytest.raises(UsageError):
        parse_stages("glossary,magic")
    assert parse_stages("full,glossary") == ("none", "glossary", "full")


def test_cli_eval_table_and_json(testset: Path, glossary: Path) -> None:
    args = ["eval", str(testset), "--no-packs", "-g", str(glossary), "--samples", "50"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["stage", "BLEU", "Δ"]
    assert any(line.startswith("model") and "no model" in line for line in lines)
    assert "stage 'model': no model" in result.stderr
    assert "repairing" not in result.stderr  # no progress bar when stderr is not a terminal
    payload = json.loads(runner.invoke(app, [*args, "--json", "-n", "2", "-q"]).stdout)
    assert payload["rows"] == 2 and payload["stages"][1]["name"] == "glossary"
    assert payload["stages"][1]["scores"][0]["metric"] == "BLEU"
    markdown = runner.invoke(app, [*args, "-f", "markdown", "--stages", "glossary"]).stdout
    assert markdown.startswith("| stage | BLEU |") and markdown.count("\n") == 4


def test_cli_eval_bad_row_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\n", "utf-8")
    result = runner.invoke(app, ["eval", str(bad), "--no-model"])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        f"mtfix: error: {bad}:1: expected 3 tab-separated columns (source, mt, reference), found 2"
    ]


@pytest.mark.parametrize("name", ["dev/wmt22-zhen-niutrans.tsv", "dev/mlqe-pe-ruen.tsv"])
def test_dev_sets_glossary_stage(name: str) -> None:
    path = shared_file(name)
    report = evaluate(
        path, RepairConfig(use_model=False), stages=("glossary",), limit=40, samples=100
    ).report
    none, gloss = report.stages
    assert none.available and gloss.available and report.rows == 40
    assert gloss.better + gloss.worse + gloss.tied + gloss.unchanged == 40
    assert gloss.kept_perfect <= report.perfect_rows
