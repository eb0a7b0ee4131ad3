"""The flows and suggestions screens over HTTP against the sandbox: roles, the form's rows, 422s on fields."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.sandbox.models import Flow, FlowEntity, Suggestion

pytestmark = pytest.mark.usefixtures("demo")


def html(response: Any) -> str:
    return response.content.decode()


def form_data(**fields: Any) -> dict[str, Any]:
    """A flow form as the browser posts it: the fields, then each list with one empty row."""
    data: dict[str, Any] = {"title": "", "type": "automation", "is_active": "on"}
    for prefix, rows in (("tags", 0), ("triggers", 0), ("actions", 0), ("conditions", 0)):
        data.update({f"{prefix}-TOTAL_FORMS": rows + 1, f"{prefix}-INITIAL_FORMS": rows})
    data.update(
        {"triggers-0-type": "onEvent", "triggers-0-resource": "entity", "actions-0-type": "upsertResource"}
    )
    data.update({"conditions-0-owner": "trigger-0", "conditions-0-operator": "eq"})
    data.update(fields)
    return data


def test_the_list_shows_flows_by_cursor_pages_and_filters(viewer_client: Client) -> None:
    first = viewer_client.get("/workflows/flows/")
    assert first.status_code == 200
    page = html(first)
    assert "Abandoned cart reminder" in page and "Self-service action" in page
    assert "New flow" not in page  # a viewer reads only
    cursor = re.search(r'href="\?cursor=([^"]+)"[^>]*>Next', page)
    assert cursor, "a Next link carrying the cursor"
    second = html(viewer_client.get(f"/workflows/flows/?cursor={cursor.group(1)}"))
    assert "Previous" in second and "Abandoned cart reminder" not in second
    scorecards = html(viewer_client.get("/workflows/flows/?type=scorecard&active=no"))
    assert "Profile data quality" in scorecards and "Fraud signals" in scorecards
    assert "Welcome series" not in scorecards and "Churn risk" not in scorecards


def test_a_flow_page_reads_in_words_and_hides_its_secrets(viewer_client: Client) -> None:
    page = html(viewer_client.get("/workflows/flows/welcome-series/"))
    assert "When an event happens" in page and "is created or is updated" in page
    assert "Create or update a resource" in page and "equals" in page
    assert "demo-secret" not in page and "Set, hidden" in page
    assert "onEvent" not in page and "upsertResource" not in page
    assert "/edit/" not in page and "Deactivate" not in page


MUTATING = [
    ("get", "/workflows/flows/new/"),
    ("post", "/workflows/flows/new/"),
    ("get", "/workflows/flows/welcome-series/edit/"),
    ("post", "/workflows/flows/welcome-series/edit/"),
    ("post", "/workflows/flows/welcome-series/active/"),
    ("get", "/workflows/flows/welcome-series/delete/"),
    ("post", "/workflows/flows/welcome-series/delete/"),
    ("get", "/workflows/suggestions/new/"),
    ("post", "/workflows/suggestions/new/"),
    ("get", "/workflows/suggestions/sugg-tier-3307/edit/"),
    ("post", "/workflows/suggestions/sugg-tier-3307/edit/"),
    ("post", "/workflows/suggestions/sugg-tier-3307/apply/"),
    ("get", "/workflows/suggestions/sugg-tier-3307/delete/"),
    ("post", "/workflows/suggestions/sugg-tier-3307/delete/"),
]


@pytest.mark.parametrize(("method", "url"), MUTATING)
def test_a_viewer_gets_403_on_every_control(viewer_client: Client, method: str, url: str) -> None:
    assert getattr(viewer_client, method)(url).status_code == 403
    assert Flow.objects.filter(id="welcome-series", is_active=True).exists()
    assert Suggestion.objects.filter(id="sugg-tier-3307", last_applied_at=None).exists()


def test_an_editor_without_manage_flows_is_refused_too(editor_client: Client) -> None:
    assert editor_client.post("/workflows/flows/welcome-series/active/", {"active": "0"}).status_code == 403
    assert editor_client.get("/workflows/flows/").status_code == 200


def test_an_operator_creates_a_flow_with_rows_and_conditions(operator_client: Client) -> None:
    assert "Create flow" in html(operator_client.get("/workflows/flows/new/"))
    data = form_data(
        id="vip-welcome",
        title="VIP welcome",
        description="For new VIPs",
        **{
            "tags-0-key": "team",
            "tags-0-value": "crm",
            "triggers-0-actions": ["create", "update"],
            "actions-0-title": "Send the VIP email",
            "actions-0-id": "send",
            "conditions-0-field": "profile.tier",
            "conditions-0-owner": "action-0",
            "conditions-0-value": "gold",
            "arguments": '{"profileId": {"type": "string"}}',
            "secrets": '{"token": "hush-123"}',
        },
    )
    response = operator_client.post("/workflows/flows/new/", data)
    assert response.status_code == 302, html(response)
    stored = Flow.objects.get(id="vip-welcome")
    assert stored.title == "VIP welcome" and stored.is_active
    assert stored.data["tags"] == [{"key": "team", "value": "crm"}]
    assert stored.data["triggers"][0]["event"] == {"resource": "entity", "action": ["create", "update"]}
    assert stored.data["triggers"][0]["conditions"] == []
    assert stored.data["actions"][0]["conditions"] == [
        {"field": "profile.tier", "expression": False, "operator": "eq", "value": "gold"}
    ]
    assert stored.data["secrets"] == {"token": "hush-123"}
    assert AuditEntry.objects.filter(action="flow.create", target_id="vip-welcome").exists()
    detail = html(operator_client.get("/workflows/flows/vip-welcome/"))
    # the person, not the API token the flow came with, for its creation and for its last change
    assert len(re.findall(r"</time> by olive</dd>", detail)) == 2
    later = Flow.objects.get(id="vip-welcome").updated_at + timedelta(minutes=1)
    Flow.objects.filter(id="vip-welcome").update(updated_at=later, updated_by="ci@example.test")
    detail = html(operator_client.get("/workflows/flows/vip-welcome/"))
    assert re.search(r"Created</dt><dd><time [^>]+>[^<]+</time> by olive</dd>", detail)
    assert "by someone outside this dashboard (with the API token ci@example.test)</dd>" in detail
    assert '<code>profile.tier</code> <span class="muted">·</span> equals <q>gold</q>' in detail
    seeded = html(operator_client.get("/workflows/flows/abandoned-cart/"))
    assert "by someone outside this dashboard (with the API token " in seeded
    edit = html(operator_client.get("/workflows/flows/vip-welcome/edit/"))
    assert "hush-123" not in edit and "Set." in edit
    assert 'value="profile.tier"' in edit and 'value="action-0" selected' in edit
    assert 'name="conditions-0-value" value="gold"' in edit


def test_saving_keeps_stored_secrets_unless_replaced_or_removed(operator_client: Client) -> None:
    url = "/workflows/flows/abandoned-cart/edit/"
    flow = Flow.objects.get(id="abandoned-cart")
    data = _as_posted(operator_client, url)
    assert operator_client.post(url, {**data, "title": "Cart reminder"}).status_code == 302
    flow.refresh_from_db()
    assert flow.title == "Cart reminder" and flow.data["secrets"] == {"apiKey": "demo-secret-1"}
    assert flow.data["triggers"] and flow.data["actions"]  # the rows came back as they were
    assert operator_client.post(url, {**data, "secrets": '{"apiKey": "new"}'}).status_code == 302
    flow.refresh_from_db()
    assert flow.data["secrets"] == {"apiKey": "new"}
    assert operator_client.post(url, {**data, "remove_secrets": "on"}).status_code == 302
    flow.refresh_from_db()
    assert flow.data["secrets"] is None


def _as_posted(client: Client, url: str) -> dict[str, Any]:
    """The form's fields as the page renders them, as a browser would send them back unchanged."""
    page = html(client.get(url))
    data: dict[str, Any] = {}
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data.setdefault(name.group(1), []).append(value.group(1) if value else "on")
            continue
        if tag.startswith("<select"):
            options = page[page.index(tag) :].split("</select>", 1)[0]
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
            data[name.group(1)] = chosen.group(1) if chosen else ""
        elif tag.startswith("<textarea"):
            body = page[page.index(tag) + len(tag) :].split("</textarea>", 1)[0]
            data[name.group(1)] = body.strip().replace("&quot;", '"')
        else:
            data[name.group(1)] = value.group(1) if value else ""
    return data


