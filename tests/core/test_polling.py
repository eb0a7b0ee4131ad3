from __future__ import annotations

from typing import Any

from django.template import Context, Template


def render(source: str) -> str:
    return Template("{% load polling %}" + source).render(Context())


def test_a_page_polls_at_the_interval_it_names(settings: Any) -> None:
    settings.PAGE_POLL_SCALE = 1
    assert render('hx-trigger="every {% poll 2 %}s"') == 'hx-trigger="every 2s"'


def test_the_scale_shortens_every_poll_at_once(settings: Any) -> None:
    settings.PAGE_POLL_SCALE = 0.25
    assert render("{% poll 2 %} {% poll 1 %}") == "0.5 0.25"
