"""The real transformers loading and generation path, on a tiny model built here."""

from __future__ import annotations

import json
from pathlib import Path

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
