"""Turn a RepairResult into what users read: text, JSON lines, a unified diff."""

from __future__ import annotations

import difflib
import json
from typing import Any

from .records import RepairResult, splice
from .segment import iter_lines


def render(result: RepairResult, fmt: str, name: str = "input") -> str:
    if fmt == "text":
        return result.text
    if fmt == "jsonl":
        return to_jsonl(result)
    if fmt == "diff":
        return to_diff(result, name)
    raise ValueError(f"unknown format {fmt!r}")


def to_jsonl(result: RepairResult) -> str:
    """One JSON object per non-blank segment: its span, label, text, output and edits."""
    decisions = {d.segment: d for d in result.decisions}
    lines = []
    edits = sorted(result.edits, key=lambda e: e.start)
    e = 0
    for index, seg in enumerate(result.segments):
        mine = []
        while e < len(edits) and edits[e].start < seg.end:
            if edits[e].start >= seg.start:
                mine.append(edits[e])
            e += 1
        if seg.label == "blank":
            continue
        model = [x for x in mine if x.stage == "model"]
        output = (
            model[-1].after
            if model
            else splice(seg.text, ((x.start, x.end, x.after) for x in mine), seg.start)
        )
        record: dict[str, Any] = {
            "segment": index,
            "start": seg.start,
            "end": seg.end,
            "label": seg.label,
            "text": seg.text,
            "output": output,
            "edits": [x.to_dict() for x in mine],
        }
        if index in decisions:
            d = decisions[index]
            record["decision"] = {
                "accepted": d.accepted,
                "reason": d.reason,
                "rewrite": d.rewrite,
                "kept": d.kept,
            }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")


def to_diff(result: RepairResult, name: str) -> str:
    """A unified diff of the input against the output."""
    return unified_diff(result.source, result.text, name)


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff that ``patch`` applies: lines end only at \\n, \\r\\n or \\r."""
    diff = difflib.unified_diff(
        list(iter_lines(old)), list(iter_lines(new)), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    out = []
    for line in diff:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
