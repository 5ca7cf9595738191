"""The default backend: CTranslate2 when the model has a current conversion, else transformers.

Both run the same model; CTranslate2 (int8) loads in a fraction of the time and
rewrites several times faster, so it is used whenever it can be: the
``ctranslate2`` package is installed and ``MODEL_DIR/ctranslate2`` was converted
from the weights the model directory holds now (``mtfix model convert``).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from ..errors import ModelLoadError
from .base import RewriteBackend


def auto_backend(model_dir: str | Path | None, **options: object) -> RewriteBackend:
    """The fastest backend that can run ``model_dir`` faithfully."""
    if model_dir is not None and find_spec("ctranslate2") is not None:
        from .ctranslate2_backend import CTranslate2Backend, current_conversion

        if current_conversion(model_dir) is not None:
            try:
                return CTranslate2Backend(model_dir, **options)  # type: ignore[arg-type]
            except ModelLoadError:  # e.g. converted by a newer ctranslate2: the weights still work
                pass
    from .transformers_backend import TransformersBackend

    return TransformersBackend(model_dir, **options)  # type: ignore[arg-type]
