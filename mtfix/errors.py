"""The errors mtfix raises. Each carries a message a user can act on.

The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``;
library callers catch :class:`MtfixError` to handle them all.
"""

from __future__ import annotations

from pathlib import Path


class MtfixError(Exception):
    """Base class for every error mtfix reports to users."""

    exit_code = 1


class InputError(MtfixError):
    """An input file is missing, unreadable, binary, undecodable or empty."""

    def __init__(self, path: str | Path | None, message: str) -> None:
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {message}" if self.path else message)


class GlossaryError(MtfixError):
    """A glossary file is malformed; names the file and, where known, the line."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class ModelLoadError(MtfixError):
    """A model directory is missing, incomplete, unsafe or not a seq2seq model."""


class UnknownBackendError(MtfixError):
    """A rewrite backend name that no registered backend answers to."""


class UsageError(MtfixError):
    """Options that do not fit together."""

    exit_code = 2
