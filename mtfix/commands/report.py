"""`mtfix report`: repair a file and write a self-contained HTML report of what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..cli import _fail, _note, app
from ..errors import MtfixError, UsageError
from . import options


@app.command()
def report(
    file: Annotated[Path, typer.Argument(help="The text to repair (as `mtfix fix` would).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the HTML.")],
    ref: Annotated[
        Optional[Path],
        typer.Option("--ref", "-r", help="Reference, line-aligned with FILE: adds scores."),
    ] = None,
    glossary: options.Glossaries = None,
    protect: options.Protects = None,
    pack: options.Packs = None,
    no_packs: options.NoPacks = False,
    model: options.Model = None,
    no_model: options.NoModel = False,
    backend: options.Backend = "auto",
    aggressiveness: options.Aggressiveness = options.DEFAULT_AGGRESSIVENESS,
    threads: options.Threads = 0,
    repair_all: options.RepairAll = False,
    no_unicode_fix: options.NoUnicodeFix = False,
    trust_pickle: options.TrustPickle = False,
    encoding: options.Encoding = None,
    quiet: options.Quiet = False,
) -> None:
    """Repair FILE and write an HTML report: scores (with --ref), a chart, edits side by side.

    The report is one file with inline CSS and SVG: no network, no scripts.
    Edits are coloured by stage (unicode, glossary, model) and the guard's
    decisions are listed; best and worst changes come first. For a test set,
    use `mtfix eval TESTSET --html report.html` instead.
    """
    from ..pipeline import Repairer
    from ..report import repair_html
    from ..scoring import read_segments, split_lines
    from ..textio import atomic_write, read_text, refuse_overwriting

    config = options.repair_config(
        glossary=glossary,
        protect=protect,
        pack=pack,
        no_packs=no_packs,
        model=model,
        no_model=no_model,
        backend=backend,
        aggressiveness=aggressiveness,
        threads=threads,
        repair_all=repair_all,
        trust_pickle=trust_pickle,
        no_unicode_fix=no_unicode_fix,
    )
    try:
        refuse_overwriting(output, file, what="report")
        decoded = read_text(file, encoding)
        references = read_segments(str(ref), encoding) if ref else None
        lines = split_lines(decoded.text)
        if references is not None and len(references) != len(lines):
            raise UsageError(
                f"{ref}: {len(references)} lines, but {file} has {len(lines)}: "
                "files must be line-aligned"
            )
        repairer = Repairer(config)
        for note in repairer.notes:
            _note(f"note: {note}", quiet)
        result = repairer.repair(decoded.text)
        table = None
        if references is not None:
            table = _score_table(lines, split_lines(result.text), references)
        page = repair_html(result, str(file), references, table)
        atomic_write(output, page.encode("utf-8"))
    except MtfixError as error:
        _fail(error)
    _note(f"wrote {output}", quiet)


def _score_table(
    before: list[str], after: list[str], references: list[str]
) -> tuple[list[str], list[list[Any]]] | None:
    """Input and output scored against the reference, with sacrebleu's paired test."""
    from ..report import p_value, signed, with_ci
    from ..scoring import Scorer

    if len(after) != len(before):
        return None  # a stage removed lines: no line-aligned scores
    scorer = Scorer([references], len(before))
    rows, _ = scorer.compare([("input", before), ("repaired", after)])
    headers = ["text"]
    for s in rows[0]:
        headers += [f"{s.metric} (μ ± 95% CI)", f"Δ {s.metric}", "p"]
    table: list[list[Any]] = []
    for k, row in enumerate(rows):
        cells: list[Any] = [row[0].system]
        for s in row:
            cells += [with_ci(s), signed(s.delta) if k else "", p_value(s)]
        table.append(cells)
    return headers, table
