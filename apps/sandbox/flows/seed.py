"""Demo flows (about ten of each type) and suggestions of several kinds. Safe to run again."""

from __future__ import annotations

from typing import Any

from apps.sandbox.flows.models import Flow, FlowEntity, Suggestion

WHO = "demo@synadmin.test"


Test = tuple[str, str, str | None]  # field, operator, value


def _conditions(tests: tuple[Test, ...]) -> list[dict[str, Any]]:
    return [
        {"field": field, "expression": False, "operator": operator, **({"value": value} if value else {})}
        for field, operator, value in tests
    ]


def _when(resource: str, *actions: str, tests: tuple[Test, ...] = ()) -> dict[str, Any]:
    return {
        "type": "onEvent",
        "conditions": _conditions(tests),
        "event": {"resource": resource, "action": list(actions)},
    }


def _do(
    action_id: str, title: str, kind: str = "upsertResource", tests: tuple[Test, ...] = ()
) -> dict[str, Any]:
    return {
        "type": kind,
        "id": action_id,
        "title": title,
        "description": None,
        "conditions": _conditions(tests),
    }


# (id, title, description, icon, tags)
AUTOMATIONS = [
    ("welcome-series", "Welcome series", "Send the welcome emails when a profile signs up.", "mail"),
    ("abandoned-cart", "Abandoned cart reminder", "Remind a shopper of a cart left for a day.", "cart"),
    ("price-drop-alert", "Price drop alert", "Tell watchers when a product gets cheaper.", "tag"),
    ("back-in-stock", "Back in stock", "Notify subscribers when an item returns.", "box"),
    ("birthday-voucher", "Birthday voucher", "Issue a voucher in the week of a birthday.", "gift"),
    ("winback-90-days", "Win back after 90 days", "Reach profiles inactive for 90 days.", "refresh"),
    ("order-shipped", "Order shipped notice", "Send tracking details when an order ships.", "truck"),
    ("review-request", "Review request", "Ask for a review a week after delivery.", "star"),
    ("loyalty-tier-up", "Loyalty tier upgrade", "Congratulate members who reach a new tier.", "award"),
    (
        "consent-expiry",
        "Consent expiry reminder",
        "Ask to renew marketing consent before it lapses.",
        "shield",
    ),
]
SELF_SERVICE = [
    ("update-consents", "Update my consents", "Let a customer change their marketing consents.", "shield"),
    ("change-address", "Change delivery address", "Update the default delivery address.", "home"),
    ("cancel-order", "Cancel an order", "Cancel an order that has not shipped.", "x-circle"),
    ("download-my-data", "Download my data", "Prepare an export of the profile's data.", "download"),
    ("delete-account", "Delete my account", "Erase the profile after a confirmation.", "trash"),
    ("pause-subscription", "Pause subscription", "Pause a subscription for up to three months.", "pause"),
    ("resend-invoice", "Resend invoice", "Email the invoice of an order again.", "file"),
    ("change-language", "Change language", "Switch the language of messages.", "globe"),
    ("unsubscribe-sms", "Stop SMS messages", "Opt out of SMS while keeping email.", "message"),
    ("request-callback", "Request a callback", "Book a call from customer service.", "phone"),
]
SCORECARDS = [
    ("churn-risk", "Churn risk", "Score how likely a profile is to stop buying.", "trending-down"),
    ("engagement-score", "Engagement score", "Opens, clicks and visits of the last 30 days.", "activity"),
    ("lifetime-value", "Lifetime value", "Predicted revenue over the next year.", "dollar"),
    ("data-quality", "Profile data quality", "How complete and valid a profile's fields are.", "check"),
    ("promo-sensitivity", "Promotion sensitivity", "How often purchases follow a discount.", "percent"),
    ("nps-band", "NPS band", "Promoter, passive or detractor from the last survey.", "smile"),
    ("return-rate", "Return rate", "Share of ordered items sent back.", "rotate"),
    ("fraud-signals", "Fraud signals", "Unusual orders, addresses or payment attempts.", "alert"),
    ("channel-preference", "Channel preference", "Which channel a profile answers best.", "radio"),
    ("basket-affinity", "Basket affinity", "Categories bought together by the profile.", "grid"),
]
REFERENCES = [
    ("country-codes", "Country codes", "ISO 3166 countries and their shipping zones.", "map"),
    ("store-locations", "Store locations", "Opening hours and addresses of the stores.", "pin"),
    ("product-categories", "Product categories", "The category tree of the catalog.", "folder"),
    ("currency-rates", "Currency rates", "Daily exchange rates against the euro.", "dollar"),
    ("holiday-calendar", "Holiday calendar", "Public holidays by country.", "calendar"),
    ("loyalty-tiers", "Loyalty tiers", "Thresholds and perks of each tier.", "award"),
    ("consent-purposes", "Consent purposes", "The purposes a profile can consent to.", "shield"),
    ("size-charts", "Size charts", "Size conversions per brand.", "ruler"),
    ("carrier-services", "Carrier services", "Delivery services and their lead times.", "truck"),
    ("tax-rates", "Tax rates", "VAT rates per country and category.", "percent"),
]
TEAMS = ["crm", "ecommerce", "service", "data"]


