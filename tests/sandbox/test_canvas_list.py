"""The `Workflows` list is written by the query on PostgreSQL: it must answer exactly what wire.py writes
for one workflow (the `Workflow` call), in the three datetime styles of canvas.md §10."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from django.test import Client
from django.utils import timezone as django_timezone

from apps.sandbox import seed
from apps.sandbox.canvas import listing
from apps.sandbox.canvas.models import CanvasTemplate, CanvasWorkflow

BASE = "/sandbox/canvas/api"
WARSAW_SUMMER = timezone(timedelta(hours=2))

# (dateCreated, dateLastRun, dateNextSchedule) and what the list must answer for them.
CASES = [
    (
        datetime(2020, 5, 7, 19, 10, 36, 690000, tzinfo=UTC),
        datetime(2021, 9, 15, 14, 59, 2, 950000, tzinfo=UTC),
        datetime(2099, 5, 3, 2, 0, 0, tzinfo=UTC),
        ("2020-05-07T19:10:36.69", "2021-09-15T14:59:02.95+00:00", "2099-05-03T02:00:00+00:00"),
    ),
    (
        datetime(2020, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(2021, 1, 1, 0, 0, 10, 999999, tzinfo=UTC),
        datetime(2099, 1, 1, 0, 0, 0, 500000, tzinfo=UTC),
        ("2020-01-01T00:00:00", "2021-01-01T00:00:10.999+00:00", "2099-01-01T00:00:00+00:00"),
    ),
    (
        datetime(2020, 3, 4, 5, 6, 10, 10, tzinfo=UTC),
        datetime(2021, 3, 4, 5, 6, 7, 999, tzinfo=UTC),
        None,
        ("2020-03-04T05:06:10.00001", "2021-03-04T05:06:07+00:00", None),
    ),
    (
        datetime(2020, 7, 1, 1, 30, 0, 100000, tzinfo=WARSAW_SUMMER),
        None,
        datetime(2099, 7, 1, 1, 30, tzinfo=WARSAW_SUMMER),
        ("2020-06-30T23:30:00.1", None, "2099-06-30T23:30:00+00:00"),
    ),
]


def test_the_list_writes_each_workflow_as_the_single_workflow_call_does(seeded: seed.Seeded) -> None:
    headers = {"Consumer": seeded.canvas.consumer, "SecretKey": seeded.canvas.secret_key}
    client = Client()
    template = CanvasTemplate.objects.filter(key__isnull=True).first()
    assert template is not None
    made = []
    for n, (created, last_run, next_schedule, _) in enumerate(CASES):
        made.append(
            CanvasWorkflow.objects.create(
                key=seeded.canvas,
                account_id=seeded.canvas.account_id,
                name=f"Listed {n}",
                workflow_template_id=template.id if n % 2 else None,
                reg_application_ids=[f"reg-{n}", "shared"] if n % 2 else [],
                date_created=created,
                date_modified=created,
                date_last_run=last_run,
                date_next_schedule=next_schedule,
                is_scheduled=next_schedule is not None,
            )
        )
    response = client.get(f"{BASE}/Workflows", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    listed = {answer["id"]: answer for answer in response.json()}
    for row, (*_, expected) in zip(made, CASES, strict=True):
        answer = listed[str(row.id)]
        assert (answer["dateCreated"], answer["dateLastRun"], answer["dateNextSchedule"]) == expected
        assert answer["dateModified"] == expected[0]
        single = client.get(f"{BASE}/Workflow", {"id": str(row.id)}, headers=headers)
        assert json.dumps(answer) == json.dumps(single.json())
    assert listed[str(made[1].id)]["regApplicationIds"] == ["reg-1", "shared"]
    assert listed[str(made[0].id)]["workflowTemplateId"] is None


def test_both_paths_of_the_list_answer_the_same(seeded: seed.Seeded) -> None:
    """PostgreSQL writes the list in SQL, other databases through wire.py: the answers must not differ."""
    for n, (created, last_run, next_schedule, _) in enumerate(CASES):
        CanvasWorkflow.objects.create(
            key=seeded.canvas,
            account_id=seeded.canvas.account_id,
            name=f"Both {n}",
            reg_application_ids=["a", "b"] if n % 2 else [],
            date_created=created,
            date_last_run=last_run,
            date_next_schedule=next_schedule,
            is_scheduled=next_schedule is not None,
        )
    rows = CanvasWorkflow.objects.filter(key=seeded.canvas, account_id=seeded.canvas.account_id)
    now = django_timezone.now()
    in_python = listing._answers_in_python(rows, now, seeded.canvas.organization_id)
    assert len(in_python) >= len(CASES)
    assert json.dumps(listing.workflow_answers(rows, now, seeded.canvas.organization_id)) == json.dumps(
        in_python
    )
