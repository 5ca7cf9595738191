#!/usr/bin/env python3
"""Validate mtfix glossary packs (tab-separated .tsv files).

Usage::

    python scripts/check_pack.py [PACK.tsv ...]

Without arguments, every ``*.tsv`` under ``mtfix/glossary/packs/`` is checked.

Format: UTF-8; lines starting with ``#`` are comments; blank lines are
ignored; the first other line must be exactly the header
``variants<TAB>replacement<TAB>zh<TAB>note<TAB>context<TAB>case``; every
following line is one entry with exactly six tab-separated columns.
``variants`` and ``context`` are lists separated by `` | ``.

Checks (each problem is printed as ``file:line: message``):

* header present and exact; six columns on every row;
* non-empty ``variants`` and ``replacement``; no empty list items;
* ``case`` is empty or ``exact``;
* no duplicate variants, case-insensitively and also after the matcher's
  normalisation (hyphen/space/joined forms, final plural/possessive), within
  a row or across rows;
* no variant equal to any replacement (same normalisation), and no variant
  that occurs as a whole-word span inside any replacement (which would make
  a rewrite re-match its own output or create a cycle a -> b -> a);
* no row whose context lists one of its own variants (the gate would be a
  no-op).

Prints ``file: N entries, G context-gated, E exact-case`` and exits 0 when
everything is fine, 1 otherwise.  Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HEADER = ["variants", "replacement", "zh", "note", "context", "case"]
SEP = " | "
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-case word tokens; hyphens, apostrophes and punctuation split/drop."""
    return WORD_RE.findall(text.lower().replace("'", "").replace("\u2019", ""))


def singular(word: str) -> str:
    """Very rough plural/possessive folding, applied to a final word only."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def key(text: str) -> str:
    """Normalised key: words joined without separators, final word singular.

    "Micro-letter", "micro letter", "microletters" and "micro letter's" all
    give "microletter".
    """
    w = words(text)
    if w:
        w[-1] = singular(w[-1])
    return "".join(w)


def span_keys(text: str) -> set[str]:
    """Keys of every contiguous word span of ``text`` (for containment checks)."""
    w = words(text)
    out = set()
    for i in range(len(w)):
        for j in range(i + 1, len(w) + 1):
            span = w[i:j]
            out.add("".join(span))
            out.add("".join(span[:-1] + [singular(span[-1])]))
    return out


def split_list(field: str) -> list[str]:
    return [item.strip() for item in field.split(SEP.strip())]


def check(path: Path) -> tuple[list[str], int, int, int]:
    problems: list[str] = []

    def bad(lineno: int, msg: str) -> None:
        problems.append(f"{path}:{lineno}: {msg}")

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{path}:0: cannot read: {exc}"], 0, 0, 0

    rows: list[tuple[int, list[str], str, list[str]]] = []
    header_seen = False
    gated = exact = 0
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = raw.split("\t")
        if not header_seen:
            header_seen = True
            if cols != HEADER:
                bad(lineno, f"header must be {chr(9).join(HEADER)!r}, got {raw!r}")
            continue
        if len(cols) != len(HEADER):
            bad(lineno, f"expected {len(HEADER)} tab-separated columns, got {len(cols)}")
            continue
        variants_f, repl, zh, note, context_f, case = (c.strip() for c in cols)
        if cols[0] != variants_f or cols[1] != repl:
            bad(lineno, "leading/trailing whitespace in variants or replacement")
        if not variants_f:
            bad(lineno, "empty variants")
            continue
        if not repl:
            bad(lineno, "empty replacement")
            continue
        if not zh:
            bad(lineno, "empty zh column")
        if case not in ("", "exact"):
            bad(lineno, f"case must be empty or 'exact', got {case!r}")
        variants = split_list(variants_f)
        if any(not v for v in variants):
            bad(lineno, "empty item in variants (check the ' | ' separators)")
        variants = [v for v in variants if v]
        context = split_list(context_f) if context_f else []
        if context_f and any(not c for c in context):
            bad(lineno, "empty item in context")
        context = [c for c in context if c]
        if context:
            gated += 1
            own = {key(v) for v in variants}
            for c in context:
                if key(c) in own:
                    bad(lineno, f"context term {c!r} is one of the row's own variants")
        if case == "exact":
            exact += 1
        for v in variants:
            if not words(v):
                bad(lineno, f"variant {v!r} has no words")
        rows.append((lineno, variants, repl, context))

    if not header_seen:
        problems.append(f"{path}:1: missing header line")

    # duplicates (case-insensitive, then normalised)
    seen_lower: dict[str, int] = {}
    seen_key: dict[str, tuple[int, str]] = {}
    for lineno, variants, _repl, _ctx in rows:
        for v in variants:
            low = v.lower()
            if low in seen_lower:
                bad(lineno, f"duplicate variant {v!r} (also on line {seen_lower[low]})")
                continue
            seen_lower[low] = lineno
            k = key(v)
            if k in seen_key:
                other_line, other = seen_key[k]
                bad(lineno, f"variant {v!r} normalises like {other!r} on line {other_line}")
                continue
            seen_key[k] = (lineno, v)

    # variants vs replacements: equality, containment, cycles
    repl_keys: dict[str, tuple[int, str]] = {}
    repl_spans: dict[str, tuple[int, str]] = {}
    for lineno, _variants, repl, _ctx in rows:
        repl_keys.setdefault(key(repl), (lineno, repl))
        for s in span_keys(repl):
            repl_spans.setdefault(s, (lineno, repl))
    for lineno, variants, _repl, _ctx in rows:
        for v in variants:
            k = key(v)
            if k in repl_keys:
                other_line, other = repl_keys[k]
                bad(lineno, f"variant {v!r} equals replacement {other!r} (line {other_line})")
            elif k in repl_spans:
                other_line, other = repl_spans[k]
                bad(
                    lineno,
                    f"variant {v!r} occurs inside replacement {other!r} "
                    f"(line {other_line}); rewriting would not be idempotent",
                )
    return problems, len(rows), gated, exact


def main(argv: list[str]) -> int:
    if argv:
        paths = [Path(a) for a in argv]
    else:
        root = Path(__file__).resolve().parent.parent / "mtfix" / "glossary" / "packs"
        paths = sorted(root.glob("*.tsv"))
        if not paths:
            print(f"{root}: no *.tsv packs found", file=sys.stderr)
            return 1
    status = 0
    for path in paths:
        problems, n, gated, exact = check(path)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            status = 1
        print(
            f"{path}: {n} entries, {gated} context-gated, {exact} exact-case"
            + (f", {len(problems)} problem(s)" if problems else ", OK")
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
