"""Markdown is rendered safely: hostile input never comes out as markup that runs."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from knowledge.markdown import ALLOWED_TAGS, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))" onclick="x()">hi</div>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload=alert(1)>',
    "[x](vbscript:msgbox(1))",
    "<a href='https://ok.example' onmouseover='alert(1)'>ok</a>",
]


class _Tags(HTMLParser):
    """Every real element and attribute in the output (escaped text is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_is_neutralised(source):
    for tag, attrs in elements(render_markdown(source)):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in ("href", "src"):
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                assert scheme in ("", "http", "https", "mailto"), value


def test_script_content_is_never_markup():
    html = render_markdown("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>")
    assert "<script" not in html and "<img" not in html
    assert [t for t, _ in elements(html)] == ["p", "p"]


def test_javascript_link_is_not_a_link():
    assert not [t for t, _ in elements(render_markdown("[x](javascript:alert(1))")) if t == "a"]


def test_markdown_renders_and_links_get_rel():
    html = render_markdown("# Title\n\n**bold** [site](https://example.com) `code`\n\n- a\n- b")
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in html
    assert "<code>code</code>" in html and "<li>a</li>" in html


def test_mailto_allowed_and_tables_render():
    html = render_markdown("[mail](mailto:a@b.example)\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert 'href="mailto:a@b.example"' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("Hello <b onclick=x>there</b>")
    assert "&lt;b onclick=x&gt;" in html
