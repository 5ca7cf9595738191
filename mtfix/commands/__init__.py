"""One module per command; importing them registers the commands on the app."""

from . import batch, eval, fix, glossary, model, report, score, segment, train

__all__ = ["batch", "eval", "fix", "glossary", "model", "report", "score", "segment", "train"]
