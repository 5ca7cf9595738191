"""Reading input safely and writing output atomically.

Reading keeps the text exactly as it is: no newline translation (LF, CRLF and a
missing final newline all survive), a byte-order mark remembered, and clear
errors for what cannot be text (missing, directories, binary, undecodable,
empty).

How bytes become text (:func:`decode`):

1. ``encoding`` given by the user: that codec, strictly; no guessing.
2. A byte-order mark: UTF-8, UTF-16 or UTF-32 as it says.
3. Valid UTF-8: UTF-8 (pure ASCII is UTF-8 too).
4. Otherwise detection with charset-normalizer, limited to the encodings real
   Chinese→English MT input arrives in (:data:`CANDIDATES`), then checked for
   plausibility here (no stray control characters; Latin-1 letters inside
   words, not in clumps; Chinese text mostly made of common characters).
   A file whose lines are partly UTF-8 and partly another encoding is decoded
   line by line ("mixed encodings"). When nothing is plausible the error says
   at which byte UTF-8 failed and asks for ``--encoding``.

What was decided is recorded in :class:`Decoded` (``encoding``, ``detected``,
``note``) so the CLI can tell the user.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import secrets
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, MtfixError, UsageError

_BOM = "\ufeff"
STDIN = "-"

#: Encodings detection may choose (charset-normalizer names). Others need ``--encoding``.
CANDIDATES = ("utf_8", "gb18030", "big5", "cp1252", "latin_1")

# Signatures of common binary formats, so the error can say what the file is.
_MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or .docx/.xlsx)"),
    (b"\x1f\x8b", "gzip archive: decompress it first"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0", "MS Office document (.doc/.xls)"),
    (b"SQLite format 3", "SQLite database"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 1 << 20  # detection looks at this much of a large file
# Control characters that do not occur in text (tab, newlines, form feed, ESC do).
_STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_LATIN_PUNCTUATION = frozenset("’‘“”„–—…•€£¥¢°©®™«»§¶·¿¡×÷±µ\xa0")


@dataclass(frozen=True)
class Decoded:
    """Text read from a file, with how it was decoded."""

    text: str
    encoding: str
    """The codec used (``utf-8``, ``gb18030``, ...); ``utf-8+gb18030`` for mixed files."""
    bom: bool = False
    """The input started with a byte-order mark (kept when writing UTF-8)."""
    path: str = STDIN
    detected: bool = False
    """The encoding was guessed (the input was not UTF-8 and no ``--encoding`` was given)."""
    note: str = ""
    """What the user should know about the decoding, or ``""``."""


def decode(data: bytes, path: str = STDIN, encoding: str | None = None) -> Decoded:
    """Decode ``data`` as text or raise :class:`InputError` naming ``path``.

    See the module docstring for the order of decisions. Empty or
    whitespace-only input and binary data are errors.
    """
    if not data:
        raise InputError(path, "file is empty")
    if encoding:
        return _finish(_decode_as(data, path, encoding), encoding, path, bom=False)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _finish(_decode_as(data, path, name), name, path, bom=True)
    _refuse_binary(data, path)
    try:
        return _finish(data.decode("utf-8"), "utf-8", path, bom=False)
    except UnicodeDecodeError as exc:
        failure = exc.start
    return _detect(data, path, failure)


def _decode_as(data: bytes, path: str, name: str) -> str:
    try:
        codecs.lookup(name)
    except LookupError:
        raise InputError(path, f"unknown encoding {name!r}") from None
    if b"\x00" in data and not _is_wide(name):
        raise InputError(path, "looks like a binary file (contains NUL bytes)")
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"cannot decode as {name} at byte {exc.start} (pass --encoding to choose another)",
        ) from None


def _is_wide(name: str) -> bool:
    return codecs.lookup(name).name.startswith(("utf-16", "utf-32"))


def _finish(
    text: str, name: str, path: str, *, bom: bool, detected: bool = False, note: str = ""
) -> Decoded:
    if text.startswith(_BOM):
        text, bom = text[1:], True
    if not text.strip():
        raise InputError(path, "file contains only whitespace")
    if "+" not in name:  # "utf-8+gb18030" names a mixed file, not a codec
        name = codecs.lookup(name).name
    if name == "utf-8-sig":
        name = "utf-8"
    return Decoded(text=text, encoding=name, bom=bom, path=path, detected=detected, note=note)


def _refuse_binary(data: bytes, path: str) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(path, f"looks like a binary file ({kind}), not text")
    if b"\x00" in data:
        raise InputError(
            path,
            "looks like a binary file (contains NUL bytes), not text "
            "(if it is UTF-16 without a byte-order mark, pass --encoding utf-16-le)",
        )


def _detect(data: bytes, path: str, failure: int) -> Decoded:
    """Decode non-UTF-8 ``data`` by detection, or explain why not."""
    fail = f"cannot decode as utf-8 at byte {failure}"
    mixed = _decode_mixed(data)
    if mixed is not None:
        text, other, lines = mixed
        note = f"mixed encodings: {lines} line(s) were not UTF-8 and were decoded as {other}"
        return _finish(text, f"utf-8+{other}", path, bom=False, detected=True, note=note)
    sample = _sample(data, failure)
    name = _guess(data, sample)
    if name is None:
        raise InputError(path, f"{fail}, and its encoding could not be detected (pass --encoding)")
    text = data.decode(name)
    problem = implausible(sample.decode(name, errors="ignore"), name)
    if problem:
        raise InputError(path, f"{fail}; as {name} it {problem}: not confident (pass --encoding)")
    note = f"not UTF-8: decoded as {name} (detected; pass --encoding to override)"
    return _finish(text, name, path, bom=False, detected=True, note=note)


def _sample(data: bytes, failure: int) -> bytes:
    """At most :data:`_SAMPLE` bytes of ``data`` to detect on, starting near ``failure``.

    The start moves back to a byte below 0x40 (space, digit, punctuation):
    no legacy double-byte encoding uses those as a second byte, so the sample
    starts on a character boundary; the evidence (non-UTF-8 bytes) is inside.
    """
    if len(data) <= _SAMPLE:
        return data
    start = max(0, failure - 64)
    floor = max(0, start - 1024)
    while start > floor and data[start] >= 0x40:
        start -= 1
    return data[start : start + _SAMPLE]


def _guess(data: bytes, sample: bytes) -> str | None:
    """The candidate encoding that decodes ``sample`` best and all of ``data``, or ``None``."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(CANDIDATES)).best()
    if best is None:
        return None
    name = codecs.lookup(best.encoding).name
    if name == "ascii":
        return None
    if name in ("gb18030", "big5"):
        name = _chinese_choice(sample, name)
    try:
        data.decode(name)  # the sample fitted; the whole file must too
    except UnicodeDecodeError:
        return None
    return name


