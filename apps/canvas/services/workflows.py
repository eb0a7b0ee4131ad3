"""Workflows: their chain of blocks (learnt from the template), creating one from a template, deleting one.

Canvas shows no workflow's chain (docs/api-decisions.md, "Canvas"): a workflow's blocks are its template's.
A block variable reads an earlier block's output when its text holds `{block:N}` or `{block:N.name}`,
N being that block's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apps.canvas.client import CanvasClient, TemplateBlock, Workflow, WorkflowTemplate
from apps.connections.workspace import Workspace
from apps.core import audit

READS = re.compile(r"\{block:(\d+)(?:\.([^}]*))?\}")


@dataclass(frozen=True)
class Block:
    number: int
    name: str
    variables: dict[str, Any]
    reads: tuple[int, ...]  # the numbers of the earlier blocks whose output it reads

    @property
    def settings(self) -> list[tuple[str, str]]:
        """The variables as a person reads them: name and a plain value ("not set" for none)."""
        return [(name, plain(value)) for name, value in self.variables.items()]


def plain(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "not set"
    if isinstance(value, list):
        return ", ".join(plain(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {plain(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return READS.sub(_reference, str(value))


def _reference(match: re.Match[str]) -> str:
    number, name = match.groups()
    return f"[{name} from block {number}]" if name else f"[output of block {number}]"


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return []


def blocks_of(chain: list[TemplateBlock]) -> list[Block]:
    blocks = []
    for number, block in enumerate(chain, start=1):
        reads = {int(m.group(1)) for text in _texts(block.variables) for m in READS.finditer(text)}
        blocks.append(
            Block(number, block.block_name, block.variables, tuple(sorted(n for n in reads if n < number)))
        )
    return blocks


def chain_of(workflow: Workflow, templates: dict[str, WorkflowTemplate]) -> list[Block] | None:
    """The workflow's blocks, or None when Canvas does not tell (no template, or not one we can read)."""
    template = templates.get(workflow.workflow_template_id or "")
    return blocks_of(template.chain) if template is not None else None


def templates_by_id(api: CanvasClient) -> dict[str, WorkflowTemplate]:
    return {template.id: template for template in api.list_templates()}


def filter_workflows(
    workflows: list[Workflow], *, query: str = "", status: str = "", scheduled: str = ""
) -> list[Workflow]:
    words = query.lower().split()
    rows = [w for w in workflows if all(word in f"{w.name} {w.description}".lower() for word in words)]
    if status:
        rows = [w for w in rows if w.status == status]
    if scheduled in ("on", "off"):
        rows = [w for w in rows if w.is_scheduled == (scheduled == "on")]
    return sorted(rows, key=lambda w: (w.name.lower(), w.id))


@dataclass(frozen=True, slots=True)
class Row:
    workflow: Workflow
    template_name: str


class Rows:
    """The list screen's rows, made for the page shown only: an account may have thousands."""

    def __init__(self, workflows: list[Workflow], names: dict[str, str]) -> None:
        self.workflows, self.names = workflows, names

    def __len__(self) -> int:
        return len(self.workflows)

    def __getitem__(self, index: slice) -> list[Row]:
        return [Row(w, self.names.get(w.workflow_template_id or "", "")) for w in self.workflows[index]]


def list_rows(api: CanvasClient, *, query: str = "", status: str = "", scheduled: str = "") -> Rows:
    """The workflows of the list screen, filtered, with their template's name."""
    names = {template.id: template.name for template in api.list_templates()}
    found = filter_workflows(api.list_workflows(), query=query, status=status, scheduled=scheduled)
    return Rows(found, names)


def create_workflow(
    workspace: Workspace[CanvasClient],
    *,
    template: WorkflowTemplate,
    applications: dict[str, str],
    name: str,
    description: str,
    chain: dict[str, dict[str, Any]],
) -> str:
    """A new workflow from `template`; `chain` holds only the variables that differ from the template's."""
    created: list[str] = []

    def target() -> audit.Ref:
        """The new workflow; its template when Canvas refused to create it."""
        if created:
            return audit.Ref("canvas.workflow", created[0], name or template.name)
        return audit.Ref("canvas.template", template.id, template.name)

    with (
        workspace.client() as api,
        audit.action(workspace.person, "canvas.workflow.create", target) as detail,
    ):
        workflow_id = api.create_workflow(
            template.id,
            applications=applications,
            name=name or None,
            description=description or None,
            chain=chain,
        )
        created.append(workflow_id)
        detail.update(template=template.name, changed_blocks=len(chain))
    return workflow_id


def delete_workflow(workspace: Workspace[CanvasClient], *, workflow: Workflow) -> bool:
    """True when Canvas deleted it; its local run history is kept."""
    deleting = audit.action(workspace.person, "canvas.workflow.delete", ref(workflow))
    with workspace.client() as api, deleting as detail:
        deleted = api.delete_workflow(workflow.id)
        detail["deleted"] = deleted
    return deleted


def ref(workflow: Workflow) -> audit.Ref:
    return audit.Ref("canvas.workflow", workflow.id, workflow.name)
