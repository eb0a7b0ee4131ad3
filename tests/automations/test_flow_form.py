"""The flow form's rows: what a posted form becomes, and where each remote path of a refusal is shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict

from apps.automations.forms.flows import MAX_ROWS, FlowEditor
from apps.core.http import ApiValidationError
from apps.core.remote_errors import place_remote_errors


def posted(**fields: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    base: dict[str, Any] = {"id": "f", "title": "F", "type": "automation"}
    for prefix, total in (("tags", 2), ("triggers", 2), ("actions", 2), ("conditions", 3)):
        base |= {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0}
    for n in range(2):
        base |= {f"triggers-{n}-type": "onEvent", f"triggers-{n}-resource": "entity"}
        base |= {f"actions-{n}-type": "upsertResource"}
    for n in range(3):
        base |= {f"conditions-{n}-owner": "trigger-0", f"conditions-{n}-operator": "eq"}
    for name, value in (base | fields).items():
        data.setlist(name, value if isinstance(value, list) else [str(value)])
    return data


def test_rows_skip_the_empty_ones_and_conditions_join_their_owner() -> None:
    editor = FlowEditor(
        posted(
            **{"triggers-1-actions": ["delete"], "actions-1-title": "Second", "tags-1-key": "team"},
            **{"conditions-0-field": "a", "conditions-0-owner": "trigger-1"},
            **{"conditions-2-field": "b", "conditions-2-owner": "action-1", "conditions-2-expression": "on"},
        )
    )
    assert editor.is_valid()
    body = editor.body()
    assert [t.event.action for t in body.triggers or [] if t.event] == [["delete"]]  # trigger 1 was empty
    assert [a.title for a in body.actions or []] == ["Second"]
    assert [t.key for t in body.tags or []] == ["team"]
    assert [c.field for c in (body.triggers or [])[0].conditions] == ["a"]
    assert [(c.field, c.expression) for c in (body.actions or [])[0].conditions] == [("b", True)]


def test_a_condition_of_an_empty_trigger_is_refused_on_its_row() -> None:
    editor = FlowEditor(posted(**{"conditions-0-field": "a", "conditions-0-owner": "trigger-0"}))
    assert not editor.is_valid()
    assert "empty or removed" in str(editor.conditions.forms[0].errors["owner"])


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("title", ("form", "title")),
        ("isActive", ("form", "is_active")),
        ("tags.0.value", ("tags", 1, "value")),
        ("triggers.0.event.action.0", ("triggers", 1, "actions")),
        ("triggers.0.event.resource", ("triggers", 1, "resource")),
        ("actions.0.id", ("actions", 1, "id")),
        ("triggers.0.conditions.0.operator", ("conditions", 2, "operator")),
        ("unknown.path", ("form", None)),
    ],
)
def test_a_remote_refusal_is_placed_by_its_path(path: str, where: tuple[Any, ...]) -> None:
    editor = FlowEditor(
        posted(
            **{"triggers-1-actions": ["create"], "actions-1-title": "Only", "tags-1-key": "k"},
            **{"conditions-2-field": "x", "conditions-2-owner": "trigger-1"},
        )
    )
    assert editor.is_valid()
    place_remote_errors(
        ApiValidationError("refused", status=422, field_errors={path: ["bad"]}), editor.form, editor.place
    )
    if where[0] == "form":
        assert editor.form.errors[where[1] or "__all__"] == ["bad" if where[1] else "refused"]
    else:
        rows = getattr(editor, where[0]).forms
        assert rows[where[1]].errors[where[2]] == ["bad"]


def test_a_huge_row_count_builds_no_more_rows_than_allowed_and_is_refused() -> None:
    editor = FlowEditor(posted(**{f"{p}-TOTAL_FORMS": 100_000 for p in ("tags", "triggers", "actions")}))
    assert not editor.is_valid()
    for rows in (editor.tags, editor.triggers, editor.actions):
        assert len(rows.forms) <= MAX_ROWS
        assert any("at most" in error for error in rows.non_form_errors())
