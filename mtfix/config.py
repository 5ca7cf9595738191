"""One frozen configuration for a repair run, shared by the CLI and the API.

Override fields with :func:`dataclasses.replace`; every field has a default
that gives the tool's standard behaviour.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .glossary import DEFAULT_PACKS
from .records import REPAIRABLE
from .rewrite.guard import DEFAULT_AGGRESSIVENESS, GuardConfig

#: The default model ships here; ``MTFIX_MODEL`` points elsewhere.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"


@dataclass(frozen=True)
class RepairConfig:
    packs: tuple[str, ...] = DEFAULT_PACKS
    """Built-in glossary packs to apply (see ``mtfix glossary list``)."""
    glossaries: tuple[str, ...] = ()
    """The user's own glossary files, applied after the packs (they win ties)."""
    protect: tuple[str, ...] = ()
    """Do-not-touch lists (one term per line): no glossary entry rewrites these terms."""
    use_glossary: bool = True
    """Run the glossary stage at all."""
    model: str | None = None
    """Model directory; ``None`` means the shipped default, if there is one."""
    use_model: bool = True
    """Run the rewrite stage at all."""
    backend: str = "auto"
    """Rewrite backend name: ``auto`` (ctranslate2 when the model has a current
    conversion, else transformers), ``transformers``, ``ctranslate2``, ``identity`` or a
    registered one."""
    labels: frozenset[str] = REPAIRABLE
    """Segment labels to repair; boilerplate and metadata are left alone by default."""
    guard: GuardConfig = field(default_factory=GuardConfig)
    """Limits a model rewrite must respect to be accepted (set explicitly, it wins over
    ``aggressiveness``)."""
    aggressiveness: float = DEFAULT_AGGRESSIVENESS
    """How readily model rewrites are accepted: 0 never, 1 loosest, 0.25 the default.
    One knob for every guard threshold and the score margin (``--aggressiveness``)."""
    batch_size: int = 32
    """Sentences per model batch."""
    num_beams: int = 1
    """Beam width for generation. Greedy (1) fixes as many injected errors as a beam of 2
    with the shipped model, changes fewer clean sentences, and lets the transformers
    backend skip the search for sentences it would copy (model card)."""
    threads: int = 0
    """CPU threads for the model; 0 lets the backend decide (all cores). ``mtfix batch``
    gives each of its workers an equal share of the cores."""
    trust_pickle: bool = False
    """Allow pickled (non-safetensors) model weights, which can run code when loaded."""
    unicode_fix: bool = True
    """Repair mojibake ("Ã©", "â€™") with ftfy first, recorded as ``unicode`` edits."""
    strip_boilerplate: bool = False
    """Drop boilerplate and metadata lines (and the blank lines around them) from the output."""

    def __post_init__(self) -> None:
        # Accept lists and sets from callers (``repair(text, glossaries=[...])``) but keep the
        # config hashable: it is the key under which loaded glossaries and models are cached.
        for name in ("packs", "glossaries", "protect"):
            value = getattr(self, name)
            if isinstance(value, (str, Path)):
                value = (value,)
            object.__setattr__(self, name, tuple(str(v) for v in value))
        object.__setattr__(self, "labels", frozenset(self.labels))


def guard_config(config: RepairConfig) -> GuardConfig:
    """The guard thresholds: ``config.guard`` if set, else from ``config.aggressiveness``."""
    if config.guard != GuardConfig():
        return config.guard
    return GuardConfig.from_aggressiveness(config.aggressiveness)


def default_model_dir() -> Path | None:
    """The shipped default model directory, or ``None`` when there is none."""
    env = os.environ.get("MTFIX_MODEL")
    path = Path(env) if env else DEFAULT_MODEL_DIR
    return path if (path / "config.json").is_file() else None
