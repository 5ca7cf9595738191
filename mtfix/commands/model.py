"""`mtfix model`: manage rewrite model directories (convert to CTranslate2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli import _fail, app
from ..errors import MtfixError

model_app = typer.Typer(help="Manage rewrite model directories.", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("convert")
def convert(
    model_dir: Annotated[Path, typer.Argument(help="A Hugging Face seq2seq model directory.")],
    output: Annotated[
        Optional[Path],
        typer.Option("-o", "--output", help="Where to write (default: MODEL_DIR/ctranslate2)."),
    ] = None,
    quantization: Annotated[
        str, typer.Option("--quantization", help="int8, int8_float32, float32, ...")
    ] = "int8",
) -> None:
    """Convert MODEL_DIR for the ctranslate2 backend (int8 by default)."""
    try:
        from ..rewrite.ctranslate2_backend import convert_model

        written = convert_model(model_dir, output, quantization=quantization)
    except MtfixError as error:
        _fail(error)
    typer.echo(f"converted {model_dir} -> {written} ({quantization})", err=True)
