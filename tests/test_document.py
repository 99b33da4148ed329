"""Documents we write: typed text stays text in Markdown (as a GFM renderer with fuzzy links
reads it) and in HTML, and our own words come out as written."""

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lessons.document import (
    WORD_JOINER,
    Block,
    Bullets,
    Heading,
    Paragraph,
    Table,
    inline,
    markdown_escape,
    ours,
    plotly_label,
    to_html,
    to_markdown,
    typed,
)

# What can never come from typed text: links, images, headings, emphasis, code, HTML,
# quotes, lists, tables, rules.
FORBIDDEN = {
    "link_open", "image", "heading_open", "em_open", "strong_open", "s_open", "code_inline",
    "code_block", "fence", "html_inline", "html_block", "blockquote_open", "bullet_list_open",
    "ordered_list_open", "table_open", "hr", "lheading_open",
}  # fmt: skip
GFM = MarkdownIt("gfm-like")  # tables, strikethrough and linkify (fuzzy links, e-mail)

HOSTILE = [
    "![x](http://127.0.0.1:9/beacon.png)",
    "[click](http://evil.example/phish)",
    "# heading",
    "Heading\n===",
    ":red[x] :material/home: :smile:",
    "$x^2$ and $$y$$",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","x")',
    "see www.evil.example or evil.com or bob@evil.example or http://evil.example",
    "1. first\n2) second\n- item\n+ item\n* item\n> quoted\n    code\n```\nfenced\n```",
    "&#91;x&#93;(http://a.com) &amp; &lt;b&gt; | a | b |\n|---|---|",
    "**bold** __bold__ *em* _em_ ~~gone~~ `code`",
    "***\n---\n___",
    "<http://evil.example> [ref]\n\n[ref]: http://evil.example",
]

markdownish = st.text(
    alphabet=st.sampled_from(list("abc XY.:/@#*_-+=>|!$~`[]()<>&;\n\\1")), max_size=60
)


def tokens(markdown: str) -> list:
    found = []
    for token in GFM.parse(markdown):
        found.append(token)
        found.extend(token.children or [])
    return found


def shown_text(markdown: str) -> str:
    return " ".join(
        t.content if t.type in ("text", "code_inline") else " "
        for t in tokens(markdown)
        if t.type in ("text", "code_inline", "softbreak", "hardbreak")
    )


def same_words(a: str, b: str) -> bool:
    """The same words, but for the word joiners that keep URLs from becoming links."""
    return a.replace(WORD_JOINER, "").split() == b.split()


def test_the_hostile_set_is_inert_and_reads_as_typed():
    for text in HOSTILE:
        escaped = markdown_escape(text)
        kinds = {t.type for t in tokens(escaped)}
        assert not kinds & FORBIDDEN, (text, escaped, kinds & FORBIDDEN)
        assert same_words(shown_text(escaped), text), (text, escaped)


@settings(max_examples=300)
@given(markdownish)
def test_any_typed_text_is_inert_and_reads_as_typed(text):
    escaped = markdown_escape(text)
    kinds = {t.type for t in tokens(escaped)}
    assert not kinds & FORBIDDEN, (escaped, kinds & FORBIDDEN)
    assert same_words(shown_text(escaped), text)


def test_ordinary_text_is_left_readable():
    assert markdown_escape("Co-deliver with councillors.") == "Co-deliver with councillors."
    assert markdown_escape("Rated 4.5 (out of 5), e.g. fine") == "Rated 4.5 (out of 5), e\\.g. fine"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data


def test_a_document_renders_ours_as_written_and_typed_text_as_text():
    blocks: list[Block] = [
        Heading(1, inline(ours("Plan: "), typed("<b>x</b> # y"))),
        Paragraph(inline(ours("Context and hands-on.", bold=True), ours(" "), typed("**z**"))),
        Bullets((inline(typed("[a](http://b.example)")),), ticked=(True,)),
        Table(("Theme", "Comments"), (("<i>Pace</i>", 3),)),
    ]
    markdown = to_markdown(blocks)
    assert markdown.startswith("# Plan: \\<b\\>x\\</b\\> \\# y\n\n**Context and hands-on.** ")
    assert "- [x] \\[a\\](http\\:\u2060//b\\.example)" in markdown
    assert "| Theme | Comments |" in markdown
    kinds = {t.type for t in tokens(markdown)}
    assert "link_open" not in kinds and "html_inline" not in kinds
    page = Tags()
    page.feed(to_html(blocks))
    assert set(page.tags) == {"h1", "p", "strong", "ul", "li", "table", "thead", "tr", "th",
                              "tbody", "td"}  # fmt: skip
    assert "<b>x</b> # y" in page.text and "**z**" in page.text and "<i>Pace</i>" in page.text


def test_on_a_page_ticks_are_characters_and_headings_sit_under_the_pages_title():
    # A task list would render as checkboxes without labels (axe: critical).
    blocks: list[Block] = [
        Heading(1, inline(ours("Plan"))),
        Heading(2, inline(ours("Checklist"))),
        Bullets((inline(typed("Wifi code")), inline(typed("Handouts"))), ticked=(True, False)),
    ]
    shown = to_markdown(blocks, on_screen=True)
    assert shown.startswith("## Plan\n\n### Checklist\n\n- ☑ Wifi code\n- ☐ Handouts")
    assert "[x]" not in shown and "[ ]" not in shown
    assert "- [x] Wifi code\n- [ ] Handouts" in to_markdown(blocks)


def test_styled_neighbours_share_one_emphasis():
    line = inline(ours("Covering ", italic=True), typed("council: Ashdale", italic=True))
    assert to_markdown([Paragraph(line)]) == "_Covering council\\: Ashdale_\n"


def test_plotly_labels_show_typed_html_as_text():
    assert plotly_label('<a href="http://x">Pace</a> & co') == (
        '&lt;a href="http://x"&gt;Pace&lt;/a&gt; &amp; co'
    )
