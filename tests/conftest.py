from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE_MT = SAMPLES / "wechat-ecommerce-2014.mt.txt"
SAMPLE_REF = SAMPLES / "wechat-ecommerce-2014.ref.txt"


@pytest.fixture(autouse=True)
def _no_default_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests choose their model explicitly: point the default at an empty folder."""
    monkeypatch.setenv("MTFIX_MODEL", str(tmp_path_factory.mktemp("no-model")))


def shared_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test when it is not there (a user's clone)."""
    path = SHARED_DATA / relative
    if not path.is_file():
        pytest.skip(f"../shared/data/{relative} is not available")
    return path


def build_tiny_model(folder: Path) -> Path:
    """A tiny random-weight T5 with a sentencepiece tokenizer trained on the spot.

    It exercises the real loading and generation path without any download;
    its outputs are noise, which is what the guard must catch.
    """
    import sentencepiece as spm
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    sentences = SAMPLE_MT.read_text("utf-8").split(". ") * 3
    prefix = folder / "spiece"
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_prefix=str(prefix),
        vocab_size=200,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        minloglevel=2,
    )
    tokenizer = T5Tokenizer(vocab_file=str(prefix) + ".model", extra_ids=0)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=16,
        d_ff=32,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        d_kv=8,
        decoder_start_token_id=0,
        pad_token_id=0,
        eos_token_id=1,
    )
    model_dir = folder / "model"
    T5ForConditionalGeneration(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return model_dir


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))
