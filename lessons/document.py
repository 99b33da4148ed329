"""The documents we write (lessons reports, the programme report, plans, the privacy
notice) as a few kinds of block, rendered to Markdown or to HTML.

Text people typed is data: every piece of it is escaped for the format it lands in,
so in a Markdown file, on a page that renders Markdown, or in an HTML file it can
never become a link, image, heading, emphasis, HTML or maths. Our own words are
marked `ours` and written as they are in Markdown (they hold no markup by accident),
and escaped in HTML like everything else.

Pure: no database, no Streamlit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

# --- inline text ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of text. `ours`: our own fixed words, written as they are in Markdown;
    anything else is escaped."""

    text: str
    bold: bool = False
    italic: bool = False
    ours: bool = False


def ours(text: str, bold: bool = False, italic: bool = False) -> Span:
    return Span(text, bold, italic, ours=True)


def typed(text: str, bold: bool = False, italic: bool = False) -> Span:
    return Span(text, bold, italic)


Inline = tuple[Span, ...]


def inline(*parts: Span | str) -> Inline:
    """A line of spans; a bare string counts as typed text (escaped), the safe default."""
    return tuple(part if isinstance(part, Span) else Span(part) for part in parts)


# --- blocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: Inline


@dataclass(frozen=True)
class Paragraph:
    text: Inline


@dataclass(frozen=True)
class Bullets:
    """A list; with `ticked` (one per item), a checklist."""

    items: tuple[Inline, ...]
    ticked: tuple[bool, ...] | None = None


@dataclass(frozen=True)
class Table:
    """Our own column names over cells that may hold typed text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    label: str = ""


@dataclass(frozen=True)
class Html:
    """HTML we generated ourselves (a chart): part of the HTML, left out of the Markdown."""

    html: str


Block = Heading | Paragraph | Bullets | Table | Html


def demoted(blocks: Iterable[Block], levels: int = 1) -> list[Block]:
    """The blocks with every heading `levels` lower, to sit inside a bigger document."""
    return [
        replace(b, level=min(6, b.level + levels)) if isinstance(b, Heading) else b for b in blocks
    ]


# --- Markdown ----------------------------------------------------------------------------------

# Characters that open a construct anywhere in a line: escapes, code, emphasis, links and
# images, HTML and autolinks, tables, strikethrough, maths, Streamlit's :directives:,
# e-mail autolinks and headings. Backslash-escaping any ASCII punctuation is plain
# CommonMark, so the escaped text reads the same once rendered.
_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~$:@#])")
# An entity ("&#91;", "&lt;") would turn back into the character it names.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# A dot between a letter or digit and a letter: "www.x" starts a GFM autolink without a
# scheme, and renderers with "fuzzy" links (markdown-it's linkify) link "evil.com" too.
_DOMAIN_DOT = re.compile(r"(?<=[0-9A-Za-z])\.(?=[A-Za-z])")
# At the start of a line: list items, blockquotes, setext underlines, thematic breaks.
_LINE_START = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


# Renderers that follow GFM (Streamlit's among them) also find "http://", "www." and
# e-mail addresses in the text once escapes are read, so a backslash cannot stop them: a
# word joiner (U+2060, invisible and unbreakable) between the parts of the pattern does.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def break_autolinks(text: str) -> str:
    """Text that no renderer will turn into a link by itself: it looks the same."""
    return _AUTOLINK.sub(WORD_JOINER, text)


def markdown_escape(text: str) -> str:
    """Typed text made inert inside Markdown, line by line: it shows as typed (less the
    indentation, which would make a code block) and cannot format or fetch anything."""
    lines = []
    for line in break_autolinks(text).split("\n"):
        line = _ANYWHERE.sub(r"\\\1", line.strip())
        line = _DOMAIN_DOT.sub(r"\\.", _ENTITY.sub(r"\\&", line))
        line = _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", line))
        lines.append(line)
    return "\n".join(lines)


def _markdown_text(span: Span) -> str:
    if span.ours:
        return span.text
    # Several lines of typed text stay one paragraph, with its line breaks kept.
    return "  \n".join(line for line in markdown_escape(span.text).split("\n") if line)


def _runs(text: Inline) -> list[tuple[bool, bool, list[Span]]]:
    """Neighbouring spans of the same style, together: emphasis opens and closes once."""
    runs: list[tuple[bool, bool, list[Span]]] = []
    for span in text:
        if runs and runs[-1][:2] == (span.bold, span.italic):
            runs[-1][2].append(span)
        else:
            runs.append((span.bold, span.italic, [span]))
    return runs


def markdown_inline(text: Inline) -> str:
    parts = []
    for bold, italic, spans in _runs(text):
        written = "".join(_markdown_text(span) for span in spans)
        if written and bold:
            written = f"**{written}**"
        if written and italic:
            written = f"_{written}_"
        parts.append(written)
    return "".join(parts)


def _markdown_cell(value: object) -> str:
    if value is None or value != value:  # NaN is not equal to itself
        return ""
    return markdown_escape(" ".join(str(value).split()))


# How a ticked and an unticked item start: a GFM task list in a Markdown file; on a page,
# where a renderer would make each an unlabelled (and unusable) checkbox, the characters
# the HTML form uses.
TASK_LIST = ("[x] ", "[ ] ")
BOXES = ("☑ ", "☐ ")


def _markdown_block(block: Block, boxes: tuple[str, str] = TASK_LIST) -> str | None:
    if isinstance(block, Heading):
        return "#" * block.level + " " + markdown_inline(block.text)
    if isinstance(block, Paragraph):
        return markdown_inline(block.text)
    if isinstance(block, Bullets):
        ticks = block.ticked or (None,) * len(block.items)
        return "\n".join(
            "- " + ("" if tick is None else boxes[0] if tick else boxes[1]) + markdown_inline(item)
            for item, tick in zip(block.items, ticks, strict=True)
        )
    if isinstance(block, Table):
        header = "| " + " | ".join(block.columns) + " |"
        rule = "|" + "|".join(" --- " for _ in block.columns) + "|"
        rows = ["| " + " | ".join(_markdown_cell(v) for v in row) + " |" for row in block.rows]
        return "\n".join([header, rule, *rows])
    return None  # our own HTML has no Markdown form


def to_markdown(blocks: Iterable[Block], on_screen: bool = False) -> str:
    """The blocks as one Markdown document, a blank line between blocks; `on_screen`, to
    show under a page's title: headings one level lower, ticks as ☑ and ☐."""
    if on_screen:
        blocks = demoted(blocks)
    boxes = BOXES if on_screen else TASK_LIST
    parts = [text for text in (_markdown_block(b, boxes) for b in blocks) if text is not None]
    return "\n\n".join(parts) + "\n"


