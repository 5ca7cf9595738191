"""mtfix: repair badly machine-translated English, and prove it with numbers.

>>> import mtfix
>>> result = mtfix.repair("Share it in your circle of friends.", use_model=False)
>>> result.text
'Share it in your Moments.'
"""

from .config import RepairConfig
from .errors import (
    GlossaryError,
    InputError,
    ModelLoadError,
    MtfixError,
    UnknownBackendError,
    UsageError,
)
from .evaluate import evaluate
from .glossary import Glossary, load_glossary, load_pack
from .pipeline import Repairer, repair
from .records import Decision, Edit, MetricScore, RepairResult, ScoreReport, Segment
from .scoring import score
from .segment import segment

__version__ = "0.1.0"

__all__ = [
    "Decision",
    "Edit",
    "Glossary",
    "GlossaryError",
    "InputError",
    "MetricScore",
    "ModelLoadError",
    "MtfixError",
    "RepairConfig",
    "RepairResult",
    "Repairer",
    "ScoreReport",
    "Segment",
    "UnknownBackendError",
    "UsageError",
    "__version__",
    "evaluate",
    "load_glossary",
    "load_pack",
    "repair",
    "score",
    "segment",
]
