"""Protects the API documentation where the service has no internet: /docs (Swagger UI) loads
its script and styles from the service itself and renders the OpenAPI document's routes in a
real Chromium that may not reach any host but 127.0.0.1 (a request elsewhere is recorded,
then aborted). There is no /redoc: ReDoc's bundle fetches its logo from a CDN."""

from __future__ import annotations

from urllib.parse import urlsplit

from support.browser import visiting

PUBLIC_ROUTES = ("/v1/predict", "/v1/outcomes", "/v1/model", "/health/ready", "/metrics")


def test_the_api_documentation_renders_from_the_service_alone(browser, workspace_server):
    with visiting(browser, workspace_server.url + "/docs") as (tab, visit):
        tab.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=30_000)
        text = tab.inner_text("body")
    assert visit.elsewhere() == [], visit.elsewhere()
    assert visit.page_errors == [] and visit.console_errors == [], visit
    assert all(route in text for route in PUBLIC_ROUTES), text[:2000]
    assets = [url for url in visit.requests if urlsplit(url).path.endswith((".js", ".css"))]
    assert assets, visit.requests  # the UI's code came from the service, not inline or a CDN
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in assets), assets


def test_the_documentation_assets_are_answered_by_the_service(client):
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        response = client.get(f"/static-offline-docs/{asset}")
        assert response.status_code == 200, asset
        assert len(response.content) > 10_000, asset
    page = client.get("/docs").text
    assert "cdn." not in page and "/static-offline-docs/swagger-ui-bundle.js" in page
    assert client.get("/redoc").status_code == 404
