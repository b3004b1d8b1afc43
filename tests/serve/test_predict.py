"""Protects the answers of POST /v1/predict, for one application and for a batch: a time-ordered
unique id (UUID version 7), p_default, the decision the threshold implies, the threshold, the
model version being served and a rejection's reasons; category synonyms and case accepted as
the contract says.
"""

from __future__ import annotations

import time
import uuid

ANSWER_FIELDS = {"prediction_id", "p_default", "decision", "threshold", "model_version", "reasons"}


def id_milliseconds(prediction_id: str) -> int:
    """The Unix time in milliseconds a UUID version 7 starts with."""
    return uuid.UUID(prediction_id).int >> 80


def check_answer(answer: dict, model: dict) -> None:
    assert set(answer) == ANSWER_FIELDS
    parsed = uuid.UUID(answer["prediction_id"])
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert 0.0 <= answer["p_default"] <= 1.0
    assert answer["threshold"] == model["threshold"]
    assert answer["model_version"] == model["version"]
    expected = "reject" if answer["p_default"] >= answer["threshold"] else "approve"
    assert answer["decision"] == expected
    # A rejection's principal reasons (tests/serve/test_reasons.py); an approval has none.
    assert (1 <= len(answer["reasons"]) <= 4) if expected == "reject" else answer["reasons"] == []


def test_one_application_gets_a_logged_decision(client, application, golden):
    model = client.get("/v1/model").json()
    before = time.time_ns() // 1_000_000
    response = client.post("/v1/predict", json=application)
    after = time.time_ns() // 1_000_000
    assert response.status_code == 200, response.text
    answer = response.json()
    check_answer(answer, model)
    assert before <= id_milliseconds(answer["prediction_id"]) <= after
    assert answer["p_default"] == golden[0]["p_default"]


def test_batch_answers_each_application_in_order(client, golden):
    model = client.get("/v1/model").json()
    applications = [g["application"] for g in golden] * 3
    response = client.post("/v1/predict", json={"applications": applications})
    assert response.status_code == 200, response.text
    answers = response.json()["predictions"]
    assert len(answers) == len(applications)
    for answer in answers:
        check_answer(answer, model)
    assert [a["p_default"] for a in answers] == [g["p_default"] for g in golden] * 3
    ids = [a["prediction_id"] for a in answers]
    assert len(set(ids)) == len(ids)
    # Both decisions occur among the golden rows, so the threshold is really applied.
    assert {a["decision"] for a in answers} == {"approve", "reject"}


def test_ids_are_time_ordered_across_requests(client, application):
    ids = [client.post("/v1/predict", json=application).json()["prediction_id"] for _ in range(5)]
    stamps = [id_milliseconds(i) for i in ids]
    assert stamps == sorted(stamps)
    assert len(set(ids)) == len(ids)


def test_synonyms_and_case_are_read_as_the_contract_says(client, application):
    canonical = {**application, "Home": "owner", "Job": "partime"}
    spelled = {**application, "Home": " Own ", "Job": "Part-Time"}
    answers = client.post("/v1/predict", json={"applications": [canonical, spelled]}).json()
    first, second = answers["predictions"]
    assert second["p_default"] == first["p_default"]
    # The log keeps the application as it was received.
    case = client.get(f"/v1/predictions/{second['prediction_id']}").json()
    assert (case["application"]["Home"], case["application"]["Job"]) == (" Own ", "Part-Time")


def test_a_changed_application_changes_the_answer(client, application):
    """The answer depends on the application (the service is not replaying one number)."""
    rented = client.post("/v1/predict", json={**application, "Home": "rent"}).json()
    owned = client.post("/v1/predict", json={**application, "Home": "owner"}).json()
    assert rented["p_default"] != owned["p_default"]
