"""One module per command; importing them registers the commands on the app."""

from . import batch, fix, glossary, score, segment
from . import model as model_  # noqa: F401  (registers `mtfix model`)
from . import train as train_  # noqa: F401  (registers `mtfix train`)
from . import eval as eval_  # noqa: F401  (registers `mtfix eval`)
from . import report as report_  # noqa: F401  (registers `mtfix report`)

__all__ = ["batch", "fix", "glossary", "score", "segment"]