def test_a_remote_refusal_lands_on_the_field_and_row_it_names(operator_client: Client) -> None:
    too_big = form_data(id="big-order", title="Big", order=str(2**40))
    response = operator_client.post("/workflows/flows/new/", too_big)
    assert response.status_code == 400
    order_field = html(response).split('name="order"', 1)[1].split("</div>", 1)[0]
    assert 'class="error"' in order_field
    twice = form_data(
        id="two-steps",
        title="Two steps",
        **{"actions-TOTAL_FORMS": 3, "actions-0-id": "send", "actions-0-title": "A"},
        **{"actions-1-id": "send", "actions-1-title": "B", "actions-1-type": "upsertResource"},
        **{"actions-2-type": "upsertResource"},
    )
    response = operator_client.post("/workflows/flows/new/", twice)
    assert response.status_code == 400
    step_two = html(response).split('id="step-1"', 1)[1].split("</fieldset>", 1)[0]
    assert "Action ids must be unique within a flow" in step_two
    assert not Flow.objects.filter(id__in=["big-order", "two-steps"]).exists()


def test_activate_deactivate_and_delete_with_confirmation(operator_client: Client) -> None:
    assert operator_client.post("/workflows/flows/review-request/active/", {"active": "0"}).status_code == 302
    assert not Flow.objects.get(id="review-request").is_active
    assert Flow.objects.get(id="review-request").data["secrets"] == {"apiKey": "demo-secret-7"}
    assert operator_client.post("/workflows/flows/review-request/active/", {"active": "1"}).status_code == 302
    assert Flow.objects.get(id="review-request").is_active
    assert "Delete the flow" in html(operator_client.get("/workflows/flows/review-request/delete/"))
    assert Flow.objects.filter(id="review-request").exists()
    assert operator_client.post("/workflows/flows/review-request/delete/").status_code == 302
    assert not Flow.objects.filter(id="review-request").exists()
    actions = set(AuditEntry.objects.filter(target_id="review-request").values_list("action", flat=True))
    assert actions == {"flow.activate", "flow.deactivate", "flow.delete"}


