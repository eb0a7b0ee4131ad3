"""The audit log's writing: an action records how it ended."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from apps.core import audit
from apps.core.http import ApiConflict
from apps.core.models import AuditEntry


def test_it_records_a_failed_action_with_the_remote_error(alice: User) -> None:
    with pytest.raises(ApiConflict), audit.action(alice, "record.update", None, record="r1"):
        raise ApiConflict("Record was updated in the meantime", status=409, code="BKW-029")
    entry = AuditEntry.objects.get(action="record.update")
    assert (entry.username, entry.action, entry.outcome) == ("alice", "record.update", "failed")
    assert entry.error == "Record was updated in the meantime"
    assert entry.detail == {"record": "r1"}
