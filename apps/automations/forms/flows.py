"""The flow form: its fields, tags, triggers and steps as rows, conditions as rows naming their owner.

Each list is a formset with one empty row at the end, so a person adds a row without JavaScript (save,
and a new empty row appears). Rows left empty are skipped; a row's Remove box drops it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator

from apps.automations.client import Action, Condition, Event, Flow, FlowInput, Tag, Trigger
from apps.automations.services.flows import KEEP, TYPE_LABELS
from apps.core.fields import JSONField
from apps.core.json import load_json
from apps.core.remote_errors import Place

MAX_ROWS = 50


class FlowFilters(forms.Form):
    """The flows list's filters."""

    type = forms.ChoiceField(required=False, choices=[("", "Any type"), *TYPE_LABELS.items()])
    active = forms.ChoiceField(
        label="State", required=False, choices=[("", "Active or not"), ("yes", "Active"), ("no", "Inactive")]
    )


TRIGGER_TYPES = {"onEvent": "When an event happens"}
RESOURCES = {"entity": "An entity"}
EVENT_ACTIONS = {"create": "is created", "update": "is updated", "delete": "is deleted"}
ACTION_TYPES = {"upsertResource": "Create or update a resource"}
OPERATORS = {
    "eq": "equals",
    "ne": "does not equal",
    "gt": "is greater than",
    "lt": "is less than",
    "contains": "contains",
    "exists": "exists",
}


def choices(labels: dict[str, str], *current: str | None) -> list[tuple[str, str]]:
    """The known values with their labels, and any other value a flow already holds, as it is."""
    known = list(labels.items())
    return known + [(value, value) for value in dict.fromkeys(current) if value and value not in labels]


