"""Reading input safely and writing output atomically.

Reading keeps the text exactly as it is: no newline translation, a UTF-8
byte-order mark remembered so it can be written back, and clear errors for
what cannot be text (missing, directories, binary, undecodable, empty).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

_BOM = "\ufeff"
STDIN = "-"


@dataclass(frozen=True)
class Decoded:
    """Text read from a file, with what is needed to write it back the same way."""

    text: str
    encoding: str
    bom: bool = False
    path: str = STDIN


def decode(data: bytes, path: str = STDIN, encoding: str | None = None) -> Decoded:
    """Decode ``data`` as text or raise :class:`InputError` naming ``path``.

    Without ``encoding``, UTF-8 (with or without BOM) is expected.
    """
    if not data:
        raise InputError(path, "file is empty")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "looks like a binary file (contains NUL bytes)")
    name = encoding or "utf-8"
    try:
        text = data.decode(name)
    except LookupError:
        raise InputError(path, f"unknown encoding {name!r}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"cannot decode as {name} at byte {exc.start} (pass --encoding to choose another)",
        ) from None
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    if not text.strip():
        raise InputError(path, "file contains only whitespace")
    return Decoded(text=text, encoding=name, bom=bom, path=path)


def read_text(path: str | Path, encoding: str | None = None) -> Decoded:
    """Read a file (or standard input for ``-``) as text."""
    name = str(path)
    if name == STDIN:
        return decode(sys.stdin.buffer.read(), "<stdin>", encoding)
    p = Path(path)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory (give files, or use a folder command)")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    return decode(data, name, encoding)


def encode(text: str, decoded: Decoded | None = None) -> bytes:
    """Encode output like the input it came from (UTF-8 by default, BOM kept)."""
    if decoded is None:
        return text.encode("utf-8")
    prefix = _BOM if decoded.bom else ""
    return (prefix + text).encode(decoded.encoding)


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    The bytes go to a temporary file in the same folder, are flushed to disk,
    then renamed over the target.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
