"""The command line: flags become a RepairConfig, results become output.

Every user-facing failure is an MtfixError, printed as one line on stderr with
a non-zero exit code; nothing is written when anything fails.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from . import __version__
from .errors import MtfixError

app = typer.Typer(
    name="mtfix",
    help="Repair badly machine-translated English, and prove the repair with numbers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
glossary_app = typer.Typer(help="Inspect glossaries and the built-in packs.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")


class OutputFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"
    diff = "diff"


class SegmentFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtfix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    config: Annotated[
        Optional[Path],
        typer.Option(
            "--config",
            help="Settings file (default: mtfix.toml or pyproject.toml's [tool.mtfix] here "
            "or in a parent folder of the project).",
        ),
    ] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore settings files.")] = False,
) -> None:
    """Repair badly machine-translated English, and prove the repair with numbers."""
    from .settings import find_settings, load_settings

    if no_config:
        return
    path = config or find_settings()
    if path is None:
        return
    try:
        settings = load_settings(path)
    except MtfixError as error:
        _fail(error)
    # Click reads each command's option defaults from here; the command line still wins.
    ctx.default_map = {name: settings for name in _SETTINGS_COMMANDS}


_SETTINGS_COMMANDS = ("fix", "batch", "eval", "report")


def _fail(error: MtfixError) -> NoReturn:
    typer.echo(f"mtfix: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


def _note(message: str, quiet: bool) -> None:
    if not quiet:
        typer.echo(f"mtfix: {message}", err=True)


def main() -> None:
    """Entry point: run the app; an unexpected crash is still reported on one line."""
    try:
        app(prog_name="mtfix")
    except Exception as exc:  # a bug, not bad input: say so without a traceback
        if os.environ.get("MTFIX_DEBUG"):
            raise
        typer.echo(
            f"mtfix: internal error: {type(exc).__name__}: {exc} "
            "(set MTFIX_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(70)


# The commands live in their own modules; importing them registers them on ``app``.
from . import commands  # noqa: E402,F401
