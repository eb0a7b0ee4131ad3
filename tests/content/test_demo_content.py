"""The demo content `make setup` seeds: four schemas, 60+ records with our pictures, versions, a schedule."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from apps.content.client import BrickworksClient
from apps.content.models import ScheduledAction
from apps.sandbox import seed
from tests.people import make_user

SHOWCASE = ["homepage-heroes", "blog-articles", "product-promos", "store-announcements"]
PICTURE = re.compile(r"^https?://[^/]+/static/(demo/[\w-]+\.svg)$")


def test_the_showcase_has_four_schemas_and_sixty_records_with_pictures(bw: BrickworksClient) -> None:
    seed.seed(showcase_content=True)
    seed.seed(showcase_content=True)  # again: nothing doubles
    total, versioned, named_with_inserts, pictures = 0, 0, 0, set()
    for app_id in SHOWCASE:
        schema = bw.get_schema(app_id)
        page = bw.list_records(schema.id, limit=100)
        assert page.meta.total >= 12, app_id
        total += page.meta.total
        statuses = {record.status for record in page.data}
        assert "PUBLISHED" in statuses and "DRAFT" in statuses, app_id
        for record in page.data:
            image = record.values.get("image") or record.values.get("cover")
            found = PICTURE.match(image or "")
            assert found, (app_id, record.slug, image)
            pictures.add(found.group(1))
            named_with_inserts += "{{ customer.firstName }}" in (record.name or "")
            if bw.list_versions(schema.id, record.id, limit=5).meta.total >= 3:
                versioned += 1
    assert total >= 60
    assert versioned >= 4 and named_with_inserts >= 3
    static = Path(settings.BASE_DIR) / "static"
    assert len(pictures) >= 10 and all((static / name).is_file() for name in pictures)
    body = bw.get_record("blog-articles", "how-to-care-for-leather-boots").values["body"]
    assert body.startswith("<p>") and "<script" not in body
    # The tests' own small set is as it was.
    assert bw.list_records("home-banners").meta.total == 3
    assert bw.list_records("offers").meta.total == 2


def test_the_demo_schedule_puts_publishes_in_the_coming_days_once(
    bw: BrickworksClient, live_server: Any
) -> None:
    seed.seed(showcase_content=True)
    make_user("admin", "admin")
    out = io.StringIO()
    call_command("create_demo_schedule", stdout=out)  # serves the sandbox itself, as in `make setup`
    assert "4 new" in out.getvalue()
    call_command("create_demo_schedule", base_url=f"{live_server.url}/sandbox", stdout=out)
    actions = ScheduledAction.objects.filter(state=ScheduledAction.State.PENDING)
    assert actions.count() == 4
    now = timezone.now()
    assert all(now < action.due_at < now + timedelta(days=4) for action in actions)
    # A publish over a live version names the draft that will go live.
    hero = actions.get(app_id="homepage-heroes")
    draft = bw.get_record("homepage-heroes", "hero-2", statuses=["DRAFT"])
    assert (hero.record_id, hero.record_name) == (draft.id, draft.name)
