"""Rich text through nh3: hostile input stays text."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from apps.content.services.richtext import clean_html
from apps.content.templatetags.richtext import image_url

HOSTILE = (
    '<p onclick="steal()">Hi {{ customer.firstName }}</p><script>alert(1)</script>'
    '<img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">go</a>'
    '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>'
    '<p style="color:red">red</p>'
)


def test_the_sanitizer_removes_scripts_handlers_styles_and_script_links() -> None:
    clean = clean_html(HOSTILE)
    for bad in ("<script", "alert(1)", "onerror", "onclick", "javascript:", "<style", "<iframe", "style="):
        assert bad not in clean
    assert clean.startswith("<p>Hi {{ customer.firstName }}</p>")
    assert '<img src="x.png">' in clean
    assert "<p>red</p>" in clean


def test_the_sanitizer_keeps_what_a_marketing_text_needs_and_is_stable() -> None:
    html = (
        "<h2>Sale</h2><p><strong>Now</strong> <em>only</em>, <u>today</u>:</p><ul><li>one</li></ul>"
        '<p><a href="https://shop.example/">shop</a></p>'
    )
    clean = clean_html(html)
    assert clean.replace(' rel="noopener noreferrer"', "") == html
    assert clean_html(clean) == clean
    assert clean_html(None) == "" and clean_html("") == ""


def test_the_sanitized_filter_renders_the_clean_html() -> None:
    out = Template("{% load richtext %}{{ body|sanitized }}").render(Context({"body": HOSTILE}))
    assert "<script" not in out and "onerror" not in out and "<p>Hi {{ customer.firstName }}</p>" in out


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("https://cdn.example/a.png", "https://cdn.example/a.png"),
        ("/static/img/samples/spring.svg", "/static/img/samples/spring.svg"),
        ("javascript:alert(1)", ""),
        ("//evil.example/a.png", ""),
        ("data:text/html,<script>", ""),
        (None, ""),
    ],
)
def test_image_url_shows_only_web_addresses(value: str | None, shown: str) -> None:
    assert image_url(value) == shown
