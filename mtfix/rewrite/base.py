"""The rewrite backend protocol and the registry that names backends.

A backend turns a batch of sentences into a batch of rewrites, one for one.
Backends are found by name: the built-in ones, those registered with
:func:`register_backend`, and those other packages declare under the
``mtfix.backends`` entry-point group (each a callable taking the model
directory and keyword options).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import UnknownBackendError

#: The longest input, in tokens, the model backends feed the model: longer sentences are
#: split at clause boundaries first (never truncated).
MAX_INPUT_TOKENS = 128


@runtime_checkable
class RewriteBackend(Protocol):
    """Anything that rewrites sentences, one output per input, in order."""

    name: str

    def rewrite(self, sentences: Sequence[str]) -> list[str]: ...


BackendFactory = Callable[..., RewriteBackend]

# Built-in backends by module path, so importing the registry imports no model code.
_BUILTIN: dict[str, str] = {
    "auto": "mtfix.rewrite.auto:auto_backend",
    "identity": "mtfix.rewrite.identity:IdentityBackend",
    "transformers": "mtfix.rewrite.transformers_backend:TransformersBackend",
    "ctranslate2": "mtfix.rewrite.ctranslate2_backend:CTranslate2Backend",
}
_REGISTERED: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``factory(model_dir, **options)`` available as backend ``name``."""
    _REGISTERED[name] = factory


def available_backends() -> list[str]:
    names = set(_BUILTIN) | set(_REGISTERED)
    names |= {ep.name for ep in entry_points(group="mtfix.backends")}
    return sorted(names)


def create_backend(
    name: str, model_dir: str | Path | None = None, **options: object
) -> RewriteBackend:
    """Instantiate backend ``name`` for ``model_dir``."""
    return backend_factory(name)(model_dir, **options)


def backend_factory(name: str) -> BackendFactory:
    """The factory registered as ``name``; :class:`UnknownBackendError` if there is none."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name in _BUILTIN:
        module, _, attr = _BUILTIN[name].partition(":")
        factory: BackendFactory = getattr(import_module(module), attr)
        return factory
    for ep in entry_points(group="mtfix.backends", name=name):
        loaded: BackendFactory = ep.load()
        return loaded
    known = ", ".join(available_backends())
    raise UnknownBackendError(f"unknown rewrite backend {name!r} (known: {known})")
