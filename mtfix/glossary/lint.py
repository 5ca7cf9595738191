"""`mtfix glossary check`: find the mistakes a glossary can hide.

Errors (the glossary should not be used as it is):
- rows that do not load (malformed, invalid pattern, empty variant or replacement, ...);
- conflicts: the same variant mapped to different replacements under the same conditions;
- cycles: entries that rewrite each other's replacements (a -> b and b -> a).

Warnings (worth a look, harmless to matching):
- duplicates: the same variant and replacement twice;
- shadowing: an earlier entry that a later one with the same variant always overrides,
  and variants that occur inside a longer variant whose replacement does not
  contain theirs (the longer one wins there, with a different term);
- replacements that contain another entry's variant (never rewritten, since
  there are no cascades, but the glossary disagrees with itself);
- stray whitespace: cells with leading/trailing or doubled spaces, empty ``|`` parts.

Several files are checked together, as the repair applies them together.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GlossaryError
from .entries import Entry
from .formats import _DEFAULT_COLUMNS, _entry, _header, _quoting
from .matcher import Matcher, normalise


@dataclass(frozen=True)
class Finding:
    """One problem, located at ``where`` (``file:line`` or ``pack:NAME:line``)."""

    where: str
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"


def read_for_lint(path: str | Path) -> tuple[list[Entry], list[Finding]]:
    """Load ``path`` row by row, turning each bad row into a finding instead of stopping."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return [], [Finding(str(p), "error", exc.strerror or str(exc))]
    if not data.strip():
        return [], [Finding(str(p), "error", "empty file" if not data else "no entries")]
    if p.suffix.lower() == ".tbx":
        from .tbx import parse_tbx

        try:
            return list(parse_tbx(data, str(p)).entries), []
        except GlossaryError as error:
            return [], [_from_error(error)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where = f"{p}:{line}"
        return [], [Finding(where, "error", "not valid UTF-8")]
    return lint_rows(text, str(p), delimiter="," if p.suffix.lower() == ".csv" else "\t")


def lint_rows(
    text: str, name: str, *, delimiter: str = "\t", rule_prefix: str | None = None
) -> tuple[list[Entry], list[Finding]]:
    """The entries of glossary ``text`` that load, and a finding for each row that does not."""
    prefix = rule_prefix if rule_prefix is not None else name
    entries: list[Entry] = []
    findings: list[Finding] = []
    columns: tuple[str, ...] | None = None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quoting=_quoting(delimiter))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            findings.append(
                Finding(f"{prefix}:{reader.line_num}", "error", f"malformed row: {exc}")
            )
            break
        line = reader.line_num
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if columns is None:
            columns = _header(row)
            if columns is not None:
                continue
            columns = _DEFAULT_COLUMNS
        try:
            entry = _entry(row, columns, name, line, prefix)
        except GlossaryError as error:
            findings.append(Finding(f"{prefix}:{line}", "error", str(error).split(": ", 1)[1]))
            continue
        entries.append(entry)
        findings.extend(_whitespace(row, columns, f"{prefix}:{line}", entry.pattern))
    if not entries and not findings:
        findings.append(Finding(name, "error", "no entries"))
    return entries, findings


def _whitespace(
    row: list[str], columns: tuple[str, ...], where: str, pattern: bool
) -> list[Finding]:
    out = []
    for column, cell in zip(columns, row):
        if not column or not cell:
            continue
        if cell != cell.strip():
            out.append(Finding(where, "warning", f"{column} has leading or trailing whitespace"))
        parts = [cell] if (pattern and column == "variants") else cell.split("|")
        if (
            column in ("variants", "context")
            and len(parts) > 1
            and any(not p.strip() for p in parts)
        ):
            out.append(Finding(where, "warning", f"{column} has an empty '|' part"))
        if any("  " in p.strip() or "\t" in p.strip() or "\u00a0" in p for p in parts):
            out.append(Finding(where, "warning", f"{column} has doubled or unusual whitespace"))
    return out


def check_entries(entries: list[Entry]) -> list[Finding]:
    """Conflicts, duplicates, cycles, shadowing and self-contradicting replacements."""
    findings: list[Finding] = []
    literal = [e for e in entries if not e.pattern and not e.protect]
    seen: dict[tuple[str, tuple[str, ...], bool], tuple[str, Entry]] = {}
    for entry in literal:
        for variant in dict.fromkeys(entry.variants):
            key = (_key(variant, entry.exact_case), tuple(sorted(entry.context)), entry.exact_case)
            if key in seen:
                first_variant, first = seen[key]
                if first.replacement == entry.replacement:
                    level, what = "warning", "duplicate of"
                else:
                    level, what = (
                        "error",
                        f"conflicts ({first.replacement!r} vs {entry.replacement!r}) with",
                    )
                findings.append(
                    Finding(
                        entry.rule,
                        level,
                        f"variant {variant!r} {what} {first_variant!r} at {first.rule}",
                    )
                )
                if level == "warning":
                    continue
                findings.append(
                    Finding(
                        first.rule,
                        "warning",
                        f"variant {first_variant!r} is overridden by {entry.rule}",
                    )
                )
            seen[key] = (variant, entry)
    if not literal:
        return findings
    matcher = Matcher(literal)
    findings += _shadowed(matcher, literal)
    findings += _replacements(matcher, literal)
    return findings


