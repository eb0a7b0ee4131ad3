"""Demo catalogs: products (5,000), stores and promotions, with two event mappings. Safe to run again."""

from __future__ import annotations

from decimal import Decimal

from apps.sandbox.catalogs import routes
from apps.sandbox.catalogs.models import Catalog, CatalogMapping
from apps.sandbox.models import Workspace

PRODUCTS = 5000
STORES = 40
PROMOTIONS = 24
BRANDS = ["Nordvik", "Alba", "Kestrel", "Orla", "Tamsin", "Veloce", "Brio", "Lumen", "Sola", "Hartwell"]
# category: (product names, base price in PLN)
CATEGORIES = {
    "smartphone": (["Phone 12", "Phone Mini", "Phone Pro", "Phone Max"], 899),
    "laptop": (["Book Air 13", "Book Pro 14", "Book 15", "Book Studio 16"], 2999),
    "tablet": (["Tab 10", "Tab Mini 8", "Tab Pro 12"], 1199),
    "headphones": (["Buds", "Buds Pro", "Studio Over-Ear", "Sport Buds"], 199),
    "watch": (["Watch 4", "Watch Active", "Watch Classic"], 699),
    "speaker": (["Boom Mini", "Boom 2", "Home Speaker"], 249),
    "camera": (["Snap 24", "Snap Mirrorless", "Action Cam 4K"], 1499),
}
COLORS = ["black", "blue", "red", "silver", "white", "graphite", "green"]
CITIES = ["Kraków", "Warszawa", "Gdańsk", "Wrocław", "Poznań", "Łódź", "Lublin", "Katowice"]
STREETS = ["Długa", "Floriańska", "Marszałkowska", "Piotrkowska", "Świdnicka", "Półwiejska", "Mariacka"]


def product(n: int) -> dict[str, object]:
    category = list(CATEGORIES)[n % len(CATEGORIES)]
    names, base = CATEGORIES[category]
    brand = BRANDS[n * 3 % len(BRANDS)]
    color = COLORS[n // len(CATEGORIES) * 3 % len(COLORS)]
    return {
        "sku": f"SKU-{n:05d}",
        "name": f"{brand} {names[n // len(CATEGORIES) % len(names)]} {color}",
        "brand": brand,
        "category": category,
        "color": color,
        "price": Decimal(base * (80 + n * 37 % 60)).scaleb(-2),  # 719.20: prices keep their cents
        "currency": "PLN",
        "inStock": n % 4 != 0,
    }


def store(n: int) -> dict[str, object]:
    city = CITIES[n % len(CITIES)]
    return {
        "storeId": f"ST-{n:03d}",
        "city": city,
        "name": f"{city} {n // len(CITIES) + 1}",
        "address": f"ul. {STREETS[n % len(STREETS)]} {n * 7 % 90 + 1}",
        "open": n % 5 != 0,
    }


def promotion(n: int) -> dict[str, object]:
    category = list(CATEGORIES)[n % len(CATEGORIES)]
    month = n % 12 + 1
    return {
        "code": f"PROMO-{n:03d}",
        "title": f"{(n % 4 + 1) * 5}% off {category}s",
        "category": category,
        "discount": (n % 4 + 1) * 5,
        "starts": f"2026-{month:02d}-01",
        "ends": f"2026-{month:02d}-28",
    }


def seed(workspace: Workspace) -> None:
    products = _catalog(workspace, "products", [product(n) for n in range(1, PRODUCTS + 1)], "sku")
    _catalog(workspace, "stores", [store(n) for n in range(1, STORES + 1)], "storeId")
    promotions = _catalog(workspace, "promotions", [promotion(n) for n in range(1, PROMOTIONS + 1)], "code")
    CatalogMapping.objects.get_or_create(
        catalog=products,
        action="transaction.charge",
        param_key="sku",
        defaults={"enrichment_fields": ["name", "category"]},
    )
    CatalogMapping.objects.get_or_create(
        catalog=promotions,
        action="promotion.view",
        param_key="code",
        defaults={"enrichment_fields": ["title", "discount"]},
    )


def _catalog(workspace: Workspace, name: str, rows: list[dict[str, object]], key: str) -> Catalog:
    catalog, created = Catalog.objects.get_or_create(
        workspace=workspace, name=name, defaults={"author": "Demo User", "keys": list(rows[0])}
    )
    if created:  # as C11 stores them: on PostgreSQL one statement, not 5,000 rows' parameters
        routes.store(catalog, [(str(row[key]), row) for row in rows])
    return catalog
