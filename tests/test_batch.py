from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix import RepairConfig
from mtfix.batch import MANIFEST, TMP_PREFIX, BatchOptions, run_batch
from mtfix.cli import app

from .conftest import ROOT

runner = CliRunner()
GLOSSARY_ONLY = RepairConfig(use_model=False)


def make_tree(root: Path) -> Path:
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("Share micro letter posts in the circle of friends.\n", "utf-8")
    (src / "sub" / "b.txt").write_bytes(b"Micro letter grew.\r\nNo final newline")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "notes.md").write_text("micro letter\n", "utf-8")
    return src


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_mirrors_tree_and_reports_bad_files(tmp_path: Path) -> None:
    src, out = make_tree(tmp_path), tmp_path / "out"
    summary = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    assert (summary.done, summary.failed) == (3, 1)
    got = outputs(out)
    assert got["a.txt"] == b"Share WeChat posts in the Moments.\n"
    assert got["sub/b.txt"] == b"WeChat grew.\r\nNo final newline"
    assert got["empty.txt"] == b""
    assert "binary.txt" not in got and "notes.md" not in got  # failed / not included
    errors = [json.loads(x) for x in (out / ".mtfix-errors.jsonl").read_text().splitlines()]
    assert errors[0]["path"].endswith("binary.txt") and "binary" in errors[0]["message"]
    assert not list(out.rglob(f"{TMP_PREFIX}*"))


def test_rerun_skips_up_to_date_and_redoes_changed(tmp_path: Path) -> None:
    src, out = make_tree(tmp_path), tmp_path / "out"
    run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    again = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    assert (again.done, again.skipped) == (0, 3)
    (src / "a.txt").write_text("micro letter again\n", "utf-8")
    third = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    assert (third.done, third.skipped) == (1, 2)
    assert (out / "a.txt").read_text("utf-8") == "WeChat again\n"
    glossary = tmp_path / "g.tsv"
    glossary.write_text("grew\tgrows\n", "utf-8")
    changed = RepairConfig(use_model=False, glossaries=(str(glossary),))
    fourth = run_batch(src, out, changed, BatchOptions())
    assert fourth.done == 3  # new settings: everything is redone
    assert (out / "sub" / "b.txt").read_bytes().startswith(b"WeChat grows.")


