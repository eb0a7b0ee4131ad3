"""Rich text (HTML written by people) made safe: one sanitizer for what comes in and what goes out."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import strip_tags

# What a marketing text needs; no scripts, styles, forms, frames or event handlers, ever.
TAGS = {
    "a", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "li", "ol", "p", "pre", "s", "strike", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(value: str | None) -> str:
    """The HTML with everything outside the allowed tags, attributes and link schemes removed.

    Insert tags (`{{ customer.firstName }}`) are text to the sanitizer and pass through untouched.
    """
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|tr|td|th)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)


def plain_text(value: str | None) -> str:
    """The words a reader sees: the sanitized HTML without its tags, blocks apart, spaces run together."""
    text = html.unescape(strip_tags(_BLOCK_END.sub(lambda m: m.group(0) + " ", clean_html(value))))
    return " ".join(text.split())
