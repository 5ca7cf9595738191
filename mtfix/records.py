"""Plain, frozen records that flow between the stages and out to users.

Offsets are Python string indices into the text the record talks about:
:class:`Segment` and :class:`Edit` offsets refer to the *input* text of
:func:`mtfix.repair`, so every change can be traced back to what the user gave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Label = Literal["content", "heading", "boilerplate", "metadata", "blank"]
Stage = Literal["unicode", "glossary", "model"]

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


def splice(text: str, replacements: Iterable[tuple[int, int, str]], offset: int = 0) -> str:
    """``text`` with non-overlapping ``(start, end, new)`` replacements made.

    Offsets are counted from ``offset`` (the position of ``text`` in its document).
    """
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(replacements):
        out.append(text[pos : start - offset])
        out.append(new)
        pos = end - offset
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Edit:
    """One change: ``before`` at ``input[start:end]`` became ``after``.

    Unicode and glossary edits never overlap. A model edit spans its whole
    segment (``before`` is the segment's input text); the earlier edits inside
    it stay in the list to explain what they changed, and the matching
    :class:`Decision` holds the text the model saw.
    """

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
    """What the model proposed."""
    kept: str = ""
    """What took the original's place: the rewrite, or the part of it the guard accepted
    (its unexplained edits left out); the original when rejected."""

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


@dataclass(frozen=True)
class PairedScore:
    """A system's corpus score set against a baseline's by sacrebleu's paired test.

    ``mean`` and ``ci`` are the bootstrap estimate of the true score and the
    half-width of its 95% confidence interval (``None`` when the test gives
    none); ``p_value`` is ``None`` for the baseline itself.
    """

    system: str
    metric: str
    score: float
    baseline: float
    p_value: float | None = None
    mean: float | None = None
    ci: float | None = None

    @property
    def delta(self) -> float:
        return self.score - self.baseline

    @property
    def significant(self) -> bool:
        """Whether the difference is unlikely to be chance (p < 0.05, sacrebleu's threshold)."""
        return self.p_value is not None and self.p_value < 0.05

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "delta": self.delta, "significant": self.significant}


@dataclass(frozen=True)
class TermReport:
    """How well an output gets a glossary's terms right.

    ``bad_variants``: known mistranslations still in the output. ``expected``:
    (segment, term) pairs whose source term occurs in the source text; ``found``:
    how many of those have the required English term in the output. ``edits``:
    term fixes that could be checked against a reference; ``confirmed``: how
    many of them the reference agrees with (it contains the new term).
    """

    bad_variants: int
    expected: int = 0
    found: int = 0
    edits: int = 0
    confirmed: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.confirmed / self.edits if self.edits else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accuracy": self.accuracy, "precision": self.precision}


@dataclass(frozen=True)
class StageReport:
    """One stage of ``mtfix eval``: its scores against doing nothing, and what it changed.

    Segments are compared by sentence chrF++ with the unrepaired MT:
    ``better`` + ``worse`` + ``tied`` segments were changed, ``unchanged`` not.
    """

    name: str
    available: bool
    note: str = ""
    """Why a stage did not run (e.g. "no model")."""
    scores: tuple[PairedScore, ...] = ()
    better: int = 0
    worse: int = 0
    tied: int = 0
    unchanged: int = 0
    kept_perfect: int = 0
    """Rows where the MT already equalled the reference and the stage left it so."""
    terms: TermReport | None = None
    seconds: float = 0.0

    def score(self, metric: str) -> PairedScore:
        for s in self.scores:
            if s.metric == metric:
                return s
        raise KeyError(metric)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["scores"] = [s.to_dict() for s in self.scores]
        out["terms"] = self.terms.to_dict() if self.terms else None
        return out


@dataclass(frozen=True)
class EvalReport:
    """The result of ``mtfix eval``: one :class:`StageReport` per stage, "none" first."""

    testset: str
    rows: int
    stages: tuple[StageReport, ...]
    signatures: dict[str, str]
    """Metric name -> sacrebleu signature (with the test's sample count and seed)."""
    test: str = "bs"
    """``bs`` (paired bootstrap resampling) or ``ar`` (approximate randomization)."""
    perfect_rows: int = 0
    """Rows whose MT already equals the reference (the do-no-harm check)."""

    def stage(self, name: str) -> StageReport:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "testset": self.testset,
            "rows": self.rows,
            "test": self.test,
            "perfect_rows": self.perfect_rows,
            "signatures": dict(self.signatures),
            "stages": [s.to_dict() for s in self.stages],
        }
