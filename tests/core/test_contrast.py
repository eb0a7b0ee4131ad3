"""WCAG AA contrast of the log panel and the focus ring, with the colours read from app.css."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
RULES = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.S))
ROOT = dict(
    re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", next(body for sel, body in RULES if sel.strip() == ":root"))
)


def resolve(value: str) -> str:
    value = value.strip()
    while (found := re.fullmatch(r"var\((--[\w-]+)\)", value)) is not None:
        value = ROOT[found.group(1)].strip()
    return value


def luminance(colour: str) -> float:
    hexa = colour.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    channels = [int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(one: str, other: str) -> float:
    dark, light = sorted([luminance(resolve(one)), luminance(resolve(other))])
    return (light + 0.05) / (dark + 0.05)


def declared(prop: str, selector_test) -> list[tuple[str, str]]:  # noqa: ANN001
    found = []
    for selector, body in RULES:
        for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body):
            if name == prop and selector_test(selector.strip()):
                found.append((selector.strip(), value.strip()))
    return found


def test_every_text_colour_in_the_log_panel_reads_at_4_5_to_1() -> None:
    colours = declared("color", lambda s: s.startswith(".log") and not s.startswith(".login"))
    assert len(colours) >= 4
    for selector, colour in colours:
        assert ratio(colour, "var(--log-bg)") >= 4.5, selector


def test_the_focus_ring_stands_out_at_3_to_1_on_the_page_and_on_cards() -> None:
    rings = declared("outline", lambda s: ":focus" in s)
    assert rings
    for selector, outline in rings:
        colour = re.search(r"(#[0-9a-fA-F]{3,6}|var\(--[\w-]+\))", outline).group(1)
        for background in ("var(--surface)", "var(--bg)"):
            assert ratio(colour, background) >= 3, selector
