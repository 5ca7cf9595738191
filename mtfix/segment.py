"""Split a document into labelled segments that tile it exactly.

A document is a sequence of lines (ended by ``\\n``, ``\\r\\n`` or ``\\r``);
paragraphs are runs of non-blank lines. Each line is classified as
boilerplate (navigation, contact lines, copyright), metadata (bylines, dates,
"published in"), heading (a short single-line paragraph without final
punctuation) or content; runs of content lines are split into sentences.
Whitespace between segments is a ``blank`` segment, so
``"".join(s.text for s in segments)`` is always the input, byte for byte.

Linear time, whatever the input: every regular expression is either run once
over a block with no nested quantifiers or only on lines shorter than
:data:`MAX_CLASSIFIED_LINE`, and every look-around is bounded. There is no
input that can make segmentation hang (long runs of digits and dots, a 50 MB
line, megabytes without punctuation).

:func:`segment_stream` consumes lines one paragraph at a time, so a huge file
can be segmented in memory proportional to its longest paragraph.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator

from .records import Label, Segment

#: Lines longer than this are content: no heading, menu or byline is this long,
#: and it keeps classification cost bounded per line.
MAX_CLASSIFIED_LINE = 300

_LINES = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")

# --- sentences ---------------------------------------------------------------

_CLOSERS = "\"'”’»)\\]}」』）】"
# One pass finds every candidate end: ASCII terminators (need whitespace after)
# and full-width CJK ones (need nothing after), each with trailing closers.
# (A single character class scans several times faster than an alternation.)
_TERMINATOR = re.compile(r"[.!?…。！？；]+")
_CLOSING = re.compile(rf"[{_CLOSERS}]*")
_CJK_TERMINATORS = frozenset("。！？；")
# What follows an ASCII terminator: whitespace, up to 3 openers, a character.
_AFTER = re.compile(r"\s+[\"'“‘(\[«\-—]{0,3}(\S)")
# A line that starts a list item starts a sentence of its own.
_LIST_ITEM = re.compile(
    r"(?m)^[ \t]*(?:[-*•·▪‣◦]|\d{1,3}[.)、]|[(（]\d{1,3}[)）]|[a-zA-Z][.)]|[①-⑳])[ \t]"
)
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs etc no nos fig figs vol vols inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec approx dept est gen gov sen rep
    rev capt col lt sgt cf al ed eds pp ca""".split()
)
_ABBREVIATION_REACH = 12  # longest word looked at behind a dot


def sentence_ends(block: str) -> list[int]:
    """Offsets in ``block`` where a sentence ends (never 0 or ``len(block)``).

    A boundary falls after ``.!?…`` (and closing quotes/brackets) when
    whitespace and a capital, digit or CJK character follow, unless the dot
    ends an abbreviation or an initial ("Dr.", "U.S.", "J."); after ``。！？；``
    always; and before every line that starts a list item.
    """
    ends: list[int] = []
    n = len(block)
    skip = 0
    for m in _TERMINATOR.finditer(block):
        if m.start() < skip:
            continue  # inside the closers of the previous terminator: '?")!'
        end = _CLOSING.match(block, m.end()).end()  # type: ignore[union-attr]
        skip = end
        if end >= n:
            continue
        if block[m.end() - 1] not in _CJK_TERMINATORS:
            after = _AFTER.match(block, end)
            if after is None or not _starts_sentence(after.group(1)):
                continue  # "3.5", "e.g.x", "it. and", a URL's "?x=1"
            if (
                m.end() - m.start() == 1
                and block[m.start()] == "."
                and _before_dot_is_not_an_end(block, m.start(), after.start(1))
            ):
                continue
        ends.append(end)
    items = [m.start() for m in _LIST_ITEM.finditer(block) if m.start() > 0]
    if items:
        ends = sorted(set(ends).union(items))
    return ends


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or _is_cjk(char)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _before_dot_is_not_an_end(block: str, dot: int, following: int) -> bool:
    """Does the word ending at ``block[dot]`` make the dot an abbreviation or list marker?
    ``following``: where the next word starts."""
    start = dot
    limit = max(0, dot - _ABBREVIATION_REACH)
    while start > limit and (block[start - 1].isalnum() or block[start - 1] == "."):
        start -= 1
    if start == limit and start > 0 and (block[start - 1].isalnum() or block[start - 1] == "."):
        return False  # a long token ("www.example.com"): the dot ends the sentence
    word = block[start:dot]
    if not word:
        return False
    if word.isdigit():
        # "1. First item" at the start of a line is a list marker, not an end.
        line_start = block.rfind("\n", max(0, start - 8), start) + 1
        if line_start == 0 and start > 8:
            return False
        return len(word) <= 3 and not block[line_start:start].strip()
    lower = word.lower()
    if lower in _ABBREVIATIONS:
        return True
    if len(word) == 1:
        return word.isupper()  # an initial: "J. Smith"
    if "." not in word or len(word) > 5:
        return False
    # "U.S", "e.g", "i.e"; a dotted acronym before a word that starts sentences ends one
    # ("He moved to the U.S. The move"; not "the U.S. President").
    after = _NEXT_WORD.match(block, following)
    starter = after is not None and after.group().lower() in _SENTENCE_STARTERS
    return not (word.isupper() and starter)


