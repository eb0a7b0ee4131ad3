"""Demo content for the sandbox's Brickworks: two schemas, records in each status, three profiles."""

from __future__ import annotations

from typing import Any

from apps.sandbox.brickworks import records
from apps.sandbox.brickworks.models import ContentSchema, Profile
from apps.sandbox.models import Workspace

SEEDER = {"type": "WORKSPACE", "id": 0, "name": "Demo data"}

BANNER_FIELDS: dict[str, dict[str, Any]] = {
    "headline": {
        "type": "text",
        "label": "Headline",
        "required": True,
        "searchable": True,
        "useAsRecordName": True,
        "maxLength": 80,
    },
    "greeting": {"type": "text", "label": "Greeting", "default": "Hello {{ customer.firstName }}!"},
    "body": {"type": "richtext", "label": "Body"},
    "image": {"type": "image", "label": "Image URL"},
    "link": {"type": "url", "label": "Link"},
    "tone": {
        "type": "select",
        "label": "Tone",
        "searchable": True,
        "default": "calm",
        "options": [{"value": "calm", "label": "Calm"}, {"value": "urgent", "label": "Urgent"}],
    },
    "priority": {
        "type": "number",
        "label": "Priority",
        "integer": True,
        "min": 0,
        "max": 10,
        "searchable": True,
    },
    "endsOn": {"type": "date", "label": "Ends on"},
}
OFFER_FIELDS: dict[str, dict[str, Any]] = {
    "sku": {"type": "text", "label": "SKU", "required": True, "searchable": True},
    "title": {"type": "text", "label": "Title", "useAsRecordName": True, "maxLength": 120},
    "discount": {"type": "number", "label": "Discount %", "min": 0, "max": 100},
    "tags": {"type": "list", "label": "Tags", "items": {"type": "text", "maxLength": 30}},
}
BANNERS = [
    ("PUBLISHED", "winter-sale", {"headline": "Winter sale, {{ customer.firstName }}", "priority": 5}),
    ("DRAFT", "spring-teaser", {"headline": "Spring is coming", "tone": "urgent"}),
    ("UNPUBLISHED", "black-friday", {"headline": "Black Friday", "priority": 9}),
]
OFFERS = [
    {"sku": "BOOT-01", "title": "Boots 20% off", "discount": 20, "tags": ["shoes", "winter"]},
    {"sku": "SCARF-02", "title": "Scarves 2 for 1", "discount": 50, "tags": ["accessories"]},
]
PROFILES = [
    ("ann@example.test", "ann-1", {"firstName": "Ann", "city": "Krakow"}),
    ("bob@example.test", "bob-2", {"firstName": "Bob", "city": "Berlin"}),
    ("cleo@example.test", "cleo-3", {"firstName": "Cleo", "city": "Lisbon"}),
]


def seed(workspace: Workspace) -> None:
    for email, custom_id, attributes in PROFILES:
        Profile.objects.get_or_create(
            workspace=workspace, email=email, defaults={"custom_id": custom_id, "attributes": attributes}
        )
    banners = create_schema(workspace, "home-banners", "Home banners", BANNER_FIELDS, simple=False)
    if banners is not None:
        for status, slug, values in BANNERS:
            records.create_record(banners, {"status": status, "slug": slug, "values": values}, by=SEEDER)
    offers = create_schema(workspace, "offers", "Offers", OFFER_FIELDS, simple=True)
    if offers is not None:
        for values in OFFERS:
            records.create_record(offers, {"status": "PUBLISHED", "values": values}, by=SEEDER)


def create_schema(
    workspace: Workspace, app_id: str, name: str, fields: dict[str, dict[str, Any]], *, simple: bool
) -> ContentSchema | None:
    """The new schema, or None when it exists already (its records are left as they are)."""
    if ContentSchema.objects.filter(workspace=workspace, app_id=app_id).exists():
        return None
    schema = ContentSchema(
        workspace=workspace,
        app_id=app_id,
        display_name=name,
        is_simple=simple,
        created_by=SEEDER,
        updated_by=SEEDER,
    )
    schema.fields = fields
    schema.save()
    return schema
