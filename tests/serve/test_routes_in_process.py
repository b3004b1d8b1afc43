"""Protects every route of the service in the fast tier: the app `modelops serve` builds, run in
process (FastAPI's TestClient) on a sample project whose stages ran in this process (no
`dvc repro`), each route's answer and one refusal. The real uvicorn server's behaviours
(several workers, kill -9, reload under load, schemathesis over HTTP) stay in the files
beside this one. A route the app gains without a test here fails the last test.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from serve.live import app_in_process
from support.repos import served_sample_project

from modelops.retrieve import file_md5

TOKEN = "in-process-admin-token"
ID = "01890000-0000-7000-8000-000000000000"  # no prediction has it


@pytest.fixture(scope="module")
def project(project_root, tmp_path_factory):
    return served_sample_project(project_root, tmp_path_factory.mktemp("routes") / "repo")


@pytest.fixture(scope="module")
def client(project, tmp_path_factory):
    store = tmp_path_factory.mktemp("routes-store") / "predictions.db"
    with app_in_process(project, f"sqlite:///{store}", TOKEN) as session:
        yield session


@pytest.fixture(scope="module")
def golden(project) -> list[dict]:
    return json.loads((project / "reports" / "golden.json").read_text(encoding="utf-8"))


def outcome(prediction_id: str, value: str, observed: datetime | None = None) -> dict:
    when = observed or datetime.now(UTC)
    return {"prediction_id": prediction_id, "outcome": value, "observed_at": when.isoformat()}


def one_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    [problem] = response.json()["detail"]
    return problem


def test_predict_answers_the_pipelines_golden_p_default_and_logs_it(client, golden):
    model = client.get("/v1/model").json()
    answer = client.post("/v1/predict", json=golden[0]["application"]).json()
    assert answer["p_default"] == golden[0]["p_default"]
    assert answer["model_version"] == model["version"]
    assert answer["decision"] == (
        "reject" if answer["p_default"] >= model["threshold"] else "approve"
    )
    case = client.get(f"/v1/predictions/{answer['prediction_id']}").json()
    assert case["application"] == golden[0]["application"] and case["outcome"] is None


def test_predict_answers_a_batch_in_order_and_refuses_a_bad_field_by_name(client, golden):
    applications = [g["application"] for g in golden]
    answers = client.post("/v1/predict", json={"applications": applications}).json()
    assert [a["p_default"] for a in answers["predictions"]] == [g["p_default"] for g in golden]
    problem = one_problem(client.post("/v1/predict", json={**applications[0], "Age": "old"}), 422)
    assert problem["field"] == "Age" and problem["value"] == "old"


def test_outcomes_first_201_again_200_different_409_unknown_404_future_422(client, golden):
    answer = client.post("/v1/predict", json=golden[1]["application"]).json()
    first = client.post("/v1/outcomes", json=outcome(answer["prediction_id"], "good"))
    assert first.status_code == 201, first.text
    assert (
        client.post("/v1/outcomes", json=outcome(answer["prediction_id"], "good")).status_code
        == 200
    )
    conflict = one_problem(
        client.post("/v1/outcomes", json=outcome(answer["prediction_id"], "bad")), 409
    )
    assert conflict["rule"] == "outcome.conflict"
    unknown = one_problem(client.post("/v1/outcomes", json=outcome(ID, "good")), 404)
    assert unknown["field"] == "prediction_id"
    later = datetime.now(UTC) + timedelta(days=2)
    future = client.post("/v1/outcomes", json=outcome(answer["prediction_id"], "good", later))
    assert one_problem(future, 422)["rule"] == "observed_at.future"
    case = client.get(f"/v1/predictions/{answer['prediction_id']}").json()
    assert case["outcome"]["outcome"] == "good"


def test_a_prediction_no_one_made_is_404(client):
    assert one_problem(client.get(f"/v1/predictions/{ID}"), 404)["rule"] == "prediction.unknown"


def test_model_describes_the_workspace_model(client, project):
    model = client.get("/v1/model").json()
    assert model["md5"] == file_md5(project / "models" / "model.skops")
    assert 0 < model["threshold"] < 1 and model["features"]


def test_reload_needs_the_token_and_then_serves_the_same_model(client):
    wrong = client.post("/v1/admin/reload", headers={"authorization": "Bearer wrong"})
    assert one_problem(wrong, 401)["rule"] == "admin.token"
    right = client.post("/v1/admin/reload", headers={"authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200, right.text
    assert right.json()["md5"] == client.get("/v1/model").json()["md5"]


def test_health_live_and_ready(client):
    assert client.get("/health/live").json() == {"status": "live"}
    ready = client.get("/health/ready").json()
    assert ready["store_writable"] is True and ready["model"]


def test_metrics_count_the_decisions_made(client, golden):
    def decisions() -> float:
        text = client.get("/metrics").text
        return sum(float(line.split()[-1]) for line in text.splitlines()
                   if line.startswith("modelops_decisions_total{"))  # fmt: skip

    before = decisions()
    client.post("/v1/predict", json=golden[2]["application"])
    assert decisions() == before + 1


def test_dashboard_is_the_monitoring_page(client):
    page = client.get("/dashboard")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html") and "<svg" in page.text


def test_docs_and_openapi(client):
    assert "/static-offline-docs/swagger-ui-bundle.js" in client.get("/docs").text
    assert client.get("/static-offline-docs/swagger-ui.css").status_code == 200
    assert "/v1/predict" in client.get("/openapi.json").json()["paths"]


# Each route the app serves, with the test above that covers it.
COVERED = {
    "/v1/predict": "test_predict_answers_the_pipelines_golden_p_default_and_logs_it",
    "/v1/outcomes": "test_outcomes_first_201_again_200_different_409_unknown_404_future_422",
    "/v1/predictions/{prediction_id}": "test_a_prediction_no_one_made_is_404",
    "/v1/model": "test_model_describes_the_workspace_model",
    "/v1/admin/reload": "test_reload_needs_the_token_and_then_serves_the_same_model",
    "/health/live": "test_health_live_and_ready",
    "/health/ready": "test_health_live_and_ready",
    "/dashboard": "test_dashboard_is_the_monitoring_page",
    "/metrics": "test_metrics_count_the_decisions_made",
    "/docs": "test_docs_and_openapi",
    "/docs/oauth2-redirect": "test_docs_and_openapi",
    "/openapi.json": "test_docs_and_openapi",
    "/static-offline-docs": "test_docs_and_openapi",
}


def test_every_route_the_app_serves_is_covered_here(client):
    served = {route.path for route in client.app.routes}
    assert served == set(COVERED), served ^ set(COVERED)
    assert all(name in globals() for name in COVERED.values())
