"""Reports people read: text tables (table, CSV, Markdown) and a self-contained HTML page.

The HTML report is one file with inline CSS and SVG and no script or link to
anything outside it, so it can be mailed, archived and opened offline. All
text from inputs is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import Decision, Edit, EvalReport, PairedScore, RepairResult, TermReport

# Text tables -------------------------------------------------------------------


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table") -> str:
    """``rows`` under ``headers`` as an aligned text table, CSV or a Markdown table.

    Cells are converted with ``str``; the result ends with a newline.
    """
    cells = [[_cell(c) for c in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(cells)
        return buffer.getvalue()
    if fmt == "markdown":

        def md(row: Sequence[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |"

        lines = [md(headers), "|" + "|".join("---" for _ in headers) + "|"]
        lines += [md(row) for row in cells]
        return "\n".join(lines) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown table format {fmt!r}")
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_align(c, w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _align(cell: str, width: int) -> str:
    numeric = bool(re.fullmatch(r"[-+−]?[\d.,]+%?( \*)?", cell))
    return cell.rjust(width) if numeric else cell.ljust(width)


def signed(value: float, digits: int = 2) -> str:
    """``+0.18`` / ``-1.20`` / ``0.00``: a delta with its sign."""
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def with_ci(score: PairedScore) -> str:
    """``26.40 (μ 26.38 ± 0.87)`` as sacrebleu prints a score with its bootstrap estimate."""
    if score.mean is None or score.ci is None:
        return f"{score.score:.2f}"
    return f"{score.score:.2f} (μ {score.mean:.2f} ± {score.ci:.2f})"


def p_value(score: PairedScore) -> str:
    """``0.0420 *`` (starred below 0.05, like sacrebleu), or empty for the baseline."""
    if score.p_value is None:
        return ""
    return f"{score.p_value:.4f}" + (" *" if score.significant else "")


def test_explanation(test: str, samples: int, seed: str, baseline: str) -> str:
    """The caveats sacrebleu prints under a paired test, in short."""
    kind = (
        f"Paired bootstrap resampling, {samples} resamples"
        if test == "bs"
        else f"Paired approximate randomization, {samples} trials"
    )
    return (
        f"{kind} (seed {seed}); each output is compared with {baseline}.\n"
        "μ ± 95% CI: bootstrap estimate of the true score. p < 0.05 (marked *): the difference\n"
        "is unlikely to be chance. Significance says two outputs differ, not which is better;\n"
        "for TER lower is better.\n"
    )


def terms_lines(report: TermReport, baseline: TermReport | None = None) -> list[str]:
    """Plain-text lines describing a :class:`TermReport` (and a baseline's, if given)."""

    def ratio(a: int, b: int) -> str:
        return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "n/a"

    base = baseline
    lines = [
        f"known bad variants left: {report.bad_variants}"
        + (f" (baseline {base.bad_variants})" if base else "")
    ]
    if report.expected or (base and base.expected):
        lines.append(
            f"required terms present: {ratio(report.found, report.expected)}"
            + (f" (baseline {ratio(base.found, base.expected)})" if base else "")
        )
    if report.edits:
        lines.append(
            f"term fixes the reference agrees with: {ratio(report.confirmed, report.edits)}"
        )
    return lines


# The eval table ---------------------------------------------------------------


def eval_rows(report: EvalReport) -> tuple[list[str], list[list[Any]]]:
    """The one table of ``mtfix eval``: a row per stage, deltas against "none"."""
    metrics = list(report.signatures) or ["BLEU", "chrF2++", "TER"]
    headers = ["stage"]
    for m in metrics:
        headers += [m, f"Δ {m}", "p"]
    headers += ["better", "worse", "tied", "unchanged"]
    if report.perfect_rows:
        headers.append("perfect kept")
    has_terms = any(s.terms is not None for s in report.stages)
    if has_terms:
        headers += ["bad terms", "terms ok", "fix prec."]
    rows: list[list[Any]] = []
    for stage in report.stages:
        if not stage.available:
            row: list[Any] = [stage.name] + [stage.note or "n/a"] + [""] * (len(headers) - 2)
            rows.append(row)
            continue
        row = [stage.name]
        for m in metrics:
            s = stage.score(m)
            if stage.name == report.stages[0].name:
                row += [f"{s.score:.2f}", "", ""]
            else:
                row += [f"{s.score:.2f}", signed(s.delta), p_value(s)]
        row += [stage.better, stage.worse, stage.tied, stage.unchanged]
        if report.perfect_rows:
            row.append(f"{stage.kept_perfect}/{report.perfect_rows}")
        if has_terms:
            t = stage.terms
            if t is None:
                row += ["", "", ""]
            else:
                row += [
                    t.bad_variants,
                    f"{t.found}/{t.expected}" if t.expected else "",
                    f"{100 * t.precision:.0f}% of {t.edits}" if t.precision is not None else "",
                ]
        rows.append(row)
    return headers, rows


def format_eval(report: EvalReport, fmt: str = "table") -> str:
    """The eval table, then (for the text table) the test's caveats and the signatures."""
    headers, rows = eval_rows(report)
    text = format_table(headers, rows, fmt)
    if fmt != "table":
        return text
    samples, seed = _test_params(report.signatures, report.test)
    text += f"\n{report.testset}: {report.rows} rows.\n"
    text += test_explanation(report.test, samples, seed, '"none" (the MT as it is)')
    text += (
        "better/worse/tied: changed segments whose sentence chrF2++ went up/down/stayed; "
        "unchanged: left as they were.\n"
    )
    text += "Signatures:\n" + "".join(f"  {m:<8} {sig}\n" for m, sig in report.signatures.items())
    return text


def _test_params(signatures: dict[str, str], test: str) -> tuple[int, str]:
    """The sample count and seed of a paired test, read back from a signature."""
    samples, seed = 0, "?"
    for sig in signatures.values():
        fields = dict(part.split(":", 1) for part in sig.split("|") if ":" in part)
        samples = int(fields.get(test, 0) or 0)
        seed = fields.get("seed", "?")
        break
    return samples, seed


# HTML: one self-contained file -------------------------------------------------

#: Colours of the stages in the report (anything else is drawn as "other").
STAGE_COLOURS = {
    "unicode": "#8e44ad",
    "glossary": "#1f6feb",
    "model": "#d9480f",
    "other": "#6c757d",
}
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass
class Unit:
    """One thing shown side by side: a test-set row, or a line of a repaired document.

    ``edits`` have offsets into ``original``; ``output`` is the final text.
    """

    title: str
    original: str
    output: str
    edits: Sequence[Edit] = ()
    decisions: Sequence[Decision] = ()
    reference: str | None = None
    source: str | None = None
    delta: float | None = None
    """Change in sentence chrF++ against the reference (None without one)."""
    badges: dict[str, float] = field(default_factory=dict)
    """Deltas of other stages, shown next to the title."""

    @property
    def changed(self) -> bool:
        return self.output != self.original


def annotate(original: str, output: str, edits: Sequence[Edit]) -> tuple[list[Any], list[Any]]:
    """Per-character stage marks for both sides: what each stage removed and what it wrote.

    Edits other than the model's are applied at their offsets; whatever then
    still differs from ``output`` is attributed to the model (a rewrite covers
    a whole sentence, so the model's own share is found by a word diff).
    Returns (marks over ``original``, marks over ``output``); a mark is a
    stage name or ``None``.
    """
    left: list[Any] = [None] * len(original)
    stepped: list[tuple[str, Any, int | None]] = []  # (char, mark, index in original)
    pos = 0
    for edit in sorted((e for e in edits if e.stage != "model"), key=lambda e: (e.start, e.end)):
        if edit.start < pos or edit.end > len(original):
            continue  # overlapping or out of range: leave it to the diff below
        stepped += [(original[i], None, i) for i in range(pos, edit.start)]
        stepped += [(ch, edit.stage, None) for ch in edit.after]
        for i in range(edit.start, edit.end):
            left[i] = edit.stage
        pos = edit.end
    stepped += [(original[i], None, i) for i in range(pos, len(original))]
    middle = "".join(ch for ch, _, _ in stepped)
    right: list[Any] = [None] * len(output)
    if middle == output:
        right = [mark for _, mark, _ in stepped]
        return left, right
    residual = "model" if any(e.stage == "model" for e in edits) else "other"
    a, b = _tokens(middle), _tokens(output)
    matcher = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for (ta, sa), (_, sb) in zip(a[i1:i2], b[j1:j2]):
                for k in range(len(ta)):
                    right[sb + k] = stepped[sa + k][1]
            continue
        for tb, sb in b[j1:j2]:
            if tb.strip():
                for k in range(len(tb)):
                    right[sb + k] = residual
        for ta, sa in a[i1:i2]:
            if ta.strip():
                for k in range(len(ta)):
                    origin = stepped[sa + k][2]
                    if origin is not None and left[origin] is None:
                        left[origin] = residual
    return left, right


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


def _marked(text: str, marks: Sequence[Any], tag: str) -> str:
    """``text`` as HTML, runs of marked characters wrapped in ``<tag class="st-STAGE">``."""
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marks[j] == marks[i]:
            j += 1
        chunk = html.escape(text[i:j])
        stage = marks[i]
        if stage is None:
            out.append(chunk)
        else:
            cls = stage if stage in STAGE_COLOURS else "other"
            out.append(f'<{tag} class="st-{cls}" title="{html.escape(str(stage))}">{chunk}</{tag}>')
        i = j
    return "".join(out)


def delta_chart(deltas: Sequence[float], label: str, width: int = 960, height: int = 180) -> str:
    """An inline SVG bar chart of per-segment deltas, sorted from best to worst."""
    values = sorted(deltas, reverse=True)
    esc = html.escape(label)
    if not values:
        return f'<p class="muted">{esc}: no segment changed.</p>'
    top = max(max(values), 0.0)
    bottom = min(min(values), 0.0)
    span = (top - bottom) or 1.0
    pad = 40
    inner_w, inner_h = width - pad - 10, height - 30
    zero = 10 + inner_h * top / span
    bar = min(inner_w / len(values), 12.0)  # a few changes should not look like many
    rects = []
    for k, v in enumerate(values):
        y = 10 + inner_h * (top - max(v, 0.0)) / span
        h = max(inner_h * abs(v) / span, 0.5)
        colour = "#2f9e44" if v > 0 else "#e03131" if v < 0 else "#adb5bd"
        rects.append(
            f'<rect x="{pad + k * bar:.2f}" y="{y:.2f}" width="{max(bar - 0.2, 0.4):.2f}" '
            f'height="{h:.2f}" fill="{colour}"><title>{v:+.2f}</title></rect>'
        )
    better = sum(1 for v in values if v > 0)
    worse = sum(1 for v in values if v < 0)
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{esc}">'
        f'<line x1="{pad}" y1="{zero:.2f}" x2="{width - 10}" y2="{zero:.2f}" stroke="#495057"/>'
        f'<text x="{pad - 4}" y="16" text-anchor="end" font-size="11">{top:+.1f}</text>'
        f'<text x="{pad - 4}" y="{zero + 4:.2f}" text-anchor="end" font-size="11">0</text>'
        + (
            f'<text x="{pad - 4}" y="{height - 20}" text-anchor="end" font-size="11">'
            f"{bottom:+.1f}</text>"
            if bottom < 0
            else ""
        )
        + "".join(rects)
        + f'<text x="{pad}" y="{height - 4}" font-size="11">{len(values)} changed segments, '
        f"best to worst: {better} better, {worse} worse, {len(values) - better - worse} tied</text>"
        f"</svg><figcaption>{esc}</figcaption></figure>"
    )


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        if len(row) > 2 and all(_cell(c) == "" for c in row[2:]):
            # a stage that did not run: its note spans the row
            body.append(
                f"<tr><td>{html.escape(_cell(row[0]))}</td>"
                f'<td class="note" colspan="{len(row) - 1}">{html.escape(_cell(row[1]))}</td></tr>'
            )
            continue
        cells = []
        for c in row:
            text = _cell(c)
            cls = ' class="sig"' if text.endswith(" *") else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _unit_html(unit: Unit) -> str:
    left, right = annotate(unit.original, unit.output, unit.edits)
    badge = ""
    if unit.delta is not None:
        kind = "up" if unit.delta > 0 else "down" if unit.delta < 0 else "flat"
        badge = f'<span class="delta {kind}">Δ chrF2++ {unit.delta:+.2f}</span>'
    extra = "".join(
        f'<span class="badge">{html.escape(name)} {value:+.2f}</span>'
        for name, value in unit.badges.items()
    )
    parts = [f'<section class="unit"><h3>{html.escape(unit.title)} {badge}{extra}</h3>']
    if unit.source is not None:
        parts.append(f'<p class="src"><b>source</b> {html.escape(unit.source)}</p>')
    parts.append(
        '<div class="sbs">'
        f'<div><div class="lbl">before</div><p class="txt">{_marked(unit.original, left, "del")}'
        "</p></div>"
        f'<div><div class="lbl">after</div><p class="txt">{_marked(unit.output, right, "ins")}'
        "</p></div>"
        "</div>"
    )
    if unit.reference is not None:
        parts.append(f'<p class="ref"><b>reference</b> {html.escape(unit.reference)}</p>')
    if unit.edits:
        items = []
        for e in unit.edits:
            cls = e.stage if e.stage in STAGE_COLOURS else "other"
            if e.stage == "model":  # a whole sentence: the side-by-side view shows the change
                items.append(
                    f'<li><span class="tag st-{cls}">model</span> sentence rewritten '
                    f'<span class="muted">{html.escape(e.rule)}'
                    f"{': ' + html.escape(e.reason) if e.reason else ''}</span></li>"
                )
                continue
            items.append(
                f'<li><span class="tag st-{cls}">{html.escape(e.stage)}</span> '
                f"<code>{html.escape(e.before)}</code> → <code>{html.escape(e.after)}</code> "
                f'<span class="muted">{html.escape(e.rule)}'
                f"{': ' + html.escape(e.reason) if e.reason else ''}</span></li>"
            )
        parts.append(f'<ul class="edits">{"".join(items)}</ul>')
    # A rewrite identical to its input is no decision worth showing.
    shown = [d for d in unit.decisions if d.rewrite != d.original]
    if shown:
        items = []
        for d in shown:
            verdict = "accepted" if d.accepted else "rejected"
            # Shown when the model's proposal is not what the text now says.
            proposal = (
                f" — proposed: <code>{html.escape(d.rewrite)}</code>"
                if not d.accepted or (d.kept and d.kept != d.rewrite)
                else ""
            )
            items.append(
                f'<li class="{verdict}">guard {verdict}: {html.escape(d.reason)}{proposal}</li>'
            )
        parts.append(f'<ul class="decisions">{"".join(items)}</ul>')
    parts.append("</section>")
    return "".join(parts)


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#212529;margin:24px auto;max-width:1120px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dee2e6}
h3{font-size:14px;margin:0 0 6px}.muted{color:#6c757d}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0}
th,td{border:1px solid #dee2e6;padding:3px 7px;text-align:right}th{background:#f1f3f5}
td:first-child,th:first-child{text-align:left}
td.sig{font-weight:600}td{white-space:nowrap}
td.note{text-align:left;color:#6c757d}
.scroll{overflow-x:auto}table{font-size:12.5px}.notes{font-size:12px}.notes p{margin:3px 0}
figure{margin:8px 0}figcaption{color:#6c757d;font-size:12px}
.unit{border:1px solid #dee2e6;border-radius:6px;padding:10px 12px;margin:10px 0}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.lbl{font-size:11px;color:#6c757d;text-transform:uppercase}
.txt{white-space:pre-wrap;margin:2px 0;word-break:break-word}
.src,.ref{margin:6px 0;color:#495057}
del,ins{text-decoration:none;border-radius:3px;padding:0 1px}
del{text-decoration:line-through}
del.st-unicode,ins.st-unicode{background:#f3e8fb;color:#8e44ad}
del.st-glossary,ins.st-glossary{background:#e7f0ff;color:#1f6feb}
del.st-model,ins.st-model{background:#fff0e6;color:#d9480f}
del.st-other,ins.st-other{background:#f1f3f5;color:#495057}
.tag{font-size:11px;border-radius:3px;padding:0 4px;color:#fff}
.tag.st-unicode{background:#8e44ad}
.tag.st-glossary{background:#1f6feb}
.tag.st-model{background:#d9480f}
.tag.st-other{background:#6c757d}
.delta{font-size:12px;border-radius:10px;padding:1px 8px;margin-left:6px}
.delta.up{background:#d3f9d8;color:#2b8a3e}
.delta.down{background:#ffe3e3;color:#c92a2a}
.delta.flat{background:#f1f3f5}
.badge{font-size:11px;color:#495057;margin-left:6px}
ul.edits,ul.decisions{margin:6px 0;padding-left:18px}
li.rejected{color:#868e96}
li.accepted{color:#2b8a3e}
.legend span{margin-right:12px}
"""


def render_html(
    title: str,
    summary: str,
    table: tuple[Sequence[str], Sequence[Sequence[Any]]] | None,
    charts: Sequence[str],
    sections: Sequence[tuple[str, Sequence[Unit]]],
    notes: Sequence[str] = (),
) -> str:
    """Assemble the report page. ``summary`` and ``charts`` are trusted HTML made here."""
    legend = "".join(
        f'<span><ins class="st-{s}">{s}</ins></span>' for s in ("unicode", "glossary", "model")
    )
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>{summary}",
    ]
    if table is not None:
        parts.append("<h2>Scores</h2>" + _html_table(*table))
    if notes:
        parts.append(
            '<div class="notes muted">'
            + "".join(f"<p>{html.escape(n)}</p>" for n in notes)
            + "</div>"
        )
    if charts:
        parts.append("<h2>Per-segment change (sentence chrF2++)</h2>" + "".join(charts))
    parts.append(f'<h2>Segments</h2><p class="legend">Edits by stage: {legend}</p>')
    for heading, units in sections:
        if not units:
            continue
        parts.append(f"<h2>{html.escape(heading)} ({len(units)})</h2>")
        parts += [_unit_html(u) for u in units]
    parts.append("</body></html>\n")
    return "".join(parts)


def _sections(units: Sequence[Unit], per_section: int) -> list[tuple[str, list[Unit]]]:
    """Best and worst changes first, then the rest of the changes and the guard's rejections."""
    changed = [u for u in units if u.changed]
    scored = [u for u in changed if u.delta is not None]
    best = sorted((u for u in scored if u.delta and u.delta > 0), key=lambda u: -(u.delta or 0))
    worst = sorted((u for u in scored if u.delta and u.delta < 0), key=lambda u: u.delta or 0)
    rest = [u for u in changed if u.delta is None or u.delta == 0]
    rest.sort(key=lambda u: -len(u.edits))
    rejected = [
        u
        for u in units
        if not u.changed and any(not d.accepted and d.rewrite != d.original for d in u.decisions)
    ]
    return [
        ("Best changes", best[:per_section]),
        ("Worst changes", worst[:per_section]),
        ("Other changes" if scored else "Changes", rest[:per_section]),
        ("Left unchanged by the guard", rejected[:per_section]),
    ]


def eval_html(run: Any, per_section: int = 30) -> str:
    """The HTML report of an :class:`~mtfix.evaluate.EvalRun`."""
    report: EvalReport = run.report
    last = next((s for s in reversed(run.stages) if s.results is not None), None)
    base_chrf = run.stages[0].chrf or []
    charts = []
    for stage in run.stages[1:]:
        chrf = stage.chrf or []
        outputs = stage.outputs or []
        deltas = [
            chrf[i] - base_chrf[i] for i in range(len(outputs)) if outputs[i] != run.rows[i].mt
        ]
        charts.append(delta_chart(deltas, f"stage {stage.name}: Δ sentence chrF2++ against none"))
    units: list[Unit] = []
    if last is not None:
        chrf = last.chrf or []
        for i, (row, result) in enumerate(zip(run.rows, last.results or [])):
            badges = {
                s.name: (s.chrf or [])[i] - base_chrf[i]
                for s in run.stages[1:]
                if s is not last and s.outputs is not None and s.outputs[i] != row.mt
            }
            units.append(
                Unit(
                    title=f"row {i + 1} ({last.name})",
                    original=row.mt,
                    output=result.text,
                    edits=result.edits,
                    decisions=result.decisions,
                    reference=row.reference,
                    source=row.source,
                    delta=chrf[i] - base_chrf[i],
                    badges=badges,
                )
            )
    summary = (
        f'<p class="muted">{html.escape(report.testset)} · {report.rows} rows · segments shown '
        f"for the last stage that ran ({html.escape(last.name if last else 'none')}).</p>"
    )
    samples, seed = _test_params(report.signatures, report.test)
    notes = [
        test_explanation(report.test, samples, seed, '"none"').replace("\n", " "),
        *(f"{m}: {sig}" for m, sig in report.signatures.items()),
    ]
    return render_html(
        "mtfix eval", summary, eval_rows(report), charts, _sections(units, per_section), notes
    )


def repair_units(result: RepairResult, references: Sequence[str] | None = None) -> list[Unit]:
    """One :class:`Unit` per input line (blank lines left out), with its edits and decisions.

    ``references``, line-aligned with the input, give each line a chrF++ delta.
    When the output does not have the input's line count (a stage removed
    lines), the whole document is one unit.
    """
    from .scoring import split_lines

    source_lines = result.source.split("\n")
    output_lines = result.text.split("\n")
    if len(source_lines) != len(output_lines):
        return [Unit("document", result.source, result.text, result.edits, result.decisions)]
    starts = [0]
    for line in source_lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    refs = None
    if references is not None and len(references) == len(split_lines(result.source)):
        refs = list(references) + [""] * (len(source_lines) - len(references))
    units = []
    for k, (line, out) in enumerate(zip(source_lines, output_lines)):
        if not line.strip() and not out.strip():
            continue
        lo, hi = starts[k], starts[k] + len(line)
        edits = [replace_offsets(e, -lo) for e in result.edits if lo <= e.start and e.end <= hi]
        segs = {i for i, s in enumerate(result.segments) if lo <= s.start and s.end <= hi}
        decisions = [d for d in result.decisions if d.segment in segs]
        delta = None
        ref = refs[k] if refs is not None else None
        if ref is not None:
            from .scoring import make_metric

            chrf = make_metric("chrf")
            delta = chrf.sentence_score(out, [ref]).score - chrf.sentence_score(line, [ref]).score
        units.append(
            Unit(
                f"line {k + 1}",
                line.rstrip("\r"),
                out.rstrip("\r"),
                edits,
                decisions,
                ref,
                None,
                delta,
            )
        )
    return units


def replace_offsets(edit: Edit, shift: int) -> Edit:
    """``edit`` with its offsets moved by ``shift`` (to make them relative to a line)."""
    from dataclasses import replace as _replace

    return _replace(edit, start=edit.start + shift, end=edit.end + shift)


def repair_html(
    result: RepairResult,
    name: str,
    references: Sequence[str] | None = None,
    scores: tuple[Sequence[str], Sequence[Sequence[Any]]] | None = None,
    per_section: int = 50,
) -> str:
    """The HTML report of one repaired document (``scores``: a table made by the caller)."""
    units = repair_units(result, references)
    deltas = [u.delta for u in units if u.changed and u.delta is not None]
    charts = [delta_chart(deltas, "Δ sentence chrF2++ per changed line")] if references else []
    stats = result.stats
    summary = (
        f'<p class="muted">{html.escape(name)} · {stats.get("segments", 0)} segments · '
        + ", ".join(
            f"{html.escape(str(v))} {html.escape(k.replace('_', ' '))}"
            for k, v in stats.items()
            if k != "segments"
        )
        + "</p>"
    )
    notes = list(result.notes)
    if references is None:
        notes.append("No reference given (--ref): changes are listed without scores.")
    return render_html(
        f"mtfix repair: {name}", summary, scores, charts, _sections(units, per_section), notes
    )
