"""Protects what support watches: /v1/model (version, commit, threshold, test metrics),
/health/live, /health/ready, and /metrics in Prometheus text format with every required series
(requests by route and status, latency, batch sizes, decisions, p_default, store writes,
refusals by rule), counting what was really done.
"""

from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families
from support.repos import run


def samples(client) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics, by name and sorted labels."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_model_describes_what_is_served(client, project):
    model = client.get("/v1/model").json()
    head = run("git", "rev-parse", "HEAD", cwd=project).stdout.strip()
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    assert model["commit"] == head
    assert model["version"].startswith("workspace-")
    assert model["threshold"] == metrics["threshold"]
    assert model["test_metrics"] == metrics
    assert model["positive_class"] == "bad"


def test_live_and_ready(client):
    assert client.get("/health/live").json() == {"status": "live"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"model": client.get("/v1/model").json()["version"],
                            "store_writable": True}  # fmt: skip


def test_metrics_count_what_was_done(client, golden, application):
    before = samples(client)
    rows = [g["application"] for g in golden]
    answers = client.post("/v1/predict", json={"applications": rows}).json()["predictions"]
    assert client.post("/v1/predict", json={**application, "Age": 7}).status_code == 422
    after = samples(client)

    def grew(name: str, **labels) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert grew("modelops_requests_total", route="/v1/predict", status="200") == 1
    assert grew("modelops_requests_total", route="/v1/predict", status="422") == 1
    assert grew("modelops_request_seconds_count", route="/v1/predict") == 2
    assert grew("modelops_rejected_requests_total", rule="Age.range") == 1
    for kind in ("approve", "reject"):
        made = sum(a["decision"] == kind for a in answers)
        assert grew("modelops_decisions_total", decision=kind) == made
    assert grew("modelops_p_default_count") == len(rows)
    assert grew("modelops_p_default_sum") > 0
    assert grew("modelops_batch_rows_count") == 1
    assert grew("modelops_batch_rows_sum") == len(rows)
    assert grew("modelops_store_write_seconds_count") == 1
    # Histograms carry their buckets, up to +Inf.
    assert ("modelops_request_seconds_bucket", (("le", "+Inf"), ("route", "/v1/predict"))) in after
    assert ("modelops_batch_rows_bucket", (("le", "+Inf"),)) in after