# Words that start sentences far more often than they follow an acronym.
_SENTENCE_STARTERS = frozenset(
    """the a an he she it they we i you this that these those there his her its their our
    my but however in on at after when while as if since although though""".split()
)
_NEXT_WORD = re.compile(r"\w+")


# --- line labels ---------------------------------------------------------------

_NAV_WORDS = (
    r"(?:go\s+)?(?:to\s+)?(?:the\s+)?(?:home ?page|home|index|upload (?:pictures?|photos?|images?)|"
    r"write (?:articles?|posts?)|post (?:articles?|a reply)|log ?in|log ?out|sign (?:in|up|out)|"
    r"register|contact us|about us|back to (?:top|home)|return to (?:top|home)|top|"
    r"(?:next|previous|prev|last|first) (?:page|article|post|chapter)|more|read more|"
    r"view more|share(?: to| this)?|print(?: this page)?|close(?: window)?|reply|comments?|"
    r"add to favou?rites|bookmark|subscribe|follow us|scan the qr code|related (?:articles|"
    r"posts|reading|news)|hot (?:articles|tags|news)|recommended(?: reading)?|site ?map|help|"
    r"feedback|privacy(?: policy)?|terms(?: of (?:use|service))?|disclaimer|advertis(?:e|ing)|"
    r"click here|forum|search|menu|navigation|skip to content|font size|large|medium|small)"
)
_NAVIGATION = re.compile(rf"^{_NAV_WORDS}\b[^.!?]{{0,30}}$", re.IGNORECASE)
_PAGINATION = re.compile(
    r"^(?:[«‹<]+\s*)?(?:(?:prev(?:ious)?|next|first|last)(?: page)?|page \d+ of \d+|\d{1,4}|"
    r"[«»‹›<>]+|\.{2,}|…)(?:\s+(?:(?:prev(?:ious)?|next|first|last)(?: page)?|\d{1,4}|[«»‹›<>]+|"
    r"\.{2,}|…))*\s*$",
    re.IGNORECASE,
)
_BOILERPLATE_PHRASE = re.compile(
    r"please contact (?:the )?(?:webmaster|administrator|site admin)|all rights reserved|"
    r"^(?:copyright|©|\(c\)\s*\d{4})|版权所有|icp\s*[备证]|reproduc(?:tion|ed) (?:is )?"
    r"(?:prohibited|without permission)|without (?:written )?permission,? (?:no|do not|don't)|"
    r"powered by \w|如果有什么要求|请联系站长|^please (?:log ?in|sign in|register)\b|"
    r"to (?:post|leave|write) a comment|"
    # site disclaimers: "... does not represent the position of this site", "if there is
    # any infringement, please contact us to delete it"
    r"(?:does not|doesn't|do not) represent (?:the )?(?:position|views?|opinions?|stance) of "
    r"this (?:site|website|platform|station|network|newspaper)|"
    r"infringement,? please contact (?:us|the (?:author|editor|webmaster))|"
    r"本文仅代表作者|不代表本站",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"^(?:qq|tel|telephone|phone|fax|mobile|hotline|e-?mail|wechat|weixin|skype|msn|"
    r"微信|电话|手机|邮箱|传真|客服|qq群)\s*(?:号|number|no\.?)?\s*[:：]\s*[\w@.+\-() /,]{3,60}$|"
    r"^(?:address|地址)\s*[:：]",
    re.IGNORECASE,
)
_CJK_PARENTHETICAL = re.compile(r"[(（][^()（）]{0,40}[\u3400-\u9fff][^()（）]{0,40}[)）]")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?"
_DATE = (
    rf"(?:\d{{4}}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}\s*日?|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}){_TIME}"
)
_METADATA = re.compile(
    rf"^(?:the\s+)?(?:author|authors|editor|editors|source|reporter|correspondent|writer|"
    rf"photographer|translator|date|time|release time|publish(?:ed)? (?:time|date)|tags?|"
    rf"keywords?|category|views|hits|clicks|read(?:s| count)?)\s*[:：(（]|"
    rf"^(?:posted|published|updated|released|last (?:modified|updated)|first published)\s*"
    rf"(?:on|in|at|by|:|：|\(|（|\d)|"
    rf"^by\s+[A-Z][\w.'\-]*(?:\s+(?:and\s+)?[A-Z][\w.'\-]*){{0,4}}(?:\s*[,|/]\s*[\w .]{{1,40}})?$|"
    rf"^(?:作者|来源|编辑|责任编辑|发布时间|发表于|时间|日期|浏览|阅读|点击|出处)\s*[:：]|"
    rf"^(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?{_DATE}$|"
    rf"^(?:\d+\s+(?:views|reads|comments|hits)|read \d+ times)$",
    re.IGNORECASE,
)
_MENU_SEPARATORS = re.compile(r"\s*[|>»›/·•]\s*|\s{3,}")
_FINAL_PUNCTUATION = tuple(".!?:;,。！？；：，…\"'”’")


