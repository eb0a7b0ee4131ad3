"""Every page each role can reach, at 1366 and 390 px: no console error, no serious or critical axe-core
violation (WCAG 2.2 AA rules; axe-core is vendored in tests/e2e/vendor, never fetched), nothing wider
than the screen, and at 390 px the whole menu behind the Menu button.

The walk follows the links from the home page, one page per URL pattern (a record's page stands for
every record's). It takes minutes, so it runs in `make a11y` (CI runs it after `make test`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import Resolver404, resolve

from apps.automations import tasks as workflows_tasks
from apps.automations.services import bulk as workflows_bulk
from apps.automations.services.workspace import workspace_for as workflows_workspace
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content import tasks as content_tasks
from apps.content.services import bulk as content_bulk
from apps.content.services.workspace import workspace_for as content_workspace
from apps.jobs import steps
from apps.launches.services import launches
from tests.e2e.test_sign_in_and_test_connection import sign_in
from tests.people import PERSONAS

pytestmark = [pytest.mark.e2e, pytest.mark.a11y, pytest.mark.long(30)]
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# Files, logs streamed as text, the fake remote's own pages, and signing out are not pages to walk.
SKIP = re.compile(r"^/(static|sandbox|accounts/logout)/|\.csv$|/(download|bad-rows|file|log)/?$")
RUN_AXE = """axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
  'wcag22aa', 'best-practice']}, resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`))"""
LIMIT = 250
# Fonts loaded (before the editor's icon font is, its buttons' ligature words read as text) and two frames.
SETTLED = """document.fonts.ready.then(() => new Promise(done =>
  requestAnimationFrame(() => requestAnimationFrame(done))))"""


WIDTHS = (1366, 390)


def walk(page: Any, base: str) -> list[str]:
    """Open each page once per URL pattern and look at it at each width; what is wrong, as lines."""
    problems: list[str] = []
    queue, queued, patterns = ["/"], {"/"}, set()
    while queue and len(patterns) < LIMIT:
        path = queue.pop(0)
        try:
            pattern = resolve(urlparse(path).path).route
        except Resolver404:
            continue
        if pattern in patterns:
            continue
        patterns.add(pattern)
        answer = page.goto(base + path)
        if answer is None or "text/html" not in (answer.headers.get("content-type") or ""):
            continue
        if answer.status >= 500:
            problems.append(f"{path}: answered {answer.status}")
            continue
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(SETTLED)  # the page's resize handlers have run (app.js marks wide tables)
            problems += [f"{path} at {width} px: {v}" for v in page.evaluate(RUN_AXE)]
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{path} at {width} px: the page is {wide} px wide")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            url = urlparse(urljoin(base + path, href))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc == urlparse(base).netloc and not SKIP.search(url.path) and target not in queued:
                queued.add(target)
                queue.append(target)
    assert len(patterns) > 5, f"the walk found only {sorted(patterns)}"
    return problems


def planned(owner: Any) -> None:
    """A launch with a step of each area, checked, as the walk finds it from the Launches list."""
    launch = launches.create_launch(owner, name="Spring campaign", description="", go_at=None)
    for key, params in [
        ("content.publish", {"app_id": "home-banners", "record": "spring-teaser"}),
        ("canvas.schedule_off", {"workflow": "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"}),
    ]:
        kind = steps.kind(key)
        connection = connections.connection_for(owner, kind.connection_kind)
        workspace = kind.workspace(owner, connection, params)
        target = kind.pick(workspace, params)
        launches.add_step(owner, launch, kind=key, target=target, connection=connection, stage=1)


def bulk_jobs(owner: Any) -> None:
    """A bulk publish and a bulk pause, queued (their tasks never sent): the walk reaches their pages from
    Operations."""
    content = content_workspace(owner)
    with content.client() as api:
        schema = api.get_schema("home-banners")
        record = api.get_record(schema.id, "spring-teaser")
    content_bulk.create_job(content, schema, "publish", [record], task_name=content_tasks.run_bulk.name)
    workflows = workflows_workspace(owner)
    with workflows.client() as api:
        chosen = next(workflows_bulk.select(api))[:3]
    workflows_bulk.create_job(workflows, "pause", chosen, task_name=workflows_tasks.run_bulk.name)


@pytest.mark.parametrize("person", [name for name, (role, _) in PERSONAS.items() if role])
def test_every_page_of_each_role_is_accessible_and_fits(
    page: Any, live_server: Any, demo: dict[str, Connection], request: Any, person: str
) -> None:
    request.getfixturevalue(person)  # the persona: a User with the role
    planned(request.getfixturevalue("alice"))  # a launch's page to walk to
    bulk_jobs(request.getfixturevalue("alice"))  # and the bulk job pages
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, person)
    page.click("button[data-menu-button]")
    assert page.locator("nav.mainnav a.navitem").count() >= 2
    assert all(item.is_visible() for item in page.locator("nav.mainnav a.navitem").all())
    assert page.locator(".topbar-end >> text=Sign out").is_visible()
    page.context.add_init_script(AXE)  # in every page from here on, before its own scripts (CSP allows it)
    problems = walk(page, live_server.url)
    assert not problems, "\n".join(problems)  # console errors fail the test in the page fixture
