"""Protects monitoring on a real store written by the real service: a released version serves
the held-out applications (some refused), outcomes come back for half of them, and `modelops
monitor` reads that store against the version's own reference: no drift is ok (exit 0) with the
counts of predictions, outcomes and refusals right; applications with lower incomes and older
applicants are an alert (exit 1) naming Income and Age; /dashboard shows the same window.
"""

from __future__ import annotations

import json

import httpx
import numpy as np
import pandas as pd
import pytest
from serve.live import MODELOPS
from support.repos import run
from support.traffic import applications, serve_traffic

REQUESTS = 12  # of 50 applications each
REFUSED = 3


@pytest.fixture(scope="module")
def steady(launch, project, bundle_folder, tmp_path_factory):
    store = f"sqlite:///{tmp_path_factory.mktemp('monitor-steady') / 'predictions.db'}"
    server = launch(project, store, bundle=bundle_folder("v0.1.0"))
    serve_traffic(server, *applications(project, REQUESTS), refused=REFUSED, outcome_every=2)
    return server, store


@pytest.fixture(scope="module")
def drifted(launch, project, bundle_folder, tmp_path_factory):
    def poorer_and_older(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.assign(Income=(rows.Income * 2 / 3).round(), Age=np.minimum(rows.Age + 10, 100))

    store = f"sqlite:///{tmp_path_factory.mktemp('monitor-drift') / 'predictions.db'}"
    server = launch(project, store, bundle=bundle_folder("v0.1.0"))
    serve_traffic(
        server, *applications(project, REQUESTS, poorer_and_older), refused=REFUSED, outcome_every=2
    )
    return server, store


def monitor(project, store: str, reports):
    return run(MODELOPS, "monitor", "--store", store, "--last", "1d", "--reports", str(reports),
               cwd=project, check=False)  # fmt: skip


def test_traffic_like_the_test_set_is_ok_with_every_count_right(steady, project, tmp_path):
    _, store = steady
    result = monitor(project, store, tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "monitoring.json").read_text())
    window = report["window"]
    assert (window["model_version"], window["predictions"]) == ("v0.1.0", REQUESTS * 50)
    assert window["with_outcome"] == REQUESTS * 25
    assert window["reference"].endswith("credit-risk-v0.1.0/reference.json")
    assert report["input_quality"]["refused"] == REFUSED
    assert report["input_quality"]["by_rule"] == {"Age.range": REFUSED}
    assert not [f["name"] for f in report["drift"]["features"] if f["level"] == "alert"]
    # Live performance is the model's approvals with an outcome (this traffic brings outcomes
    # for rejections too): the rows its reference's approved view describes.
    by_decision = {row["decision"]: row for row in report["label_coverage"]["by_decision"]}
    assert report["live"]["rows"] == by_decision["approved by the model"]["with_outcome"]
    assert 0 < report["live"]["rows"] < REQUESTS * 25
    for name in ("monitoring.md", "monitoring.html"):
        assert "v0.1.0" in (tmp_path / name).read_text()


def test_poorer_older_applicants_are_an_alert_naming_income_and_age(drifted, project, tmp_path):
    _, store = drifted
    result = monitor(project, store, tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().startswith("error: monitor v0.1.0: alert")
    report = json.loads((tmp_path / "monitoring.json").read_text())
    alerts = {f["name"] for f in report["drift"]["features"] if f["level"] == "alert"}
    assert {"Income", "Age"} <= alerts
    assert report["verdict"] == "alert"
    assert (
        (tmp_path / "monitoring.md")
        .read_text()
        .startswith("<!-- modelops monitoring -->\n## 🚨 Monitoring: alert")
    )


def test_the_dashboard_shows_the_served_versions_window(drifted):
    server, _ = drifted
    page = httpx.get(f"{server.url}/dashboard", timeout=60)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "v0.1.0" in page.text and "alert" in page.text


def test_a_window_without_traffic_is_exit_2_naming_it(steady, project, tmp_path):
    _, store = steady
    result = run(MODELOPS, "monitor", "--store", store, "--since", "2020-01-01", "--until",
                 "2020-01-02", "--reports", str(tmp_path), cwd=project, check=False)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("error: no predictions in the store")
    assert not list(tmp_path.iterdir())


def test_the_served_dashboard_in_a_real_browser(drifted, browser):
    """GET /dashboard opened in Debian's Chromium: no error, nothing fetched from elsewhere,
    the verdict on screen with Income and Age among its reasons, every chart drawn."""
    from support.browser import visiting

    server, _ = drifted
    with visiting(browser, f"{server.url}/dashboard") as (page, visit):
        assert (visit.console_errors, visit.page_errors, visit.dialogs) == ([], [], [])
        assert visit.requests and visit.elsewhere() == []
        assert page.locator("#verdict h1").inner_text() == "ALERT"
        reasons = page.locator("#verdict").inner_text()
        assert "Income" in reasons and "Age" in reasons
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('svg.chart')]"
            ".map(svg => svg.getBoundingClientRect().height)"
        )
        assert len(boxes) >= 13 and all(height > 0 for height in boxes)