class JSONBox(JSONField):
    """A JSON view of a value the doc leaves open: empty means none, never the text `null`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "class": "mono", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


class FlowForm(forms.Form):
    id = forms.CharField(
        label="Id",
        max_length=200,
        validators=[
            RegexValidator(r"^[A-Za-z0-9._-]+$", "Use letters, digits, dots, dashes and underscores.")
        ],
        help_text="Chosen by you, and it cannot change later, e.g. welcome-series.",
    )
    # One per form shown: a second post of the same form (a double click, a resend) is the same create.
    submission = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=500)
    type = forms.ChoiceField(choices=list(TYPE_LABELS.items()))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    icon = forms.CharField(required=False, max_length=100, help_text="An icon name, e.g. mail.")
    order = forms.IntegerField(required=False, help_text="Where it sorts among flows; lower first.")
    is_active = forms.BooleanField(label="Active", required=False, initial=True)
    needs_approval = forms.BooleanField(label="Needs approval", required=False)
    arguments = JSONBox(label="Arguments", help_text="JSON: what a person or a caller passes in.")
    outputs = JSONBox(label="Outputs", help_text="JSON: what the flow gives back.")
    secrets = forms.CharField(
        label="Secrets",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "class": "mono", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=(
            "JSON. Stored secrets are never shown: leave this empty to keep them, type JSON to replace them."
        ),
    )
    remove_secrets = forms.BooleanField(label="Remove the stored secrets", required=False)

    def __init__(self, *args: Any, flow: Flow | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4().hex
        self.fields["submission"].validators = []  # clean_submission decides, without an error no one sees
        if flow is not None:
            del self.fields["id"]
            del self.fields["submission"]
            cast(forms.ChoiceField, self.fields["type"]).choices = choices(TYPE_LABELS, flow.type)
            if flow.secrets is None:
                self.fields["secrets"].help_text = "JSON. None are stored."
                del self.fields["remove_secrets"]
            else:
                self.fields["secrets"].help_text = "Set. " + self.fields["secrets"].help_text
        else:
            del self.fields["remove_secrets"]
            self.fields["secrets"].help_text = "JSON. Never shown again once saved."

    def clean_submission(self) -> str:
        # A key we made, or none: anything else (a hand-made post) creates without the repeat guard,
        # since a hidden field's error would show nowhere.
        value = self.cleaned_data.get("submission") or ""
        return value if re.fullmatch(r"[0-9a-f]{32}", value) else ""

    def clean_secrets(self) -> Any:
        text = self.cleaned_data["secrets"].strip()
        if not text:
            return KEEP
        try:
            return load_json(text)
        except ValueError as exc:
            raise forms.ValidationError(f"This is not JSON: {exc}") from None

    def secrets_to_send(self) -> Any:
        if self.cleaned_data.get("remove_secrets"):
            return None
        return self.cleaned_data["secrets"]


class RowForm(forms.Form):
    """A row of a list: the empty row at the end counts only once something in it was filled in."""

    def is_blank(self) -> bool:
        return bool(self.cleaned_data.get("DELETE")) or (self.empty_permitted and not self.has_changed())


class TagForm(RowForm):
    key = forms.CharField(required=False, max_length=200)
    value = forms.CharField(required=False, max_length=500)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("DELETE")) or not (data.get("key") or data.get("value"))


class TriggerForm(RowForm):
    type = forms.ChoiceField(label="Trigger", choices=list(TRIGGER_TYPES.items()), initial="onEvent")
    resource = forms.ChoiceField(label="Resource", choices=list(RESOURCES.items()), initial="entity")
    actions = forms.MultipleChoiceField(
        label="When it",
        choices=list(EVENT_ACTIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self.initial
        cast(forms.ChoiceField, self.fields["type"]).choices = choices(TRIGGER_TYPES, initial.get("type"))
        cast(forms.ChoiceField, self.fields["resource"]).choices = choices(RESOURCES, initial.get("resource"))
        cast(forms.ChoiceField, self.fields["actions"]).choices = choices(
            EVENT_ACTIONS, *initial.get("actions", [])
        )


class ActionForm(RowForm):
    id = forms.CharField(label="Step id", required=False, max_length=200)
    type = forms.ChoiceField(label="Does", choices=list(ACTION_TYPES.items()), initial="upsertResource")
    title = forms.CharField(required=False, max_length=500)
    description = forms.CharField(required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = choices(ACTION_TYPES, self.initial.get("type"))


class ConditionForm(RowForm):
    owner = forms.ChoiceField(label="Applies to")
    field = forms.CharField(required=False, max_length=500)
    operator = forms.ChoiceField(choices=list(OPERATORS.items()), initial="eq")
    value = forms.CharField(required=False, max_length=500, help_text="Left empty for “exists”.")
    expression = forms.BooleanField(label="The field is an expression", required=False)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = owners
        cast(forms.ChoiceField, self.fields["operator"]).choices = choices(
            OPERATORS, self.initial.get("operator")
        )

    def is_blank(self) -> bool:
        # The owner and the operator always hold a value; the field is what makes a condition.
        return bool(self.cleaned_data.get("DELETE")) or not self.cleaned_data.get("field")

    def has_changed(self) -> bool:
        return bool(self.data.get(self.add_prefix("field"))) if self.is_bound else super().has_changed()


def _formset(form: type[RowForm]) -> type[forms.BaseFormSet[RowForm]]:
    # absolute_max: a posted TOTAL_FORMS builds at most this many rows (Django's default allows 1000 more).
    return forms.formset_factory(
        form, extra=1, can_delete=True, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS
    )


TagRows = _formset(TagForm)
TriggerRows = _formset(TriggerForm)
ActionRows = _formset(ActionForm)
ConditionRows = _formset(ConditionForm)


class FlowEditor:
    """The flow form and its four lists, read together into one FlowInput; remote errors put back by path."""

    def __init__(self, data: Any = None, *, flow: Flow | None = None) -> None:
        self.flow = flow
        self.form = FlowForm(data, flow=flow, initial=_initial(flow))
        triggers = (flow.triggers or []) if flow else []
        steps = (flow.actions or []) if flow else []
        self.tags = TagRows(
            data, prefix="tags", initial=[t.model_dump() for t in (flow.tags or [])] if flow else []
        )
        self.triggers = TriggerRows(data, prefix="triggers", initial=[_trigger_row(t) for t in triggers])
        self.actions = ActionRows(data, prefix="actions", initial=[_action_row(a) for a in steps])
        owners = self._owners(data, triggers, steps)
        parts: list[tuple[str, Sequence[Trigger | Action]]] = [("trigger", triggers), ("action", steps)]
        rows = [
            {"owner": f"{kind}-{n}", **condition.model_dump()}
            for kind, owned in parts
            for n, item in enumerate(owned)
            for condition in item.conditions
        ]
        self.conditions = ConditionRows(
            data, prefix="conditions", initial=rows, form_kwargs={"owners": owners}
        )
        self.rows: dict[tuple[str, int], forms.Form] = {}  # (list, its index in the body) -> the row shown
        # What each stored row was, so keys the form does not show go back with it (an upsert replaces all).
        self.originals: dict[str, list[Any]] = {
            "triggers": triggers,
            "actions": steps,
            "conditions": [c for owned in (triggers, steps) for item in owned for c in item.conditions],
        }

    def _owners(self, data: Any, triggers: list[Trigger], steps: list[Action]) -> list[tuple[str, str]]:
        """Every trigger and step row on the page, including the empty ones, as a condition's owner."""

        def count(prefix: str, stored: int) -> int:
            try:
                return min(MAX_ROWS + 1, int(data.get(f"{prefix}-TOTAL_FORMS", stored + 1)))
            except (AttributeError, TypeError, ValueError):
                return stored + 1

        n_triggers = count("triggers", len(triggers))
        n_steps = count("actions", len(steps))
        return [(f"trigger-{n}", f"Trigger {n + 1}") for n in range(n_triggers)] + [
            (f"action-{n}", f"Step {n + 1}") for n in range(n_steps)
        ]

    @property
    def parts(self) -> list[Any]:
        return [self.form, self.tags, self.triggers, self.actions, self.conditions]

    def is_valid(self) -> bool:
        valid = [part.is_valid() for part in self.parts]  # every part, so each shows its errors
        return all(valid) and self._owners_exist()

    def _kept(self, rows: forms.BaseFormSet[RowForm], name: str) -> list[tuple[int, RowForm]]:
        kept = [form for form in rows.forms if not form.is_blank()]
        for n, form in enumerate(kept):
            self.rows[(name, n)] = form
        return list(enumerate(kept))

    def _owners_exist(self) -> bool:
        self.rows.clear()
        self._triggers = self._kept(self.triggers, "triggers")
        self._actions = self._kept(self.actions, "actions")
        self._tags = self._kept(self.tags, "tags")
        ok = True
        places = {
            **{f"trigger-{self.triggers.forms.index(f)}": ("triggers", n) for n, f in self._triggers},
            **{f"action-{self.actions.forms.index(f)}": ("actions", n) for n, f in self._actions},
        }
        self._conditions: dict[tuple[str, int], list[Condition]] = {}
        for form in self.conditions.forms:
            if form.is_blank():
                continue
            owner = places.get(form.cleaned_data["owner"])
            if owner is None:
                form.add_error("owner", "That trigger or step is empty or removed.")
                ok = False
                continue
            owned = self._conditions.setdefault(owner, [])
            self.rows[(f"{owner[0]}.{owner[1]}.conditions", len(owned))] = form
            owned.append(
                Condition(
                    **self._extra("conditions", form),
                    field=form.cleaned_data["field"],
                    operator=form.cleaned_data["operator"],
                    value=self._value(form),
                    expression=form.cleaned_data["expression"],
                )
            )
        return ok

    def body(self) -> FlowInput:
        data = self.form.cleaned_data
        return FlowInput(
            id=self.flow.id if self.flow else data["id"],
            title=data["title"],
            type=data["type"],
            description=data["description"] or None,
            icon=data["icon"] or None,
            is_active=data["is_active"],
            needs_approval=data["needs_approval"],
            order=data["order"],
            arguments=data["arguments"],
            outputs=data["outputs"],
            tags=[Tag(key=f.cleaned_data["key"], value=f.cleaned_data["value"]) for _, f in self._tags],
            triggers=[
                Trigger(
                    **self._extra("triggers", f),
                    type=f.cleaned_data["type"],
                    event=Event(
                        **self._extra("triggers", f, "event"),
                        resource=f.cleaned_data["resource"],
                        action=f.cleaned_data["actions"],
                    ),
                    conditions=self._conditions.get(("triggers", n), []),
                )
                for n, f in self._triggers
            ],
            actions=[
                Action(
                    **self._extra("actions", f),
                    id=f.cleaned_data["id"] or None,
                    type=f.cleaned_data["type"],
                    title=f.cleaned_data["title"] or None,
                    description=f.cleaned_data["description"] or None,
                    conditions=self._conditions.get(("actions", n), []),
                )
                for n, f in self._actions
            ],
        )

    def _value(self, form: RowForm) -> Any:
        """The condition's value as typed; a stored one that reads the same keeps its type (3, not "3")."""
        typed = form.cleaned_data["value"] or None
        index = self.conditions.forms.index(form)
        stored = self.originals["conditions"]
        before = stored[index].value if index < len(stored) else None
        return before if before is not None and str(before) == typed else typed

    def _extra(self, name: str, form: forms.Form, inner: str = "") -> dict[str, Any]:
        """The keys of the stored row behind `form` that the form does not show (none for a new row)."""
        index = getattr(self, name).forms.index(form)
        stored = self.originals[name]
        item = stored[index] if index < len(stored) else None
        if item is not None and inner:
            item = getattr(item, inner)
        return dict(item.model_extra or {}) if item is not None else {}

    def place(self, path: str) -> Place | None:
        """Where a refusal's remote path (`title`, `actions.1.id`, `triggers.0.conditions.2.field`) goes."""
        parts = path.split(".")
        own = {"isActive": "is_active", "needsApproval": "needs_approval"}.get(parts[0], parts[0])
        if own in self.form.fields:
            return Place(self.form, own)
        for depth in (3, 1):  # a condition of a trigger or step, then a trigger, step or tag
            if len(parts) > depth and parts[depth].isdigit():
                row = self.rows.get((".".join(parts[:depth]), int(parts[depth])))
                if row is not None:
                    rest = parts[depth + 1 :]
                    name = "resource" if rest[:1] == ["event"] else rest[0] if rest else None
                    if rest[:2] == ["event", "action"]:
                        name = "actions"
                    return Place(row, name if name in row.fields else None)
        return None


def with_more_rows(data: Any) -> Any:
    """The posted form with one more empty row in each list ("Add rows", without JavaScript)."""
    data = data.copy()
    for prefix in ("tags", "triggers", "actions", "conditions"):
        total = f"{prefix}-TOTAL_FORMS"
        if str(data.get(total, "")).isdigit():
            data[total] = str(min(MAX_ROWS, int(data[total]) + 1))
    return data


def _initial(flow: Flow | None) -> dict[str, Any] | None:
    if flow is None:
        return None
    return {
        "title": flow.title,
        "type": flow.type,
        "description": flow.description,
        "icon": flow.icon,
        "order": flow.order,
        "is_active": flow.is_active,
        "needs_approval": flow.needs_approval,
        "arguments": flow.arguments,
        "outputs": flow.outputs,
    }


def _trigger_row(trigger: Trigger) -> dict[str, Any]:
    event = trigger.event or Event()
    return {"type": trigger.type, "resource": event.resource, "actions": event.action}


def _action_row(action: Action) -> dict[str, Any]:
    return {"id": action.id, "type": action.type, "title": action.title, "description": action.description}
