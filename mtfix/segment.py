"""Split a document into labelled segments that tile it exactly.

A document is a sequence of paragraphs (runs of non-blank lines). Each line is
classified as boilerplate (navigation, contact lines), metadata (bylines,
dates), heading (a short single-line paragraph without final punctuation) or
content; runs of content lines are split into sentences. Whitespace between
segments is a ``blank`` segment, so ``"".join(s.text for s in segments)`` is
always the input, byte for byte.

Everything here is a single left-to-right pass with linear-time regular
expressions: no input can make segmentation hang.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .records import Label, Segment

# Sentence-final punctuation followed by optional closing quotes/brackets.
_ASCII_END = re.compile(r"[.!?…]+[\"'”’)\]]*")
_CJK_END = re.compile(r"[。！？；]+[”’」』）]*")
_NEXT_STARTS_SENTENCE = re.compile(r"[\"'“‘(\[]*[^\W\d_a-z]|[\"'“‘(\[]*\d")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs etc e.g i.e u.s u.k u.n no fig vol inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec approx dept est gen gov sen rep rev""".split()
)

_CJK_PARENTHETICAL = re.compile(r"[(（][^)）]*[\u3400-\u9fff][^)）]*[)）]")
_NAVIGATION = re.compile(
    r"^(?:go\s+)?(?:home ?page|home|upload pictures?|write articles?|log ?in|sign (?:in|up)|"
    r"register|contact us|about us|back to top|next page|previous page|more|share(?: to)?|"
    r"print|close|reply|comments?)\b.{0,30}$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"please contact (?:the )?webmaster|all rights reserved|copyright|©|"
    r"^(?:qq|tel|phone|fax|e-?mail|wechat|weixin|微信|电话|邮箱)\s*[:：]\s*\S+$",
    re.IGNORECASE,
)
_METADATA = re.compile(
    r"^(?:the\s+)?(?:author|editor|source|reporter|posted|published|updated|date|time)\b"
    r"[^.!?]{0,60}$|^by\s+[A-Z][\w.\- ]{0,40}$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[\d: ]*$",
    re.IGNORECASE,
)
_FINAL_PUNCTUATION = tuple(".!?:;。！？；：…\"'”’")


def segment(text: str, *, split_sentences: bool = True) -> list[Segment]:
    """Return the labelled segments of ``text``; they tile it exactly."""
    pieces = list(_pieces(text, split_sentences))
    return _merge_blanks(pieces)


def _pieces(text: str, split_sentences: bool) -> Iterator[Segment]:
    paragraph = -1
    block_start: int | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            if block_start is None:
                block_start = pos
        elif block_start is not None:
            paragraph += 1
            yield from _paragraph(text, block_start, pos, paragraph, split_sentences)
            block_start = None
        if block_start is None:
            yield Segment(pos, pos + len(line), line, "blank", max(paragraph, 0))
        pos += len(line)
    if block_start is not None:
        paragraph += 1
        yield from _paragraph(text, block_start, pos, paragraph, split_sentences)


def _paragraph(
    text: str, start: int, end: int, paragraph: int, split_sentences: bool
) -> Iterator[Segment]:
    """Segments of the paragraph ``text[start:end]`` (non-blank lines only)."""
    lines = text[start:end].splitlines(keepends=True)
    single = len(lines) == 1
    run_start: int | None = None  # start of a run of content lines
    pos = start
    for line in lines:
        label = classify_line(line.strip(), single_line_paragraph=single)
        if label == "content":
            if run_start is None:
                run_start = pos
        else:
            if run_start is not None:
                yield from _content(text, run_start, pos, paragraph, split_sentences)
                run_start = None
            yield from _trimmed(text, pos, pos + len(line), label, paragraph)
        pos += len(line)
    if run_start is not None:
        yield from _content(text, run_start, end, paragraph, split_sentences)


def _content(
    text: str, start: int, end: int, paragraph: int, split_sentences: bool
) -> Iterator[Segment]:
    bounds = sentence_ends(text[start:end]) if split_sentences else []
    piece_start = start
    for b in bounds:
        yield from _trimmed(text, piece_start, start + b, "content", paragraph)
        piece_start = start + b
    yield from _trimmed(text, piece_start, end, "content", paragraph)


def _trimmed(text: str, start: int, end: int, label: Label, paragraph: int) -> Iterator[Segment]:
    """``text[start:end]`` as a segment with its surrounding whitespace split off as blanks."""
    chunk = text[start:end]
    body = chunk.strip()
    if not body:
        if chunk:
            yield Segment(start, end, chunk, "blank", paragraph)
        return
    lead = len(chunk) - len(chunk.lstrip())
    b_start, b_end = start + lead, start + lead + len(body)
    if lead:
        yield Segment(start, b_start, text[start:b_start], "blank", paragraph)
    yield Segment(b_start, b_end, body, label, paragraph)
    if b_end < end:
        yield Segment(b_end, end, text[b_end:end], "blank", paragraph)


def _merge_blanks(pieces: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in pieces:
        if merged and seg.label == "blank" and merged[-1].label == "blank":
            prev = merged[-1]
            merged[-1] = Segment(prev.start, seg.end, prev.text + seg.text, "blank", prev.paragraph)
        else:
            merged.append(seg)
    return merged


def sentence_ends(block: str) -> list[int]:
    """Offsets in ``block`` just after each sentence-final punctuation run (not the last)."""
    ends: list[int] = []
    for m in _CJK_END.finditer(block):
        if m.end() < len(block):
            ends.append(m.end())
    for m in _ASCII_END.finditer(block):
        end = m.end()
        rest = block[end : end + 2]
        if not rest or not rest[0].isspace():
            continue  # "3.5", "e.g.x", end of block
        nxt = block[end:].lstrip()[:4]
        if not _NEXT_STARTS_SENTENCE.match(nxt):
            continue
        if block[m.start()] == "." and _is_abbreviation(block, m.start()):
            continue
        ends.append(end)
    return sorted(set(ends))


def _is_abbreviation(block: str, dot: int) -> bool:
    """Is the word ending at ``block[dot]`` an abbreviation or an initial?"""
    start = dot
    while start > 0 and (block[start - 1].isalpha() or block[start - 1] == "."):
        start -= 1
    word = block[start:dot].lower()
    if not word:
        return False
    return word in _ABBREVIATIONS or len(word) == 1 or ("." in word and len(word) <= 5)


def classify_line(line: str, *, single_line_paragraph: bool = False) -> Label:
    """Label one stripped, non-empty line."""
    words = line.split()
    if _BOILERPLATE.search(line):
        return "boilerplate"
    if _METADATA.match(line):
        return "metadata"
    if len(words) <= 6 and (_NAVIGATION.match(line) or _CJK_PARENTHETICAL.search(line)):
        return "boilerplate"
    if single_line_paragraph and len(words) <= 12 and not line.endswith(_FINAL_PUNCTUATION):
        return "heading"
    return "content"
