"""TBX-Basic (ISO 30042) termbases: read safely, write back.

Each concept (``conceptEntry``, or ``termEntry`` in TBX 2008 files) becomes
one entry when its English terms (``xml:lang`` ``en`` or ``en-*``) include
terms marked ``deprecatedTerm-admn-sts``, ``supersededTerm-admn-sts`` or
``admittedTerm-admn-sts`` (``termNote type="administrativeStatus"``): those are
the variants, and the ``preferredTerm-admn-sts`` term is the replacement. A
concept whose English terms carry no such status is a plain terminology entry
and is skipped. The first Chinese (``zh*``) term becomes the entry's source,
and a ``definition`` or ``note`` its note.

The XML is parsed with :mod:`defusedxml`: entity declarations (the "billion
laughs" bomb) and external entities or DTDs are refused, never expanded or
fetched (a DOCTYPE naming only an external DTD is blanked out first, as TBX
2008 files carry one). Errors name the file and line.
"""

from __future__ import annotations

import re
import xml.sax
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from ..errors import GlossaryError
from .entries import Entry, Glossary

VARIANT_STATUSES = (
    "deprecatedTerm-admn-sts",
    "supersededTerm-admn-sts",
    "admittedTerm-admn-sts",
)
PREFERRED_STATUS = "preferredTerm-admn-sts"
_CONCEPT = {"conceptEntry", "termEntry"}
_LANG = {"langSec", "langSet"}
_TERM_SECTION = {"termSec", "tig", "ntig"}
MAX_TERM_LENGTH = 1000


@dataclass
class _Term:
    text: str = ""
    status: str = ""
    line: int = 0


@dataclass
class _Concept:
    line: int
    terms: dict[str, list[_Term]] = field(default_factory=dict)
    note: str = ""


