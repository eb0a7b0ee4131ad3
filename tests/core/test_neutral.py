"""Core is vendor-neutral: no file under apps/core names a remote service, a domain or another app.

import-linter checks what core imports (pyproject.toml, "Core imports no other app"); this reads what
it says, in code, comments, docstrings and templates alike.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "apps" / "core"
# The services, their products, and the apps built on them, as whole words in any case ("dashboard"
# is the product's own name, and its app is caught by OTHER_APP and OTHER_URL).
NAMES = re.compile(
    r"\b(synerise|brickworks|bkw|canvas|connectmyapps|flows|catalogs?|automations?|workflows?"
    r"|launch(es)?|sandbox)\b",
    re.IGNORECASE,
)
# "content" is a domain, and also Django's and HTTP's word: `response.content`, `content_type`,
# `Content-Type`, a `content="..."` attribute, base.html's `{% block content %}`; those are allowed.
CONTENT = re.compile(r"(?<![.\w])(?<!block )content(?![-=\w])", re.IGNORECASE)
# Another app by its module or template path (apps.addresses is below core and names no app); not a
# migration's `apps.get_model(...)`.
OTHER_APP = re.compile(r"\bapps[./](?!core\b|addresses\b)\w+\b(?!\()")
# Another app's URL name: `{% url 'dashboard:home' %}`, `reverse("jobs:detail")`.
OTHER_URL = re.compile(
    r"""['"](dashboard|content|automations|canvas|catalogs|connections|jobs|accounts|sandbox):\w"""
)
PATTERNS = (NAMES, CONTENT, OTHER_APP, OTHER_URL)


def core_files() -> list[Path]:
    return sorted(
        path
        for path in CORE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in {".py", ".html", ".txt"}
    )


def findings(path: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for pattern in PATTERNS:
            for match in pattern.finditer(line):
                found.append(
                    f"{path.relative_to(CORE.parents[1])}:{number}: {match.group(0)!r} in {line.strip()!r}"
                )
    return found


def test_core_names_no_service_domain_or_other_app() -> None:
    files = core_files()
    assert len(files) > 20  # the walk found core's files
    found = [finding for path in files for finding in findings(path)]
    assert not found, (
        "apps/core is vendor-neutral; move these words to the app they belong to:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "line",
    [
        '"""A 409, e.g. Brickworks BKW-029."""',
        "# Canvas: {State, Msg}",
        "# flows (FastAPI): {detail}",
        "PREFIXES = ('/sandbox/',)",
        "from apps.jobs import enqueue",
        "<a href=\"{% url 'dashboard:home' %}\">Home</a>",
        '{% include "content/records/row.html" %}',
        "A Catalog's items",
        "the content of the record",
    ],
)
def test_it_catches_the_names(line: str) -> None:
    assert any(pattern.search(line) for pattern in PATTERNS)


@pytest.mark.parametrize(
    "line",
    [
        "return target.validate_json(response.content)",
        "headers={'Content-Type': 'application/json'}",
        "{% block content %}",
        '<meta name="x" content="y">',
        "ContentType.objects.get_for_model(model)",
        "from apps.core.http import ApiError",
        "from apps import addresses",
        "a workflow_id of the job",
        'Group = apps.get_model("auth", "Group")',
        "{% url 'core:favicon' %}",
        "Back to the dashboard",
    ],
)
def test_it_lets_generic_words_pass(line: str) -> None:
    assert not any(pattern.search(line) for pattern in PATTERNS)
