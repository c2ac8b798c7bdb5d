"""Markdown to safe HTML: markdown-it-py with raw HTML off, then the nh3 sanitiser.

Two layers on purpose: markdown-it (commonmark preset, `html=False`) never emits raw HTML from
the source, and nh3 then keeps only an allowlist of tags and attributes, drops every `on*` and
`style` attribute, and allows link schemes http, https and mailto only. Links get
rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table").enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def render_markdown(source: str) -> str:
    """Sanitised HTML for a Markdown source; safe to mark safe in templates."""
    return sanitize(_md.render(source or ""))


def sanitize_headline(html: str) -> str:
    """A search headline: only <mark> survives, everything else is text."""
    return nh3.clean(html or "", tags={"mark"}, attributes={}, strip_comments=True)


def html_to_text(html: str) -> str:
    """The words of rendered Markdown, for the search index and its snippets (no `##`, `**`)."""
    import html as html_lib

    from django.utils.html import strip_tags

    return " ".join(html_lib.unescape(strip_tags(html)).split())