def _chinese_choice(data: bytes, guess: str) -> str:
    """GB18030 or Big5: the one whose characters are more often the frequent ones.

    Both decode most double-byte text; on short inputs the detector often picks
    the wrong one. The frequent characters sit in known ranges: GB2312 level 1
    (lead byte 0xB0-0xD7, trail 0xA1-0xFE) and Big5 level 1 (0xA440-0xC67E).
    """
    sample = data[: 1 << 16]
    scores = {}
    for name in ("gb18030", "big5"):
        try:
            text = sample.decode(name, errors="ignore")  # a cut at the end is harmless
        except UnicodeDecodeError:
            continue
        wide = frequent = 0
        for char in text:
            if char < "\x80":
                continue
            raw = char.encode(name)
            if len(raw) != 2:
                continue
            wide += 1
            code = raw[0] << 8 | raw[1]
            if name == "gb18030":
                frequent += 0xB0 <= raw[0] <= 0xD7 and raw[1] >= 0xA1
            else:
                frequent += 0xA440 <= code <= 0xC67E
        scores[name] = frequent / wide if wide else 0.0
    if not scores:
        return guess
    return max(scores, key=lambda n: (scores[n], n == guess))


def implausible(text: str, name: str) -> str:
    """Why ``text`` (decoded as ``name``) does not look like real text, or ``""``."""
    stray = _STRAY_CONTROLS.search(text)
    if stray:
        return f"contains control character U+{ord(stray.group()):04X}"
    if name in ("cp1252", "latin-1", "iso8859-1"):
        odd = clumps = 0
        total = 0
        for word in text.split():
            letters = [c for c in word if c >= "\x80" and c.isalpha()]
            others = [c for c in word if c >= "\x80" and not c.isalpha()]
            total += len(letters) + len(others)
            odd += sum(1 for c in others if c not in _LATIN_PUNCTUATION)
            if letters and not any(c.isascii() and c.isalpha() for c in word) and len(word) > 1:
                clumps += 1  # "ÿþ": accented letters with no plain letter beside them
        if total and (odd + clumps) * 10 > total:
            return "has non-ASCII characters in unlikely places"
    if name in ("gb18030", "big5"):
        cjk = sum(1 for c in text if "\u3400" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f")
        other = sum(1 for c in text if c >= "\x80") - cjk
        if cjk == 0 or other > cjk:
            return "has few Chinese characters among its non-ASCII ones"
        if any(unicodedata.category(c) in ("Co", "Cn") for c in text if c >= "\ue000"):
            return "contains unassigned or private-use characters"
    return ""


def _decode_mixed(data: bytes) -> tuple[str, str, int] | None:
    """Decode a file whose lines are partly UTF-8 and partly one other encoding.

    Only when some lines hold real (non-ASCII) UTF-8, so plain legacy files go
    through whole-file detection. Returns ``(text, other encoding, lines)``.
    """
    lines = data.splitlines(keepends=True)
    utf8_chars = 0  # non-ASCII characters on lines that are valid UTF-8
    bad: list[int] = []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            utf8_chars += sum(1 for c in line.decode("utf-8") if c >= "\x80")
        except UnicodeDecodeError:
            bad.append(i)
    # A few legacy bytes can happen to form valid UTF-8: ask for more than that.
    if utf8_chars < 4 or not bad:
        return None
    rest = b"".join(lines[i] for i in bad)
    sample = rest[:_SAMPLE]
    name = _guess(rest, sample)
    if name is None or implausible(sample.decode(name, errors="ignore"), name):
        return None
    bad_set = set(bad)
    text = "".join(
        line.decode(name) if i in bad_set else line.decode("utf-8") for i, line in enumerate(lines)
    )
    return text, name, len(bad)


@dataclass(frozen=True)
class MojibakeFix:
    """What :func:`fix_mojibake` changed in one text."""

    text: str
    """The repaired text."""
    spans: tuple[tuple[int, int, str], ...]
    """``(start, end, after)``: ``original[start:end]`` became ``after``; sorted, disjoint."""
    rule: str
    """``ftfy:<fixer>`` (``ftfy:fix_encoding``, ``ftfy:fix_c1_controls``, joined by ``+``)."""
    reason: str
    """ftfy's own explanation, e.g. ``encode sloppy-windows-1252, decode utf-8``."""


_TOKENS = re.compile(r"\s+|\S+")
_DIFF_LIMIT = 20_000  # longer texts get one span from the first to the last change


def fix_mojibake(text: str) -> MojibakeFix | None:
    """Repair mojibake in ``text`` with ftfy, or ``None`` when there is nothing to repair.

    Only the encoding fixes run (mis-decoded UTF-8, C1 controls, lost
    no-break spaces, surrogate pairs): no quote uncurling, width folding,
    Unicode normalisation or newline changes, so text that is not mojibake
    is never touched. Pure ASCII returns ``None`` at once.
    """
    if text.isascii():
        return None
    import ftfy

    result = ftfy.fix_and_explain(text, _ftfy_config())
    if result.text == text:
        return None
    steps = result.explanation or []
    names: list[str] = []
    for step, arg in steps:
        name = "fix_encoding" if step in ("encode", "decode", "transcode") else arg
        if step != "normalize" and name not in names:
            names.append(name)
    return MojibakeFix(
        text=result.text,
        spans=tuple(_changed_spans(text, result.text)),
        rule="ftfy:" + "+".join(names or ["fix_text"]),
        reason=", ".join(f"{step} {arg}" for step, arg in steps),
    )


@functools.lru_cache(maxsize=1)
def _ftfy_config():  # type: ignore[no-untyped-def]
    from ftfy import TextFixerConfig

    return TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def _changed_spans(old: str, new: str) -> list[tuple[int, int, str]]:
    """Small ``(start, end, after)`` replacements that turn ``old`` into ``new``.

    Words are aligned first (difflib on tokens), then each changed stretch is
    trimmed to the characters that differ, so "letterâ€™s" gives "â€™" -> "’".
    """
    if len(old) > _DIFF_LIMIT or len(new) > _DIFF_LIMIT:
        return [_trim(old, new, 0, len(old), 0, len(new))]
    import difflib

    a_tokens, b_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    a_pos = _offsets(a_tokens)
    b_pos = _offsets(b_tokens)
    spans = []
    # autojunk keeps it fast: frequent tokens (spaces, "the") do not anchor matches.
    matcher = difflib.SequenceMatcher(None, a_tokens, b_tokens)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a1, a2, b1, b2 = a_pos[i1], a_pos[i2], b_pos[j1], b_pos[j2]
        if a2 - a1 > 200 or b2 - b1 > 200:
            spans.append(_trim(old, new, a1, a2, b1, b2))
            continue
        # Inside a changed word, align characters: "â€œgoodâ€\x9d" -> two small spans.
        chars = difflib.SequenceMatcher(None, old[a1:a2], new[b1:b2], autojunk=False)
        for sub, k1, k2, l1, l2 in chars.get_opcodes():
            if sub != "equal":
                spans.append((a1 + k1, a1 + k2, new[b1 + l1 : b1 + l2]))
    return spans


def _offsets(tokens: list[str]) -> list[int]:
    out = [0]
    for t in tokens:
        out.append(out[-1] + len(t))
    return out


def _trim(old: str, new: str, a1: int, a2: int, b1: int, b2: int) -> tuple[int, int, str]:
    while a1 < a2 and b1 < b2 and old[a1] == new[b1]:
        a1, b1 = a1 + 1, b1 + 1
    while a2 > a1 and b2 > b1 and old[a2 - 1] == new[b2 - 1]:
        a2, b2 = a2 - 1, b2 - 1
    return a1, a2, new[b1:b2]


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


@dataclass(frozen=True)
class TextLines:
    """A text input read lazily, line by line (see :func:`read_lines`)."""

    path: str
    encoding: str
    bom: bool
    detected: bool
    note: str
    lines: Iterator[str]
    """The lines with their endings (``\\n``, ``\\r\\n``, ``\\r``), BOM removed."""


_CHUNK = 1 << 20
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def read_lines(path: str | Path, encoding: str | None = None) -> TextLines:
    """Like :func:`read_text`, but the text comes as a lazy iterator of lines.

    A regular file in UTF-8 (or a BOM's encoding, or ``encoding``) is checked
    in one streaming pass and then read again line by line, so memory does
    not grow with the file. Anything else (standard input, a file that needs
    detection) is read whole with :func:`read_text`. The same errors as
    :func:`read_text` are raised before the first line is returned.
    """
    name = str(path)
    p = Path(path)
    if name == STDIN or not p.is_file():
        return _whole(read_text(path, encoding))
    try:
        with p.open("rb") as handle:
            head = handle.read(_CHUNK)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if not head:
        raise InputError(name, "file is empty")
    codec, bom = encoding, False
    if codec is None:
        for mark, bom_codec in _BOMS:
            if head.startswith(mark):
                codec, bom = bom_codec, True
                break
    if codec is None:
        _refuse_binary(head, name)
    checked = _check_stream(p, codec or "utf-8", name, forced=codec is not None)
    if checked is None:  # not UTF-8: detection needs the whole text
        return _whole(read_text(path, encoding))
    canonical = codecs.lookup(codec or "utf-8").name
    if canonical == "utf-8-sig":
        canonical = "utf-8"
    return TextLines(
        name, canonical, bom or checked, False, "", _file_lines(p, codec or "utf-8-sig")
    )


def _check_stream(p: Path, codec: str, name: str, *, forced: bool) -> bool | None:
    """Decode the whole file once, keeping nothing; ``True`` if it starts with a BOM.

    ``None`` when it is not ``codec`` and detection may be tried; errors
    otherwise (forced codec that fails, binary, whitespace only).
    """
    try:
        codecs.lookup(codec)
    except LookupError:
        raise InputError(name, f"unknown encoding {codec!r}") from None
    decoder = codecs.getincrementaldecoder(codec)("strict")
    wide = _is_wide(codec)
    offset = 0
    text_seen = False
    bom = False
    with p.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            final = not chunk
            if not wide and b"\x00" in chunk:
                raise InputError(name, "looks like a binary file (contains NUL bytes), not text")
            try:
                part = decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                if not forced:
                    return None
                raise InputError(
                    name,
                    f"cannot decode as {codec} at byte {offset + exc.start} "
                    "(pass --encoding to choose another)",
                ) from None
            if offset == 0 and part.startswith(_BOM):
                bom, part = True, part[1:]
            text_seen = text_seen or (bool(part) and not part.isspace())
            offset += len(chunk)
            if final:
                break
    if not text_seen:
        raise InputError(name, "file contains only whitespace")
    return bom


def _file_lines(p: Path, codec: str) -> Iterator[str]:
    with p.open("r", encoding=codec, newline="") as handle:
        first = True
        for line in handle:
            if first and line.startswith(_BOM):
                line = line[1:]
            first = False
            if line:
                yield line


def _whole(decoded: Decoded) -> TextLines:
    lines = (m.group() for m in _LINE.finditer(decoded.text))
    return TextLines(
        decoded.path, decoded.encoding, decoded.bom, decoded.detected, decoded.note, lines
    )


def check_encoding(name: str) -> str:
    """``name`` if Python knows the codec, else a :class:`MtfixError` for the user."""
    try:
        codecs.lookup(name)
    except LookupError:
        raise UsageError(f"unknown output encoding {name!r}") from None
    return name


def encode(text: str, decoded: Decoded | None = None, encoding: str | None = None) -> bytes:
    """Encode output as ``encoding`` (UTF-8 by default).

    A UTF-8 byte-order mark on a UTF-8 input is written back when the output
    is UTF-8 too; UTF-16/32 output codecs write their own, and a UTF-16 input
    becomes plain UTF-8 unless asked otherwise. Characters the output
    encoding cannot represent are an error naming the first of them.
    """
    name = encoding or "utf-8"
    bom = (
        decoded is not None
        and decoded.bom
        and decoded.encoding == "utf-8"
        and codecs.lookup(name).name == "utf-8"
    )
    try:
        return ((_BOM if bom else "") + text).encode(name)
    except LookupError:
        raise UsageError(f"unknown output encoding {name!r}") from None
    except UnicodeEncodeError as exc:
        where = decoded.path if decoded is not None else "output"
        char = exc.object[exc.start]
        raise MtfixError(
            f"{where}: cannot write {char!r} (U+{ord(char):04X}) as {name} "
            "(choose another --output-encoding)"
        ) from None


def refuse_overwriting(output: str | Path, *inputs: str | Path, what: str = "output") -> None:
    """Raise a usage error when ``output`` is one of ``inputs`` (an input is never
    overwritten unless the user asks for it by name, as ``--in-place`` does)."""
    out = Path(output)
    for source in inputs:
        if str(source) != STDIN and out.exists() and Path(source).exists():
            if os.path.samefile(out, source):
                raise UsageError(f"{output}: the {what} would overwrite the input file")


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    The bytes go to a temporary file in the same folder (created with the
    usual permissions, or the target's when it exists), are flushed to disk,
    then renamed over the target. Failures are :class:`MtfixError` naming the path.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    tmp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise MtfixError(f"{target}: cannot write: {exc.strerror or exc}") from None
