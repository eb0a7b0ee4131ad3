"""Logging filters named in `LOGGING` (synadmin/settings.py)."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (403) is logged in one line: the refusal is expected, its traceback is noise.

    Django logs every PermissionDenied on `django.request` with the exception attached; 5xx keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
