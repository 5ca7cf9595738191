"""The glossary stage: known mistranslations and the terms that replace them."""

from .entries import Entry, Glossary
from .formats import dump_glossary, load_glossary, load_protected, parse_glossary
from .matcher import Match, Matcher
from .packs import DEFAULT_PACKS, available_packs, load_pack

__all__ = [
    "DEFAULT_PACKS",
    "Entry",
    "Glossary",
    "Match",
    "Matcher",
    "available_packs",
    "dump_glossary",
    "load_glossary",
    "load_pack",
    "load_protected",
    "parse_glossary",
]
