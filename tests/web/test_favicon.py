"""Every page names its icon; /favicon.ico answers instead of logging a 404."""

from __future__ import annotations


def test_the_favicon_is_linked_and_served(company, web_as, client):
    page = web_as(company.agent).get("/queue/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    asked = client.get("/favicon.ico")
    assert asked.status_code == 301 and asked["Location"].endswith("favicon.svg")
    portal = client.get("/portal/").content.decode()
    assert "favicon.svg" in portal
