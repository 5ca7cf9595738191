"""repair(text) = segment -> glossary -> rewrite -> reassemble.

Text outside the edited spans is copied from the input unchanged, so
everything that no stage touched comes out byte for byte.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .config import RepairConfig, default_model_dir
from .glossary import Glossary, Matcher, load_glossary, load_pack
from .glossary.matcher import Match
from .records import Decision, Edit, RepairResult, Segment
from .rewrite import RewriteBackend, create_backend, judge
from .rewrite.guard import protected_spans
from .segment import segment

NO_MODEL_NOTE = "no model in models/default: repaired with the glossary only"


def build_glossary(config: RepairConfig) -> Glossary:
    """The packs and glossary files named in ``config``, in order."""
    glossary = Glossary((), "")
    for name in config.packs:
        glossary = glossary + load_pack(name)
    for path in config.glossaries:
        glossary = glossary + load_glossary(path)
    return glossary


def load_backend(config: RepairConfig) -> tuple[RewriteBackend | None, str | None]:
    """The configured backend, or ``(None, note)`` when no model is configured."""
    if not config.use_model:
        return None, None
    if config.backend == "identity":
        return create_backend("identity"), None
    model = config.model or default_model_dir()
    if model is None:
        return None, NO_MODEL_NOTE
    backend = create_backend(
        config.backend,
        model,
        batch_size=config.batch_size,
        num_beams=config.num_beams,
        trust_pickle=config.trust_pickle,
    )
    return backend, None


class Repairer:
    """Holds a loaded glossary and model; repairs any number of texts with them."""

    def __init__(
        self,
        config: RepairConfig | None = None,
        *,
        glossary: Glossary | None = None,
        backend: RewriteBackend | None = None,
    ) -> None:
        self.config = config or RepairConfig()
        if glossary is None and self.config.use_glossary:
            glossary = build_glossary(self.config)
        self.glossary = glossary or Glossary(())
        self.matcher = Matcher(self.glossary)
        self.notes: tuple[str, ...] = ()
        if backend is None:
            backend, note = load_backend(self.config)
            self.notes = (note,) if note else ()
        self.backend = backend

    def repair(self, text: str) -> RepairResult:
        segments = segment(text)
        targets = [i for i, s in enumerate(segments) if s.label in self.config.labels]
        edits: list[Edit] = []
        current: dict[int, str] = {}  # segment index -> its text after the stages so far
        protected: dict[int, list[str]] = {}
        for i, matches in _by_segment(self.matcher.find(text), segments, targets).items():
            seg = segments[i]
            edits.extend(_glossary_edit(m) for m in matches)
            current[i] = _apply(seg, matches)
            protected[i] = [m.replacement for m in matches]
        decisions = self._rewrite(segments, targets, current, protected, edits)
        output = "".join(current.get(i, s.text) for i, s in enumerate(segments))
        stats: dict[str, Any] = {
            "segments": sum(1 for s in segments if s.label != "blank"),
            "repairable": len(targets),
            "glossary_edits": sum(1 for e in edits if e.stage == "glossary"),
            "model_edits": sum(1 for e in edits if e.stage == "model"),
            "model_rejected": sum(1 for d in decisions if not d.accepted),
        }
        return RepairResult(
            source=text,
            text=output,
            segments=tuple(segments),
            edits=tuple(sorted(edits, key=lambda e: (e.start, e.stage != "glossary"))),
            decisions=tuple(decisions),
            notes=self.notes,
            stats=stats,
        )

    def _rewrite(
        self,
        segments: Sequence[Segment],
        targets: Sequence[int],
        current: dict[int, str],
        protected: dict[int, list[str]],
        edits: list[Edit],
    ) -> list[Decision]:
        if self.backend is None:
            return []
        decisions: list[Decision] = []
        todo: list[int] = []
        for i in targets:
            text = current.get(i, segments[i].text)
            if "\n" in text or "\r" in text:
                decisions.append(Decision(i, False, "spans a line break: left as is", text, text))
            else:
                todo.append(i)
        inputs = [current.get(i, segments[i].text) for i in todo]
        outputs = self.backend.rewrite(inputs) if inputs else []
        for i, before, after in zip(todo, inputs, outputs):
            keep = protected.get(i, []) + protected_spans(before)
            verdict = judge(before, after, keep, self.config.guard)
            decisions.append(Decision(i, verdict.accepted, verdict.reason, before, after))
            if verdict.accepted:
                seg = segments[i]
                rule = f"model:{self.backend.name}"
                edits.append(Edit(seg.start, seg.end, before, after, "model", rule, verdict.reason))
                current[i] = after
        decisions.sort(key=lambda d: d.segment)
        return decisions


def _by_segment(
    matches: Sequence[Match], segments: Sequence[Segment], targets: Sequence[int]
) -> dict[int, list[Match]]:
    """Group matches by the target segment that wholly contains them; drop the rest."""
    grouped: dict[int, list[Match]] = {}
    t = 0
    for m in matches:  # both lists are sorted by offset: one merge-like walk
        while t < len(targets) and segments[targets[t]].end <= m.start:
            t += 1
        if t == len(targets):
            break
        seg = segments[targets[t]]
        if seg.start <= m.start and m.end <= seg.end:
            grouped.setdefault(targets[t], []).append(m)
    return grouped


def _glossary_edit(m: Match) -> Edit:
    note = f" ({m.entry.source})" if m.entry.source else ""
    return Edit(
        m.start,
        m.end,
        m.before,
        m.replacement,
        "glossary",
        m.entry.rule,
        f"known mistranslation{note}",
    )


def _apply(seg: Segment, matches: Sequence[Match]) -> str:
    parts: list[str] = []
    pos = seg.start
    for m in matches:
        parts.append(seg.text[pos - seg.start : m.start - seg.start])
        parts.append(m.replacement)
        pos = m.end
    parts.append(seg.text[pos - seg.start :])
    return "".join(parts)


@functools.lru_cache(maxsize=4)
def _cached_repairer(config: RepairConfig) -> Repairer:
    return Repairer(config)


def repair(text: str, config: RepairConfig | None = None, **overrides: Any) -> RepairResult:
    """Repair ``text`` with ``config`` (fields may be overridden by keyword).

    Glossaries and models are loaded once per distinct configuration and reused.
    """
    cfg = replace(config or RepairConfig(), **overrides)
    return _cached_repairer(cfg).repair(text)
