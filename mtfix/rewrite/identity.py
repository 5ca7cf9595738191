"""The identity backend: returns every sentence unchanged (also the test fake)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class IdentityBackend:
    name = "identity"

    def __init__(self, model_dir: str | Path | None = None, **options: object) -> None:
        del model_dir, options  # accepted for a uniform factory signature

    def rewrite(self, sentences: Sequence[str]) -> list[str]:
        return list(sentences)
