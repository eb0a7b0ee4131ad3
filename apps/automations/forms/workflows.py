"""Forms of the workflows screens: the list's filters, Stop's typed name, the log's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms

STATUSES = [
    ("", "Any status"),
    ("Active", "Active"),
    ("Inactive", "Paused or stopped"),
    ("Scheduled", "Scheduled"),
    ("Draft", "Draft"),
    ("Recent", "Changed this week"),
]
SORTS = [
    ("", "Last changed"),
    ("name:asc", "Name A–Z"),
    ("name:desc", "Name Z–A"),
    ("createdTime:desc", "Newest"),
    ("status:asc", "Status"),
    ("author:asc", "Author"),
]
LEVELS = [("", "Every level"), ("WARN", "Warnings and errors"), ("ERROR", "Errors only")]


def folder_label(folder_id: str) -> str:
    """A folder no workflow seen here is in (services.workflows.folder_names names the others): told
    apart by the start of its id."""
    return f"Folder {folder_id[:8]}"


class WorkflowFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200, help_text="")
    status = forms.ChoiceField(required=False, choices=STATUSES)
    folder = forms.ChoiceField(required=False, choices=[])
    tag = forms.ChoiceField(required=False, choices=[])
    sort = forms.ChoiceField(required=False, choices=SORTS)

    def __init__(self, *args: Any, folders: dict[str, str], tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        asked = self.data.get("folder", ""), self.data.get("tag", "")
        if asked[0] and asked[0] not in folders:
            folders = {**folders, asked[0]: folder_label(asked[0])}
        tags = sorted(set(tags) | ({asked[1]} if asked[1] else set()))
        cast(forms.ChoiceField, self.fields["folder"]).choices = [("", "Any folder"), *folders.items()]
        cast(forms.ChoiceField, self.fields["tag"]).choices = [("", "Any tag"), *((t, t) for t in tags)]
        self.fields["q"].widget.attrs["placeholder"] = "Name or author"

    def query(self) -> dict[str, Any]:
        """The filters as the listing's keyword arguments (W2's parameters, and `tag`)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            key: value
            for key, value in {
                "search": data["q"] or None,
                "status": data["status"] or None,
                "directory_id": data["folder"] or None,
                "sort_by": data["sort"] or None,
                "tag": data["tag"] or "",
            }.items()
            if value
        }

    @property
    def filtered(self) -> bool:
        return bool(self.query())


class StopForm(forms.Form):
    name = forms.CharField(label="Type the workflow's name to stop it", max_length=255)

    def __init__(self, *args: Any, workflow_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workflow_name = workflow_name
        self.fields["name"].label = f"Type “{workflow_name}” to stop it"
        self.fields["name"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if name.strip() != self.workflow_name.strip():
            raise forms.ValidationError("That is not the workflow's name; nothing was stopped.")
        return name


class LogFilterForm(forms.Form):
    level = forms.ChoiceField(required=False, choices=LEVELS, label="Level")
    q = forms.CharField(required=False, max_length=200, label="Find in log")

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"level": "", "text": ""}
        return {"level": self.cleaned_data["level"], "text": self.cleaned_data["q"]}
