"""XLIFF 1.2 / 2.x and TMX: find the English targets in the file's own characters.

The file is first parsed by lxml with a hardened parser (no DTD loading, no
network, no entity resolution, no huge trees) and refused if its DTD declares
entities at all, which rules out external entities and expansion bombs
("billion laughs"); syntax errors become an :class:`InputError` with the
line. Only then is the (now known to be well-formed) text scanned token by
token to locate targets with exact offsets, so the output can be the input
with just the repaired characters replaced.

Inline codes whose content is native markup (``<ph>``, ``<bpt>``, ``<ept>``,
``<it>``, ``<x/>``, ``<sc/>``, ``<ec/>``, ...) are one protected span each,
content included; the open and close tags of paired inline elements whose
content is text (``<g>``, ``<pc>``, ``<mrk>``, ``<hi>``) are protected spans and
their content is repaired.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InputError
from .base import Piece, Unit, line_of

# Elements whose whole content is code, not text.
CODE_ELEMENTS = frozenset(
    {"ph", "bpt", "ept", "it", "x", "bx", "ex", "sc", "ec", "sm", "em", "ut", "cp"}
)

_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|<(?P<close>/?)(?P<name>[^\s/>]+)(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<empty>/?)>"
    r"|(?P<text>[^<]+)",
    re.S,
)
_ATTR = re.compile(r"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def parse_safely(data: bytes, path: str) -> None:
    """Check ``data`` is well-formed XML without any entity declaration; else InputError."""
    from lxml import etree

    # Refused before parsing, so no parser ever sees an entity to expand (UTF-16 files,
    # where this byte search cannot see them, are checked after parsing below).
    doctype = data.find(b"<!DOCTYPE")
    if doctype >= 0 and b"<!ENTITY" in data[doctype:]:
        at = data.count(b"\n", 0, data.find(b"<!ENTITY", doctype)) + 1
        raise InputError(
            f"{path}:{at}",
            "XML declares entities (refused: they can expand without limit or read other files)",
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        line: int | None = exc.lineno or (exc.position[0] if exc.position else None)
        message = str(exc.msg or exc).split(", line ")[0]
        raise InputError(f"{path}:{line}" if line else path, f"malformed XML: {message}") from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        raise InputError(path, "XML declares entities (refused: they can expand without limit)")


@dataclass
class Tag:
    start: int
    end: int
    name: str  # local name, without prefix
    attrs: dict[str, str]
    close: bool
    empty: bool


def tokens(text: str) -> Iterator[tuple[str, int, int, Tag | None, str]]:
    """(kind, start, end, tag, value) for kind in tag/text/cdata/other."""
    for m in _TOKEN.finditer(text):
        if m.group("name") is not None:
            attrs = {
                a.group(1): html.unescape(a.group(2) if a.group(2) is not None else a.group(3))
                for a in _ATTR.finditer(m.group("attrs") or "")
            }
            tag = Tag(
                m.start(),
                m.end(),
                m.group("name").rsplit(":", 1)[-1],
                attrs,
                bool(m.group("close")),
                bool(m.group("empty")),
            )
            yield "tag", m.start(), m.end(), tag, m.group()
        elif m.group("text") is not None:
            yield "text", m.start(), m.end(), None, m.group("text")
        elif m.group("cdata") is not None:
            yield "cdata", m.start(), m.end(), None, m.group("cdata")
        else:
            yield "other", m.start(), m.end(), None, m.group()


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class _Collector:
    """Builds the pieces of one element's content (from its start tag to its end tag)."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.depth = 0  # open child elements
        self.code_start: int | None = None  # inside a code element: one protected piece
        self.code_depth = 0

    def feed(self, kind: str, start: int, end: int, tag: Tag | None, value: str) -> bool:
        """Take one token; True when it closes the element being collected."""
        if self.code_start is not None:
            if tag is not None and not tag.empty:
                self.code_depth += -1 if tag.close else 1
            if self.code_depth == 0:
                self.pieces.append(Piece(self.code_start, end, "", True))
                self.code_start = None
            return False
        if tag is not None:
            if tag.close and self.depth == 0:
                return True
            if not tag.close and tag.name in CODE_ELEMENTS:
                if tag.empty:
                    self.pieces.append(Piece(start, end, value, True))
                else:
                    self.code_start, self.code_depth = start, 1
                return False
            if not tag.empty:
                self.depth += -1 if tag.close else 1
            self.pieces.append(Piece(start, end, value, True))
        elif kind == "text":
            self.pieces.append(Piece(start, end, html.unescape(value), False, _escape_text))
        elif kind == "cdata":
            self.pieces.append(Piece(start, end, value, False, _cdata))
        else:  # comments and processing instructions inside a target
            self.pieces.append(Piece(start, end, value, True))
        return False

    def finish(self, text: str) -> tuple[Piece, ...]:
        # protected code pieces carry their original characters (for tag checks)
        return tuple(
            Piece(p.start, p.end, text[p.start : p.end], True) if p.protected else p
            for p in self.pieces
        )


def _plain(pieces: tuple[Piece, ...]) -> str:
    return "".join(p.text for p in pieces if not p.protected)


def _is_english(lang: str | None) -> bool:
    return lang is None or lang == "" or lang.lower().replace("_", "-").split("-")[0] == "en"


def _set_attr(text: str, tag: Tag, name: str, value: str) -> tuple[int, int, str]:
    """A replacement of ``tag`` with attribute ``name`` set to ``value``."""
    raw = text[tag.start : tag.end]
    pattern = re.compile(r"(\s" + re.escape(name) + r"\s*=\s*)(\"[^\"]*\"|'[^']*')")
    if pattern.search(raw):
        new = pattern.sub(lambda m: f'{m.group(1)}"{value}"', raw, count=1)
    else:
        cut = len(raw) - (2 if raw.endswith("/>") else 1)
        while cut > 0 and raw[cut - 1].isspace():
            cut -= 1
        new = f'{raw[:cut]} {name}="{value}"{raw[cut:]}'
    return (tag.start, tag.end, new)


