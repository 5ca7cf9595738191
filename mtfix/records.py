"""Plain, frozen records that flow between the stages and out to users.

Offsets are Python string indices into the text the record talks about:
:class:`Segment` and :class:`Edit` offsets refer to the *input* text of
:func:`mtfix.repair`, so every change can be traced back to what the user gave.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Label = Literal["content", "heading", "boilerplate", "metadata", "blank"]
Stage = Literal["glossary", "model"]

#: Labels whose text is repaired by default; the rest is left byte for byte.
REPAIRABLE: frozenset[str] = frozenset({"content", "heading"})


@dataclass(frozen=True)
class Segment:
    """A piece of the document: ``text == document[start:end]``.

    Segments tile the document: consecutive, no gaps, no overlaps, so joining
    their texts gives the document back exactly. Whitespace between sentences
    and paragraphs is a ``blank`` segment of its own.
    """

    start: int
    end: int
    text: str
    label: Label
    paragraph: int
    """Index of the paragraph (block of lines between blank lines) it belongs to."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Edit:
    """One change: ``before`` at ``input[start:end]`` became ``after``."""

    start: int
    end: int
    before: str
    after: str
    stage: Stage
    rule: str
    """What made the change: ``pack:zh-en-internet:12``, ``my.tsv:4``, ``model:transformers``."""
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    """What the rewrite guard decided for one sentence, and why."""

    segment: int
    """Index of the segment in :attr:`RepairResult.segments`."""
    accepted: bool
    reason: str
    original: str
    rewrite: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RepairResult:
    """The repaired text and everything needed to explain it."""

    source: str
    text: str
    segments: tuple[Segment, ...]
    edits: tuple[Edit, ...]
    decisions: tuple[Decision, ...] = ()
    notes: tuple[str, ...] = ()
    """Things the user should know (e.g. "no model: glossary only")."""
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.text != self.source

    def edits_in(self, segment: Segment) -> list[Edit]:
        """The edits that fall inside ``segment``."""
        return [e for e in self.edits if segment.start <= e.start and e.end <= segment.end]


@dataclass(frozen=True)
class MetricScore:
    """One corpus-level score with the signature that makes it reproducible."""

    name: str
    score: float
    signature: str


@dataclass(frozen=True)
class ScoreReport:
    """Corpus scores of a hypothesis file against one or more references."""

    scores: tuple[MetricScore, ...]
    segments: int

    def __getitem__(self, name: str) -> MetricScore:
        for s in self.scores:
            if s.name == name:
                return s
        raise KeyError(name)
