from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix import __version__
from mtfix.cli import app

from .conftest import ROOT, SAMPLE_MT, SAMPLE_REF

runner = CliRunner()


def run(*args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin)


def one_line_error(result, *parts: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mtfix: error: ")
    assert "Traceback" not in result.stderr + result.stdout
    for part in parts:
        assert part in lines[0]


@pytest.fixture()
def glossary(tmp_path: Path) -> Path:
    path = tmp_path / "terms.tsv"
    path.write_text("micro letter\tWeChat\nbrush powder\tbuying followers\n", "utf-8")
    return path


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"mtfix {__version__}"
    for command in ([], ["fix"], ["segment"], ["score"], ["glossary", "list"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_fix_to_stdout_keeps_bytes_and_notes_missing_model(tmp_path: Path, glossary: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(b"Micro letter and brush powder.\r\nUntouched line\r\n")
    result = run("fix", str(src), "--no-packs", "-g", str(glossary))
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b"WeChat and buying followers.\r\nUntouched line\r\n"
    assert result.stderr.count("glossary only") == 1


def test_fix_stdin_and_output_file(tmp_path: Path, glossary: Path) -> None:
    out = tmp_path / "out.txt"
    result = run(
        "fix",
        "-",
        "-o",
        str(out),
        "-g",
        str(glossary),
        "--no-packs",
        "-q",
        stdin=b"\xef\xbb\xbfmicro letter",
    )
    assert result.exit_code == 0 and result.stderr == ""
    assert out.read_bytes() == b"\xef\xbb\xbfWeChat"  # BOM kept, no newline added


def test_fix_several_files_into_a_folder(tmp_path: Path, glossary: Path) -> None:
    a, b, dest = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "out"
    a.write_text("micro letter\n")
    b.write_text("nothing\n")
    dest.mkdir()
    result = run("fix", str(a), str(b), "-o", str(dest), "-g", str(glossary), "--no-packs")
    assert result.exit_code == 0
    assert (dest / "a.txt").read_text() == "WeChat\n" and (
        dest / "b.txt"
    ).read_text() == "nothing\n"
    # A target that is a folder is found before anything is written.
    other = tmp_path / "other"
    (other / "b.txt").mkdir(parents=True)
    one_line_error(run("fix", str(a), str(b), "-o", str(other)), "is a folder")
    assert list(other.iterdir()) == [other / "b.txt"]


def test_fix_jsonl_and_diff(tmp_path: Path, glossary: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Go homepage(回首页)\n\nMicro letter grew. It is big.\n")
    result = run("fix", str(src), "-f", "jsonl", "-g", str(glossary), "--no-packs")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["label"] for r in records] == ["boilerplate", "content", "content"]
    first = records[1]
    assert first["output"] == "WeChat grew."
    assert (
        first["edits"][0]["before"] == "Micro letter" and first["edits"][0]["stage"] == "glossary"
    )
    assert first["edits"][0]["rule"] == f"{glossary}:1"
    diff = run("fix", str(src), "-f", "diff", "-g", str(glossary), "--no-packs").stdout
    assert "-Micro letter grew. It is big.\n+WeChat grew. It is big.\n" in diff


def test_fix_sample_with_default_pack() -> None:
    result = run("fix", str(SAMPLE_MT), "--no-model")
    assert result.exit_code == 0
    assert "WeChat" in result.stdout and "Moments" in result.stdout
    assert "Micro letter foray" not in result.stdout
    assert result.stdout.startswith("Go homepage(回首页)\nUpload pictures (上传图片)\n")
    assert result.stdout.endswith("QQ:154298438\nQQ:417480759")


def test_segment_command() -> None:
    result = run("segment", str(SAMPLE_MT))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["0", "16", "boilerplate"]
    records = [
        json.loads(x)
        for x in run("segment", str(SAMPLE_MT), "-f", "jsonl", "--blanks").stdout.splitlines()
    ]
    assert "".join(r["text"] for r in records) == SAMPLE_MT.read_text("utf-8")


def test_score_matches_sacrebleu(tmp_path: Path) -> None:
    import sacrebleu

    result = run("score", str(SAMPLE_MT), str(SAMPLE_REF), "-f", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    hyp = SAMPLE_MT.read_text("utf-8").splitlines()
    ref = SAMPLE_REF.read_text("utf-8").splitlines()
    expected = {
        "BLEU": sacrebleu.corpus_bleu(hyp, [ref]).score,
        "chrF2++": sacrebleu.corpus_chrf(hyp, [ref], word_order=2).score,
        "TER": sacrebleu.corpus_ter(hyp, [ref]).score,
    }
    got = {s["metric"]: s["score"] for s in payload["scores"]}
    assert got == pytest.approx(expected, abs=1e-3)
    assert all("version:" in s["signature"] for s in payload["scores"])
    table = run("score", str(SAMPLE_MT), str(SAMPLE_REF)).stdout
    assert table.splitlines()[0].startswith("BLEU")


# (A folder is not bad input: `fix DIR -o DIR` runs batch; see test_batch.py.)
@pytest.mark.parametrize("kind", ["missing", "binary", "undecodable", "empty"])
def test_bad_input_files(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.txt"
    message = {
        "missing": "no such file",
        "binary": "binary",
        "undecodable": "cannot decode as utf-8 at byte 4",
        "empty": "file is empty",
    }[kind]
    if kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    elif kind == "undecodable":
        path.write_bytes(b"abc \xff\xfe def")
    elif kind == "empty":
        path.write_bytes(b"")
    out = tmp_path / "out.txt"
    result = run("fix", str(path), "-o", str(out), "--no-model")
    one_line_error(result, str(path), message)
    assert not out.exists()


def test_bad_glossary_row_names_file_and_line(tmp_path: Path) -> None:
    src, out, bad = tmp_path / "in.txt", tmp_path / "out.txt", tmp_path / "bad.tsv"
    src.write_text("micro letter\n")
    bad.write_text("micro letter\tWeChat\nonly one field\n")
    result = run("fix", str(src), "-g", str(bad), "-o", str(out))
    one_line_error(result, f"{bad}:2:", "expected 2 to 3 fields, found 1")
    assert not out.exists()


def test_one_bad_file_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    good, dest = tmp_path / "good.txt", tmp_path / "out"
    good.write_text("micro letter\n")
    dest.mkdir()
    result = run("fix", str(good), str(tmp_path / "missing.txt"), "-o", str(dest))
    one_line_error(result, "missing.txt", "no such file")
    assert list(dest.iterdir()) == []


def test_usage_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("text\n")
    one_line_error(run("fix", str(src), "-o", str(src)), "would overwrite the input")
    one_line_error(run("fix", str(src), str(src), "-o", str(tmp_path / "x.txt")), "existing folder")
    one_line_error(run("score", str(SAMPLE_MT), str(src)), "line-aligned")
    one_line_error(
        run("fix", str(src), "--model", str(tmp_path / "nomodel")), "model directory not found"
    )
    one_line_error(run("fix", str(src), "--pack", "nope"), "no such built-in pack")


def test_glossary_list_shows_the_default_pack() -> None:
    result = run("glossary", "list")
    assert result.exit_code == 0
    assert "zh-en-internet" in result.stdout and "(default)" in result.stdout


def test_python_dash_m_and_lazy_imports() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from mtfix.cli import app\n"
        "r = CliRunner()\n"
        "assert r.invoke(app, ['--help']).exit_code == 0\n"
        f"assert r.invoke(app, ['score', {str(SAMPLE_MT)!r}, {str(SAMPLE_REF)!r}]).exit_code == 0\n"
        f"assert r.invoke(app, ['fix', {str(SAMPLE_MT)!r}, '--no-model']).exit_code == 0\n"
        "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == ""
    version = subprocess.run(
        [sys.executable, "-m", "mtfix", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert version.stdout.strip() == f"mtfix {__version__}"


def test_review_regressions(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    dest = tmp_path / "out"
    dest.mkdir()
    for sub in ("a", "b"):
        (tmp_path / sub / "x.txt").write_text("text\n")
    one_line_error(
        run("fix", str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"), "-o", str(dest)),
        "same name",
    )
    assert list(dest.iterdir()) == []
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_line_error(
        run("fix", str(tmp_path / "a" / "x.txt"), "-o", str(blocker / "y.txt"), "-q"),
        "cannot write",
    )
    one_line_error(
        run("fix", str(tmp_path / "a" / "x.txt"), "--backend", "bogus"),
        "unknown rewrite backend 'bogus'",
    )
    result = run("score", "--tokenize", "bogus", str(SAMPLE_MT), str(SAMPLE_MT))
    one_line_error(result, "unknown BLEU tokenizer 'bogus'")
    assert result.exit_code == 2


def test_diff_splits_lines_only_at_line_breaks(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Keep\u2028this\x0cline.\nThe micro letter app.\n", "utf-8")
    diff = run("fix", str(src), "-f", "diff", "--no-model", "-q").stdout
    assert "-The micro letter app.\n+The WeChat app.\n" in diff
    assert "No newline" not in diff and diff.count("\n-") == 1  # one changed line, not three


class _ThreadsProbe:
    """A backend that remembers how many threads it was given and changes nothing."""

    name = "threads-probe"
    seen: list[object] = []

    def __init__(self, model_dir: object, **options: object) -> None:
        _ThreadsProbe.seen.append(options.get("threads"))

    def rewrite(self, sentences: list[str]) -> list[str]:
        return list(sentences)


def test_threads_option_reaches_the_backend(tmp_path: Path) -> None:
    from mtfix.rewrite import register_backend

    register_backend("threads-probe", _ThreadsProbe)
    text = tmp_path / "in.txt"
    text.write_text("The shop has opened.\n", "utf-8")
    _ThreadsProbe.seen.clear()
    common = ["--backend", "threads-probe", "--model", str(tmp_path), str(text)]
    assert run("fix", "--threads", "3", *common).exit_code == 0
    assert run("fix", *common).exit_code == 0
    assert _ThreadsProbe.seen == [3, None]  # None: the backend takes every core
    assert run("fix", "--threads", "-1", *common).exit_code != 0


def _project(tmp_path: Path, settings: str, name: str = "mtfix.toml") -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    (tmp_path / "terms").mkdir()
    (tmp_path / "terms" / "client.tsv").write_text("micro letter\tWeChat\n", "utf-8")
    (tmp_path / name).write_text(settings, "utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "in.txt").write_text("He uses micro letter and circle of friends.\n")
    return tmp_path / "docs"


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("mtfix.toml", 'glossary = ["terms/client.tsv"]\nno-packs = true\nno_model = true\n'),
        ("pyproject.toml", '[project]\nname = "x"\n[tool.mtfix]\nglossary = "terms/client.tsv"\n'
         "no-packs = true\nno-model = true\n"),
    ],
)  # fmt: skip
def test_settings_file_gives_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, settings: str
) -> None:
    docs = _project(tmp_path, settings, name)
    monkeypatch.chdir(docs)  # found in a parent folder; paths relative to the file
    result = run("fix", "in.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout == "He uses WeChat and circle of friends.\n"
    # the command line wins, and --no-config ignores the file
    assert "Moments" in run("fix", "--pack", "zh-en-internet", "in.txt").stdout
    assert run("--no-config", "fix", "--no-model", "in.txt").stdout == (
        "He uses WeChat and Moments.\n"
    )


def test_settings_search_stops_at_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mtfix.toml").write_text("no-packs = true\n", "utf-8")
    project = tmp_path / "project"
    docs = _project(project, "[project]\n", "pyproject.toml")
    monkeypatch.chdir(docs)
    assert run("fix", "--no-model", "in.txt").stdout == "He uses WeChat and Moments.\n"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("aggresiveness = 0.5\n", "unknown setting 'aggresiveness'"),
        ("glossary = 3\n", "setting 'glossary' must be a list of strings"),
        ("threads = true\n", "setting 'threads' must be a int"),
        ("glossary = [\n", "not valid TOML"),
        ("aggressiveness = 5\n", "setting 'aggressiveness' must be between 0.0 and 1.0"),
        ("aggressiveness = nan\n", "setting 'aggressiveness' must be between 0.0 and 1.0"),
        ("jobs = -4\n", "setting 'jobs' must be at least 0"),
    ],
)
def test_bad_settings_are_a_one_line_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str, message: str
) -> None:
    docs = _project(tmp_path, settings)
    monkeypatch.chdir(docs)
    one_line_error(run("fix", "in.txt"), "mtfix.toml", message)
    assert run("--no-config", "fix", "--no-model", "in.txt").exit_code == 0
