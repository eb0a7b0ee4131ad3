"""Demo content a marketer can judge the product by: four schemas, 62 records with pictures, versions.

Seeded by `manage.py seed_sandbox` (what `make setup` runs), not by the tests' sandbox fixture, which
keeps its small, exact set (brickworks/seed.py). Pictures are SVGs of ours in static/demo/, linked by
absolute URL because Brickworks image fields hold URLs; the base is the dashboard's own address.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django.conf import settings

from apps.sandbox.brickworks import records
from apps.sandbox.brickworks.models import Record, RecordVersion, now_ms
from apps.sandbox.brickworks.seed import create_schema
from apps.sandbox.models import Workspace

# The people of the demo team, as Brickworks names who changed a version.
MARTA = {"type": "USER", "id": 101, "name": "Marta Kowalska"}
JONAS = {"type": "USER", "id": 102, "name": "Jonas Berg"}
INES = {"type": "USER", "id": 103, "name": "Inês Duarte"}
TEAM = [MARTA, JONAS, INES]

PICTURES = [
    "winter-boots",
    "spring-bloom",
    "summer-sun",
    "autumn-leaves",
    "coffee-break",
    "gift-box",
    "city-store",
    "open-book",
    "shopping-bag",
    "wool-scarf",
    "house-plant",
    "sale-badge",
]

THEMES = [{"value": "light", "label": "Light"}, {"value": "dark", "label": "Dark"}]
HERO_FIELDS: dict[str, dict[str, Any]] = {
    "headline": {
        "type": "text",
        "label": "Headline",
        "required": True,
        "useAsRecordName": True,
        "searchable": True,
        "maxLength": 90,
    },
    "subline": {"type": "text", "label": "Subline", "maxLength": 160},
    "image": {"type": "image", "label": "Picture", "required": True},
    "ctaLabel": {"type": "text", "label": "Button text", "default": "Shop now", "maxLength": 30},
    "ctaLink": {"type": "url", "label": "Button link"},
    "theme": {"type": "select", "label": "Theme", "default": "light", "options": THEMES},
}
ARTICLE_FIELDS: dict[str, dict[str, Any]] = {
    "title": {
        "type": "text",
        "label": "Title",
        "required": True,
        "useAsRecordName": True,
        "searchable": True,
        "maxLength": 120,
    },
    "summary": {"type": "text", "label": "Summary", "maxLength": 240},
    "cover": {"type": "image", "label": "Cover picture"},
    "body": {"type": "richtext", "label": "Body", "required": True},
    "author": {"type": "text", "label": "Author", "searchable": True},
    "readingMinutes": {"type": "number", "label": "Reading time (minutes)", "integer": True, "min": 1},
    "tags": {"type": "list", "label": "Tags", "items": {"type": "text", "maxLength": 30}},
}
BADGES = [
    {"value": "new", "label": "New"},
    {"value": "sale", "label": "Sale"},
    {"value": "bestseller", "label": "Bestseller"},
]
PROMO_FIELDS: dict[str, dict[str, Any]] = {
    "title": {
        "type": "text",
        "label": "Title",
        "required": True,
        "useAsRecordName": True,
        "searchable": True,
        "maxLength": 90,
    },
    "sku": {"type": "text", "label": "SKU", "required": True, "searchable": True},
    "image": {"type": "image", "label": "Product picture", "required": True},
    "price": {"type": "number", "label": "Price (EUR)", "min": 0},
    "discount": {"type": "number", "label": "Discount %", "integer": True, "min": 0, "max": 90},
    "badge": {"type": "select", "label": "Badge", "options": BADGES},
    "endsOn": {"type": "date", "label": "Offer ends"},
}
STORES = [{"value": v, "label": v} for v in ["Krakow", "Berlin", "Lisbon", "Vienna", "All stores"]]
ANNOUNCEMENT_FIELDS: dict[str, dict[str, Any]] = {
    "message": {
        "type": "text",
        "label": "Message",
        "required": True,
        "useAsRecordName": True,
        "searchable": True,
        "maxLength": 120,
    },
    "details": {"type": "richtext", "label": "Details"},
    "store": {"type": "select", "label": "Store", "searchable": True, "options": STORES},
    "image": {"type": "image", "label": "Picture"},
    "startsOn": {"type": "date", "label": "Starts on"},
    "endsOn": {"type": "date", "label": "Ends on"},
}

# (headline, subline, picture, theme)
HEROES = [
    (
        "{{ customer.firstName }}, winter is here: boots from 59 €",
        "Warm, waterproof and made to last.",
        0,
        "dark",
    ),
    ("The spring edit", "Light layers and fresh colours for longer days.", 1, "light"),
    ("Summer sale: up to 40% off", "Only until Sunday, online and in store.", 2, "light"),
    ("Autumn arrivals", "Knitwear, boots and cosy things for the evenings.", 3, "light"),
    ("Coffee is on us this Saturday", "Bring a friend to any of our stores.", 4, "light"),
    ("Gifts they will keep, {{ customer.firstName }}", "Ideas for everyone, wrapped for free.", 5, "dark"),
    ("A new store in Lisbon", "Opening on the first of the month in Chiado.", 6, "light"),
    ("Read the winter journal", "Stories from the people who make our wool.", 7, "light"),
    ("Members get more", "Free delivery and early access to every sale.", 8, "light"),
    ("Wrap up in merino", "Scarves in twelve colours, knitted in Porto.", 9, "dark"),
    ("Green corners at home", "Plants and pots for small flats.", 10, "light"),
    ("Last chance: outlet prices", "Final reductions on last season.", 11, "dark"),
]
ARTICLES = [
    ("How to care for leather boots", "Five habits that add years to a good pair.", 0, "Marta Kowalska"),
    ("What to plant on a balcony in spring", "A small guide for a small space.", 1, "Inês Duarte"),
    ("Packing light for a summer weekend", "One bag, seven outfits.", 2, "Jonas Berg"),
    ("The colours of autumn 2026", "Rust, ochre and a surprising blue.", 3, "Marta Kowalska"),
    ("Our favourite cafés near our stores", "Where the team goes between shifts.", 4, "Jonas Berg"),
    ("Gift guide: under 30 €", "Thoughtful things that do not cost much.", 5, "Inês Duarte"),
    ("Behind the counter in Krakow", "A day with the team in our oldest store.", 6, "Marta Kowalska"),
    ("Books we read this winter", "The team's reading list, with notes.", 7, "Jonas Berg"),
    ("Shopping bags that last", "Why we stopped giving out paper bags.", 8, "Inês Duarte"),
    ("Merino, explained", "Where it comes from and why it keeps you warm.", 9, "Marta Kowalska"),
    ("Plants that forgive you", "Five that survive a forgotten watering.", 10, "Inês Duarte"),
    ("How our sales work", "Fair prices, and why we rarely discount.", 11, "Jonas Berg"),
    ("Ten minutes of mending", "Fix a loose button, a small hole and a hem.", 9, "Marta Kowalska"),
    ("A weekend in Lisbon, {{ customer.firstName }}", "Our store team's favourite walks.", 6, "Inês Duarte"),
    ("Layering for cold mornings", "Three layers, no bulk.", 3, "Jonas Berg"),
    ("The return of the tote", "Our canvas bag, remade.", 8, "Marta Kowalska"),
    ("Coffee at home, done well", "A grinder, a kettle and patience.", 4, "Jonas Berg"),
    ("Wrapping without waste", "Fabric, string and last year's maps.", 5, "Inês Duarte"),
]
# (title, sku, picture, price, discount, badge)
PROMOS = [
    ("Alpine boots", "BOOT-101", 0, 129, 20, "sale"),
    ("Garden gloves", "GARD-204", 1, 19, 0, "new"),
    ("Beach towel, striped", "TOWL-310", 2, 35, 15, "sale"),
    ("Rust cardigan", "KNIT-411", 3, 89, 0, "new"),
    ("Ceramic mug set", "MUG-512", 4, 32, 10, "bestseller"),
    ("Gift card", "GIFT-600", 5, 50, 0, "bestseller"),
    ("Store tote", "BAG-701", 8, 15, 0, "new"),
    ("Hardback notebook", "BOOK-802", 7, 18, 0, "bestseller"),
    ("Weekend bag", "BAG-703", 8, 149, 25, "sale"),
    ("Merino scarf", "SCRF-905", 9, 59, 0, "bestseller"),
    ("Terracotta pot", "POT-1006", 10, 24, 0, "new"),
    ("Outlet parka", "PARK-1107", 11, 199, 40, "sale"),
    ("Chelsea boots", "BOOT-102", 0, 139, 0, "new"),
    ("Linen shirt", "SHRT-208", 2, 69, 20, "sale"),
    ("Wool beanie", "HAT-909", 9, 29, 0, "bestseller"),
    ("Pour-over kettle", "KETL-513", 4, 45, 0, "new"),
    ("Hanging planter", "POT-1009", 10, 27, 15, "sale"),
    ("Wrapping cloth", "WRAP-607", 5, 12, 0, "new"),
]
# (message, store, picture)
ANNOUNCEMENTS = [
    ("Krakow: late opening on Thursdays until 21:00", "Krakow", 6),
    ("Berlin store closed for renovation, 3 to 7 December", "Berlin", 6),
    ("Lisbon store opens in Chiado", "Lisbon", 6),
    ("Free gift wrapping in all stores until Christmas", "All stores", 5),
    ("Vienna: coffee tasting on Saturday morning", "Vienna", 4),
    ("Bring back old boots, get 15% off new ones", "All stores", 0),
    ("Krakow: book swap in the café corner", "Krakow", 7),
    ("Berlin: repair café every first Sunday", "Berlin", 9),
    ("{{ customer.firstName }}, join the plant clinic in Lisbon", "Lisbon", 10),
    ("Holiday opening hours", "All stores", 5),
    ("Vienna: new autumn window", "Vienna", 3),
    ("Card payments only in Berlin this week", "Berlin", 8),
    ("Members' evening in Krakow", "Krakow", 8),
    ("Summer hours: open until 20:00", "All stores", 2),
]


def picture(index: int) -> str:
    base = settings.SITE_URL.removesuffix("/")
    return f"{base}/{settings.STATIC_URL.removeprefix('/')}demo/{PICTURES[index % len(PICTURES)]}.svg"


def seed(workspace: Workspace) -> None:
    """The four schemas with their records, once: a schema that exists is left as it is."""
    _fill(workspace, "homepage-heroes", "Homepage heroes", HERO_FIELDS, _heroes())
    _fill(workspace, "blog-articles", "Blog articles", ARTICLE_FIELDS, _articles())
    _fill(workspace, "product-promos", "Product promos", PROMO_FIELDS, _promos())
    _fill(workspace, "store-announcements", "Store announcements", ANNOUNCEMENT_FIELDS, _announcements())


def _heroes() -> list[dict[str, Any]]:
    return [
        {
            "slug": f"hero-{n + 1}",
            "values": {
                "headline": h,
                "subline": s,
                "image": picture(p),
                "theme": t,
                "ctaLabel": "Shop now",
                "ctaLink": f"https://shop.example.test/edit/{n + 1}",
            },
        }
        for n, (h, s, p, t) in enumerate(HEROES)
    ]


def _articles() -> list[dict[str, Any]]:
    return [
        {
            "slug": _slug(title),
            "values": {
                "title": title,
                "summary": summary,
                "cover": picture(p),
                "author": author,
                "readingMinutes": 3 + n % 6,
                "tags": ["journal", ["care", "home", "style"][n % 3]],
                "body": _body(title, summary),
            },
        }
        for n, (title, summary, p, author) in enumerate(ARTICLES)
    ]


def _promos() -> list[dict[str, Any]]:
    return [
        {
            "slug": sku.lower(),
            "values": {
                "title": title,
                "sku": sku,
                "image": picture(p),
                "price": price,
                "discount": discount,
                "badge": badge,
            },
        }
        for title, sku, p, price, discount, badge in PROMOS
    ]


def _announcements() -> list[dict[str, Any]]:
    return [
        {
            "slug": f"notice-{n + 1}",
            "values": {
                "message": message,
                "store": store,
                "image": picture(p),
                "details": f"<p>{message}.</p><p>{ASK}</p>",
            },
        }
        for n, (message, store, p) in enumerate(ANNOUNCEMENTS)
    ]


ASK = "Questions? Ask the team in store or write to <em>hello@shop.example.test</em>."


def _body(title: str, summary: str) -> str:
    return (
        f"<p><strong>{summary}</strong></p>"
        "<p>Hello {{ customer.firstName }}, this piece comes from our journal, where the people behind our "
        "stores share what they know.</p>"
        "<h3>What you need</h3>"
        "<ul><li>Ten quiet minutes</li><li>Something you love and want to keep</li></ul>"
        "<p>Come and tell us how it went in any of our stores.</p>"
    )


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.replace("{{ customer.firstname }}", ""))
    return "-".join(words.split())[:60]


def _fill(
    workspace: Workspace,
    app_id: str,
    name: str,
    fields: dict[str, dict[str, Any]],
    items: list[dict[str, Any]],
) -> None:
    schema = create_schema(workspace, app_id, name, fields, simple=False)
    if schema is None:
        return
    now = now_ms()
    for n, item in enumerate(items):
        author = TEAM[n % len(TEAM)]
        story = n % 6  # a spread of statuses and histories, the same on every run
        first = "DRAFT" if story == 4 else "UNPUBLISHED" if story == 5 and n > 6 else "PUBLISHED"
        version = records.create_record(schema, {"status": first, **item}, by=author)
        record = version.record
        if story == 1:  # live, and a newer draft being worked on
            records.update_record(
                schema, record.pk, {"status": "DRAFT", "values": _edited(item["values"])}, by=TEAM[n % 2]
            )
        if story == 2:  # published twice, with a third version drafted
            records.update_record(
                schema, record.pk, {"status": "DRAFT", "values": _edited(item["values"])}, by=author
            )
            records.update_record(schema, record.pk, {"status": "PUBLISHED"}, by=MARTA)
            records.update_record(
                schema, record.pk, {"status": "DRAFT", "values": _edited(item["values"], 2)}, by=JONAS
            )
        _age(record, now - timedelta(days=3 + (len(items) - n) * 2, hours=n % 9))


def _edited(values: dict[str, Any], round: int = 1) -> dict[str, Any]:
    """A later draft: the first text field reworded."""
    edited = dict(values)
    for key in ("subline", "summary", "details", "discount"):
        if key in edited and isinstance(edited[key], str):
            edited[key] = (
                f"{edited[key]} {'Now with more colours.' if round == 1 else 'Back by popular demand.'}"
            )
            break
        if key in edited and isinstance(edited[key], int):
            edited[key] = min(90, edited[key] + 5 * round)
            break
    return edited


def _age(record: Record, at: Any) -> None:
    """Spread the history over past weeks, each version a day after the one before, so lists read real."""
    for version in RecordVersion.objects.filter(record=record).order_by("number"):
        when = at + timedelta(days=version.number - 1)
        published = when + timedelta(hours=1) if version.published_at else None
        RecordVersion.objects.filter(pk=version.pk).update(
            created_at=when, updated_at=when, published_at=published
        )
    Record.objects.filter(pk=record.pk).update(created_at=at)
    records.records_changed({record.schema_id})  # a count filtered by date changes with them
