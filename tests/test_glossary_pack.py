"""The built-in pack on realistic sentences, golden cases kept as data.

``tests/data/glossary_cases.tsv``: one case per row (label, input, expected,
known_failure). Cases where an entry must NOT fire are as important as the
others. A known failure runs as ``xfail(strict=True)``, so fixing it makes the
test fail until the row is updated.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mtfix.glossary import DEFAULT_PACKS, Matcher, available_packs, load_pack
from mtfix.glossary.lint import lint

CASES = Path(__file__).parent / "data" / "glossary_cases.tsv"
PACK = "zh-en-internet"


def _cases() -> list:  # type: ignore[type-arg]
    with CASES.open(encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            if r and not r[0].startswith("#")
        ]
    header, body = rows[0], rows[1:]
    assert header == ["label", "input", "expected", "known_failure"]
    params = []
    for label, text, expected, known in body:
        marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
        text, expected = text.replace("\\n", "\n"), expected.replace("\\n", "\n")
        params.append(pytest.param(text, expected, id=label, marks=marks))
    return params


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_pack(PACK))


def apply(matcher: Matcher, text: str) -> str:
    out, pos = [], 0
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.before
        out += [text[pos : m.start], m.replacement]
        pos = m.end
    return "".join(out) + text[pos:]


@pytest.mark.parametrize(("text", "expected"), _cases())
def test_pack_golden_case(matcher: Matcher, text: str, expected: str) -> None:
    assert apply(matcher, text) == expected


def test_cases_include_negative_ones() -> None:
    params = _cases()
    unchanged = [p for p in params if p.values[0] == p.values[1]]
    assert len(unchanged) >= 5 and len(params) - len(unchanged) >= 10


def test_pack_is_default_and_loads() -> None:
    assert PACK in available_packs() and PACK in DEFAULT_PACKS
    pack = load_pack(PACK)
    assert len(pack) >= 200
    assert all(e.rule.startswith(f"pack:{PACK}:") for e in pack.entries)


def test_pack_has_no_lint_errors() -> None:
    errors = [f for f in lint([], [PACK]) if f.level == "error"]
    assert errors == []


def test_every_match_records_its_rule(matcher: Matcher) -> None:
    text = "I use micro letter and scan the two-dimensional code."
    rules = [m.entry.rule for m in matcher.find(text)]
    assert len(rules) == 2
    pack = load_pack(PACK)
    lines = {e.rule: e for e in pack.entries}
    assert all(r in lines for r in rules)