def test_a_suggestion_is_applied_with_an_override_and_the_result_reads_in_words(
    operator_client: Client,
) -> None:
    page = html(operator_client.get("/workflows/suggestions/sugg-address-1042/"))
    assert "postcode" in page and "00-950" in page and "Apply" in page
    preview = operator_client.post("/workflows/suggestions/sugg-address-1042/apply/", {"dry_run": "on"})
    assert preview.status_code == 302
    result = html(operator_client.get(preview["Location"]))
    assert "Nothing was written" in result and "would change" in result and "00950" in result
    assert FlowEntity.objects.get(id="profile-1042").state["postcode"] == "00950"
    applied = operator_client.post(
        "/workflows/suggestions/sugg-address-1042/apply/", {"target_override": "profile-7"}
    )
    result = html(operator_client.get(applied["Location"]))
    assert "The change was written to profile-7" in result and "The target held nothing before" in result
    assert FlowEntity.objects.get(id="profile-7").state == {"postcode": "00-950", "city": "Warsaw"}
    assert AuditEntry.objects.filter(action="suggestion.apply", target_id="sugg-address-1042").count() == 2
    ignored = operator_client.post("/workflows/suggestions/sugg-merge-4410/apply/", {})
    assert "nothing was written" in html(operator_client.get(ignored["Location"]))


