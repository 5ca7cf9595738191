"""`mtfix glossary ...`: inspect glossaries and the built-in packs."""

from __future__ import annotations

import typer

from ..cli import _fail, glossary_app
from ..errors import MtfixError


@glossary_app.command("list")
def glossary_list() -> None:
    """List the built-in glossary packs and their sizes."""
    from ..glossary import DEFAULT_PACKS, available_packs, load_pack

    try:
        for name in available_packs():
            pack = load_pack(name)
            variants = sum(len(e.variants) for e in pack.entries)
            default = "  (default)" if name in DEFAULT_PACKS else ""
            typer.echo(f"{name:<20} {len(pack):>5} entries {variants:>6} variants{default}")
    except MtfixError as error:
        _fail(error)