def xliff_units(text: str) -> tuple[list[Unit], list[str]]:
    """The ``<target>`` of every trans-unit (1.2) or segment (2.x), and notes."""
    line = line_of(text)
    units: list[Unit] = []
    notes: list[str] = []
    stack: list[Tag] = []
    collecting: _Collector | None = None
    collect_kind = ""
    collect_tag: Tag | None = None
    unit_id = ""
    segment_count = 0
    segment_tag: Tag | None = None
    source: str | None = None
    english = True
    for kind, start, end, tag, value in tokens(text):
        if collecting is not None:
            if collecting.feed(kind, start, end, tag, value):
                pieces = collecting.finish(text)
                if collect_kind == "source":
                    source = _plain(pieces)
                elif english and collect_tag is not None:
                    uid = unit_id  # 1.2: the trans-unit id; 2.x: unit/segment
                    if segment_tag is not None and segment_tag.attrs.get("id"):
                        uid = f"{unit_id}/{segment_tag.attrs['id']}"
                    elif segment_count > 1:
                        uid = f"{unit_id}/{segment_count}"
                    units.append(
                        Unit(
                            uid,
                            pieces,
                            source,
                            line(collect_tag.end),
                            _xliff_mark(collect_tag, segment_tag),
                        )
                    )
                collecting = None
            continue
        if tag is None:
            continue
        if tag.close:
            if stack:
                stack.pop()
            continue
        parent = stack[-1].name if stack else ""
        if tag.name == "file" and "target-language" in tag.attrs:
            english = _is_english(tag.attrs["target-language"])
            if not english:
                notes.append(f"target language {tag.attrs['target-language']}: not repaired")
        elif tag.name == "xliff" and "trgLang" in tag.attrs:
            english = _is_english(tag.attrs["trgLang"])
            if not english:
                notes.append(f"target language {tag.attrs['trgLang']}: not repaired")
        elif tag.name in ("trans-unit", "unit"):
            unit_id, segment_count, segment_tag, source = tag.attrs.get("id", ""), 0, None, None
            if tag.name == "trans-unit":
                segment_count = 1
        elif tag.name == "segment" and parent == "unit":
            segment_count += 1
            segment_tag, source = tag, None
        elif tag.name in ("source", "target") and parent in ("trans-unit", "segment"):
            if tag.empty:
                continue
            collecting, collect_kind, collect_tag = _Collector(), tag.name, tag
            continue
        if not tag.empty:
            stack.append(tag)
    return units, notes


def _xliff_mark(target: Tag, segment: Tag | None):  # type: ignore[no-untyped-def]
    """How ``--mark-edited`` flags a unit: 1.2 target state, 2.x segment subState."""

    def mark(text: str) -> list[tuple[int, int, str]]:
        if segment is None:  # XLIFF 1.2
            return [_set_attr(text, target, "state", "needs-review-translation")]
        if "state" in segment.attrs:
            return [_set_attr(text, segment, "subState", "mtfix:edited")]
        tagged = _set_attr(text, segment, "state", "translated")
        interim = text[: segment.start] + tagged[2] + text[segment.end :]
        shifted = Tag(
            segment.start,
            segment.start + len(tagged[2]),
            segment.name,
            {**segment.attrs, "state": "translated"},
            False,
            segment.empty,
        )
        final = _set_attr(interim, shifted, "subState", "mtfix:edited")
        return [(segment.start, segment.end, final[2])]

    return mark


def tmx_units(text: str) -> tuple[list[Unit], list[str]]:
    """The ``<seg>`` of every English ``<tuv>``; the first other-language tuv is the source."""
    line = line_of(text)
    units: list[Unit] = []
    stack: list[Tag] = []
    collecting: _Collector | None = None
    seg_tag: Tag | None = None
    tu_index = 0
    tu_id = ""
    tuv_lang: str | None = None
    pending: list[tuple[str, Tag, tuple[Piece, ...]]] = []
    source: str | None = None

    def flush() -> None:
        english = [p for p in pending if _is_english_tuv(p[0])]
        for k, (_lang, seg, pieces) in enumerate(english):
            uid = tu_id if len(english) == 1 else f"{tu_id}/{k + 1}"
            units.append(Unit(uid, pieces, source, line(seg.end)))

    for kind, start, end, tag, value in tokens(text):
        if collecting is not None:
            if collecting.feed(kind, start, end, tag, value):
                pieces = collecting.finish(text)
                assert seg_tag is not None
                if _is_english_tuv(tuv_lang or ""):
                    pending.append((tuv_lang or "", seg_tag, pieces))
                elif source is None:
                    source = _plain(pieces)
                collecting = None
            continue
        if tag is None:
            continue
        if tag.close:
            if stack:
                closed = stack.pop()
                if closed.name == "tu":
                    flush()
            continue
        if tag.name == "tu":
            tu_index += 1
            tu_id = tag.attrs.get("tuid") or str(tu_index)
            pending, source = [], None
        elif tag.name == "tuv":
            tuv_lang = tag.attrs.get("xml:lang") or tag.attrs.get("lang")
        elif tag.name == "seg" and not tag.empty:
            collecting, seg_tag = _Collector(), tag
            continue
        if not tag.empty:
            stack.append(tag)
    return units, []


def _is_english_tuv(lang: str) -> bool:
    return bool(lang) and _is_english(lang)
