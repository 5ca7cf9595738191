"""One module per command; importing them registers the commands on the app."""

from . import fix, glossary, score, segment

__all__ = ["fix", "glossary", "score", "segment"]
