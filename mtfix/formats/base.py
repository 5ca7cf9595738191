"""The shape every format shares: units of target text mapped onto the file's characters.

A format module turns a decoded file into :class:`Unit` objects. A unit's
``target`` is the English text to repair, in which every protected span
(an inline tag, a line prefix, inline code, an entity) is replaced by one
private-use character (U+E000, U+E001, ... in order). The glossary never
matches them and they must come back in the same order. Its ``pieces`` say
where the target's text came from in the file, so that a repair rewrites only
the characters of the pieces that changed: everything else in the file is
copied as it was, and a file with nothing to repair is byte for byte the same.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..records import Edit, splice

PLACEHOLDER_BASE = 0xE000
PLACEHOLDER_LIMIT = 0xF8FF  # end of the Basic Multilingual Plane's private use area


PLACEHOLDERS = re.compile("[\ue000-\uf8ff]")
_STRUCTURE = re.compile("[\n\ue000-\uf8ff]")


def is_placeholder(char: str) -> bool:
    return PLACEHOLDER_BASE <= ord(char) <= PLACEHOLDER_LIMIT


def _raw(text: str) -> str:
    return text


@dataclass(frozen=True)
class Piece:
    """``document[start:end]`` holds ``text``; ``encode`` turns new text into file characters.

    A protected piece (``protected=True``) stands for one placeholder and is never rewritten.
    """

    start: int
    end: int
    text: str
    protected: bool = False
    encode: Callable[[str], str] = _raw


@dataclass(frozen=True)
class Unit:
    """One translatable target: its id, the source text (never modified) and its pieces."""

    id: str
    pieces: tuple[Piece, ...]
    source: str | None = None
    line: int = 1
    mark: Callable[[str], list[tuple[int, int, str]]] | None = None
    """For ``--mark-edited``: given the document, replacements that flag the unit as edited."""

    @cached_property
    def target(self) -> str:
        out, k = [], 0
        for p in self.pieces:
            if p.protected:
                out.append(chr(PLACEHOLDER_BASE + k))
                k += 1
            else:
                out.append(p.text)
        return "".join(out)

    @property
    def tags(self) -> tuple[str, ...]:
        """The protected spans' original text, in order (what must survive a repair)."""
        return tuple(p.text for p in self.pieces if p.protected)


@dataclass(frozen=True)
class UnitReport:
    """What happened to one unit: offsets of ``edits`` are into ``before`` (the target).

    In :meth:`to_dict` (the JSONL report) placeholders are shown as ``{1}``, ``{2}``
    and edit offsets point into that shown text.
    """

    id: str
    line: int
    before: str
    after: str
    edits: tuple[Edit, ...]
    source: str | None = None
    note: str = ""

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.id,
            "line": self.line,
            "source": _visible(self.source) if self.source is not None else None,
            "before": _visible(self.before),
            "after": _visible(self.after),
            "edits": [
                {
                    **e.to_dict(),
                    "start": _shown(self.before, e.start),
                    "end": _shown(self.before, e.end),
                    "before": _visible(e.before),
                    "after": _visible(e.after),
                }
                for e in self.edits
            ],
            **({"note": self.note} if self.note else {}),
        }


def _shown(text: str, pos: int) -> int:
    """Offset ``pos`` of ``text`` in its :func:`_visible` form."""
    return len(_visible(text[:pos]))


def _visible(text: str) -> str:
    """Placeholders shown as ``{1}``, ``{2}`` ... for people reading reports."""
    return "".join(f"{{{ord(c) - PLACEHOLDER_BASE + 1}}}" if is_placeholder(c) else c for c in text)


@dataclass
class FormatResult:
    """The output file and a report per unit. ``output is data`` when nothing changed."""

    output: bytes
    units: list[UnitReport]
    fmt: str
    notes: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    encoding: str = "utf-8"
    """The codec of the input, which the output keeps."""

    @property
    def changed(self) -> bool:
        return any(u.changed for u in self.units)


