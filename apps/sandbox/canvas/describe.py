"""What Describe answers (§4.2): the doc's AddWorkflowApiDto, and the other four DTOs from their samples."""

from __future__ import annotations

from typing import Any


def p(type_name: str, name: str, required: bool, generic: str = "") -> dict[str, Any]:
    return {"typeName": type_name, "propertyName": name, "genericParameters": generic, "isRequired": required}


DESCRIPTIONS: dict[str, list[dict[str, Any]]] = {
    "AddWorkflowApiDto": [  # as printed in the doc
        p("guid", "workflowTemplateId", True),
        p("string", "name", False),
        p("string", "description", False),
        p("dictionary", "applications", True, "string,guid"),
        p("iEnumerable", "chain", False, "chainApiDto"),
    ],
    "AddAccountApiDto": [
        p("string", "firstName", True),
        p("string", "lastName", True),
        p("string", "email", True),
        p("string", "phone", False),
        p("string", "roleName", True),
        p("string", "countryKey", False),
        p("boolean", "globalNotifications", False),
        p("string", "defaultNotificationEmail", False),
        p("boolean", "activated", False),
    ],
    "AddRegApplicationApiDto": [
        p("guid", "applicationId", True),
        p("string", "tagText", False),
        p("string", "credentialsJson", True),
    ],
    "RunMetadataApiDto": [
        p("guid", "workflowId", True),
        p("int32", "runFromBlock", False),
        p("int32", "runTillBlock", False),
    ],
    "UpdateWorkfowSchedulerApiDto": [
        p("guid", "workflowId", True),
        p("boolean", "isScheduled", True),
        p("string", "scheduleFrequency", False),
    ],
}