def classify_line(line: str, *, single_line_paragraph: bool = False) -> Label:
    """Label one stripped, non-empty line (``content`` when nothing else fits)."""
    if len(line) > MAX_CLASSIFIED_LINE:
        return "content"
    if _BOILERPLATE_PHRASE.search(line) or _CONTACT.match(line):
        return "boilerplate"
    if _METADATA.match(line):
        return "metadata"
    words = line.split()
    if _PAGINATION.match(line) and not line.isdigit():
        return "boilerplate"
    if (len(words) <= 8 and _NAVIGATION.match(line)) or (
        len(words) <= 6 and _CJK_PARENTHETICAL.search(line)
    ):
        return "boilerplate"
    if _is_menu(line):
        return "boilerplate"
    if single_line_paragraph and len(words) <= 12 and not line.endswith(_FINAL_PUNCTUATION):
        return "heading"
    return "content"


def _is_menu(line: str) -> bool:
    """ "Home | News | Contact", "Home > Tech > Mobile": short items between separators."""
    parts = [p for p in _MENU_SEPARATORS.split(line) if p]
    if len(parts) < 3:
        return False
    return all(len(p.split()) <= 3 and not p.endswith(_FINAL_PUNCTUATION) for p in parts)


def _label_paragraph(stripped: list[str]) -> list[Label]:
    """Labels of a paragraph's lines, with the context of the paragraph."""
    single = len(stripped) == 1
    labels = [classify_line(s, single_line_paragraph=single) for s in stripped]
    if not single and labels.count("boilerplate") * 2 >= len(labels):
        # A menu block: its short unpunctuated lines ("News", "Sports") are menu items too.
        for i, s in enumerate(stripped):
            if labels[i] == "content" and _short_item(s):
                labels[i] = "boilerplate"
    if not single and _LINK_LIST_HEADER.match(stripped[0]):
        # "Related articles" and the headlines it links to, one an item.
        for i, s in enumerate(stripped[1:], 1):
            if labels[i] == "content" and _headline_item(s):
                labels[i] = "boilerplate"
    return labels


_LINK_LIST_HEADER = re.compile(
    r"^(?:related (?:articles|posts|reading|news|links|stories)|recommended(?: reading| "
    r"articles)?|hot (?:articles|news|posts)|popular (?:articles|posts)|further reading|"
    r"you may also like|more (?:articles|news|stories))\s*[:：]?$",
    re.IGNORECASE,
)


def _headline_item(line: str) -> bool:
    """A line of a link list: a list item or a short unpunctuated headline."""
    text = _LIST_ITEM.sub("", line + " ", count=1).strip()  # "- JD.com files for IPO"
    return len(text.split()) <= 12 and not text.endswith(_FINAL_PUNCTUATION)


def _short_item(line: str) -> bool:
    return len(line) <= 40 and len(line.split()) <= 4 and not line.endswith(_FINAL_PUNCTUATION)


