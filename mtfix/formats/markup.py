"""Markdown and HTML: repair prose, keep code, URLs, attributes and markup.

Markdown: markdown-it-py (CommonMark + tables) finds the paragraphs,
headings and table rows by line; fenced and indented code, HTML blocks and
front matter are never units. Inside a unit, line prefixes (quote markers,
list bullets, heading hashes), inline code, link destinations, autolinks,
inline HTML, bare URLs, entities and table pipes are protected spans.

HTML: a small tokenizer over the (lenient) markup; each run of text between
block-level tags is a unit, inline tags in it (``<a href=...>``, ``<b>``,
``<br>``) are protected spans, and the content of ``<code>``, ``<pre>``,
``<script>``, ``<style>`` and similar is one protected span. Attributes are
never touched. Units are named by their line.
"""

from __future__ import annotations

import html
import re

from ..segment import iter_lines
from .base import Piece, Unit, line_of

_MD_INLINE = re.compile(
    r"(?P<code>(`+)(?:(?!\2).)+?\2)"
    r"|\]\([^)\s]*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)"
    r"|\]\[[^\]]*\]"
    r"|<[^>\n]+>"
    r"|(?:https?|ftp)://[^\s)<>\]]+"
    r"|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);"
    r"|\|"
    r"|[ \t]+#+[ \t]*$"
)
_MD_PREFIX = re.compile(
    r"[ \t]*(?:>[ \t]?)*[ \t]*"  # indentation and quote markers
    r"(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:\[[ xX]\][ \t]+)?"  # list bullet, task box
    r"(?:#{1,6}(?:[ \t]+|$))?"  # heading hashes
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*\r?$", re.S | re.M)


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in iter_lines(text):
        spans.append((pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return spans


_SETEXT = re.compile(r"[ \t]*(?:=+|-+)[ \t]*\Z")


def _md_line_pieces(text: str, start: int, end: int) -> list[Piece]:
    if _SETEXT.match(text[start:end]):  # the underline of a setext heading
        return [Piece(start, end, text[start:end], True)] if end > start else []
    pieces: list[Piece] = []
    prefix = _MD_PREFIX.match(text, start, end)
    pos = start
    if prefix and prefix.end() > start:
        pieces.append(Piece(start, prefix.end(), prefix.group(), True))
        pos = prefix.end()
    for m in _MD_INLINE.finditer(text, pos, end):
        if m.start() > pos:
            pieces.append(Piece(pos, m.start(), text[pos : m.start()]))
        pieces.append(Piece(m.start(), m.end(), m.group(), True))
        pos = m.end()
    if pos < end:
        pieces.append(Piece(pos, end, text[pos:end]))
    return pieces


def markdown_units(text: str, path: str) -> tuple[list[Unit], list[str]]:
    from markdown_it import MarkdownIt

    skip_lines = 0
    front = _FRONT_MATTER.match(text)
    if front:
        skip_lines = text.count("\n", 0, front.end()) + 1
    md = MarkdownIt("commonmark").enable("table")
    lines = _line_spans(text)
    units: list[Unit] = []
    for token in md.parse(text):
        if token.type not in ("paragraph_open", "heading_open", "tr_open") or not token.map:
            continue
        first, last = token.map
        if first < skip_lines:
            continue
        pieces: list[Piece] = []
        for k in range(first, min(last, len(lines))):
            a, b = lines[k]
            if k > first:  # the line break between two lines of the unit
                prev_end = lines[k - 1][1]
                pieces.append(Piece(prev_end, a, text[prev_end:a]))
            pieces.extend(_md_line_pieces(text, a, b))
        if any(not p.protected and p.text.strip() for p in pieces):
            units.append(Unit(f"line {first + 1}", tuple(pieces), None, first + 1))
    return units, []


# ------------------------------------------------------------------ HTML

_INLINE = frozenset(
    "a abbr b bdi bdo br cite data dfn em font i img mark q s small span strong sub sup time u "
    "wbr ins del".split()
)
_OPAQUE = frozenset("code kbd samp pre script style textarea svg math template var".split())
_HTML_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<![^>]*>"
    r"|<\?.*?\?>"
    r"|<(?P<close>/?)(?P<name>[A-Za-z][\w:-]*)(?:\s+[^\s=>/\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*\s*/?>"
    r"|(?P<text>[^<]+|<)",
    re.S,
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_units(text: str, path: str) -> tuple[list[Unit], list[str]]:
    line = line_of(text)
    units: list[Unit] = []
    current: list[Piece] = []
    opaque: tuple[str, int] | None = None  # (element name, start offset)

    def flush() -> None:
        nonlocal current
        while current and current[-1].protected:  # trailing tags belong to no unit
            current.pop()
        while current and current[0].protected:
            current.pop(0)
        if any(not p.protected and re.search(r"[^\W\d_]", p.text) for p in current):
            start = next(p.start for p in current if not p.protected)
            units.append(Unit(f"line {line(start)}", tuple(current), None, line(start)))
        current = []

    for m in _HTML_TOKEN.finditer(text):
        name = (m.group("name") or "").lower()
        if opaque is not None:
            if name == opaque[0] and m.group("close"):
                current.append(Piece(opaque[1], m.end(), text[opaque[1] : m.end()], True))
                opaque = None
            continue
        if m.group("text") is not None:
            current.append(Piece(m.start(), m.end(), html.unescape(m.group()), False, _escape))
        elif name in _OPAQUE and not m.group("close") and not m.group().endswith("/>"):
            if name not in ("code", "kbd", "samp", "var"):
                flush()
            opaque = (name, m.start())
        elif name in _INLINE:
            current.append(Piece(m.start(), m.end(), m.group(), True))
        else:
            flush()
    if opaque is not None:  # unclosed: everything after it stays as it is
        current = []
    flush()
    return units, []
