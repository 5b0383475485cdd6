"""The pages a user meets first render (given / when / then)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["/portal/", "/locator/", "/accounts/login/"])
def test_public_pages_render_without_login(client, demo, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 200


def test_workbench_shows_the_clerks_office(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    assert "西一路街道司法所" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
