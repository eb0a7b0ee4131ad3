"""Preview a record as profiles would get it, and the test profiles saved for it in a workspace."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, Record, Schema
from apps.content.models import TestProfile
from apps.content.services.richtext import clean_html
from apps.core import audit
from apps.core.http import ApiNotFound

# The frame's own policy: no scripts, no requests but images; the iframe's `sandbox` already forbids
# scripts, forms and navigation, this is the second lock.
FRAME_POLICY = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'"
FRAME_STYLE = (
    "body{margin:12px;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330}"
    "img{max-width:100%;height:auto}a{color:#2f5bd3}"
)


def frame_style_source() -> str:
    """The CSP source that lets the frames' one <style> block apply: a srcdoc frame also inherits the
    page's policy, so the preview page allows exactly this block by its hash, and nothing else inline."""
    digest = base64.b64encode(hashlib.sha256(FRAME_STYLE.encode()).digest()).decode()
    return f"'sha256-{digest}'"


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
            identifier_type=identifier_type if identifier_value else None,  # type: ignore[arg-type]  # form-checked
            identifier_value=identifier_value or None,
        )
    except ApiNotFound as exc:
        return {"who": who, "error": exc.message, "fields": [], "json": ""}
    fields = [
        {
            "name": name,
            "label": schema.fields.get(name, {}).get("label") or name,
            "kind": schema.fields.get(name, {}).get("type", ""),
            "value": value,
            "frame": frame_document(value)
            if schema.fields.get(name, {}).get("type") == "richtext" and isinstance(value, str)
            else "",
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


def frame_document(html: str) -> str:
    """A whole page for an `<iframe sandbox srcdoc>`: the HTML as the customer's page would render it,
    sanitized, under its own restrictive policy."""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{FRAME_POLICY}">'
        f"<style>{FRAME_STYLE}</style></head><body>{clean_html(html)}</body></html>"
    )


def profiles_of(workspace: Workspace[BrickworksClient]) -> Any:
    return TestProfile.objects.filter(connection=workspace.connection)


def save_test_profile(workspace: Workspace[BrickworksClient], *, name: str, **identifier: Any) -> TestProfile:
    """Save (or replace, by name) a test profile for everyone in the person's workspace."""
    profile, _ = TestProfile.objects.update_or_create(
        connection=workspace.connection, name=name, defaults={**identifier, "created_by": workspace.person}
    )
    audit.record(workspace.person, "test_profile.save", profile)
    return profile


def delete_test_profile(workspace: Workspace[BrickworksClient], *, pk: int) -> None:
    profile = profiles_of(workspace).filter(pk=pk).first()
    if profile is not None:
        audit.record(workspace.person, "test_profile.delete", profile)
        profile.delete()
