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


@model_app.command("average")
def average(
    output: Annotated[Path, typer.Argument(help="The model directory to write.")],
    model_dirs: Annotated[
        list[Path], typer.Argument(help="Two or more models of one architecture and tokenizer.")
    ],
    weights: Annotated[
        Optional[str],
        typer.Option(
            "--weights",
            help="One positive weight per model, e.g. 0.3,0.7 "
            "(default: equal; normalised to sum to 1).",
        ),
    ] = None,
) -> None:
    """Write OUTPUT: a model whose weights are the weighted mean of MODEL_DIRS' weights."""
    try:
        from ..errors import UsageError
        from ..training.average import average_models

        try:
            parsed = [float(w) for w in weights.split(",")] if weights else None
        except ValueError:
            raise UsageError(f"--weights: expected numbers like 0.3,0.7, got {weights!r}") from None
        written = average_models(model_dirs, output, parsed)
    except MtfixError as error:
        _fail(error)
    typer.echo(f"averaged {len(model_dirs)} models -> {written}", err=True)
