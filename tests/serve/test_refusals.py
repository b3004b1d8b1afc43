"""Protects the contract at the door: a value outside data/contract.yaml is a 422 naming the
field, the rule and the value (also inside a batch, as `applications[3].Age`); malformed JSON is
a 422, an oversized body or too many applications a 413; and a refused request records nothing.
"""

from __future__ import annotations

import pytest

from modelops.store import PredictionStore


def without(application: dict, field: str) -> dict:
    return {k: v for k, v in application.items() if k != field}


CASES = {
    "below_range": (lambda a: {**a, "Age": 17}, "Age", "Age.range", 17),
    "above_range": (lambda a: {**a, "Amount": 5001}, "Amount", "Amount.range", 5001),
    "not_whole": (lambda a: {**a, "Time": 12.5}, "Time", "Time.integer", 12.5),
    "not_allowed": (lambda a: {**a, "Job": "astronaut"}, "Job", "Job.allowed", "astronaut"),
    "missing": (lambda a: without(a, "Age"), "Age", "Age.not_null", None),
    "null_required": (lambda a: {**a, "Age": None}, "Age", "Age.not_null", None),
    "wrong_type": (lambda a: {**a, "Age": "forty"}, "Age", "Age.type", "forty"),
    "unknown_field": (lambda a: {**a, "Salary": 1}, "Salary", "Salary.unknown_field", 1),
    "nameless_field": (lambda a: {**a, "": 1}, '""', '"".unknown_field', 1),
}


@pytest.fixture(scope="module")
def store(workspace_server):
    store = PredictionStore(workspace_server.store_url)
    yield store
    store.dispose()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_value_outside_the_contract_is_named(client, application, case):
    change, field, rule, value = case
    response = client.post("/v1/predict", json=change(application))
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert (problem["field"], problem["rule"], problem["value"]) == (field, rule, value)
    assert field in problem["message"]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_inside_a_batch_the_application_is_named_too(client, application, case, store):
    change, field, rule, value = case
    applications = [application] * 3 + [change(application)] + [application]
    before = store.count()
    response = client.post("/v1/predict", json={"applications": applications})
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert (problem["field"], problem["rule"]) == (f"applications[3].{field}", rule)
    assert problem["value"] == value
    assert store.count() == before  # the valid four are not decided either


def test_every_problem_of_a_request_is_listed(client, application):
    bad = {**application, "Age": 7, "Home": "castle"}
    response = client.post("/v1/predict", json={"applications": [application, bad, bad]})
    found = {(p["field"], p["rule"]) for p in response.json()["detail"]}
    assert found == {
        (f"applications[{i}].{f}", r) for i in (1, 2) for f, r in [("Age", "Age.range"),
                                                                 ("Home", "Home.allowed")]
    }  # fmt: skip


@pytest.mark.parametrize("route", ["/v1/predict", "/v1/outcomes"])
@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"Age": 40', b"O\xe9", b"\xff\xfe"],
    ids=["syntax", "cut", "not_utf8", "bom"],
)
def test_malformed_json_is_422(client, route, body, store):
    before = store.count()
    headers = {"content-type": "application/json"}
    response = client.post(route, content=body, headers=headers)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["field"], problem["rule"]) == ("body", "request.json")
    assert store.count() == before


@pytest.mark.parametrize("route", ["/v1/predict", "/v1/outcomes"])
def test_empty_body_is_422(client, route):
    response = client.post(route, content=b"", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["body"]


def test_unknown_route_and_method_are_named(client):
    missing = client.get("/v1/nothing")
    assert (missing.status_code, missing.json()["detail"][0]["rule"]) == (404, "request.route")
    wrong = client.delete("/v1/predict")
    assert (wrong.status_code, wrong.json()["detail"][0]["value"]) == (405, "DELETE")


@pytest.mark.parametrize("payload", [[], {"applications": []}, {"applications": 3}, "text", 4])
def test_a_request_that_is_no_application_is_422(client, payload):
    response = client.post("/v1/predict", json=payload)
    assert response.status_code == 422
    assert all(p["field"] and p["rule"] for p in response.json()["detail"])


@pytest.mark.parametrize("declared", [True, False], ids=["content_length", "chunked"])
def test_oversized_body_is_413(client, serve_settings, declared):
    body = b" " * (serve_settings.max_body_bytes + 1)
    content = body if declared else iter([body[:65536], body[65536:]])
    response = client.post("/v1/predict", content=content)
    assert response.status_code == 413
    [problem] = response.json()["detail"]
    assert problem["rule"] == "request.max_body_bytes"


def test_too_many_applications_is_413(client, application, serve_settings):
    count = serve_settings.max_rows_per_request + 1
    response = client.post("/v1/predict", json={"applications": [application] * count})
    assert response.status_code == 413
    [problem] = response.json()["detail"]
    assert (problem["field"], problem["rule"], problem["value"]) == (
        "applications",
        "request.max_rows",
        count,
    )


def test_most_applications_allowed_are_answered(client, application, serve_settings):
    count = serve_settings.max_rows_per_request
    response = client.post("/v1/predict", json={"applications": [application] * count})
    assert response.status_code == 200
    assert len(response.json()["predictions"]) == count


def test_outcome_outside_its_rules_is_named(client):
    body = {"prediction_id": "x", "outcome": "meh", "observed_at": "2024-01-01T00:00:00"}
    response = client.post("/v1/outcomes", json=body)
    assert response.status_code == 422
    found = {p["field"]: p["rule"] for p in response.json()["detail"]}
    assert found == {
        "outcome": "outcome.literal_error",
        "observed_at": "observed_at.timezone_aware",
    }
