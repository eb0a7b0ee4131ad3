"""Demo catalogs: products and stores, with a mapping of the purchase event. Safe to run again."""

from __future__ import annotations

from apps.sandbox.catalogs.models import Catalog, CatalogItem, CatalogMapping
from apps.sandbox.models import Workspace

PRODUCTS = 300
CATEGORIES = ["smartphone", "laptop", "tablet", "headphones", "watch"]
COLORS = ["black", "blue", "red", "silver", "white"]
CITIES = ["Kraków", "Warszawa", "Gdańsk", "Wrocław", "Poznań", "Łódź", "Lublin", "Katowice"]


def product(n: int) -> dict[str, object]:
    category = CATEGORIES[n % len(CATEGORIES)]
    return {
        "sku": f"SKU-{n:05d}",
        "name": f"{category.title()} {n}",
        "category": category,
        "color": COLORS[n * 7 % len(COLORS)],
        "price": round(99 + n * 13.5 % 2000, 2),
        "inStock": n % 4 != 0,
    }


def store(n: int) -> dict[str, object]:
    city = CITIES[n % len(CITIES)]
    name = f"{city} {n // len(CITIES) + 1}"
    return {"storeId": f"ST-{n:03d}", "city": city, "name": name, "open": n % 5 != 0}


def seed(workspace: Workspace) -> None:
    products = _catalog(workspace, "products", [product(n) for n in range(1, PRODUCTS + 1)], "sku")
    _catalog(workspace, "stores", [store(n) for n in range(1, 41)], "storeId")
    CatalogMapping.objects.get_or_create(
        catalog=products,
        action="transaction.charge",
        param_key="sku",
        defaults={"enrichment_fields": ["name", "category"]},
    )


def _catalog(workspace: Workspace, name: str, rows: list[dict[str, object]], key: str) -> Catalog:
    catalog, created = Catalog.objects.get_or_create(
        workspace=workspace, name=name, defaults={"author": "Demo User", "keys": list(rows[0])}
    )
    if created:
        CatalogItem.objects.bulk_create(
            [CatalogItem(catalog=catalog, key=str(row[key]), value=row) for row in rows], batch_size=500
        )
    return catalog