def test_suggestions_are_created_edited_and_deleted(operator_client: Client) -> None:
    data = {
        "title": "Fix the city",
        "origin_id": "welcome-series",
        "source_id": "profile-5",
        "target_id": "profile-5",
        "data": '{"city": "Łódź"}',
    }
    response = operator_client.post("/workflows/suggestions/new/", data)
    assert response.status_code == 302
    made = Suggestion.objects.get(title="Fix the city")
    assert made.data["data"] == {"city": "Łódź"} and made.data["originType"] == "automation"
    url = f"/workflows/suggestions/{made.id}/"
    assert (
        operator_client.post(
            f"{url}edit/", {**data, "title": "Fix the city name", "ignored": "on"}
        ).status_code
        == 302
    )
    made.refresh_from_db()
    assert made.title == "Fix the city name" and made.data["ignored"] is True
    refused = operator_client.post(f"{url}edit/", {**data, "target_id": "x" * 201})
    assert refused.status_code == 400
    assert operator_client.post(f"{url}delete/").status_code == 302
    assert not Suggestion.objects.filter(id=made.id).exists()
    assert made.id not in html(operator_client.get("/workflows/suggestions/"))


def test_without_a_flows_connection_the_pages_say_so(viewer_client: Client) -> None:
    Connection.objects.filter(kind=Connection.Kind.FLOWS).delete()
    response = viewer_client.get("/workflows/flows/")
    assert response.status_code == 502  # core.middleware's page for a missing connection
    assert "Add a flows API connection" in html(response)


def test_add_rows_grows_every_list_without_saving(operator_client: Client) -> None:
    data = form_data(id="grown", title="Grown", **{"conditions-0-field": "profile.city", "more": "1"})
    response = operator_client.post("/workflows/flows/new/", data)
    assert response.status_code == 200
    page = html(response)
    assert 'id="trigger-1"' in page and 'id="step-1"' in page and 'id="condition-1"' in page
    assert 'value="profile.city"' in page
    assert '<option value="trigger-1">Trigger 2</option>' in page
    assert not Flow.objects.filter(id="grown").exists()


def test_a_cursor_the_service_refuses_falls_back_to_the_first_page(viewer_client: Client) -> None:
    response = viewer_client.get("/workflows/flows/?type=scorecard&cursor=stale")
    assert response.status_code == 302 and response["Location"] == "/workflows/flows/?type=scorecard"
    assert "no longer available" in html(viewer_client.get(response["Location"]))


def test_suggestions_filter_by_the_flow_that_proposed_them(viewer_client: Client) -> None:
    page = html(viewer_client.get("/workflows/suggestions/?flow=loyalty-tier-up"))
    assert "Move profile 3307 to Gold" in page and "Fix the postcode" not in page
    assert "New suggestion" not in page
    detail = html(viewer_client.get("/workflows/suggestions/sugg-tier-3307/"))
    assert 'action="/workflows/suggestions/sugg-tier-3307/apply/"' not in detail and "Edit" not in detail


def test_an_edit_keeps_the_keys_the_form_does_not_show(
    operator_client: Client, demo: dict[str, Connection]
) -> None:
    from apps.automations.client import FlowInput, FlowsClient
    from apps.connections import services as connections

    odd = {
        "id": "hourly-sync",
        "title": "Hourly sync",
        "type": "automation",
        "triggers": [
            {
                "type": "onSchedule",
                "cron": "0 * * * *",
                "conditions": [{"field": "x", "operator": "eq", "value": 3}],
                "event": {"resource": "entity", "action": [], "scope": "all"},
            }
        ],
        "actions": [{"type": "callWebhook", "id": "hook", "url": "https://example.test/h"}],
    }
    with FlowsClient(connections.http_for(demo["flows"])) as api:
        api.create_flow(FlowInput.model_validate(odd))
    url = "/workflows/flows/hourly-sync/edit/"
    page = html(operator_client.get(url))
    assert '<option value="onSchedule" selected>onSchedule</option>' in page  # an unknown type, kept
    assert operator_client.post(url, {**_as_posted(operator_client, url), "title": "Sync"}).status_code == 302
    stored = Flow.objects.get(id="hourly-sync").data
    assert stored["triggers"][0]["cron"] == "0 * * * *" and stored["triggers"][0]["event"]["scope"] == "all"
    assert stored["triggers"][0]["conditions"][0]["value"] == 3
    assert (
        stored["actions"][0]["url"] == "https://example.test/h"
        and stored["actions"][0]["type"] == "callWebhook"
    )
