"""repair(text) = segment -> unicode -> glossary -> rewrite -> reassemble.

Text outside the edited spans is copied from the input unchanged, so
everything that no stage touched comes out byte for byte.

Stages and the segments they touch:

- ``unicode`` (``config.unicode_fix``): mojibake ("Ã©", "â€™", "å¾®ä¿¡") is
  repaired with ftfy in *every* non-blank segment, boilerplate and metadata
  included: it is a decoding error, not a translation one, and a navigation
  line with broken characters is as wrong as a sentence. Each change is an
  ``Edit(stage="unicode", rule="ftfy:<fixer>")`` with offsets into the input.
- ``glossary`` and ``model``: only segments whose label is in
  ``config.labels`` (content and headings by default), working on the text
  the unicode stage left.

Edits of the ``unicode`` and ``glossary`` stages never overlap and each has
``before == input[start:end]``, so applying them in order rebuilds the
output (before any model rewrite). When a glossary term covers repaired
mojibake, the two become one glossary edit whose ``before`` is the raw input.

With ``config.strip_boilerplate`` the output leaves out boilerplate and
metadata lines with the blank lines around them (a deliberately lossy
option); segments, edits and offsets still describe the whole input.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .config import RepairConfig, default_model_dir, guard_config
from .glossary import Glossary, Matcher, load_glossary, load_pack, load_protected
from .glossary.matcher import Match
from .records import Decision, Edit, RepairResult, Segment, splice
from .rewrite import RewriteBackend, create_backend
from .rewrite.base import backend_factory
from .rewrite.guard import decide
from .rewrite.transformers_backend import check_model_dir
from .segment import iter_lines, segment
from .textio import fix_mojibake

NO_MODEL_NOTE = "no model in models/default: repaired with the glossary only"


def build_glossary(config: RepairConfig) -> Glossary:
    """The packs and glossary files named in ``config``, in order."""
    glossary = Glossary((), "")
    for name in config.packs:
        glossary = glossary + load_pack(name)
    for path in config.glossaries:
        glossary = glossary + load_glossary(path)
    for path in config.protect:
        glossary = glossary + load_protected(path)
    return glossary


def load_backend(config: RepairConfig) -> tuple[RewriteBackend | None, str | None]:
    """The configured backend, or ``(None, note)`` when no model is configured."""
    if not config.use_model:
        return None, None
    if config.backend == "identity":
        return create_backend("identity"), None
    backend_factory(config.backend)  # an unknown name is an error even with no model around
    model = config.model or default_model_dir()
    if model is None:
        return None, NO_MODEL_NOTE
    backend = create_backend(
        config.backend,
        model,
        batch_size=config.batch_size,
        num_beams=config.num_beams,
        trust_pickle=config.trust_pickle,
        threads=config.threads or None,
    )
    return backend, None


def check_config(config: RepairConfig) -> None:
    """Raise the error :class:`Repairer` would raise for ``config``, without loading a model."""
    if config.use_glossary:
        build_glossary(config)
    if not config.use_model:
        return
    backend_factory(config.backend)  # an unknown name is an error even with no model around
    model = config.model or default_model_dir()
    if config.backend in ("auto", "transformers") and model is not None:
        check_model_dir(model, trust_pickle=config.trust_pickle)


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
        """Repair one text; see the module docstring for the stages."""
        return self.repair_many([text])[0]

    def repair_many(self, texts: Iterable[str]) -> list[RepairResult]:
        """Repair several texts, with one model call for the sentences of all of them.

        Same results as ``[repair(t) for t in texts]``; faster for many short texts
        (table rows, subtitles, a corpus batch), whose sentences then fill the
        model's batches. Give it a bounded number of texts at a time.
        """
        drafts = [self._prepare(text) for text in texts]
        self._rewrite(drafts)
        return [self._finish(draft) for draft in drafts]

    def _prepare(self, text: str) -> _Draft:
        """Segment ``text`` and run the unicode and glossary stages on it."""
        segments = segment(text)
        strip = _STRIPPED if self.config.strip_boilerplate else frozenset()
        targets = [
            i
            for i, s in enumerate(segments)
            if s.label in self.config.labels and s.label not in strip
        ]
        draft = _Draft(text, segments, targets, strip)
        current, protected, edits = draft.current, draft.protected, draft.edits
        fixed = self._unicode(segments, current) if self.config.unicode_fix else {}
        context = None
        if fixed:  # glossary context terms are looked up in the repaired document
            context = "".join(current.get(i, s.text) for i, s in enumerate(segments))
        clean = [i for i in targets if i not in fixed]
        # An empty glossary finds nothing: skip tokenising the whole text for it.
        found = self.matcher.find(text, context=context) if len(self.glossary) else []
        for i, matches in _by_segment(found, segments, clean).items():
            seg = segments[i]
            edits.extend(_glossary_edit(m) for m in matches)
            current[i] = _apply_at(seg.text, seg.start, matches)
            protected[i] = [m.replacement for m in matches]
        for i, unicode_edits in fixed.items():
            if i not in targets:
                edits.extend(unicode_edits)
                continue
            found_here = (
                self.matcher.find(current[i], context=context) if len(self.glossary) else []
            )
            merged, matches = _merge_fixed(segments[i], unicode_edits, current[i], found_here)
            edits.extend(merged)
            if matches:
                current[i] = _apply_at(current[i], 0, matches)
                protected[i] = [m.replacement for m in matches]
        return draft

    def _finish(self, draft: _Draft) -> RepairResult:
        """Reassemble the output of ``draft`` and describe what was done."""
        text, segments, edits, decisions = draft.text, draft.segments, draft.edits, draft.decisions
        outputs = [draft.current.get(i, s.text) for i, s in enumerate(segments)]
        if draft.strip:
            output, dropped = strip_lines(text, segments, outputs, draft.strip)
        else:
            output, dropped = "".join(outputs), 0
        decisions.sort(key=lambda d: d.segment)
        stats: dict[str, Any] = {
            "segments": sum(1 for s in segments if s.label != "blank"),
            "repairable": len(draft.targets),
            "unicode_edits": sum(1 for e in edits if e.stage == "unicode"),
            "glossary_edits": sum(1 for e in edits if e.stage == "glossary"),
            "model_edits": sum(1 for e in edits if e.stage == "model"),
            "model_rejected": sum(1 for d in decisions if not d.accepted),
            "stripped_segments": dropped,
        }
        return RepairResult(
            source=text,
            text=output,
            segments=tuple(segments),
            edits=tuple(sorted(edits, key=lambda e: (e.start, _STAGE_ORDER[e.stage]))),
            decisions=tuple(decisions),
            notes=self.notes,
            stats=stats,
        )

    def _unicode(
        self, segments: Sequence[Segment], current: dict[int, str]
    ) -> dict[int, list[Edit]]:
        """Repair mojibake in every non-blank segment; its edits by segment index."""
        fixed: dict[int, list[Edit]] = {}
        for i, seg in enumerate(segments):
            if seg.label == "blank":
                continue
            fix = fix_mojibake(seg.text)
            if fix is None:
                continue
            current[i] = fix.text
            fixed[i] = [
                Edit(
                    seg.start + a,
                    seg.start + b,
                    seg.text[a:b],
                    after,
                    "unicode",
                    fix.rule,
                    f"mojibake ({fix.reason})" if fix.reason else "mojibake",
                )
                for a, b, after in fix.spans
            ]
        return fixed

    def _rewrite(self, drafts: Sequence[_Draft]) -> None:
        """Run the model on the target sentences of all ``drafts`` at once, through the guard."""
        if self.backend is None:
            return
        todo: list[tuple[_Draft, int]] = []
        for draft in drafts:
            for i in draft.targets:
                text = draft.current.get(i, draft.segments[i].text)
                if "\n" in text or "\r" in text:
                    reason = "spans a line break: left as is"
                    draft.decisions.append(Decision(i, False, reason, text, text, text))
                else:
                    todo.append((draft, i))
        inputs = [draft.current.get(i, draft.segments[i].text) for draft, i in todo]
        outputs = self.backend.rewrite(inputs) if inputs else []
        # Numbers, URLs and names are added to what must be kept by decide().
        keep = [draft.protected.get(i, []) for draft, i in todo]
        verdicts = decide(self.backend, inputs, outputs, keep, guard_config(self.config))
        rule = f"model:{self.backend.name}"
        for (draft, i), before, proposal, verdict in zip(todo, inputs, outputs, verdicts):
            after = verdict.text if verdict.accepted else before
            draft.decisions.append(
                Decision(i, verdict.accepted, verdict.reason, before, proposal, after)
            )
            if verdict.accepted:
                seg = draft.segments[i]
                # ``before`` is the segment's input text, as for every edit; the text the
                # model saw (after the earlier stages) is in the Decision.
                draft.edits.append(
                    Edit(seg.start, seg.end, seg.text, after, "model", rule, verdict.reason)
                )
                draft.current[i] = after


@dataclass
class _Draft:
    """One text between the stages: what the glossary made of it, what the model decided."""

    text: str
    segments: list[Segment]
    targets: list[int]
    strip: frozenset[str]
    current: dict[int, str] = field(default_factory=dict)  # segment index -> its text now
    protected: dict[int, list[str]] = field(default_factory=dict)  # terms the model must keep
    edits: list[Edit] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


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


def _apply_at(text: str, offset: int, matches: Sequence[Match]) -> str:
    """``text`` (which starts at ``offset``) with each match replaced."""
    return splice(text, ((m.start, m.end, m.replacement) for m in matches), offset)


def _merge_fixed(
    seg: Segment, unicode_edits: Sequence[Edit], fixed: str, matches: Sequence[Match]
) -> tuple[list[Edit], list[Match]]:
    """Unicode edits of ``seg`` plus glossary matches found in its repaired text ``fixed``.

    Returns the edits and the matches kept (those to apply to ``fixed``).

    Match offsets are into ``fixed``; they are mapped back to the input. A
    match that touches a unicode edit absorbs it: the glossary edit then
    spans both, its ``before`` being the raw input, so edits stay disjoint.
    """
    # Where each unicode edit sits in the repaired text.
    spans: list[tuple[int, int, Edit]] = []
    shift = 0
    for u in unicode_edits:
        f_start = u.start - seg.start + shift
        spans.append((f_start, f_start + len(u.after), u))
        shift += len(u.after) - len(u.before)

    def to_input(pos: int, end: bool = False) -> int:  # never strictly inside a unicode span
        # A deletion (empty in ``fixed``) right at the end of a match stays outside it.
        delta = sum(
            len(u.after) - len(u.before)
            for f_start, f_end, u in spans
            if f_end <= pos and not (end and f_start == pos)
        )
        return seg.start + pos - delta

    absorbed: set[int] = set()
    out: list[Edit] = []
    kept: list[Match] = []
    last_end = -1
    for m in matches:
        a, b = m.start, m.end
        hit = [k for k, (fs, fe, _) in enumerate(spans) if fs < b and a < fe]
        if hit:
            a = min(a, spans[hit[0]][0])
            b = max(b, spans[hit[-1]][1])
        if a < last_end:
            continue  # two terms over one repaired character: keep the first
        absorbed.update(hit)
        kept.append(m)
        last_end = b
        start, end = to_input(a), to_input(b, end=True)
        after = fixed[a : m.start] + m.replacement + fixed[m.end : b]
        glossary = _glossary_edit(m)
        before = seg.text[start - seg.start : end - seg.start]
        out.append(replace(glossary, start=start, end=end, before=before, after=after))
    out.extend(u for k, (_, _, u) in enumerate(spans) if k not in absorbed)
    return out, kept


_STRIPPED = frozenset({"boilerplate", "metadata"})
_STAGE_ORDER = {"unicode": 0, "glossary": 1, "model": 2}
_LINE_BREAKS = ("\n", "\r")


def strip_lines(
    source: str, segments: Sequence[Segment], outputs: Sequence[str], labels: frozenset[str]
) -> tuple[str, int]:
    """The output without the lines labelled ``labels``, and how many segments went.

    Works line by line: a line whose segments are all dropped goes with its
    line break; when a whole paragraph goes, the blank lines that separated it
    go too (one separator is kept between the paragraphs left). Leading and
    trailing blank lines that the input did not have are not created, and a
    missing final newline stays missing.
    """
    units: list[tuple[str, str, int]] = []  # (text, kind: keep|drop|blank, blank-run id)
    parts: list[str] = []
    kind = "blank"
    run = 0
    dropped = 0

    def close() -> None:
        nonlocal parts, kind, run
        if parts:
            if kind == "blank" and (not units or units[-1][1] != "blank"):
                run += 1
            units.append(("".join(parts), kind, run))
        parts, kind = [], "blank"

    for seg, out in zip(segments, outputs):
        if seg.label != "blank":
            if seg.label in labels:
                dropped += 1
                kind = "drop" if kind != "keep" else kind
            else:
                kind = "keep"
            parts.append(out)
            continue
        for piece in iter_lines(seg.text):
            parts.append(piece)
            if piece.endswith(_LINE_BREAKS):
                close()
    close()
    if not dropped:
        return "".join(outputs), 0
    kept = [u for u in units if u[1] != "drop"]
    result: list[tuple[str, str, int]] = []
    for unit in kept:
        if unit[1] == "blank" and result and result[-1][1] == "blank" and result[-1][2] != unit[2]:
            continue  # a second separator, left behind by a dropped paragraph
        result.append(unit)
    if units and units[0][1] != "blank":
        while result and result[0][1] == "blank":
            result.pop(0)
    if units and units[-1][1] != "blank":
        while result and result[-1][1] == "blank":
            result.pop()
    text = "".join(u[0] for u in result)
    if not source.endswith(_LINE_BREAKS) and text.endswith(_LINE_BREAKS):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    return text, dropped


@functools.lru_cache(maxsize=4)
def _cached_repairer(config: RepairConfig) -> Repairer:
    return Repairer(config)


def repair(text: str, config: RepairConfig | None = None, **overrides: Any) -> RepairResult:
    """Repair ``text`` with ``config`` (fields may be overridden by keyword).

    Glossaries and models are loaded once per distinct configuration and reused.
    """
    cfg = replace(config or RepairConfig(), **overrides)
    return _cached_repairer(cfg).repair(text)
