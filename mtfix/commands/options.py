"""Options shared by the commands that repair (`fix`, `batch`), defined once."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import DEFAULT_AGGRESSIVENESS, RepairConfig

Glossaries = Annotated[
    Optional[list[Path]],
    typer.Option("--glossary", "-g", help="A glossary file (TSV/CSV/TBX); repeatable."),
]
Protects = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--protect", help="Do-not-touch terms, one per line; no glossary entry rewrites them."
    ),
]
Packs = Annotated[
    Optional[list[str]],
    typer.Option("--pack", help="Built-in pack to use instead of the default; repeatable."),
]
NoPacks = Annotated[bool, typer.Option("--no-packs", help="Use no built-in pack.")]
Model = Annotated[
    Optional[Path], typer.Option("--model", "-m", help="Local seq2seq model directory.")
]
NoModel = Annotated[bool, typer.Option("--no-model", help="Glossary only: skip the rewrite model.")]
Backend = Annotated[
    str,
    typer.Option(
        "--backend",
        help="Rewrite backend: auto (ctranslate2 when the model is converted, else "
        "transformers), transformers, ctranslate2, identity, ...",
    ),
]
RepairAll = Annotated[
    bool, typer.Option("--repair-all", help="Also repair boilerplate and metadata lines.")
]
TrustPickle = Annotated[
    bool, typer.Option("--trust-pickle", help="Allow pickled model weights (can run code).")
]
Encoding = Annotated[
    Optional[str],
    typer.Option(
        "--encoding",
        help="Input encoding. Default: UTF-8 (BOM honoured), else detected "
        "(GB18030, Big5, cp1252, Latin-1).",
    ),
]
Aggressiveness = Annotated[
    float,
    typer.Option(
        "--aggressiveness",
        min=0.0,
        max=1.0,
        help="How readily model rewrites are accepted: 0 never, 0.25 the default (safe), "
        "1 loosest.",
    ),
]
Threads = Annotated[
    int,
    typer.Option(
        "--threads",
        min=0,
        help="CPU threads for the model (in batch: per job); 0, the default, uses every core "
        "(in batch: split among the jobs).",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr.")]
StripBoilerplate = Annotated[
    bool,
    typer.Option(
        "--strip-boilerplate",
        help="Leave boilerplate and metadata lines (menus, bylines, contact lines) out of "
        "the output, with the blank lines around them. Lossy on purpose.",
    ),
]
NoUnicodeFix = Annotated[
    bool, typer.Option("--no-unicode-fix", help="Do not repair mojibake (Ã©, â€™) with ftfy.")
]
OutputEncoding = Annotated[
    str, typer.Option("--output-encoding", help="Encoding of text output (default UTF-8).")
]


class InputFormatName(str, Enum):
    """The names --input-format accepts (mtfix.formats.FORMATS)."""

    text = "text"
    xliff = "xliff"
    tmx = "tmx"
    po = "po"
    srt = "srt"
    vtt = "vtt"
    md = "md"
    html = "html"
    csv = "csv"
    tsv = "tsv"
    jsonl = "jsonl"


InputFormat = Annotated[
    Optional[InputFormatName],
    typer.Option(
        "--input-format",
        help="text, xliff, tmx, po, srt, vtt, md, html, csv, tsv or jsonl. Default: from the "
        "file extension (.xlf/.xliff, .tmx, .po, .srt, .vtt, .md, .html, .csv, .tsv, .jsonl), "
        "anything else is plain text. Only the English target text of a structured file is "
        "repaired; everything else is kept byte for byte, and the file keeps its encoding.",
    ),
]
Column = Annotated[
    Optional[str],
    typer.Option(
        "--column",
        help="CSV/TSV column (header name or 1-based number) or JSONL field to repair.",
    ),
]
MarkEdited = Annotated[
    bool,
    typer.Option(
        "--mark-edited",
        help="Flag repaired units for review: XLIFF 1.2 target state=needs-review-translation, "
        "XLIFF 2 segment subState=mtfix:edited, PO entries fuzzy.",
    ),
]

ALL_LABELS = frozenset(("content", "heading", "boilerplate", "metadata"))


def repair_config(
    *,
    glossary: list[Path] | None,
    pack: list[str] | None,
    no_packs: bool,
    model: Path | None,
    no_model: bool,
    backend: str,
    repair_all: bool,
    trust_pickle: bool,
    strip_boilerplate: bool = False,
    no_unicode_fix: bool = False,
    protect: list[Path] | None = None,
    aggressiveness: float = DEFAULT_AGGRESSIVENESS,
    threads: int = 0,
) -> RepairConfig:
    """The RepairConfig the shared repair options describe."""
    config = RepairConfig(
        glossaries=tuple(str(g) for g in glossary or ()),
        protect=tuple(str(p) for p in protect or ()),
        model=str(model) if model else None,
        use_model=not no_model,
        backend=backend,
        trust_pickle=trust_pickle,
        aggressiveness=aggressiveness,
        threads=threads,
        unicode_fix=not no_unicode_fix,
        strip_boilerplate=strip_boilerplate,
    )
    if repair_all:
        config = replace(config, labels=ALL_LABELS)
    if pack:  # named packs win over --no-packs (which may come from a settings file)
        config = replace(config, packs=tuple(pack))
    elif no_packs:
        config = replace(config, packs=())
    return config
