"""WhiteNoise reads the whole of STATIC_ROOT each time a middleware chain is built: for every test client,
and for the in-process sandbox after each change of settings (tests/sandboxes.py), 0.15 s a time.
`make test` collects the static files before the run and nothing changes them during it, so each folder
is read once per set of the settings WhiteNoise reads (a test that changes one reads again).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from whitenoise.base import WhiteNoise

_read: dict[tuple[Any, ...], dict[str, Any]] = {}


def _key(root: str, prefix: str) -> tuple[Any, ...]:
    names = sorted(name for name in dir(settings) if name.startswith(("WHITENOISE_", "STATIC")))
    return (root, prefix, repr([(name, getattr(settings, name)) for name in names]), repr(settings.STORAGES))


@contextmanager
def read_once() -> Iterator[None]:
    read = WhiteNoise.update_files_dictionary

    def update_files_dictionary(self: WhiteNoise, root: str, prefix: str) -> None:
        key = _key(root, prefix)
        if key not in _read:
            files, self.files = self.files, {}
            read(self, root, prefix)
            _read[key], self.files = self.files, files
        self.files.update(_read[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary  # type: ignore[method-assign]
    try:
        yield
    finally:
        WhiteNoise.update_files_dictionary = read  # type: ignore[method-assign]