def test_parallel_equals_sequential_and_globs(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    for i in range(12):
        (src / f"many{i}.txt").write_text(f"Line {i} about the electricity supplier.\n", "utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    run_batch(src, one, GLOSSARY_ONLY, BatchOptions(include=("*.txt", "*.md"), jobs=1))
    run_batch(src, two, GLOSSARY_ONLY, BatchOptions(include=("*.txt", "*.md"), jobs=2))
    assert outputs(one) == outputs(two) and "notes.md" in outputs(one)
    three = tmp_path / "three"
    run_batch(src, three, GLOSSARY_ONLY, BatchOptions(exclude=("many*",)))
    assert not any(name.startswith("many") for name in outputs(three))


def test_jsonl_format_per_file(tmp_path: Path) -> None:
    src, out = make_tree(tmp_path), tmp_path / "out"
    run_batch(src, out, GLOSSARY_ONLY, BatchOptions(fmt="jsonl"))
    records = [json.loads(x) for x in (out / "a.txt.jsonl").read_text().splitlines()]
    assert records[0]["output"] == "Share WeChat posts in the Moments."


def test_in_place_needs_a_backup_and_keeps_it(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    result = runner.invoke(app, ["batch", str(src), "--in-place", "--no-model"])
    assert result.exit_code == 2 and "--backup-suffix" in result.stderr
    original = (src / "a.txt").read_bytes()
    summary = run_batch(
        src, None, GLOSSARY_ONLY, BatchOptions(in_place=True, backup_suffix=".orig")
    )
    assert summary.done == 3
    assert (src / "a.txt.orig").read_bytes() == original
    assert (src / "a.txt").read_text("utf-8") == "Share WeChat posts in the Moments.\n"
    again = run_batch(src, None, GLOSSARY_ONLY, BatchOptions(in_place=True, backup_suffix=".orig"))
    assert again.done == 0 and again.skipped == 3  # not repaired twice, backups not taken as input


def test_usage_errors(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    for args, message in [
        ([str(src), "-o", str(src)], "output folder is the input folder"),
        ([str(tmp_path / "nope"), "-o", str(tmp_path / "o")], "no such folder"),
        ([str(src)], "give an output folder"),
        ([str(src), "-o", str(tmp_path / "o"), "--backup-suffix", ".txt"], "goes with --in-place"),
        ([str(src), "--in-place", "--backup-suffix", "/bak"], "file-name ending"),
    ]:
        result = runner.invoke(app, ["batch", *args, "--no-model"])
        assert result.exit_code != 0 and "Traceback" not in result.stderr
        assert message in result.stderr


def test_output_inside_input_is_not_read_back(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    out = src / "fixed"
    run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    second = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    assert second.done == 0 and not (out / "fixed").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    src, out = make_tree(tmp_path), tmp_path / "out"
    locked = src / "locked.txt"
    locked.write_text("micro letter\n")
    locked.chmod(0)
    summary = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    assert any("locked.txt" in f.message for f in summary.failures)


def test_latin1_file_is_repaired(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "l1.txt").write_bytes("Café owners love the micro letter app.\n".encode("latin-1"))
    summary = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    assert summary.done == 1, summary.failures
    assert b"WeChat" in (out / "l1.txt").read_bytes()


def test_large_file_is_streamed_and_equals_whole_file_repair(tmp_path: Path) -> None:
    import mtfix.batch as batch

    paragraph = "The micro letter shop grew. Circle of friends posts sold goods.\r\n\r\n"
    text = paragraph * 4000 + "Final line without newline about the electricity supplier"
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "big.txt").write_bytes(text.encode("utf-8"))
    old = batch.STREAM_ABOVE, batch.CHUNK
    batch.STREAM_ABOVE, batch.CHUNK = 1000, 4096  # force the streaming path on a small file
    try:
        run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    finally:
        batch.STREAM_ABOVE, batch.CHUNK = old
    from mtfix import Repairer

    expected = Repairer(GLOSSARY_ONLY).repair(text).text
    assert (out / "big.txt").read_bytes() == expected.encode("utf-8")


def test_a_large_file_that_changes_encoding_late_says_where(tmp_path: Path) -> None:
    import mtfix.batch as batch

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    data = b"The micro letter shop grew.\n\n" * 400 + b"Caf\xe9 owners use micro letter.\n"
    (src / "big.txt").write_bytes(data)
    old = batch.STREAM_ABOVE, batch.CHUNK
    batch.STREAM_ABOVE, batch.CHUNK = 1000, 4096  # force the streaming path on a small file
    try:
        failed = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
        fixed = run_batch(src, out, GLOSSARY_ONLY, BatchOptions(encoding="cp1252"))
    finally:
        batch.STREAM_ABOVE, batch.CHUNK = old
    message, where = failed.failures[0].message, data.index(b"\xe9")
    assert f"near byte {where:,}" in message and "--encoding" in message
    assert fixed.done == 1 and (out / "big.txt").read_bytes().endswith(
        "Café owners use WeChat.\n".encode()  # written as UTF-8, the default
    )


SLOW_RUN = """
import sys, time
from mtfix.rewrite import register_backend

class Slow:
    name = "slow"
    def rewrite(self, sentences):
        time.sleep(0.2)
        return list(sentences)

register_backend("slow", lambda model_dir, **_: Slow())
from mtfix.cli import main
sys.argv = ["mtfix", "batch", sys.argv[1], "-o", sys.argv[2], "--backend", "slow",
            "--model", ".", "-j", "1", "-q"]
main()
"""


def test_killed_run_resumes_to_the_same_result(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(20):
        (src / f"f{i:02}.txt").write_text(f"File {i}: the micro letter shop.\n", "utf-8")
    script = tmp_path / "slow.py"
    script.write_text(SLOW_RUN)
    reference, killed = tmp_path / "reference", tmp_path / "killed"
    subprocess.run([sys.executable, str(script), str(src), str(reference)], check=True, cwd=ROOT)
    proc = subprocess.Popen([sys.executable, str(script), str(src), str(killed)], cwd=ROOT)
    manifest = killed / MANIFEST
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if manifest.is_file() and len(manifest.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(manifest.read_text().splitlines())
    assert 3 <= finished < 20, "the run should have been killed midway"
    subprocess.run([sys.executable, str(script), str(src), str(killed)], check=True, cwd=ROOT)
    assert outputs(killed) == outputs(reference)
    assert not list(killed.rglob(f"{TMP_PREFIX}*"))


def test_dangling_links_and_link_loops(tmp_path: Path) -> None:
    src, out = make_tree(tmp_path), tmp_path / "out"
    (src / "gone.txt").symlink_to(src / "vanished.txt")  # like a file deleted mid-run
    (src / "sub" / "loop").symlink_to(src, target_is_directory=True)
    summary = run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    assert summary.done == 3
    (failure,) = [f for f in summary.failures if "gone.txt" in f.message]
    assert "No such file" in failure.message


def test_in_place_backup_is_the_first_original(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    original = (src / "a.txt").read_bytes()
    opts = BatchOptions(in_place=True, backup_suffix=".orig")
    run_batch(src, None, GLOSSARY_ONLY, opts)
    glossary = tmp_path / "g.tsv"
    glossary.write_text("posts\tmessages\n", "utf-8")
    run_batch(src, None, RepairConfig(use_model=False, glossaries=(str(glossary),)), opts)
    assert (src / "a.txt.orig").read_bytes() == original  # not the once-repaired copy
    assert (src / "a.txt").read_text("utf-8") == "Share WeChat messages in the Moments.\n"


def test_in_place_never_loses_a_version_the_backup_does_not_hold(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    original = (src / "a.txt").read_bytes()
    opts = BatchOptions(in_place=True, backup_suffix=".orig")
    run_batch(src, None, GLOSSARY_ONLY, opts)
    forced = run_batch(src, None, GLOSSARY_ONLY, replace(opts, force=True))
    assert forced.done == 3 and (src / "a.txt.orig").read_bytes() == original  # its own output
    # The user edits a repaired file, or a file's backup name is taken: both versions stay.
    (src / "a.txt").write_text("A new micro letter draft.\n", "utf-8")
    (src / "notes.md").write_text("micro letter\n", "utf-8")
    (src / "notes.md.orig").write_text("someone else's file\n", "utf-8")
    summary = run_batch(src, None, GLOSSARY_ONLY, replace(opts, include=("*.txt", "*.md")))
    clashes = [f.message for f in summary.failures if "holds another version" in f.message]
    assert len(clashes) == 2
    assert (src / "a.txt").read_text("utf-8") == "A new micro letter draft.\n"
    assert (src / "a.txt.orig").read_bytes() == original
    assert (src / "notes.md.orig").read_text("utf-8") == "someone else's file\n"
    # A backup that holds this very version (a run stopped before its rename) is no clash.
    (src / "notes.md.orig").write_text("micro letter\n", "utf-8")
    resumed = run_batch(src, None, GLOSSARY_ONLY, replace(opts, include=("*.md",)))
    assert resumed.done == 1 and (src / "notes.md").read_text("utf-8") == "WeChat\n"


@pytest.mark.skipif(sys.platform != "linux", reason="needs file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_repaired_and_recorded(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("micro letter\n", "utf-8")
    odd = Path(os.fsdecode(bytes(src) + b"/caf\xe9.txt"))
    odd.write_text("Micro letter grew.\n", "utf-8")
    first = run_batch(src, tmp_path / "out", GLOSSARY_ONLY, BatchOptions())
    assert first.done == 2 and first.failed == 0
    assert (tmp_path / "out" / odd.name).read_text("utf-8") == "WeChat grew.\n"
    again = run_batch(src, tmp_path / "out", GLOSSARY_ONLY, BatchOptions())
    assert again.skipped == 2  # the manifest kept the odd name


def test_an_output_folder_holding_the_input_folder_is_refused(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    result = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path), "--no-model"])
    assert result.exit_code == 2 and "holds the input folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_in_place_refuses_other_formats_and_bad_glossary_is_one_error(tmp_path: Path) -> None:
    src = make_tree(tmp_path)
    args = ["batch", str(src), "--in-place", "--backup-suffix", ".orig", "-f", "jsonl"]
    result = runner.invoke(app, [*args, "--no-model"])
    assert result.exit_code == 2 and "drop --format" in result.stderr
    assert (src / "a.txt").read_text("utf-8").startswith("Share micro letter")
    bad = tmp_path / "bad.tsv"
    bad.write_text("only one field\n", "utf-8")
    result = runner.invoke(
        app, ["batch", str(src), "-o", str(tmp_path / "o"), "-g", str(bad), "-j", "2", "--no-model"]
    )
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and f"{bad}:1:" in lines[0]


def test_changed_output_encoding_is_redone(tmp_path: Path) -> None:
    src, out = make_tree(tmp_path), tmp_path / "out"
    run_batch(src, out, GLOSSARY_ONLY, BatchOptions())
    again = run_batch(src, out, GLOSSARY_ONLY, BatchOptions(output_encoding="utf-16"))
    assert again.done == 3
    assert (out / "a.txt").read_bytes().decode("utf-16").startswith("Share WeChat")


def test_workers_share_the_cores_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    import mtfix.batch as batch

    monkeypatch.setattr(batch.os, "cpu_count", lambda: 8)
    batch._init_worker(RepairConfig(use_model=False), 4)
    assert batch._worker_repairer.config.threads == 2  # 4 workers x 2 threads = 8 cores
    batch._init_worker(RepairConfig(use_model=False), 16)
    assert batch._worker_repairer.config.threads == 1
    batch._init_worker(RepairConfig(use_model=False, threads=3), 4)
    assert batch._worker_repairer.config.threads == 3  # the user's choice stands


def test_fix_on_a_folder_runs_batch(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text("Share it on micro letter.\n", "utf-8")
    (src / "b.txt").write_text("Post it in your micro letter circle of friends.\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["fix", str(src), "-o", str(out), "--no-model"])
    assert result.exit_code == 0, result.output
    assert (out / "sub" / "a.txt").read_text("utf-8") == "Share it on WeChat.\n"
    assert (out / "b.txt").read_text("utf-8") == "Post it in your WeChat Moments.\n"
    assert (out / MANIFEST).is_file()  # resumable, as batch
    no_output = CliRunner().invoke(app, ["fix", str(src), "--no-model"])
    assert no_output.exit_code == 2 and "a folder needs -o" in no_output.output
