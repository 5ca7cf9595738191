"""The real transformers loading and generation path, on a tiny model built here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mtfix import ModelLoadError, RepairConfig, Repairer
from mtfix.rewrite import create_backend
from mtfix.rewrite.transformers_backend import check_model_dir

pytestmark = pytest.mark.model


def test_tiny_model_loads_and_generates(tiny_model: Path) -> None:
    backend = create_backend("transformers", tiny_model, batch_size=2, num_beams=1)
    sentences = ["Micro letter is big.", "A second, longer sentence about e-commerce.", "Hi."]
    outputs = backend.rewrite(sentences)
    assert len(outputs) == 3 and all(isinstance(o, str) for o in outputs)


def test_pipeline_with_model_records_a_decision_per_sentence(tiny_model: Path) -> None:
    config = RepairConfig(model=str(tiny_model), use_glossary=False, num_beams=1)
    text = "First sentence here. Second sentence here.\n\nA third one.\n"
    result = Repairer(config).repair(text)
    content = [i for i, s in enumerate(result.segments) if s.label == "content"]
    assert sorted(d.segment for d in result.decisions) == content
    # random weights produce noise; the guard must keep the text unchanged
    assert result.text == text
    assert all(not d.accepted for d in result.decisions)


def test_pickled_weights_are_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "t5"}))
    (tmp_path / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(ModelLoadError, match="pickled"):
        check_model_dir(tmp_path)


def test_missing_or_incomplete_model_dirs(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="model directory not found"):
        check_model_dir(tmp_path / "nope")
    with pytest.raises(ModelLoadError, match="no config.json"):
        check_model_dir(tmp_path)
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="no model.safetensors"):
        check_model_dir(tmp_path)


def test_decoder_only_model_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    for f in tiny_model.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    config = json.loads((tmp_path / "config.json").read_text())
    config.update(model_type="gpt2", is_encoder_decoder=False, architectures=["GPT2LMHeadModel"])
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="not a seq2seq"):
        create_backend("transformers", tmp_path)


def _shipped_model() -> Path:
    from mtfix.config import DEFAULT_MODEL_DIR

    if not (DEFAULT_MODEL_DIR / "model.safetensors").is_file():
        pytest.skip("no shipped model in this checkout")
    return DEFAULT_MODEL_DIR


SENTENCES = [
    "The shop opened a new branch in the city centre last year.",
    "This may not be what what you want.",
    "Visitors can buy tickets at the museum.",
    "It is useful for drivers those subclass the private state.",
    "The company has several businesses settled has in the park.",
    "Prices rose by 3% in March, the statistics office said.",
]


def test_greedy_copy_check_gives_exactly_what_the_search_gives() -> None:
    backend: Any = create_backend("transformers", _shipped_model(), num_beams=1, threads=1)
    checked = backend.rewrite(SENTENCES)
    encoded = backend.tokenizer(SENTENCES)["input_ids"]
    copies = backend._greedy_copies(encoded, list(range(len(SENTENCES))))
    assert any(copies) and not all(copies)  # the check does skip work here, and not all of it
    backend._greedy_copies = lambda encoded, batch: [False] * len(batch)  # search everything
    assert backend.rewrite(SENTENCES) == checked


def test_greedy_copy_check_is_off_when_search_is_not_plain_argmax(tiny_model: Path) -> None:
    backend: Any = create_backend("transformers", tiny_model, num_beams=1)
    assert backend._plain_greedy
    backend.model.generation_config.no_repeat_ngram_size = 3  # a copy may repeat a trigram
    from mtfix.rewrite.transformers_backend import _plain_greedy

    assert not _plain_greedy(backend.model)


def test_auto_backend_uses_a_conversion_only_while_it_matches_the_weights(
    tmp_path: Path,
) -> None:
    pytest.importorskip("ctranslate2")
    from safetensors.torch import load_file, save_file

    from mtfix.rewrite.ctranslate2_backend import convert_model

    model = tmp_path / "model"
    shutil.copytree(_shipped_model(), model, ignore=shutil.ignore_patterns("ctranslate2"))
    assert create_backend("auto", model).name == "transformers"  # not converted yet
    convert_model(model)
    assert create_backend("auto", model).name == "ctranslate2"
    model_bin = (model / "ctranslate2" / "model.bin").read_bytes()
    (model / "ctranslate2" / "model.bin").write_bytes(b"not a model")  # unreadable conversion
    assert create_backend("auto", model).name == "transformers"
    (model / "ctranslate2" / "model.bin").write_bytes(model_bin)
    weights = load_file(model / "model.safetensors")
    name = next(iter(weights))
    weights[name] = weights[name] + 0.01  # the model was retrained: the conversion is stale
    save_file(weights, model / "model.safetensors", metadata={"format": "pt"})
    assert create_backend("auto", model).name == "transformers"
