"""A policy's Markdown as sanitised HTML, and as plain-text blocks for comparing versions.

The text is written by the privacy officer, but whatever it holds, the HTML shown to residents is
cleaned to an allow-list of tags and attributes: no scripts, no styles, no event handlers, links
only to web and mail addresses.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"https", "http", "mailto"}

# The page's own <h1> names the policy, so the text's headings start one level down.
HEADING_OFFSET = 1
_BLANK_LINES = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


def _markdown_html(text: str) -> str:
    return markdown.markdown(
        text,
        extensions=["toc", "tables", "sane_lists"],
        extension_configs={"toc": {"baselevel": 1 + HEADING_OFFSET}},
        output_format="html",
    )


@lru_cache(maxsize=32)
def policy_html(text: str) -> SafeString:
    """The Markdown `text` as HTML that is safe to put in a page."""
    cleaned = nh3.clean(
        _markdown_html(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned to the allow-list just above


def plain_text(markdown_text: str) -> str:
    """What a reader sees of a piece of Markdown, without the markup."""
    stripped = nh3.clean(_markdown_html(markdown_text), tags=set(), attributes={})
    return _SPACES.sub(" ", html.unescape(stripped)).strip()


def plain_blocks(markdown_text: str) -> list[str]:
    """The text's paragraphs, headings and list items as plain text, in order."""
    blocks = []
    for chunk in _BLANK_LINES.split(markdown_text.replace("\r\n", "\n")):
        if not chunk.strip():
            continue
        text = plain_text(chunk)
        if text:
            blocks.append(text)
    return blocks