# --- HTML -------------------------------------------------------------------------------------


def html_inline(text: Inline) -> str:
    parts = []
    for bold, italic, spans in _runs(text):
        written = "".join(
            "<br>".join(html.escape(line) for line in span.text.split("\n")) for span in spans
        )
        if bold:
            written = f"<strong>{written}</strong>"
        if italic:
            written = f"<em>{written}</em>"
        parts.append(written)
    return "".join(parts)


def _html_cell(value: object) -> str:
    return "" if value is None or value != value else html.escape(str(value))


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{html_inline(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{html_inline(block.text)}</p>"
    if isinstance(block, Bullets):
        ticks = block.ticked or (None,) * len(block.items)
        items = [
            "<li>" + ("" if tick is None else "☑ " if tick else "☐ ") + html_inline(item) + "</li>"
            for item, tick in zip(block.items, ticks, strict=True)
        ]
        return "<ul>" + "".join(items) + "</ul>"
    if isinstance(block, Table):
        label = f" aria-label='{html.escape(block.label)}'" if block.label else ""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in block.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_html_cell(v)}</td>" for v in row) + "</tr>"
            for row in block.rows
        )
        return f"<table{label}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return block.html


def to_html(blocks: Iterable[Block]) -> str:
    """The blocks as an HTML fragment, one block a line."""
    return "\n".join(_html_block(b) for b in blocks)


def html_page(title: str, body: str, style: str = "") -> str:
    """A whole HTML page: the title escaped, `body` our own HTML (from `to_html`)."""
    return (
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>\n"
        f"{body}\n</body></html>\n"
    )


def table_from_rows(
    columns: Sequence[str], rows: Iterable[Sequence[object]], label: str = ""
) -> Table:
    return Table(tuple(columns), tuple(tuple(row) for row in rows), label)


# --- Plotly -----------------------------------------------------------------------------------


def plotly_label(text: str) -> str:
    """Typed text for a Plotly chart's labels, which read a little HTML (<a href>, <b>,
    <br>): escaped, so a name can only ever show as text."""
    return html.escape(str(text), quote=False)
