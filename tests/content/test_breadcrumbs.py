"""Every page of a record starts its breadcrumbs with Content, then the schema's display name."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient


@pytest.mark.parametrize("page", ["record", "record_preview", "record_versions", "record_delete"])
def test_record_pages_start_with_content(page: str, admin_client: Client, bw: BrickworksClient) -> None:
    schema = bw.get_schema("home-banners")
    response = admin_client.get(reverse(f"content:{page}", args=["home-banners", "winter-sale"]))
    assert response.status_code == 200
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', response.content.decode(), re.S).group(1)
    names = re.findall(r">([^<]+)</a>", crumbs)
    assert names[:2] == ["Content", schema.display_name]