def line_of(text: str) -> Callable[[int], int]:
    """A function from an offset in ``text`` to its 1-based line number."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return lambda offset: bisect.bisect_right(starts, offset)


def structure(text: str) -> list[str]:
    """Placeholders and line breaks, in order: what a repair must leave as it was."""
    return _STRUCTURE.findall(text)


def apply(document: str, replacements: Sequence[tuple[int, int, str]]) -> str:
    """``document`` with non-overlapping ``(start, end, text)`` replacements made."""
    return splice(document, replacements)


def rewrite(
    unit: Unit, new_target: str, edits: Sequence[tuple[int, int, str]] = ()
) -> list[tuple[int, int, str]]:
    """The document replacements that turn ``unit.target`` into ``new_target``.

    The placeholders split both texts into the same runs of text pieces. In a
    run made of several pieces (PO string lines, text around an entity), each
    boundary between pieces is carried over to the new text, so line wrapping
    and the like stay where they were: through ``edits`` (sorted, disjoint
    ``(start, end, after)`` in target offsets; a boundary inside an edit goes
    after its replacement) when given, else through a character diff. Only
    pieces whose text changed are re-encoded.
    """
    if structure(new_target) != structure(unit.target):
        raise ValueError("tags or line breaks changed")
    runs: list[list[Piece]] = [[]]
    for p in unit.pieces:
        if p.protected:
            runs.append([])
        else:
            runs[-1].append(p)
    new_runs = _split_placeholders(new_target)
    out: list[tuple[int, int, str]] = []
    offset = 0  # where the current run starts in the target
    for pieces, new in zip(runs, new_runs):
        old = "".join(p.text for p in pieces)
        run_start, offset = offset, offset + len(old) + 1  # + its closing placeholder
        if old == new:
            continue
        if not pieces:  # text where there was none (between two tags): not supported
            raise ValueError("text inserted between adjacent tags")
        if edits and len(pieces) > 1:
            texts = _distribute_by_edits(pieces, new, edits, run_start)
        else:
            texts = _distribute(pieces, new)
        for piece, text in zip(pieces, texts):
            if text != piece.text:
                out.append((piece.start, piece.end, piece.encode(text)))
    return out


def _split_placeholders(text: str) -> list[str]:
    return PLACEHOLDERS.split(text)


def _distribute_by_edits(
    pieces: Sequence[Piece], new: str, edits: Sequence[tuple[int, int, str]], run_start: int
) -> list[str]:
    """Cut ``new`` (one run) at the old boundaries moved by ``edits`` (see :func:`rewrite`)."""

    def moved(pos: int) -> int:  # a target offset -> the repaired target's offset
        shift = 0
        for start, end, after in edits:
            if end <= pos:
                shift += len(after) - (end - start)
            elif start < pos:  # inside this edit: after its replacement
                return start + shift + len(after)
            else:
                break
        return pos + shift

    base = moved(run_start)
    cuts: list[int] = []
    pos = run_start
    for p in pieces[:-1]:
        pos += len(p.text)
        cut = min(max(moved(pos) - base, cuts[-1] if cuts else 0), len(new))
        cuts.append(cut)
    bounds = [0, *cuts, len(new)]
    return [new[a:b] for a, b in zip(bounds, bounds[1:])]


def _distribute(pieces: Sequence[Piece], new: str) -> list[str]:
    """Cut ``new`` where the old pieces' boundaries map to (see :func:`rewrite`)."""
    if len(pieces) == 1:
        return [new]
    old = "".join(p.text for p in pieces)
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def mapped(pos: int) -> int:
        for tag, i1, i2, j1, j2 in ops:
            if i1 <= pos < i2 or (pos == i2 and tag != "equal"):
                return j1 + (pos - i1) if tag == "equal" else j2
        return len(new)

    cuts: list[int] = []
    pos = 0
    for p in pieces[:-1]:
        pos += len(p.text)
        cuts.append(max(mapped(pos), cuts[-1] if cuts else 0))
    bounds = [0, *cuts, len(new)]
    return [new[a:b] for a, b in zip(bounds, bounds[1:])]
