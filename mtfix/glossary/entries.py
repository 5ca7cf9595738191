"""Glossary entries: known bad variants and the term that should replace them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """Replace any of ``variants`` with ``replacement``.

    Variants are literal text (unless ``pattern``), matched on whole words and
    case-insensitively unless ``exact_case``; a hyphen, a space or nothing
    between the words of a variant all match ("micro letter", "micro-letter",
    "microletter").
    """

    variants: tuple[str, ...]
    replacement: str
    rule: str
    """Where the entry comes from: ``path:line`` or ``pack:NAME:line``."""
    source: str = ""
    """The source-language term (e.g. 微信), when known."""
    note: str = ""
    context: tuple[str, ...] = ()
    """When set, the entry applies only in documents that mention one of these terms."""
    exact_case: bool = False
    pattern: bool = False
    """The single variant is a regular expression (RE2 syntax, linear time), not literal text.

    Only entries explicitly marked as patterns are ever treated as regex."""
    protect: bool = False
    """A do-not-touch term: its variants are never rewritten by any entry.

    ``replacement`` repeats the first variant; the matcher reports no match for it."""


@dataclass(frozen=True)
class Glossary:
    """An ordered collection of entries; later entries win ties with earlier ones."""

    entries: tuple[Entry, ...]
    name: str = ""

    def __len__(self) -> int:
        return len(self.entries)

    def __add__(self, other: Glossary) -> Glossary:
        name = "+".join(n for n in (self.name, other.name) if n)
        return Glossary(self.entries + other.entries, name)
