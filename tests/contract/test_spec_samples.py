"""Every sample body in shared/spec/*.md, read with the model our client uses for that operation.

The samples are read from the spec files at test time. SAMPLES says which sample (file, a heading that
names it, its place among the samples under that heading) maps to which model; a request body, an error
body or an operation no client calls yet is listed with the reason it is not parsed. A sample added to or
dropped from the spec without a row here fails `test_the_table_covers_every_sample`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter
from pydantic.dataclasses import is_pydantic_dataclass

from apps.automations.client import (
    Action,
    ApplyResult,
    Flow,
    FlowPage,
    LastRun,
    Suggestion,
    SuggestionPage,
    Trigger,
    WorkflowPage,
)
from apps.canvas import client as canvas
from apps.canvas.client import AuthenticateResponse
from apps.catalogs.client import CatalogPage, DeleteResult, Envelope, ItemDetail, ItemPage, Mapping
from apps.connections.client import CurrentWorkspace, TokenResponse, UserLoginResponse
from apps.content.client import ExternalSource, Generated, Page, Record, RecordVersion, Schema

# CI checks out ../shared/ beside the repository; SYNADMIN_SPEC_DIR points elsewhere (e.g. from a worktree).
SPEC = Path(
    os.environ.get("SYNADMIN_SPEC_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "spec"
)

REQUEST = "a request body, not a response: test_request_samples.py sends it"
ERROR = "an error body: the base client of its kind reads it (apps.connections.wire), not a model"
NO_CLIENT = "no client method calls this operation yet"

Target = type[BaseModel] | TypeAdapter[Any] | str


@dataclass(frozen=True)
class Sample:
    file: str
    heading: str  # a unique part of the heading the sample sits under
    index: int  # its place among that heading's samples, from 0
    targets: tuple[Target, ...]

    @property
    def skip_reason(self) -> str | None:
        return self.targets[0] if isinstance(self.targets[0], str) else None


def s(file: str, heading: str, index: int, *targets: Target) -> Sample:
    return Sample(file, heading, index, targets)


BW, CANVAS, FLOWS, AUTH = "brickworks.md", "canvas.md", "flows.md", "synerise-auth-automation-catalogs.md"

SAMPLES = [
    s(BW, "8.1 Schema", 0, Schema),  # S1/S2/S3/S6 get_schema, create_schema, update_schema
    s(BW, "8.1 Schema", 1, REQUEST),  # S6
    s(BW, "8.1 Schema", 2, REQUEST),  # S3
    s(BW, "8.2 Record", 0, Record),  # R3–R9, R12/R13 get/create/update/duplicate_record
    s(BW, "8.2 Record", 1, REQUEST),  # R3/R4
    s(BW, "8.2 Record", 2, REQUEST),  # R8/R9
    s(BW, "8.2 Record", 3, REQUEST),  # A1/A2
    s(BW, "8.3 RecordVersion", 0, RecordVersion),  # V1/V2 get_version
    # S5, R1/R2, V3/V4, X1: list_schemas, list_records, list_versions, list_external_sources
    s(BW, "8.4 List response", 0, Page[Schema], Page[Record], Page[RecordVersion], Page[ExternalSource]),
    s(BW, "8.5 Generated object", 0, Generated),  # P1–P4 preview, G1–G4 generate
    s(BW, "8.6 Error body", 0, ERROR),
    s(BW, "8.7 External source", 0, ExternalSource),  # X2–X4 get/create/update_external_source
    s(BW, "8.7 External source", 1, REQUEST),  # X2
    s(CANVAS, "2.1 Credential check", 0, AuthenticateResponse),  # authenticate
    s(CANVAS, "4.2 Describe", 0, canvas.Description),  # describe
    s(CANVAS, "5.2 Account", 0, REQUEST),
    s(CANVAS, "5.2 Account", 1, canvas.NewId),  # create_account
    s(CANVAS, "6.3 RegApplication", 0, REQUEST),
    s(CANVAS, "6.3 RegApplication", 1, REQUEST),
    s(CANVAS, "6.3 RegApplication", 2, canvas.NewId),  # register_application
    s(CANVAS, "7.4 Workflow (post)", 0, REQUEST),
    s(CANVAS, "7.4 Workflow (post)", 1, canvas.NewId),  # create_workflow
    s(CANVAS, "7.4 Workflow (post)", 2, ERROR),
    s(CANVAS, "7.5 DeleteWorkflow", 0, canvas.Deleted),  # delete_workflow
    s(CANVAS, "7.6 RunWorkflow", 0, REQUEST),
    s(CANVAS, "7.6 RunWorkflow", 1, REQUEST),
    s(CANVAS, "7.6 RunWorkflow", 2, REQUEST),
    s(CANVAS, "7.7 WorkflowScheduler", 0, REQUEST),
    s(CANVAS, "12.1 An application", 0, canvas.Application),  # list_applications' items
    s(CANVAS, "12.2 A workflow template", 0, canvas.WorkflowTemplate),  # list_templates' items
    s(CANVAS, "12.3 A workflow", 0, canvas.OneWorkflow),  # get_workflow
    s(CANVAS, "A.1 GetMetaData", 0, canvas.MetaData),  # get_metadata
    s(CANVAS, "A.2 Accounts", 0, canvas.Accounts),  # list_accounts
    s(CANVAS, "A.5 WorkflowTemplates", 0, canvas.WorkflowTemplates),  # list_templates
    s(CANVAS, "A.6 Workflows", 0, canvas.Workflows),  # list_workflows
    s(FLOWS, "3.4 Trigger", 0, Trigger),  # inside Flow.triggers
    s(FLOWS, "3.7 Action", 0, Action),  # inside Flow.actions
    s(FLOWS, "5.2 Response `ApplyResult`", 0, ApplyResult),  # apply_suggestion
    s(FLOWS, "7. Validation error shape", 0, ERROR),
    s(FLOWS, "9.1 Get Flows response", 0, FlowPage),  # list_flows
    s(FLOWS, "9.2 Flow: the response", 0, Flow),  # create_flow, get_flow, upsert_flow
    s(FLOWS, "9.3 Create Flow and Upsert Flow request", 0, REQUEST),
    s(FLOWS, "9.4 Get Suggestions response", 0, SuggestionPage),  # list_suggestions
    s(FLOWS, "9.5 Suggestion: the response", 0, Suggestion),  # create/get/upsert_suggestion
    s(FLOWS, "9.6 Create Suggestion", 0, REQUEST),
    s(FLOWS, "9.7 Apply Suggestion", 0, ApplyResult),  # apply_suggestion
    s(FLOWS, "9.8 Validation error", 0, ERROR),
    s(AUTH, "1.7 Auth samples", 0, REQUEST),  # A1
    s(AUTH, "1.7 Auth samples", 1, UserLoginResponse),  # A1 login_user, A3 select_workspace
    s(AUTH, "1.7 Auth samples", 2, NO_CLIENT),  # A10: profile logins are not ours (docs/api-decisions.md)
    s(AUTH, "1.7 Auth samples", 3, REQUEST),  # A6
    s(AUTH, "1.7 Auth samples", 4, TokenResponse),  # A6 login_workspace, refresh_workspace_token
    s(AUTH, "1.7 Auth samples", 5, CurrentWorkspace),  # A5 current_workspace
    s(AUTH, "2.2 W3 / W4 / W5", 0, ERROR),
    s(AUTH, "2.4 Automation samples", 0, WorkflowPage),  # W1/W2 list_workflows_v1, list_workflows
    s(AUTH, "2.4 Automation samples", 1, LastRun),  # W6 last_run
    s(AUTH, "3.5 Catalog samples", 0, CatalogPage),  # C3 list_catalogs
    s(AUTH, "3.5 Catalog samples", 1, REQUEST),  # C10
    s(AUTH, "3.5 Catalog samples", 2, ItemPage),  # C9 list_items, C20 list_all_items
    s(AUTH, "3.5 Catalog samples", 3, REQUEST),  # C21
    s(AUTH, "3.5 Catalog samples", 4, Envelope[Mapping]),  # C21 add_mapping
    s(AUTH, "3.5 Catalog samples", 5, REQUEST),  # C5
    s(AUTH, "3.5 Catalog samples", 6, Envelope[list[DeleteResult]]),  # C5 delete_catalogs
    s(AUTH, "3.5 Catalog samples", 7, Envelope[ItemDetail]),  # C24 item_detail
    s(AUTH, "3.5 Catalog samples", 8, REQUEST),  # C12
]

# Counted by hand from the spec files; a change here should come with a row above.
EXPECTED_SAMPLES = 65
EXPECTED_PARSED = 14 + 2 + 5 + 12 + 4  # + the automation, catalog, Canvas and suggestion samples


def spec_dir() -> Path:
    if not SPEC.is_dir():
        pytest.skip(
            f"the API digests are not at {SPEC}: "
            "check out shared/ beside the repository, or point SYNADMIN_SPEC_DIR at it"
        )
    return SPEC


def samples_in(path: Path) -> list[tuple[str, str]]:
    """(heading, text) of each sample: a ```json block, or an untagged block that is JSON (canvas `true`)."""
    found: list[tuple[str, str]] = []
    heading, fence, lines = "", None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if fence is None:
                fence, lines = line[3:].strip(), []
                continue
            text = "\n".join(lines)
            if fence == "json" or (fence == "" and _is_json(text)):
                found.append((heading, text))
            fence = None
        elif fence is not None:
            lines.append(line)
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
    return found


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def find(sample: Sample) -> str:
    under = [text for heading, text in samples_in(spec_dir() / sample.file) if sample.heading in heading]
    assert len(under) > sample.index, (
        f"{sample.file}: no sample #{sample.index} under a heading with {sample.heading!r}"
    )
    return under[sample.index]


def params() -> list[Any]:
    return [
        pytest.param(
            sample,
            id=f"{sample.file}:{sample.heading}#{sample.index}",
            marks=[pytest.mark.skip(reason=sample.skip_reason)] if sample.skip_reason else [],
        )
        for sample in SAMPLES
    ]


@pytest.mark.parametrize("sample", params())
def test_the_sample_parses_with_the_clients_model(sample: Sample) -> None:
    body = json.loads(find(sample))
    for target in sample.targets:
        assert not isinstance(target, str)
        if isinstance(target, TypeAdapter):
            assert_keeps_every_key(target.validate_python(body), body, where=str(target))
        else:
            assert_keeps_every_key(target.model_validate(body), body, where=target.__name__)


def assert_keeps_every_key(parsed: Any, body: Any, *, where: str) -> None:
    """Every key of the documented sample lands on a model field: none is dropped as unknown."""
    if isinstance(body, dict) and (isinstance(parsed, BaseModel) or is_pydantic_dataclass(type(parsed))):
        fields = type(parsed).__pydantic_fields__  # a model's or a pydantic dataclass's
        by_alias = {info.alias or name: name for name, info in fields.items()}
        kept = set(getattr(parsed, "model_extra", None) or {})  # a model that keeps undeclared keys (C24)
        dropped = sorted(set(body) - set(by_alias) - kept)
        assert not dropped, f"{where} drops the documented key(s) {dropped}"
        for key, value in body.items():
            if key not in kept:
                assert_keeps_every_key(getattr(parsed, by_alias[key]), value, where=f"{where}.{key}")
    elif isinstance(parsed, list | tuple) and isinstance(body, list):
        for n, (item, value) in enumerate(zip(parsed, body, strict=True)):
            assert_keeps_every_key(item, value, where=f"{where}.{n}")


def test_the_table_covers_every_sample() -> None:
    folder = spec_dir()
    in_spec = {
        (path.name, n, heading)
        for path in sorted(folder.glob("*.md"))
        for n, (heading, _) in enumerate(samples_in(path))
    }
    assert len(in_spec) == EXPECTED_SAMPLES
    claimed: list[tuple[str, int, str]] = []
    for sample in SAMPLES:
        under = [(f, n, h) for f, n, h in sorted(in_spec, key=lambda row: row[1]) if f == sample.file]
        matching = [row for row in under if sample.heading in row[2]]
        assert len(matching) > sample.index, f"{sample} finds no sample"
        claimed.append(matching[sample.index])
    assert len(set(claimed)) == len(claimed) == len(SAMPLES), "two rows claim the same sample"
    assert set(claimed) == in_spec
    assert sum(1 for sample in SAMPLES if not sample.skip_reason) == EXPECTED_PARSED


def test_headings_name_one_section_each() -> None:
    # A marker that matched two headings would let a row slide onto the wrong sample.
    folder = spec_dir()
    for file, marker in {(sample.file, sample.heading) for sample in SAMPLES}:
        headings = {heading for heading, _ in samples_in(folder / file)}
        assert len([h for h in headings if re.search(re.escape(marker), h)]) == 1, (file, marker)


# canvas.md A.3 and A.4 are not valid JSON as printed (an `...,` elision, a trailing comma); read with
# those two defects fixed, as docs/api-decisions.md says, they parse with the clients' models.
CANVAS_UNPRINTABLE = [
    ("A.3 Applications", canvas.Applications),
    ("A.4 RegApplications", canvas.RegApplications),
]


@pytest.mark.parametrize(("heading", "target"), CANVAS_UNPRINTABLE, ids=[h for h, _ in CANVAS_UNPRINTABLE])
def test_the_canvas_samples_printed_as_invalid_json_parse_once_fixed(
    heading: str, target: TypeAdapter[Any]
) -> None:
    text = (spec_dir() / CANVAS).read_text(encoding="utf-8").split(f"### {heading}", 1)[1]
    printed = text.split("```", 2)[1].strip()
    with pytest.raises(ValueError):
        json.loads(printed)
    fixed = re.sub(r",\s*\]\s*$", "]", re.sub(r"\n\.\.\.,\n", "\n", printed))
    body = json.loads(fixed)
    assert len(body) >= 3
    assert_keeps_every_key(target.validate_python(body), body, where=heading)