class _Handler(xml.sax.ContentHandler):
    """Collects concepts, their language sections and terms, with line numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.concepts: list[_Concept] = []
        self._concept: _Concept | None = None
        self._lang = ""
        self._term: _Term | None = None
        self._text: list[str] | None = None  # collecting character data
        self._what = ""  # what the collected text is: term, status or note
        self.root = ""

    def _line(self) -> int:
        locator = getattr(self, "_locator", None)
        return locator.getLineNumber() if locator is not None else 0

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:  # noqa: N802
        tag = name.rpartition(":")[2]
        if not self.root:
            self.root = tag
        if tag in _CONCEPT:
            self._concept = _Concept(self._line())
        elif self._concept is None:
            return
        elif tag in _LANG:
            self._lang = (attrs.get("xml:lang") or attrs.get("lang") or "").lower()
        elif tag in _TERM_SECTION:
            self._term = _Term(line=self._line())
            self._concept.terms.setdefault(self._lang, []).append(self._term)
        elif tag == "term" and self._term is not None:
            self._start_text("term")
        elif tag == "termNote" and self._term is not None:
            if attrs.get("type") == "administrativeStatus":
                self._start_text("status")
        elif tag in ("descrip", "note") and not self._concept.note:
            if tag == "note" or attrs.get("type") == "definition":
                self._start_text("note")

    def _start_text(self, what: str) -> None:
        self._text, self._what = [], what

    def characters(self, content: str) -> None:
        if self._text is not None:
            self._text.append(content)

    def endElement(self, name: str) -> None:  # noqa: N802
        tag = name.rpartition(":")[2]
        if self._text is not None and tag in ("term", "termNote", "descrip", "note"):
            value = " ".join("".join(self._text).split())
            if self._what == "term" and self._term is not None:
                self._term.text = value
            elif self._what == "status" and self._term is not None:
                self._term.status = value
            elif self._what == "note" and self._concept is not None:
                self._concept.note = value
            self._text = None
        elif tag in _TERM_SECTION:
            self._term = None
        elif tag in _CONCEPT and self._concept is not None:
            self.concepts.append(self._concept)
            self._concept = None


def parse_tbx(data: bytes, name: str, *, rule_prefix: str | None = None) -> Glossary:
    """Parse TBX ``data``; rule ids are ``NAME:LINE`` of each concept's start tag."""
    import defusedxml.sax
    from defusedxml import DefusedXmlException

    handler = _Handler()
    data = _drop_external_doctype(data)
    try:
        defusedxml.sax.parseString(
            data, handler, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except xml.sax.SAXParseException as exc:
        raise GlossaryError(name, exc.getLineNumber(), f"broken XML: {exc.getMessage()}") from None
    except DefusedXmlException as exc:
        line = handler._line() or None
        raise GlossaryError(name, line, f"unsafe XML refused: {type(exc).__name__}") from None
    except (ValueError, UnicodeError) as exc:
        raise GlossaryError(name, None, f"cannot read XML: {exc}") from None
    if handler.root not in ("tbx", "martif"):
        raise GlossaryError(name, 1, f"not a TBX file (root element <{handler.root}>)")
    prefix = rule_prefix if rule_prefix is not None else name
    entries = [e for c in handler.concepts if (e := _entry(c, name, prefix)) is not None]
    if not entries:
        raise GlossaryError(
            name, None, "no entries (no English terms marked deprecated or admitted)"
        )
    return Glossary(tuple(entries), name)


_EXTERNAL_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[\w:.-]+\s+(?:SYSTEM|PUBLIC)\s[^\[<>]*>")


def _drop_external_doctype(data: bytes) -> bytes:
    """Blank out a DOCTYPE that only names an external DTD (common in TBX 2008 files).

    The DTD is never fetched either way; without this the safe parser refuses
    the whole file. A DOCTYPE with an internal subset (``[...]``, where entity
    declarations live) is left for the parser to refuse. Line numbers are kept.
    """
    m = _EXTERNAL_DOCTYPE.search(data, 0, 4096)
    if m is None:
        return data
    blank = bytes(b if b == 0x0A else 0x20 for b in m.group())
    return data[: m.start()] + blank + data[m.end() :]


def _entry(concept: _Concept, name: str, prefix: str) -> Entry | None:
    english = [t for lang, terms in concept.terms.items() if _is(lang, "en") for t in terms]
    variants = [t for t in english if t.status in VARIANT_STATUSES]
    if not variants:
        return None
    preferred = [t for t in english if t.status == PREFERRED_STATUS]
    if not preferred:
        unmarked = [t for t in english if not t.status]
        if len(unmarked) != 1:
            raise GlossaryError(
                name,
                concept.line,
                "concept has deprecated/admitted English terms but no preferred term",
            )
        preferred = unmarked
    for term in (*variants, preferred[0]):
        if not term.text:
            raise GlossaryError(name, term.line, "empty <term>")
        if len(term.text) > MAX_TERM_LENGTH:
            raise GlossaryError(name, term.line, f"term longer than {MAX_TERM_LENGTH} characters")
        if not any(ch.isalnum() for ch in term.text):
            raise GlossaryError(name, term.line, f"term {term.text!r} has no letters or digits")
    chinese = [t.text for lang, terms in concept.terms.items() if _is(lang, "zh") for t in terms]
    return Entry(
        variants=tuple(dict.fromkeys(t.text for t in variants)),
        replacement=preferred[0].text,
        rule=f"{prefix}:{concept.line}",
        source=chinese[0] if chinese else "",
        note=concept.note,
    )


def _is(lang: str, code: str) -> bool:
    return lang == code or lang.startswith(code + "-") or lang.startswith(code + "_")


def dump_tbx(glossary: Glossary) -> tuple[str, list[str]]:
    """TBX-Basic (TBX v3, ISO 30042:2019) text for ``glossary``, and warnings for what TBX drops.

    Variants are written as deprecated English terms, the replacement as the
    preferred one. Pattern and protected entries cannot be expressed and are
    skipped; context gates and exact case are dropped; each is warned about.
    """
    warnings: list[str] = []
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">',
        "  <tbxHeader><fileDesc><sourceDesc><p>written by mtfix</p></sourceDesc></fileDesc>"
        "</tbxHeader>",
        "  <text>",
        "    <body>",
    ]
    for number, entry in enumerate(glossary.entries, 1):
        if entry.pattern or entry.protect:
            kind = "pattern" if entry.pattern else "protected term"
            warnings.append(f"{entry.rule}: {kind} cannot be written as TBX: skipped")
            continue
        if entry.context or entry.exact_case:
            warnings.append(f"{entry.rule}: context and case columns are not kept in TBX")
        out.append(f"      <conceptEntry id={quoteattr(f'c{number}')}>")
        if entry.note:
            out.append(f'        <descrip type="definition">{escape(entry.note)}</descrip>')
        if entry.source:
            out.append('        <langSec xml:lang="zh">')
            out.append(f"          <termSec><term>{escape(entry.source)}</term></termSec>")
            out.append("        </langSec>")
        out.append('        <langSec xml:lang="en">')
        statuses = [(entry.replacement, PREFERRED_STATUS)]
        statuses += [(v, VARIANT_STATUSES[0]) for v in entry.variants if v != entry.replacement]
        for term, status in statuses:
            out.append(
                f"          <termSec><term>{escape(term)}</term>"
                f'<termNote type="administrativeStatus">{status}</termNote></termSec>'
            )
        out.append("        </langSec>")
        out.append("      </conceptEntry>")
    out += ["    </body>", "  </text>", "</tbx>", ""]
    return "\n".join(out), warnings
