"""The rewrite stage: seq2seq backends behind a small protocol, and the guard."""

from .base import RewriteBackend, available_backends, create_backend, register_backend
from .guard import GuardConfig, Verdict, judge

__all__ = [
    "GuardConfig",
    "RewriteBackend",
    "Verdict",
    "available_backends",
    "create_backend",
    "judge",
    "register_backend",
]
