"""Built-in glossary packs, shipped as TSV files inside the package."""

from __future__ import annotations

from importlib import resources

from ..errors import GlossaryError
from .entries import Glossary
from .formats import parse_glossary

DEFAULT_PACKS: tuple[str, ...] = ("zh-en-internet",)


def available_packs() -> list[str]:
    """Names of the packs that ship with mtfix."""
    folder = resources.files(__package__).joinpath("packs")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".tsv"))


def load_pack(name: str) -> Glossary:
    """Load the built-in pack ``name``; rule ids read ``pack:NAME:LINE``."""
    if name not in available_packs():
        known = ", ".join(available_packs()) or "none"
        raise GlossaryError(f"pack:{name}", None, f"no such built-in pack (known: {known})")
    text = resources.files(__package__).joinpath("packs", f"{name}.tsv").read_text("utf-8")
    return parse_glossary(text, f"pack:{name}")
