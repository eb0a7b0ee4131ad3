"""Insert tags as chips: hostile input stays text."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from apps.core.templatetags.inserts import inserts, plain_inserts


@pytest.mark.parametrize(
    ("name", "chipped"),
    [
        ("Winter sale, {{ customer.firstName }}", 'Winter sale, <span class="insert"'),
        ("{{customer.city}} and {{ customer.firstName }}", ">customer.city</span> and <span"),
        ("No inserts", "No inserts"),
        ("{{ unclosed", "{{ unclosed"),
    ],
)
def test_inserts_become_chips(name: str, chipped: str) -> None:
    assert chipped in inserts(name)
    assert "{{" not in inserts(name) or "unclosed" in name


def test_the_chip_filter_escapes_before_it_wraps() -> None:
    out = inserts('<script>alert(1)</script> {{ "><img src=x onerror=alert(1)> }} & {{ a.b }}')
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert '<span class="insert" title="Filled in for each customer">a.b</span>' in out
    assert "&amp;" in out
    assert str(inserts(None)) == ""


def test_the_chip_filter_in_a_template_and_the_plain_form_for_titles() -> None:
    out = Template(
        "{% load inserts %}<h1>{{ name|inserts }}</h1><title>{{ name|plain_inserts }}</title>"
    ).render(Context({"name": "Hi <b>{{ customer.firstName }}</b>"}))
    assert '<h1>Hi &lt;b&gt;<span class="insert"' in out
    assert "<title>Hi &lt;b&gt;‹customer.firstName›&lt;/b&gt;</title>" in out
    assert plain_inserts("Hi {{ customer.firstName }}") == "Hi ‹customer.firstName›"
