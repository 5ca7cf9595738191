"""`mtfix train` and its pieces: data, a tiny real training run, resume, loading, scoring."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.errors import InputError, ModelLoadError
from mtfix.training.data import (
    PairSource,
    batches,
    build_training_pairs,
    chrf,
    held_out_sentences,
    is_held_out,
    read_pairs,
)

SENTENCES = [
    "The shop opened a new branch in the city centre last week.",
    "Many customers now pay with their phones instead of cash.",
    "The company said that sales rose sharply in the second quarter.",
    "She has worked at the hospital for more than ten years.",
    "They plan to build a new bridge across the river next year.",
    "The weather was cold, but the children played outside all day.",
    "He bought a book about the history of the town.",
    "Our team will meet the new manager on Monday morning.",
    "The price of the goods depends on the cost of transport.",
    "Visitors can buy tickets at the entrance of the museum.",
] * 3

TINY = [
    "--vocab-size", "120", "--d-model", "16", "--layers", "1", "--heads", "2", "--ffn", "32",
    "--batch-tokens", "512", "--eval-every", "0", "--threads", "1", "--warmup", "2",
]  # fmt: skip


@pytest.fixture(scope="module")
def data_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("data")
    pairs = folder / "pairs.tsv"
    lines = ["src\tmt\tpe"] + [
        f"x\t{s.replace(' the ', ' the the ', 1)}\t{s}" for s in SENTENCES[:10]
    ]
    pairs.write_text("\n".join(lines) + "\n", "utf-8")
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", "utf-8")
    return pairs, corpus


@pytest.fixture(scope="module")
def trained(data_files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    pairs, corpus = data_files
    out = tmp_path_factory.mktemp("run") / "model"
    result = CliRunner().invoke(
        app,
        ["train", str(out), "--pairs", str(pairs), "--pairs-columns", "2,3",
         "--corpus", str(corpus), "--max-steps", "4", *TINY],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_training_writes_a_loadable_safetensors_model_with_a_card(trained: Path) -> None:
    from mtfix.rewrite import create_backend

    for name in ("config.json", "model.safetensors", "tokenizer.json", "README.md"):
        assert (trained / name).is_file(), name
    assert not list(trained.glob("*.bin")) and not list(trained.glob("*.pt"))
    state = json.loads((trained / "trainer_state.json").read_text("utf-8"))
    assert state["step"] == 4 and state["finished"]
    card = (trained / "README.md").read_text("utf-8")
    assert "steps: 4" in card and "pairs.tsv" in card and "Measured" in card
    backend = create_backend("transformers", trained)
    out = backend.rewrite(["The shop opened a branch.", "Visitors can buy tickets."])
    assert len(out) == 2 and all(isinstance(o, str) for o in out)
    scores = backend.score(["The shop opened."], ["The shop opened."])  # type: ignore[attr-defined]
    assert len(scores) == 1 and math.isfinite(scores[0]) and scores[0] < 0


def test_resume_continues_the_step_count(trained: Path, data_files: tuple[Path, Path]) -> None:
    pairs, corpus = data_files
    result = CliRunner().invoke(
        app,
        ["train", str(trained), "--resume", "--pairs", str(pairs), "--pairs-columns", "2,3",
         "--corpus", str(corpus), "--max-steps", "6", *TINY],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    state = json.loads((trained / "trainer_state.json").read_text("utf-8"))
    assert state["step"] == 6
    assert (trained / "optimizer.safetensors").is_file()


def test_a_model_started_from_another_keeps_its_training_record(
    trained: Path, data_files: tuple[Path, Path], tmp_path: Path
) -> None:
    pairs, corpus = data_files
    result = CliRunner().invoke(
        app,
        ["train", str(tmp_path / "run"), "--init", str(trained), "--corpus", str(corpus),
         "--max-steps", "3", "--seed", "5", "--export", str(tmp_path / "model"), *TINY],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    runs = json.loads((tmp_path / "model" / "training.json").read_text("utf-8"))["runs"]
    first = json.loads((trained / "training.json").read_text("utf-8"))["runs"]
    assert runs[:-1] == first and runs[-1]["steps"] == 3 and runs[-1]["seed"] == 5
    assert runs[-1]["init"] == str(trained) and first[0]["init"] is None
    assert (tmp_path / "model" / "spiece.model").is_file()
    card = (tmp_path / "model" / "README.md").read_text("utf-8")
    assert f"started (`--init`) from `{trained}`, a model trained before" in card
    assert f"in all: {first[0]['steps'] + 3} steps" in card and "pairs.tsv" in card
    # resumed, the run is still the one started from the other model
    result = CliRunner().invoke(
        app,
        ["train", str(tmp_path / "run"), "--resume", "--corpus", str(corpus),
         "--max-steps", "4", "--seed", "5", *TINY],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    runs = json.loads((tmp_path / "run" / "training.json").read_text("utf-8"))["runs"]
    assert runs[:-1] == first and runs[-1]["steps"] == 4 and runs[-1]["init"] == str(trained)
    # a model without a record is named as such, and a broken record is a one-line error
    (tmp_path / "model" / "training.json").unlink()
    result = CliRunner().invoke(
        app, ["train", str(tmp_path / "run2"), "--init", str(tmp_path / "model"),
              "--corpus", str(corpus), "--max-steps", "1", *TINY],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "whose training is not recorded" in (tmp_path / "run2" / "README.md").read_text()
    (tmp_path / "model" / "training.json").write_text("[1, 2]", "utf-8")
    result = CliRunner().invoke(
        app, ["train", str(tmp_path / "run3"), "--init", str(tmp_path / "model"),
              "--corpus", str(corpus), "--max-steps", "1", *TINY],
    )  # fmt: skip
    assert result.exit_code == 1 and "training.json: not a training record" in result.output


def test_resume_without_a_run_is_a_one_line_error(
    tmp_path: Path, data_files: tuple[Path, Path]
) -> None:
    _, corpus = data_files
    result = CliRunner().invoke(app, ["train", str(tmp_path), "--resume", "--corpus", str(corpus)])
    assert result.exit_code != 0
    assert "nothing to resume" in result.output and "Traceback" not in result.output


def test_pickled_checkpoint_is_refused(tmp_path: Path) -> None:
    from mtfix.rewrite import create_backend

    (tmp_path / "config.json").write_text('{"model_type": "bart"}', "utf-8")
    (tmp_path / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")
    with pytest.raises(ModelLoadError, match="pickled"):
        create_backend("transformers", tmp_path)


def test_long_sentences_are_split_never_truncated(trained: Path) -> None:
    from mtfix.rewrite import create_backend
    from mtfix.rewrite.transformers_backend import split_for_model

    text = ", ".join(f"clause number {i} is here" for i in range(60)) + "."
    pieces = split_for_model(text, 20, lambda s: len(s.split()))
    assert "".join(pieces) == text and len(pieces) > 1
    assert all(len(p.split()) <= 20 for p in pieces)
    backend = create_backend("transformers", trained, max_input_tokens=24)
    out = backend.rewrite([text])[0]
    assert out.count(",") >= 50  # every piece came back, none was cut off
    copy = backend.score([text], [text])[0]  # type: ignore[attr-defined]
    assert math.isfinite(copy)


def test_unknown_characters_come_back_unchanged(trained: Path) -> None:
    from mtfix.rewrite import create_backend

    backend = create_backend("transformers", trained)
    text = "微信 is WeChat ☃."
    assert backend.rewrite([text]) == [text]


def test_same_seed_same_data_order(data_files: tuple[Path, Path]) -> None:
    pairs, corpus = data_files
    sources = (PairSource(pairs, (2, 3)),)

    def order(seed: int) -> list[tuple[str, str]]:
        built, _ = build_training_pairs(sources, (corpus,), seed)
        lengths = [(len(s), len(t)) for s, t in built]
        return [built[i] for b in batches(lengths, 200, random.Random(seed)) for i in b]

    assert order(5) == order(5)
    assert order(5) != order(6)


def test_read_pairs_columns_header_and_errors(
    tmp_path: Path, data_files: tuple[Path, Path]
) -> None:
    pairs, _ = data_files
    found = read_pairs(PairSource(pairs, (2, 3)))
    assert len(found) == 10 and found[0][0].count("the the") == 1  # header skipped
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\nonly-one-column\n", "utf-8")
    with pytest.raises(InputError, match=r"bad.tsv: line 2: 1 columns"):
        read_pairs(PairSource(bad))
    strict = read_pairs(PairSource(pairs, (2, 3), min_chrf=99.9))
    assert len(strict) < len(found) and all(a == b for a, b in strict)


def test_held_out_sentences_are_never_trained_on(
    data_files: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus = tmp_path / "many.txt"
    lines = [f"Sentence number {i} is about the weather today." for i in range(400)]
    corpus.write_text("\n".join(lines), "utf-8")
    held = set(held_out_sentences([corpus], 2.0))  # the default share of MixConfig
    assert 1 <= len(held) <= 25 and all(is_held_out(s, 2.0) for s in held)
    built, _ = build_training_pairs((), (corpus,), 1)
    assert not held & {t for _, t in built}


def test_chrf_filter_agrees_with_sacrebleu_roughly() -> None:
    import sacrebleu

    a, b = "The goods cost less than 20 euros.", "The goods cost under 20 euros."
    assert abs(chrf(a, b) - sacrebleu.sentence_chrf(a, [b]).score) < 3
    assert chrf(a, a) == 100.0


def test_bad_options_are_usage_errors(data_files: tuple[Path, Path], tmp_path: Path) -> None:
    pairs, _ = data_files
    runner = CliRunner()
    result = runner.invoke(app, ["train", str(tmp_path), "--pairs", str(pairs),
                                 "--pairs-columns", "two"])  # fmt: skip
    assert result.exit_code == 2 and "--pairs-columns" in result.output
    result = runner.invoke(app, ["train", str(tmp_path), "--pairs", str(tmp_path / "none.tsv")])
    assert result.exit_code != 0 and "none.tsv: file not found" in result.output
    result = runner.invoke(app, ["train", str(tmp_path), "--noise-weights", "typo=1"])
    assert result.exit_code == 2 and "unknown noise type" in result.output


def test_ctranslate2_conversion_matches_transformers(trained: Path, tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    from mtfix.rewrite import create_backend
    from mtfix.rewrite.ctranslate2_backend import convert_model

    dest = convert_model(trained, tmp_path / "ct2", quantization="float32")
    assert (dest / "model.bin").is_file() and (dest / "tokenizer.json").is_file()
    fast = create_backend("ctranslate2", dest)
    slow = create_backend("transformers", trained)
    texts = ["The shop opened a branch.", "Visitors can buy tickets at the museum."]
    assert len(fast.rewrite(texts)) == 2
    for a, b in zip(fast.score(texts, texts), slow.score(texts, texts)):  # type: ignore[attr-defined]
        assert a == pytest.approx(b, rel=1e-3)


def test_ctranslate2_backend_without_conversion_says_what_to_do(trained: Path) -> None:
    pytest.importorskip("ctranslate2")
    from mtfix.rewrite import create_backend

    with pytest.raises(ModelLoadError, match="mtfix model convert"):
        create_backend("ctranslate2", trained)


def test_model_convert_cli_reports_a_bad_directory_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["model", "convert", str(tmp_path / "missing")])
    assert result.exit_code != 0
    assert "model directory not found" in result.output and "Traceback" not in result.output


def test_progress_line_shows_budget_share_loss_and_throughput() -> None:
    from mtfix.training.trainer import progress_line

    line = progress_line(1200, 0, elapsed=30 * 60, budget=60 * 60, loss=0.8312, tokens_per_s=2048.4)
    assert line.startswith("[##########..........]  50% step 1200 loss 0.831 2,048 tok/s")
    assert line.endswith("30.0/60.0 min")
    by_steps = progress_line(900, 1000, elapsed=60, budget=3600, loss=1.0, tokens_per_s=1.0)
    assert " 90% " in by_steps  # a step limit reached first shows as such


def test_model_average_writes_the_weighted_mean_with_its_record(
    trained: Path, data_files: tuple[Path, Path], tmp_path: Path
) -> None:
    import shutil

    from safetensors.torch import load_file

    _, corpus = data_files
    other = tmp_path / "other"
    result = CliRunner().invoke(
        app, ["train", str(other), "--init", str(trained), "--corpus", str(corpus),
              "--max-steps", "2", "--lr", "0.05", *TINY],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = tmp_path / "avg"
    result = CliRunner().invoke(
        app, ["model", "average", str(out), str(trained), str(other), "--weights", "1,3"]
    )
    assert result.exit_code == 0, result.output
    a, b, mean = (load_file(str(d / "model.safetensors")) for d in (trained, other, out))
    name = next(k for k in mean if a[k].numel() > 1 and not bool((a[k] == b[k]).all()))
    assert bool(((0.25 * a[name] + 0.75 * b[name]) - mean[name]).abs().max() < 1e-6)
    record = json.loads((out / "training.json").read_text("utf-8"))["runs"]
    assert [p["weight"] for p in record[0]["averaged"]] == [0.25, 0.75]
    card = (out / "README.md").read_text("utf-8")
    assert "weighted mean" in card and f"`{other}`, weight 0.75" in card
    # as complete as a trained model's card: its shape, its data and how it was trained
    assert "## Model" in card and "M parameters" in card and "- in all: " in card
    assert f"| `{corpus}` | user-supplied file |" in card
    from mtfix.rewrite import create_backend

    assert len(create_backend("transformers", out).rewrite(["The shop opened."])) == 1

    # a model continued from the mean lists the runs of each averaged model, and counts
    # the run the two share once in its total
    onward = tmp_path / "onward"
    result = CliRunner().invoke(
        app, ["train", str(onward), "--init", str(out), "--corpus", str(corpus),
              "--max-steps", "1", *TINY],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    card = (onward / "README.md").read_text("utf-8")
    assert f"  - `{trained}`, weight 0.25, trained in:\n      - " in card
    assert f"  - `{other}`, weight 0.75, trained in:\n      - " in card
    runs = json.loads((other / "training.json").read_text("utf-8"))["runs"]
    steps = sum(run["steps"] for run in runs) + 1  # `trained` is the first run of `other`
    assert f"- in all: {steps} steps" in card and "counted once" in card

    # models that do not fit together, and bad options, are one-line errors
    wide = tmp_path / "wide"
    shutil.copytree(other, wide)
    config = json.loads((wide / "config.json").read_text("utf-8"))
    (wide / "config.json").write_text(json.dumps({**config, "d_model": 32}), "utf-8")
    retok = tmp_path / "retok"
    shutil.copytree(other, retok)
    (retok / "tokenizer.json").write_text("{}", "utf-8")
    for args, code, message in [
        ([str(trained), str(wide)], 1, "not the same architecture"),
        ([str(trained), str(retok)], 1, "not the same tokenizer"),
        ([str(trained)], 2, "at least two model directories"),
        ([str(trained), str(other), "--weights", "1"], 2, "need 2 positive weights"),
        ([str(trained), str(other), "--weights", "a,b"], 2, "expected numbers"),
        ([str(trained), str(tmp_path / "none")], 1, "model directory not found"),
    ]:
        result = CliRunner().invoke(app, ["model", "average", str(tmp_path / "bad"), *args])
        assert result.exit_code == code and message in result.output, (args, result.output)
        assert not (tmp_path / "bad").exists()