def _key(term: str, exact: bool) -> str:
    words = normalise(term).split() if not exact else term.split()
    return " ".join(words)


def _shadowed(matcher: Matcher, entries: list[Entry]) -> list[Finding]:
    """Variants that occur, as whole words, inside a longer variant of another entry."""
    findings = []
    reported: set[tuple[str, str]] = set()
    for entry in entries:
        for variant in entry.variants:
            norm = normalise(variant)
            for start, stop, plural, targets in matcher.hits(f" {norm} "):
                if plural or stop - start >= len(norm.strip()):
                    continue  # the variant itself
                inner = variant[start:stop]
                for target in targets:
                    other = target.entry
                    if other is entry or other.protect:
                        continue
                    if other.replacement.lower() in entry.replacement.lower():
                        continue  # consistent: "WeChat" inside "WeChat ID" is no surprise
                    pair = (other.rule, entry.rule)
                    if pair in reported:
                        continue
                    reported.add(pair)
                    findings.append(
                        Finding(
                            other.rule,
                            "warning",
                            f"variant {inner!r} is shadowed inside longer variant {variant!r} "
                            f"at {entry.rule}",
                        )
                    )
    return findings


def _replacements(matcher: Matcher, entries: list[Entry]) -> list[Finding]:
    """Replacements containing other entries' variants; whole-term ones that loop are cycles."""
    findings = []
    rewrites: dict[int, list[Entry]] = {}
    context = _all_context(entries)
    for entry in entries:
        for match in matcher.find(entry.replacement, context=context):
            other = match.entry
            if other is entry or match.replacement == match.before:
                continue
            whole = match.start == 0 and match.end == len(entry.replacement)
            if whole:
                rewrites.setdefault(id(entry), []).append(other)
            findings.append(
                Finding(
                    entry.rule,
                    "warning",
                    f"replacement {entry.replacement!r} contains {match.before!r}, a variant of "
                    f"{other.rule} (-> {other.replacement!r}); it is left alone (no cascades)",
                )
            )
    by_id = {id(e): e for e in entries}
    reported: set[frozenset[str]] = set()
    for start_id, targets in rewrites.items():
        start = by_id[start_id]
        for target in targets:
            path = _path_back(target, start, rewrites, by_id)
            if path is not None:
                ring = frozenset(e.rule for e in path)
                if ring in reported:
                    continue
                reported.add(ring)
                chain = " -> ".join(repr(e.replacement) for e in [start, *path])
                findings.append(Finding(start.rule, "error", f"cycle: {chain}"))
    return findings


def _path_back(
    node: Entry, goal: Entry, rewrites: dict[int, list[Entry]], by_id: dict[int, Entry]
) -> list[Entry] | None:
    """A chain of whole-replacement rewrites from ``node`` back to ``goal``, if any."""
    stack = [(node, [node])]
    visited = {id(node)}
    while stack:
        current, path = stack.pop()
        if current is goal:
            return path
        for nxt in rewrites.get(id(current), []):
            if id(nxt) not in visited:
                visited.add(id(nxt))
                stack.append((nxt, [*path, nxt]))
    return None


def _all_context(entries: list[Entry]) -> str:
    # Every gate open: a replacement counts as rewritable if any document could trigger it.
    return " . ".join(t for e in entries for t in e.context)


def _from_error(error: GlossaryError) -> Finding:
    where = f"{error.path}:{error.line}" if error.line is not None else error.path
    return Finding(
        where, "error", str(error).split(": ", 1)[1] if ": " in str(error) else str(error)
    )


def lint(paths: Sequence[str | Path], packs: Sequence[str] = ()) -> list[Finding]:
    """Every finding for the glossary files ``paths`` and built-in ``packs``, checked together."""
    from importlib import resources

    from .packs import available_packs

    entries: list[Entry] = []
    findings: list[Finding] = []
    for name in packs:
        if name not in available_packs():
            known = ", ".join(available_packs()) or "none"
            findings.append(
                Finding(f"pack:{name}", "error", f"no such built-in pack (known: {known})")
            )
            continue
        text = resources.files("mtfix.glossary").joinpath("packs", f"{name}.tsv").read_text("utf-8")
        loaded, problems = lint_rows(text, f"pack:{name}")
        entries += loaded
        findings += problems
    for path in paths:
        loaded, problems = read_for_lint(path)
        entries += loaded
        findings += problems
    findings += check_entries(entries)
    return findings


__all__ = ["Finding", "check_entries", "lint", "lint_rows", "read_for_lint"]
