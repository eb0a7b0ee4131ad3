from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/settings/connections/", "/settings/users/", "/settings/audit/"])
def test_settings_put_their_tabs_below_the_title_as_every_section_does(
    db: None, admin_client: Client, url: str
) -> None:
    page = admin_client.get(url).content.decode()
    main = page[page.index("<main") :]
    assert main.index("<h1") < main.index('<nav class="tabs" aria-label="Settings">')
