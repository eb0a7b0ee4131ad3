"""Write a .env with fresh secrets for the embedded default, unless one exists."""

from __future__ import annotations

import base64
import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
if path.exists():
    sys.exit(0)
fernet_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
path.write_text(
    "# Generated for the embedded default; see .env.example for every variable.\n"
    f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    f"SYNADMIN_ENCRYPTION_KEYS={fernet_key}\n"
    f"SYNADMIN_SANDBOX_DEMO_PASSWORD={secrets.token_urlsafe(18)}\n"
)
print(f"wrote {path} with fresh SECRET_KEY, SYNADMIN_ENCRYPTION_KEYS and SYNADMIN_SANDBOX_DEMO_PASSWORD")  # noqa: T201 -- a script