def _body(n: int, kind: str, row: tuple[str, str, str, str]) -> dict[str, Any]:
    flow_id, title, description, icon = row
    body: dict[str, Any] = {
        "description": description,
        "icon": icon,
        "needsApproval": kind == "selfServiceAction" and n % 3 == 0,
        "order": n + 1,
        "arguments": None,
        "secrets": None,
        "triggers": None,
        "actions": None,
        "outputs": None,
        "tags": [{"key": "team", "value": TEAMS[n % 4]}, {"key": "region", "value": ["eu", "us"][n % 2]}],
    }
    if kind == "automation":
        agreed = ("profile.marketingAgreement", "eq", "true")
        body["triggers"] = [_when("entity", "create", "update", tests=(agreed,))]
        body["actions"] = [_do("send", f"Send {title.lower()}", tests=(("profile.email", "exists", None),))]
        body["secrets"] = {"apiKey": f"demo-secret-{n}"}
    elif kind == "selfServiceAction":
        body["arguments"] = {"profileId": {"type": "string", "required": True}}
        body["actions"] = [_do("apply", title, tests=(("profile.verified", "eq", "true"),))]
        body["outputs"] = {"message": "Done"}
    elif kind == "scorecard":
        body["triggers"] = [_when("entity", "update")]
        body["outputs"] = {"score": {"type": "number", "min": 0, "max": 100}}
    else:
        body["outputs"] = {"rows": {"type": "array"}}
    return body


SUGGESTIONS = [
    (
        "sugg-address-1042",
        "Fix the postcode of profile 1042",
        "welcome-series",
        "profile-1042",
        {"postcode": "00-950", "city": "Warsaw"},
        False,
        False,
    ),
    (
        "sugg-consent-2201",
        "Renew email consent of profile 2201",
        "consent-expiry",
        "profile-2201",
        {"emailConsent": True},
        False,
        True,
    ),
    (
        "sugg-tier-3307",
        "Move profile 3307 to Gold",
        "loyalty-tier-up",
        "profile-3307",
        {"tier": "gold"},
        False,
        False,
    ),
    (
        "sugg-merge-4410",
        "Merge duplicate profile 4410 into 4409",
        "abandoned-cart",
        "profile-4410",
        {"mergedInto": "profile-4409"},
        True,
        False,
    ),
    (
        "sugg-price-sku-77",
        "Lower the price of SKU 77 to 19.99",
        "price-drop-alert",
        "product-77",
        {"price": 19.99},
        False,
        False,
    ),
    (
        "sugg-stock-sku-12",
        "Mark SKU 12 as back in stock",
        "back-in-stock",
        "product-12",
        {"inStock": True, "quantity": 40},
        False,
        False,
    ),
    (
        "sugg-lang-5120",
        "Switch profile 5120 to German",
        "change-language",
        "profile-5120",
        {"language": "de"},
        False,
        False,
    ),
]
ENTITIES = {
    "profile-1042": {"postcode": "00950", "city": "Warszawa"},
    "profile-2201": {"emailConsent": False},
    "profile-3307": {"tier": "silver"},
    "product-77": {"price": 24.99, "name": "Trail socks"},
    "product-12": {"inStock": False, "quantity": 0},
}


def seed() -> None:
    Flow.objects.filter(type="self-service").update(type="selfServiceAction")  # an older seed's type
    groups = [
        ("automation", AUTOMATIONS),
        ("selfServiceAction", SELF_SERVICE),
        ("scorecard", SCORECARDS),
        ("reference", REFERENCES),
    ]
    for kind, rows in groups:
        for n, row in enumerate(rows):
            Flow.objects.get_or_create(
                id=row[0],
                defaults={
                    "title": row[1],
                    "type": kind,
                    "is_active": n % 4 != 3,
                    "data": _body(n, kind, row),
                    "created_by": WHO,
                    "updated_by": WHO,
                },
            )
    for sid, title, origin, target, data, ignored, auto in SUGGESTIONS:
        body = {
            "description": None,
            "originType": "automation",
            "originId": origin,
            "sourceType": "entity",
            "sourceId": target,
            "sourceContext": None,
            "targetType": "entity",
            "targetId": target,
            "targetContext": None,
            "targetIdOverride": None,
            "data": data,
            "ignored": ignored,
            "autoApply": auto,
        }
        Suggestion.objects.get_or_create(
            id=sid, defaults={"title": title, "data": body, "created_by": WHO, "updated_by": WHO}
        )
    for entity_id, state in ENTITIES.items():
        FlowEntity.objects.get_or_create(id=entity_id, defaults={"state": state})
