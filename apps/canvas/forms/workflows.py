"""Create a workflow from a template: its name, a registered application per slot, block variables."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.canvas.client import Application, RegApplication, WorkflowTemplate


def _editable(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float) and not isinstance(value, bool)


class WorkflowForm(forms.Form):
    name = forms.CharField(
        max_length=500, required=False, help_text="Leave empty to use the template's name."
    )
    description = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        template: WorkflowTemplate,
        registered: list[RegApplication],
        catalogue: dict[str, Application],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.slots: list[tuple[str, str]] = []  # (field name, application short name)
        for short_name in template.applications:
            app = next((a for a in catalogue.values() if a.short_name == short_name), None)
            mine = [r for r in registered if r.short_name == short_name]
            choices = [(r.id, r.tag_text or r.name) for r in mine]
            field = forms.ChoiceField(
                label=app.name if app else short_name,
                choices=[("", "Choose a connection…"), *choices],
                help_text="" if mine else "None connected yet: connect one under Applications first.",
            )
            if len(mine) == 1:
                field.initial = mine[0].id
            name = f"app_{short_name}"
            self.fields[name] = field
            self.slots.append((name, short_name))
        self.blocks: list[tuple[int, str, list[str]]] = []  # (number, block name, its field names)
        for number, block in enumerate(template.chain, start=1):
            names = []
            for variable, value in block.variables.items():
                if not _editable(value):
                    continue
                name = f"var_{number}_{variable}"
                self.fields[name] = forms.CharField(
                    label=variable,
                    required=False,
                    initial="" if value is None else str(value),
                    max_length=2000,
                )
                names.append(name)
            self.blocks.append((number, block.block_name, names))

    def applications(self) -> dict[str, str]:
        return {short_name: self.cleaned_data[name] for name, short_name in self.slots}

    def chain(self) -> dict[str, dict[str, Any]]:
        """The variables that differ from the template's, by block id (an emptied one goes as null)."""
        overrides: dict[str, dict[str, Any]] = {}
        for number, block in enumerate(self.template.chain, start=1):
            for variable, value in block.variables.items():
                name = f"var_{number}_{variable}"
                if name not in self.fields:
                    continue
                given = self.cleaned_data.get(name, "")
                before = "" if value is None else str(value)
                if given != before:
                    overrides.setdefault(block.unique_block_id, {})[variable] = given or None
        return overrides

    def grouped(self) -> list[tuple[int, str, list[forms.BoundField]]]:
        return [(number, name, [self[field] for field in fields]) for number, name, fields in self.blocks]

    def slot_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in self.slots]
