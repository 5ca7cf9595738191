"""Pattern entries: regular expressions that can never make matching hang.

A glossary cell is a pattern only when explicitly marked (a ``re:`` prefix on
the variants cell, or ``regex`` in a ``pattern`` column); everything else is
literal text. Patterns are compiled with RE2 (``google-re2``), whose matching
time is linear in the length of the text whatever the pattern, so no entry can
cause catastrophic backtracking. RE2 rejects the constructs that would need
backtracking (back-references, look-around); such patterns are reported as
invalid with the glossary's ``file:line``.
"""

from __future__ import annotations

from typing import Any

from ..errors import GlossaryError

MAX_PATTERN_LENGTH = 1000
#: RE2 program memory limit per pattern (bytes); bounds the size of what a pattern expands to.
MAX_PATTERN_MEMORY = 8 << 20


def _re2() -> Any:
    try:
        import re2
    except ImportError:  # pragma: no cover - google-re2 is a dependency
        return None
    return re2


def compile_pattern(pattern: str, *, exact_case: bool, where: tuple[str, int | None]) -> Any:
    """Compile ``pattern`` with RE2; raise :class:`GlossaryError` at ``where`` if it is unusable.

    The result has ``finditer(text)`` yielding match objects with character
    offsets (``span()``). Case is ignored unless ``exact_case``.
    """
    name, line = where
    if not pattern.strip():
        raise GlossaryError(name, line, "empty pattern")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise GlossaryError(name, line, f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    re2 = _re2()
    if re2 is None:  # pragma: no cover
        raise GlossaryError(name, line, "pattern entries need the google-re2 package")
    options = re2.Options()
    options.max_mem = MAX_PATTERN_MEMORY
    options.case_sensitive = exact_case
    options.log_errors = False
    try:
        compiled = re2.compile(pattern, options)
    except Exception as exc:  # re2.error, or a pattern too big for max_mem
        raw = exc.args[0] if exc.args else type(exc).__name__
        detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        detail = detail.strip().splitlines()[0] if detail.strip() else type(exc).__name__
        raise GlossaryError(name, line, f"invalid pattern {pattern!r}: {detail}") from None
    if compiled.fullmatch("") is not None:
        raise GlossaryError(name, line, f"pattern {pattern!r} matches the empty string")
    return compiled


def check_pattern(pattern: str, *, exact_case: bool = False) -> str | None:
    """The reason ``pattern`` is unusable, or ``None`` when it compiles (for the linter)."""
    try:
        compile_pattern(pattern, exact_case=exact_case, where=("", None))
    except GlossaryError as error:
        return str(error).split(": ", 1)[1]
    return None
