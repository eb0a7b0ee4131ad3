"""Preview a record as profiles would get it, and the test profiles saved for it in a workspace."""

from __future__ import annotations

import json
from typing import Any

from apps.content.client import BrickworksClient, Record, Schema
from apps.content.models import TestProfile
from apps.content.services.workspace import User, workspace_for
from apps.core import audit
from apps.core.http import ApiNotFound

KINDS = {"email": "Email", "id": "Profile ID", "uuid": "UUID", "custom_identify": "Custom ID"}


def preview(
    api: BrickworksClient,
    schema: Schema,
    record: Record,
    identifier_type: str | None,
    identifier_value: str | None,
) -> dict[str, Any]:
    """One preview column: who, the generated fields (defaulted ones marked), the JSON."""
    kind = KINDS.get(identifier_type or "", identifier_type)
    who = f"{kind} {identifier_value}" if identifier_value else "Any visitor (no profile)"
    try:
        generated = api.preview(
            schema.app_id,
            record.id,
            values=record.values,
            identifier_type=identifier_type if identifier_value else None,  # type: ignore[arg-type]
            identifier_value=identifier_value or None,
        )
    except ApiNotFound as exc:
        return {"who": who, "error": exc.message, "fields": [], "json": ""}
    fields = [
        {
            "name": name,
            "label": schema.fields.get(name, {}).get("label") or name,
            "value": value,
            "defaulted": name not in record.values,
        }
        for name, value in generated.items()
        if not name.startswith("__")
    ]
    return {
        "who": who,
        "error": "",
        "fields": fields,
        "json": json.dumps(generated, indent=2, ensure_ascii=False),
    }


def profiles_of(user: User) -> Any:
    return TestProfile.objects.filter(connection=workspace_for(user))


def save_test_profile(user: User, *, name: str, **identifier: Any) -> TestProfile:
    """Save (or replace, by name) a test profile for everyone in the person's workspace."""
    profile, _ = TestProfile.objects.update_or_create(
        connection=workspace_for(user), name=name, defaults={**identifier, "created_by": user}
    )
    audit.record(user, "test_profile.save", profile)
    return profile


def delete_test_profile(user: User, pk: int) -> None:
    profile = profiles_of(user).filter(pk=pk).first()
    if profile is not None:
        audit.record(user, "test_profile.delete", profile)
        profile.delete()
