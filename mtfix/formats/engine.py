"""Repair the units of one file in a single pipeline run, then write back only what changed.

All targets of a file are joined into one document (a blank line between
units) and repaired together: the glossary sees the whole file as context
(its gated entries look for words such as "WeChat" anywhere nearby), and
the model gets all sentences in batches. The edits, whose offsets point into
that document, are then handed back to the unit they fall in.

A model rewrite that loses or moves a placeholder or a line break is
dropped in favour of the glossary edits of that sentence; a unit whose
repair would still change its tags or line breaks is left as it was, with a
note saying so. Nothing can therefore break a tag.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..records import Edit
from .base import PLACEHOLDERS, Unit, UnitReport, apply, rewrite, structure

SEPARATOR = "\n\n"


def repair_units(
    units: Sequence[Unit], repairer: Any, document: str, *, mark_edited: bool = False
) -> tuple[str, list[UnitReport]]:
    """``document`` with every unit's target repaired, and a report per unit."""
    targets = [u.target for u in units]
    spans: list[tuple[int, int]] = []
    pos = 0
    for t in targets:
        spans.append((pos, pos + len(t)))
        pos += len(t) + len(SEPARATOR)
    joined = SEPARATOR.join(targets)
    usable = [bool(t.strip()) and _clean(u) for u, t in zip(units, targets)]
    edits: list[Edit] = []  # applied: disjoint
    shown: list[Edit] = []  # reported: also the glossary edits a model rewrite took in
    if any(usable):
        result = repairer.repair(joined)
        edits, shown = _final_edits(result.edits, joined)
    reports: list[UnitReport] = []
    replacements: list[tuple[int, int, str]] = []
    e = r = 0
    for unit, (a, b), ok in zip(units, spans, usable):
        mine, report = _take(edits, e, a, b), _take(shown, r, a, b)
        while e < len(edits) and edits[e].start < b:
            e += 1
        while r < len(shown) and shown[r].start < b:
            r += 1
        before = unit.target
        # An edit across a line break or tag ("micro\nletter" -> "WeChat") would lose it.
        kept = [x for x in mine if structure(before[x.start : x.end]) == structure(x.after)]
        note = ""
        if len(kept) < len(mine):
            dropped = {(x.start, x.end) for x in mine} - {(x.start, x.end) for x in kept}
            report = [x for x in report if (x.start, x.end) not in dropped]
            note = (
                f"{len(mine) - len(kept)} edit(s) left out: they would remove a line break or tag"
            )
            mine = kept
        if not ok or not mine:
            reports.append(UnitReport(unit.id, unit.line, before, before, (), unit.source, note))
            continue
        after = apply(before, [(x.start, x.end, x.after) for x in mine])
        try:
            changes = rewrite(unit, after, [(x.start, x.end, x.after) for x in mine])
        except ValueError as exc:
            note = f"left unchanged: the repair would break its structure ({exc})"
            reports.append(UnitReport(unit.id, unit.line, before, before, (), unit.source, note))
            continue
        replacements.extend(changes)
        if mark_edited and unit.mark is not None and after != before:
            replacements.extend(unit.mark(document))
        reports.append(
            UnitReport(unit.id, unit.line, before, after, tuple(report), unit.source, note)
        )
    return apply(document, _dedupe(replacements)), reports


def _take(edits: Sequence[Edit], first: int, a: int, b: int) -> list[Edit]:
    """The edits from index ``first`` on that lie within ``[a, b)``, with offsets made relative."""
    out = []
    for k in range(first, len(edits)):
        x = edits[k]
        if x.start >= b:
            break
        if x.start >= a and x.end <= b:
            out.append(replace(x, start=x.start - a, end=x.end - a))
    return out


def _clean(unit: Unit) -> bool:
    """A unit whose own text holds private-use characters cannot use them as placeholders."""
    return not any(PLACEHOLDERS.search(p.text) for p in unit.pieces if not p.protected)


def _final_edits(edits: Sequence[Edit], text: str) -> tuple[list[Edit], list[Edit]]:
    """The edits to apply, and those to report.

    To apply: one non-overlapping list, where a model edit wins over the glossary
    edits inside it, unless it changed the placeholders or line breaks of its
    sentence (then it is dropped and the glossary edits stay). To report: the
    same plus the glossary edits a kept model edit took in (as the pipeline does).
    """
    models = sorted(
        (
            m
            for m in edits
            if m.stage == "model" and structure(m.after) == structure(text[m.start : m.end])
        ),
        key=lambda m: m.start,
    )
    starts = [m.start for m in models]  # model edits are whole segments: disjoint

    def inside_model(x: Edit) -> bool:
        k = bisect.bisect_right(starts, x.start) - 1
        return k >= 0 and x.end <= models[k].end

    others = [x for x in edits if x.stage != "model"]
    applied = models + [x for x in others if not inside_model(x)]
    order = {"unicode": 0, "glossary": 1, "model": 2}
    shown = sorted(models + others, key=lambda x: (x.start, order[x.stage]))
    return sorted(applied, key=lambda x: (x.start, x.end)), shown


def _dedupe(replacements: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop exact repeats (two units of one element marking it twice)."""
    seen: dict[tuple[int, int], str] = {}
    for start, end, text in replacements:
        seen.setdefault((start, end), text)
    return [(s, e, t) for (s, e), t in seen.items()]
