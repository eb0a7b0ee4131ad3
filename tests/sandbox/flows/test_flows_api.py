"""The sandbox's flows API (flows.md): cursor pages both ways, FastAPI's 422s, upsert replaces, apply."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.sandbox import seed
from apps.sandbox.models import Flow, FlowEntity, Suggestion

BASE = "/sandbox/flows/api/v1"


class Api:
    def __init__(self, token: str) -> None:
        self.client, self.headers = Client(), {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{BASE}/{path}", params, headers=self.headers)

    def send(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        return self.client.generic(
            method,
            f"{BASE}/{path}{query}",
            "" if body is None else __import__("json").dumps(body),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def api(seeded: seed.Seeded) -> Api:
    return Api(seeded.flows.token)


def test_the_demo_has_about_ten_flows_of_each_type_and_several_suggestions(api: Api) -> None:
    for kind in ("automation", "selfServiceAction", "scorecard", "reference"):
        assert Flow.objects.filter(type=kind).count() == 10
    assert Suggestion.objects.count() >= 5
    seed.seed()  # again: nothing doubles
    assert Flow.objects.count() == 40


def test_pages_forward_and_back_with_the_four_cursors(api: Api) -> None:
    ids = sorted(Flow.objects.values_list("id", flat=True))
    first = api.get("flows", size=15).json()
    assert [f["id"] for f in first["items"]] == ids[:15]
    assert first["previous_page"] is None and first["total"] == 40
    second = api.get("flows", size=15, cursor=first["next_page"]).json()
    assert [f["id"] for f in second["items"]] == ids[15:30]
    third = api.get("flows", size=15, cursor=second["next_page"]).json()
    assert [f["id"] for f in third["items"]] == ids[30:] and third["next_page"] is None
    back = api.get("flows", size=15, cursor=third["previous_page"]).json()
    assert [f["id"] for f in back["items"]] == ids[15:30]
    start = api.get("flows", size=15, cursor=back["previous_page"]).json()
    assert [f["id"] for f in start["items"]] == ids[:15] and start["previous_page"] is None
    again = api.get("flows", size=15, cursor=second["current_page"]).json()
    assert again["items"] == second["items"]
    backwards = api.get("flows", size=15, cursor=second["current_page_backwards"]).json()
    assert backwards["items"] == second["items"]


def test_lists_filter_by_type_and_active(api: Api) -> None:
    page = api.get("flows", type="scorecard", isActive="false").json()
    assert {(f["type"], f["isActive"]) for f in page["items"]} == {("scorecard", False)}
    assert page["total"] == len(page["items"]) > 0


def test_a_flow_is_created_with_its_id_read_replaced_whole_and_deleted(api: Api) -> None:
    body = {
        "id": "vip-upgrade",
        "title": "VIP upgrade",
        "type": "automation",
        "description": "First",
        "tags": [{"key": "team", "value": "crm"}],
        "secrets": {"token": "s3"},
    }
    created = api.send("POST", "flows", body)
    assert created.status_code == 200
    flow = created.json()
    assert (flow["id"], flow["isActive"], flow["needsApproval"], flow["order"]) == (
        "vip-upgrade",
        True,
        False,
        None,
    )
    assert flow["createdAt"].endswith("Z") and len(flow["createdAt"]) == 24
    assert api.send("POST", "flows", body).status_code == 409
    replaced = api.send(
        "PUT", "flows/vip-upgrade", {"id": "vip-upgrade", "title": "VIP", "type": "scorecard"}
    )
    assert replaced.status_code == 200
    assert (replaced.json()["description"], replaced.json()["tags"], replaced.json()["secrets"]) == (
        None,
        None,
        None,
    )
    assert replaced.json()["createdAt"] == flow["createdAt"]
    assert api.get("flows/vip-upgrade").json()["type"] == "scorecard"
    fresh = api.send("PUT", "flows/new-one", {"id": "new-one", "title": "New", "type": "reference"})
    assert fresh.status_code == 200 and api.get("flows/new-one").status_code == 200
    assert api.send("DELETE", "flows/vip-upgrade").status_code == 200
    assert api.get("flows/vip-upgrade").status_code == 404
    assert api.get("flows/vip-upgrade").json() == {"detail": "Not Found"}
    assert api.send("DELETE", "flows/vip-upgrade").status_code == 404


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ({"title": "x", "type": "automation"}, ["body", "id"], "missing"),
        ({"id": "a", "type": "automation"}, ["body", "title"], "missing"),
        ({"id": "a", "title": "x", "type": "robot"}, ["body", "type"], "literal_error"),
        (
            {"id": "a", "title": "x", "type": "automation", "isActive": "maybe"},
            ["body", "isActive"],
            "bool_parsing",
        ),
        (
            {"id": "a", "title": "x", "type": "automation", "actions": [{"conditions": 5}]},
            ["body", "actions", 0, "conditions"],
            "list_type",
        ),
        (
            {"id": "a", "title": "x", "type": "automation", "actions": [{"id": "s"}, {"id": "s"}]},
            ["body", "actions", 1, "id"],
            "value_error",
        ),
    ],
)
def test_invalid_flows_answer_422_in_fastapi_shape(
    api: Api, body: dict[str, Any], loc: list[Any], kind: str
) -> None:
    response = api.send("POST", "flows", body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert (error["loc"], error["type"]) == (loc, kind)
    assert error["msg"]


def test_upsert_refuses_a_body_id_other_than_the_paths(api: Api) -> None:
    response = api.send("PUT", "flows/welcome-series", {"id": "other", "title": "x", "type": "automation"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "id"]


def test_a_bad_cursor_or_size_is_a_422(api: Api) -> None:
    assert api.get("flows", cursor="nonsense").json()["detail"][0]["loc"] == ["query", "cursor"]
    assert api.get("flows", size=101).json()["detail"][0]["loc"] == ["query", "size"]


SUGGESTION = {
    "title": "Fix city",
    "originType": "automation",
    "originId": "welcome-series",
    "sourceType": "entity",
    "sourceId": "profile-9",
    "targetType": "entity",
    "targetId": "profile-9",
    "data": {"city": "Kraków"},
}


def test_a_suggestion_gets_an_id_is_replaced_and_applied_to_its_target_or_an_override(api: Api) -> None:
    created = api.send("POST", "suggestions", SUGGESTION).json()
    sid = created["id"]
    assert sid and created["lastAppliedAt"] is None and created["ignored"] is False
    FlowEntity.objects.create(id="profile-9", state={"city": "Krakow", "zip": "31-000"})
    dry = api.send("POST", f"suggestions/{sid}/apply", {}, dryRun="true").json()
    assert dry == {
        "dryRun": True,
        "ignored": False,
        "previousState": {"city": "Krakow", "zip": "31-000"},
        "newState": {"city": "Kraków", "zip": "31-000"},
    }
    assert FlowEntity.objects.get(id="profile-9").state["city"] == "Krakow"
    applied = api.send("POST", f"suggestions/{sid}/apply", {}).json()
    assert applied["dryRun"] is False and applied["newState"]["city"] == "Kraków"
    assert FlowEntity.objects.get(id="profile-9").state == {"city": "Kraków", "zip": "31-000"}
    assert api.get(f"suggestions/{sid}").json()["lastAppliedAt"]
    elsewhere = api.send("POST", f"suggestions/{sid}/apply", {"targetIdOverride": "profile-10"}).json()
    assert elsewhere["previousState"] is None and FlowEntity.objects.get(id="profile-10").state == {
        "city": "Kraków"
    }
    replaced = api.send("PUT", f"suggestions/{sid}", {**SUGGESTION, "data": None, "ignored": True}).json()
    assert replaced["data"] is None and replaced["createdAt"] == created["createdAt"]
    ignored = api.send("POST", f"suggestions/{sid}/apply", {}).json()
    assert ignored["ignored"] is True and ignored["newState"] == ignored["previousState"]
    assert api.send("DELETE", f"suggestions/{sid}").status_code == 200
    assert api.send("POST", f"suggestions/{sid}/apply", {}).status_code == 404


def test_invalid_suggestions_name_each_missing_field(api: Api) -> None:
    response = api.send("POST", "suggestions", {"title": "x", "originType": "manual"})
    locs = [error["loc"] for error in response.json()["detail"]]
    assert response.status_code == 422
    assert ["body", "originType"] in locs and ["body", "targetId"] in locs and ["body", "sourceId"] in locs


def test_suggestions_page_with_cursors(api: Api) -> None:
    first = api.get("suggestions", size=3).json()
    rest = api.get("suggestions", size=100, cursor=first["next_page"]).json()
    ids = [s["id"] for s in first["items"] + rest["items"]]
    assert ids == sorted(Suggestion.objects.values_list("id", flat=True))


def test_without_a_token_everything_is_closed(db: None) -> None:
    for method, path in [
        ("GET", "flows"),
        ("POST", "flows"),
        ("PUT", "flows/x"),
        ("DELETE", "suggestions/x"),
        ("POST", "suggestions/x/apply"),
    ]:
        response = Api("wrong").send(method, path, {})
        assert response.status_code == 401, (method, path)


def test_the_openapi_document_lists_the_eleven_operations(api: Api) -> None:
    document = Client().get(f"{BASE}/openapi.json").json()
    operations = [op["summary"] for ops in document["paths"].values() for op in ops.values()]
    assert len(operations) == 11
    assert "422" in document["paths"]["/sandbox/flows/api/v1/flows"]["post"]["responses"]


def test_a_body_that_is_not_json_is_a_422(api: Api) -> None:
    response = api.client.post(
        f"{BASE}/flows", "{not json", content_type="application/json", headers=api.headers
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
