"""`mtfix score` and mtfix.scoring: the numbers must be sacrebleu's own."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.errors import InputError, UsageError
from mtfix.glossary import parse_glossary
from mtfix.records import Edit
from mtfix.scoring import Scorer, compare, parse_column_spec, read_segments, score, split_lines
from mtfix.terminology import TermChecker

from .conftest import SAMPLE_MT, SAMPLE_REF

runner = CliRunner()

HYP = [
    "The micro letter is popular in China.",
    "He shares photos in his circle of friends.",
    "It is a good day",
    "",
    "Payment by PayPal is accepted here.",
    "The cat sat on the mat.",
]
BETTER = [
    "WeChat is popular in China.",
    "He shares photos in his Moments.",
    "It is a good day",
    "",
    "Payment by Alipay is accepted here.",
    "The cat sat on the mat.",
]
REF = [
    "WeChat is very popular in China.",
    "He shares pictures on his WeChat Moments.",
    "It's a nice day.",
    "",
    "Alipay payments are accepted here.",
    "The cat sat on the mat.",
]
REF2 = [
    "WeChat is popular across China.",
    "He posts photos to Moments.",
    "Today is a good day.",
    "Nothing.",
    "They accept Alipay.",
    "A cat sat on the mat.",
]
SOURCE = [
    "微信在中国很流行。",
    "他在朋友圈里分享照片。",
    "今天天气好",
    "",
    "这里接受支付宝付款。",
    "猫坐在垫子上。",
]
GLOSSARY_TSV = (
    "variants\treplacement\tsource\n"
    "micro letter|micro-letter\tWeChat\t微信\n"
    "circle of friends\tMoments\t朋友圈\n"
    "PayPal\tAlipay\t支付宝\n"
)


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def write(path: Path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines), "utf-8")
    return str(path)


def one_line_error(result, *parts: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtfix: error: "), result.stderr
    for part in parts:
        assert part in lines[0]


@pytest.mark.parametrize("tokenize,lowercase", [(None, False), ("zh", False), ("intl", True)])
def test_corpus_scores_equal_sacrebleu(tokenize: str | None, lowercase: bool) -> None:
    report = score(HYP, [REF, REF2], tokenize=tokenize, lowercase=lowercase)
    bleu = BLEU(tokenize=tokenize, lowercase=lowercase).corpus_score(HYP, [REF, REF2])
    chrf = CHRF(word_order=2, lowercase=lowercase).corpus_score(HYP, [REF, REF2])
    ter = TER().corpus_score(HYP, [REF, REF2])
    assert report["BLEU"].score == pytest.approx(bleu.score, abs=1e-9)
    assert report["chrF2++"].score == pytest.approx(chrf.score, abs=1e-9)
    assert report["TER"].score == pytest.approx(ter.score, abs=1e-9)
    assert "nrefs:2" in report["BLEU"].signature
    assert f"tok:{tokenize or '13a'}" in report["BLEU"].signature
    assert ("case:lc" in report["BLEU"].signature) == lowercase
    assert "case:lc" in report["TER"].signature  # sacrebleu's default TER is case-insensitive


def test_sentence_scores_equal_sacrebleu_sentence_score() -> None:
    scorer = Scorer([REF], len(HYP))
    scorer.corpus(HYP)  # fill the cache first: cached statistics must give the same numbers
    got = scorer.sentences(HYP)
    for i, (h, r) in enumerate(zip(HYP, REF)):
        assert got["BLEU"][i] == pytest.approx(sacrebleu.sentence_bleu(h, [r]).score)
        assert got["chrF2++"][i] == pytest.approx(
            sacrebleu.sentence_chrf(h, [r], word_order=2).score
        )
        assert got["TER"][i] == pytest.approx(sacrebleu.sentence_ter(h, [r]).score)


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_paired_test_equals_sacrebleu_run_directly(test: str) -> None:
    scorer = Scorer([REF], len(HYP))
    scorer.corpus(BETTER)
    rows, signatures = scorer.compare([("mt", HYP), ("fixed", BETTER)], test=test, samples=200)
    metrics = {"BLEU": BLEU(), "chrF2++": CHRF(word_order=2), "TER": TER()}
    expected_sigs, expected = PairedTest(
        [("mt", HYP), ("fixed", BETTER)],
        metrics,
        references=[REF],
        test_type=test,
        n_samples=200,
        n_ar_confidence=0 if test == "ar" else -1,
    )()
    for k, row in enumerate(rows):
        for s in row:
            want: Any = expected[s.metric][k]
            assert s.score == pytest.approx(want.score)
            assert s.p_value == (None if k == 0 else pytest.approx(want.p_value))
            assert s.mean == pytest.approx(want.mean)
            assert s.ci == pytest.approx(want.ci)
            base: Any = expected[s.metric][0]
            assert s.baseline == pytest.approx(base.score)
    assert signatures == {m: str(sig) for m, sig in expected_sigs.items()}
    assert f"{test}:" in signatures["BLEU"]
    fixed = {s.metric: s for s in rows[1]}
    assert fixed["BLEU"].delta > 0 and fixed["TER"].delta < 0


def test_compare_api_and_argument_checks() -> None:
    system, signatures = compare(BETTER, HYP, REF, metrics=("chrf",), samples=100)
    assert [s.metric for s in system] == ["chrF2++"] and set(signatures) == {"chrF2++"}
    with pytest.raises(InputError, match="segments"):
        score(HYP[:-1], REF)
    with pytest.raises(UsageError, match="unknown metric"):
        score(HYP, REF, metrics=("meteor",))
    with pytest.raises(UsageError, match="unknown test"):
        Scorer([REF], len(HYP)).compare([("a", HYP), ("b", BETTER)], test="t")


def test_split_lines_splits_on_newlines_only() -> None:
    assert split_lines("a\u2028b\r\nc\x0cd\n") == ["a\u2028b", "c\x0cd"]
    assert split_lines("a\n\nb") == ["a", "", "b"]


def test_column_spec(tmp_path: Path) -> None:
    odd = tmp_path / "odd:2"
    odd.write_text("x\n", "utf-8")
    assert parse_column_spec(str(odd)) == (str(odd), None)  # an existing file wins
    assert parse_column_spec("dev.tsv:3") == ("dev.tsv", 3)
    assert parse_column_spec("C:dir") == ("C:dir", None)
    with pytest.raises(UsageError):
        parse_column_spec("dev.tsv:0")
    tsv = tmp_path / "dev.tsv"
    tsv.write_text("a\tb\tc\nd\te\n", "utf-8")
    assert read_segments(f"{tsv}:2") == ["b", "e"]
    with pytest.raises(InputError, match=r"dev.tsv:2: has 2 column"):
        read_segments(f"{tsv}:3")


def test_cli_json_matches_sacrebleu_with_baseline_and_segments(tmp_path: Path) -> None:
    hyp, base = write(tmp_path / "fixed.txt", BETTER), write(tmp_path / "mt.txt", HYP)
    ref = write(tmp_path / "ref.txt", REF)
    result = run(
        "score", hyp, ref, "--baseline", base, "--segments", "-f", "json", "--samples", "100"
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    scores = {s["metric"]: s["score"] for s in payload["scores"]}
    assert scores["BLEU"] == pytest.approx(sacrebleu.corpus_bleu(BETTER, [REF]).score, abs=1e-3)
    comparison = {s["metric"]: s for s in payload["comparison"]["scores"]}
    assert comparison["chrF2++"]["baseline"] == pytest.approx(
        sacrebleu.corpus_chrf(HYP, [REF], word_order=2).score
    )
    assert comparison["chrF2++"]["delta"] > 0 and 0 < comparison["chrF2++"]["p_value"] <= 1
    assert "bs:100" in payload["comparison"]["signatures"]["TER"]
    rows = payload["per_segment"]
    assert len(rows) == len(HYP)
    first = sacrebleu.sentence_chrf(BETTER[0], [REF[0]], word_order=2).score
    assert rows[0]["chrF2++"] == pytest.approx(first, abs=1e-3)
    delta = first - sacrebleu.sentence_chrf(HYP[0], [REF[0]], word_order=2).score
    assert rows[0]["Δ chrF2++"] == pytest.approx(delta, abs=1e-3)
    assert rows[2]["Δ BLEU"] == 0


def test_cli_tsv_columns_equal_separate_files(tmp_path: Path) -> None:
    tsv = tmp_path / "dev.tsv"
    tsv.write_text("".join(f"{s}\t{h}\t{r}\n" for s, h, r in zip(SOURCE, HYP, REF)), "utf-8")
    hyp, ref = write(tmp_path / "h.txt", HYP), write(tmp_path / "r.txt", REF)
    by_column = run("score", f"{tsv}:2", f"{tsv}:3", "-f", "json")
    by_file = run("score", hyp, ref, "-f", "json")
    assert by_column.exit_code == 0, by_column.stderr
    assert json.loads(by_column.stdout)["scores"] == json.loads(by_file.stdout)["scores"]


def test_cli_table_csv_markdown(tmp_path: Path) -> None:
    hyp, base = write(tmp_path / "fixed.txt", BETTER), write(tmp_path / "mt.txt", HYP)
    ref = write(tmp_path / "ref.txt", REF)
    table = run("score", hyp, ref, "-b", base, "--samples", "100").stdout
    assert table.splitlines()[0].startswith("metric") and "p-value" in table
    assert "μ" in table and "Signatures:" in table and "bs:100|seed:12345" in table
    rows = list(csv.reader(io.StringIO(run("score", hyp, ref, "--segments", "-f", "csv").stdout)))
    header = rows.index(["line", "BLEU", "chrF2++", "TER"])
    assert len(rows) - header - 1 == len(HYP)
    markdown = run("score", hyp, ref, "-f", "markdown", "--metrics", "chrf").stdout
    assert markdown.startswith("| metric | score | signature |") and "chrF2++" in markdown
    assert "BLEU" not in markdown


@pytest.mark.parametrize("kind", ["mismatch", "empty", "encoding", "binary", "metric"])
def test_cli_errors_are_one_line(tmp_path: Path, kind: str) -> None:
    hyp = write(tmp_path / "hyp.txt", HYP)
    ref = tmp_path / "ref.txt"
    args = [hyp, str(ref)]
    expected = {
        "mismatch": "ref.txt: 3 segments, but",
        "empty": "file is empty",
        "encoding": "cannot decode as utf-8",
        "binary": "binary",
        "metric": "unknown metric",
    }[kind]
    if kind == "mismatch":
        write(ref, REF[:3])
    elif kind == "empty":
        ref.write_bytes(b"")
    elif kind == "encoding":  # detection is off when the user names the encoding
        ref.write_bytes("café\n".encode("latin-1"))
        args += ["--encoding", "utf-8"]
    elif kind == "binary":
        ref.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    else:
        write(ref, REF)
        args += ["--metrics", "bleu,meteor"]
    one_line_error(run("score", *args), expected)


def test_terminology_checker_counts() -> None:
    checker = TermChecker(parse_glossary(GLOSSARY_TSV, "g.tsv"))
    assert checker.bad_variants("A micro-letter and a micro letter.") == 2
    assert checker.expected_terms("在朋友圈和微信") == ["Moments", "WeChat"]
    assert checker.has_term("Open we-chat", "WeChat") is False
    assert checker.has_term("Open WECHAT now", "WeChat") is True
    before = checker.check(HYP, sources=SOURCE)
    after = checker.check(BETTER, sources=SOURCE, references=REF, baseline=HYP)
    assert (before.bad_variants, before.expected, before.found) == (3, 3, 0)
    assert (after.bad_variants, after.expected, after.found) == (0, 3, 3)
    assert (after.edits, after.confirmed) == (3, 3) and after.precision == 1.0
    edits = [[Edit(0, 5, "x", "Moments", "glossary", "r")], [], [], [], [], []]
    checked = checker.check(BETTER, references=REF, edits=edits)
    assert (checked.edits, checked.confirmed) == (1, 0)  # REF[0] has no "Moments"


def test_cli_terminology(tmp_path: Path) -> None:
    glossary = tmp_path / "g.tsv"
    glossary.write_text(GLOSSARY_TSV, "utf-8")
    hyp, base = write(tmp_path / "fixed.txt", BETTER), write(tmp_path / "mt.txt", HYP)
    ref, src = write(tmp_path / "ref.txt", REF), write(tmp_path / "src.txt", SOURCE)
    args = ["score", hyp, ref, "-b", base, "-g", str(glossary), "-s", src, "--samples", "50"]
    payload = json.loads(run(*args, "-f", "json").stdout)["terminology"]
    assert payload["output"]["bad_variants"] == 0 and payload["baseline"]["bad_variants"] == 3
    assert payload["output"]["found"] == 3 and payload["baseline"]["found"] == 0
    table = run(*args).stdout
    assert "known bad variants left: 0 (baseline 3)" in table
    assert "required terms present: 3/3 (100.0%) (baseline 0/3 (0.0%))" in table


def test_cli_sample_still_scores_like_sacrebleu() -> None:
    result = run(
        "score",
        str(SAMPLE_MT),
        str(SAMPLE_REF),
        "--tokenize",
        "zh",
        "--metrics",
        "bleu",
        "-f",
        "json",
    )
    hyp = split_lines(SAMPLE_MT.read_text("utf-8"))
    ref = split_lines(SAMPLE_REF.read_text("utf-8"))
    got = {s["metric"]: s["score"] for s in json.loads(result.stdout)["scores"]}
    assert got["BLEU"] == pytest.approx(
        sacrebleu.corpus_bleu(hyp, [ref], tokenize="zh").score, abs=1e-3
    )


def test_identical_output_is_not_significant() -> None:
    # sacrebleu alone gives p = 1/(n+1) here, as if identical outputs differed.
    rows, _ = Scorer([REF], len(HYP)).compare([("a", HYP), ("b", list(HYP))], samples=100)
    assert all(s.p_value == 1.0 and not s.significant and s.delta == 0 for s in rows[1])
