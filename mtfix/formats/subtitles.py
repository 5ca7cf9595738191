"""SRT and WebVTT: the text of each cue is a unit; numbers, timings and settings are not.

A cue's lines stay lines (line breaks are part of the structure a repair must
keep); markup inside cue text (``<i>``, ``<b>``, ``<font ...>``, ``<v Name>``,
``<c.class>``, cue timestamps) and character references are protected spans.
A block without a valid timing line is an error naming its line.
"""

from __future__ import annotations

import re

from ..errors import InputError
from ..segment import iter_lines
from .base import Piece, Unit

_SRT_TIMING = re.compile(
    r"^\s*\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}"
)
_VTT_TIMING = re.compile(r"^\s*(?:\d+:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(?:\d+:)?\d{2}:\d{2}\.\d{3}")
_MARKUP = re.compile(r"<[^>\n]*>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|\{\\[^}\n]*\}")


def _blocks(text: str) -> list[list[tuple[int, int, int, str]]]:
    """Blocks of non-blank lines: (line number, start, end without line break, line text)."""
    blocks: list[list[tuple[int, int, int, str]]] = [[]]
    pos = 0
    for number, line in enumerate(iter_lines(text), 1):
        body = line.rstrip("\r\n")
        if body.strip():
            blocks[-1].append((number, pos, pos + len(body), body))
        elif blocks[-1]:
            blocks.append([])
        pos += len(line)
    return [b for b in blocks if b]


def cue_pieces(text: str, start: int, end: int) -> tuple[Piece, ...]:
    """Cue text ``text[start:end]`` (line breaks included) with markup protected."""
    pieces: list[Piece] = []
    pos = start
    for m in _MARKUP.finditer(text, start, end):
        if m.start() > pos:
            pieces.append(Piece(pos, m.start(), text[pos : m.start()]))
        pieces.append(Piece(m.start(), m.end(), m.group(), True))
        pos = m.end()
    if pos < end:
        pieces.append(Piece(pos, end, text[pos:end]))
    return tuple(pieces)


def srt_units(text: str, path: str) -> tuple[list[Unit], list[str]]:
    units: list[Unit] = []
    for block in _blocks(text.lstrip("\ufeff")):
        number, _, _, first = block[0]
        timing = 0
        if not _SRT_TIMING.match(first):
            if len(block) < 2 or not _SRT_TIMING.match(block[1][3]):
                raise InputError(
                    f"{path}:{number}",
                    "broken subtitle: no timing line (expected 00:00:01,000 --> 00:00:02,000)",
                )
            timing = 1
        cue_id = first.strip() if timing else str(len(units) + 1)
        lines = block[timing + 1 :]
        if not lines:
            continue  # a cue without text: nothing to repair
        units.append(Unit(cue_id, cue_pieces(text, lines[0][1], lines[-1][2]), None, lines[0][0]))
    return units, []


def vtt_units(text: str, path: str) -> tuple[list[Unit], list[str]]:
    blocks = _blocks(text)
    if not blocks or not blocks[0][0][3].lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(f"{path}:1", "broken WebVTT: the file must start with WEBVTT")
    units: list[Unit] = []
    for block in blocks[1:]:
        number, _, _, first = block[0]
        if first.startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = 0 if _VTT_TIMING.match(first) else 1
        if timing and (len(block) < 2 or not _VTT_TIMING.match(block[1][3])):
            raise InputError(
                f"{path}:{number}",
                "broken WebVTT cue: no timing line (expected 00:00:01.000 --> 00:00:02.000)",
            )
        cue_id = first.strip() if timing else str(len(units) + 1)
        lines = block[timing + 1 :]
        if lines:
            units.append(
                Unit(cue_id, cue_pieces(text, lines[0][1], lines[-1][2]), None, lines[0][0])
            )
    return units, []
