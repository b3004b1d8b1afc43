"""Protects outcomes and the look-up of a case: an unknown id is 404, the first outcome 201, the
same again 200, a different one 409; of concurrent different outcomes for one id exactly one
wins; GET /v1/predictions/{id} shows the application, the answer and the outcome.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import httpx


def outcome(prediction_id: str, value: str) -> dict:
    """Observed now: after the prediction, and not in the future (both are refused)."""
    observed = datetime.now(UTC).isoformat()
    return {"prediction_id": prediction_id, "outcome": value, "observed_at": observed}


def decided(client, application) -> dict:
    response = client.post("/v1/predict", json=application)
    assert response.status_code == 200, response.text
    return response.json()


def test_unknown_id_is_404(client):
    response = client.post(
        "/v1/outcomes", json=outcome("01890000-0000-7000-8000-000000000000", "good")
    )
    assert response.status_code == 404
    [problem] = response.json()["detail"]
    assert (problem["field"], problem["rule"]) == ("prediction_id", "outcome.unknown_prediction")
    assert client.get("/v1/predictions/no-such-id").status_code == 404


def test_first_outcome_201_same_again_200_different_409(client, application):
    answer = decided(client, application)
    first = client.post("/v1/outcomes", json=outcome(answer["prediction_id"], "good"))
    assert first.status_code == 201, first.text
    again = client.post("/v1/outcomes", json=outcome(answer["prediction_id"], "good"))
    assert again.status_code == 200, again.text
    other = client.post("/v1/outcomes", json=outcome(answer["prediction_id"], "bad"))
    assert other.status_code == 409, other.text
    [problem] = other.json()["detail"]
    assert (problem["field"], problem["rule"], problem["value"]) == (
        "outcome",
        "outcome.conflict",
        "bad",
    )
    assert (
        client.get(f"/v1/predictions/{answer['prediction_id']}").json()["outcome"]["outcome"]
        == "good"
    )


def test_look_up_shows_application_answer_and_outcome(client, application):
    answer = decided(client, application)
    case = client.get(f"/v1/predictions/{answer['prediction_id']}").json()
    assert case["application"] == application
    for field in ("prediction_id", "p_default", "decision", "threshold", "model_version"):
        assert case[field] == answer[field]
    assert case["outcome"] is None
    sent = outcome(answer["prediction_id"], "bad")
    client.post("/v1/outcomes", json=sent)
    known = client.get(f"/v1/predictions/{answer['prediction_id']}").json()["outcome"]
    assert known["outcome"] == "bad"
    assert known["observed_at"] == sent["observed_at"]


def test_an_outcome_time_in_another_zone_is_kept_as_that_instant(client, application):
    """A time at UTC+2 is stored as its instant in UTC (SQLite keeps no zone)."""
    prediction_id = decided(client, application)["prediction_id"]
    moment = datetime.now(timezone(timedelta(hours=2)))
    body = {**outcome(prediction_id, "good"), "observed_at": moment.isoformat()}
    assert client.post("/v1/outcomes", json=body).status_code == 201
    known = client.get(f"/v1/predictions/{prediction_id}").json()["outcome"]
    assert known["observed_at"] == moment.astimezone(UTC).isoformat()


def race(url: str, prediction_id: str, senders: int) -> dict[int, int]:
    """Senders post at once (odd ones "good", even ones "bad"): the status each got."""
    start, statuses = threading.Barrier(senders), {}

    def send(i: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as own:
            start.wait()
            body = outcome(prediction_id, "good" if i % 2 else "bad")
            statuses[i] = own.post("/v1/outcomes", json=body).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_concurrent_different_outcomes_exactly_one_wins(workspace_server, client, application):
    for _ in range(4):
        prediction_id = decided(client, application)["prediction_id"]
        statuses = race(workspace_server.url, prediction_id, senders=8)
        winners = [i for i, status in statuses.items() if status == 201]
        assert len(winners) == 1, statuses
        won = "good" if winners[0] % 2 else "bad"
        losers = {i: 200 if ("good" if i % 2 else "bad") == won else 409 for i in statuses}
        losers.pop(winners[0])
        assert {i: statuses[i] for i in losers} == losers
        case = client.get(f"/v1/predictions/{prediction_id}").json()
        assert case["outcome"]["outcome"] == won