# --- segmentation --------------------------------------------------------------


def iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings (``\\n``, ``\\r\\n``, ``\\r``), lazily."""
    for m in _LINES.finditer(text):
        yield m.group()


def segment(text: str, *, split_sentences: bool = True) -> list[Segment]:
    """Return the labelled segments of ``text``; they tile it exactly."""
    enabled = gc.isenabled()
    # Segments hold no reference cycles; without this, the collector's passes
    # over millions of fresh objects make huge inputs several times slower.
    gc.disable()
    try:
        return list(segment_stream(iter_lines(text), split_sentences=split_sentences))
    finally:
        if enabled:
            gc.enable()


def segment_stream(
    lines: Iterable[str], *, split_sentences: bool = True, offset: int = 0
) -> Iterator[Segment]:
    """Segments of the document made of ``lines`` (each with its line ending), in order.

    Offsets count from ``offset``. Only one paragraph is held at a time, so
    this streams a file of any size (``open(path, newline="")`` gives suitable
    lines). All whitespace between two non-blank segments is one ``blank``
    segment; it belongs to the paragraph where it starts.
    """
    paragraph = -1
    block: list[str] = []  # the lines of the current paragraph
    block_start = pos = offset
    gap: list[str] = []  # whitespace since the last non-blank segment
    gap_start, gap_paragraph = offset, 0
    for line in _chain(lines):
        if line is not None and (not line or line.isspace()):
            if not gap and not block:
                gap_start, gap_paragraph = pos, max(paragraph, 0)
            if block:
                paragraph += 1
            else:
                gap.append(line)
                pos += len(line)
                continue
        elif line is not None:
            if not block:
                block_start = pos
            block.append(line)
            pos += len(line)
            continue
        if not block:
            continue
        # A paragraph has ended (a blank line or the end): emit it.
        if line is None:
            paragraph += 1
        text = "".join(block)
        prev = 0
        for a, b, label in _paragraph_spans(block, text, split_sentences):
            if a > prev:
                if not gap:
                    gap_start, gap_paragraph = block_start + prev, paragraph
                gap.append(text[prev:a])
            if gap:
                yield Segment(gap_start, block_start + a, "".join(gap), "blank", gap_paragraph)
                gap = []
            yield Segment(block_start + a, block_start + b, text[a:b], label, paragraph)
            prev = b
        if prev < len(text):
            gap_start, gap_paragraph = block_start + prev, paragraph
            gap.append(text[prev:])
        block = []
        if line is not None:
            gap.append(line)
            pos += len(line)
    if gap:
        yield Segment(gap_start, pos, "".join(gap), "blank", gap_paragraph)


def _chain(lines: Iterable[str]) -> Iterator[str | None]:
    """The lines, then ``None`` to mark the end."""
    yield from lines
    yield None


def _paragraph_spans(
    lines: list[str], text: str, split_sentences: bool
) -> list[tuple[int, int, Label]]:
    """``(start, end, label)`` of the non-blank segments of one paragraph, in ``text`` offsets."""
    labels = _label_paragraph([line.strip() for line in lines])
    spans: list[tuple[int, int, Label]] = []
    run_start: int | None = None  # start of a run of content lines
    pos = 0
    for line, label in zip(lines, labels):
        if label == "content":
            if run_start is None:
                run_start = pos
        else:
            if run_start is not None:
                _content_spans(text, run_start, pos, split_sentences, spans)
                run_start = None
            _add_trimmed(text, pos, pos + len(line), label, spans)
        pos += len(line)
    if run_start is not None:
        _content_spans(text, run_start, pos, split_sentences, spans)
    return spans


def _content_spans(
    text: str, start: int, end: int, split_sentences: bool, spans: list[tuple[int, int, Label]]
) -> None:
    block = text[start:end] if start or end < len(text) else text
    prev = 0
    for cut in [*(sentence_ends(block) if split_sentences else ()), len(block)]:
        _add_trimmed(block, prev, cut, "content", spans, start)
        prev = cut


def _add_trimmed(
    text: str,
    a: int,
    b: int,
    label: Label,
    spans: list[tuple[int, int, Label]],
    shift: int = 0,
) -> None:
    """Add ``text[a:b]`` without its surrounding whitespace (if anything is left)."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        spans.append((a + shift, b + shift, label))
