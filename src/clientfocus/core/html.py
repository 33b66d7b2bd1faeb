"""Sanitising HTML written by users (messages, notes): a safelist, never a blocklist."""

from __future__ import annotations

import html

import nh3

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "i", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "sup", "u", "ul", "h1", "h2", "h3", "h4", "table",
    "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan"}}


def sanitise_html(value: str) -> str:
    """Keep harmless formatting; drop scripts, event handlers, styles and unsafe URLs."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(value: str) -> str:
    """Plain text to safe HTML paragraphs, keeping line breaks."""
    paragraphs = [p for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
