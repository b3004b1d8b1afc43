"""Protects the prediction store on PostgreSQL (a real server started in a temporary folder):
decisions recorded and looked up, outcomes new / same / conflicting / unknown, concurrent
outcomes for one id with exactly one winner, a schema-2 store upgraded to schema 3, and a
served round trip with MODELOPS_STORE_URL that answers 503 while the database is stopped and
recovers when it is back.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from serve.old_store import upgraded_store_reads_old_and_new
from sqlalchemy import create_engine, text

from modelops.store import Decision, OutcomeConflict, PredictionStore, UnknownPrediction

OBSERVED = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PREDICTED = OBSERVED - timedelta(days=30)  # an outcome is observed after its prediction


@pytest.fixture(scope="module")
def store(postgres):
    store = PredictionStore(postgres.url)
    store.create_schema()
    yield store
    store.dispose()


def decisions(count: int) -> list[Decision]:
    return [
        Decision(str(uuid.uuid4()), PREDICTED, "v9.9.9", {"Age": 30 + i, "Home": " Own "}, i / 10,
                 "reject" if i / 10 >= 0.2 else "approve", 0.2)
        for i in range(count)
    ]  # fmt: skip


def test_a_batch_is_recorded_and_looked_up(store):
    before = store.count()
    batch = decisions(3)
    store.record(batch)
    assert store.count() == before + 3
    for d in batch:
        case = store.lookup(d.prediction_id)
        assert case["application"] == d.features
        assert (case["p_default"], case["decision"], case["threshold"]) == (
            d.p_default,
            d.decision,
            d.threshold,
        )
        assert case["model_version"] == "v9.9.9" and case["outcome"] is None
        assert datetime.fromisoformat(case["predicted_at"]) == d.predicted_at
    assert store.lookup(str(uuid.uuid4())) is None


def test_outcome_new_same_conflicting_unknown(store):
    [d] = decisions(1)
    store.record([d])
    assert store.record_outcome(d.prediction_id, "good", OBSERVED) is True
    assert store.record_outcome(d.prediction_id, "good", OBSERVED) is False
    with pytest.raises(OutcomeConflict):
        store.record_outcome(d.prediction_id, "bad", OBSERVED)
    with pytest.raises(UnknownPrediction):
        store.record_outcome(str(uuid.uuid4()), "good", OBSERVED)
    outcome = store.lookup(d.prediction_id)["outcome"]
    assert outcome["outcome"] == "good"
    assert datetime.fromisoformat(outcome["observed_at"]) == OBSERVED


def test_concurrent_outcomes_for_one_id_exactly_one_wins(store):
    [d] = decisions(1)
    store.record([d])
    start, results = threading.Barrier(8), {}

    def send(i: int) -> None:
        start.wait()
        try:
            results[i] = store.record_outcome(d.prediction_id, ("good", "bad")[i % 2], OBSERVED)
        except OutcomeConflict:
            results[i] = "conflict"

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [winner] = [i for i, result in results.items() if result is True]
    won = ("good", "bad")[winner % 2]
    for i, result in results.items():
        if i != winner:
            assert result == (False if ("good", "bad")[i % 2] == won else "conflict")
    assert store.outcome_of(d.prediction_id) == won


@pytest.mark.parametrize("old", [2, 3])
def test_an_older_store_is_upgraded(postgres, old):
    """A database of its own on the module's server, made as schema 2 (or 3) left it."""
    engine = create_engine(postgres.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE v{old}store"))
    engine.dispose()
    url = postgres.url.rsplit("/", 1)[0] + f"/v{old}store"
    store = upgraded_store_reads_old_and_new(url, old)
    store.dispose()


def test_served_round_trip_and_recovery_after_the_database_stops(
    launch, project, postgres, store, application
):
    server = launch(
        project, postgres.url, env={"MODELOPS_STORE_URL": postgres.url}, store_flag=False
    )
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            assert "postgresql" in server.output()  # it said which store it writes to
            answer = client.post("/v1/predict", json=application).json()
            body = {"prediction_id": answer["prediction_id"], "outcome": "bad",
                    "observed_at": datetime.now(UTC).isoformat()}  # fmt: skip
            assert client.post("/v1/outcomes", json=body).status_code == 201
            case = store.lookup(answer["prediction_id"])
            assert (case["decision"], case["outcome"]["outcome"]) == (answer["decision"], "bad")
            assert client.get(f"/v1/predictions/{answer['prediction_id']}").json() == case
            # An id PostgreSQL cannot hold (NUL) is no prediction, as on SQLite: not a 503.
            assert client.get("/v1/predictions/a%00b").status_code == 404
            nul = client.post("/v1/outcomes", json={**body, "prediction_id": "a\x00b"})
            assert nul.status_code == 404, nul.text

            before = store.count()
            postgres.stop()
            try:
                refused = client.post("/v1/predict", json=application)
                assert refused.status_code == 503, refused.text
                assert refused.headers["retry-after"].isdigit()
                assert "decision" not in refused.text
                assert client.get("/health/ready").status_code == 503
            finally:
                postgres.start()
            recovered = client.post("/v1/predict", json=application)
            assert recovered.status_code == 200, recovered.text
            assert client.get("/health/ready").status_code == 200
            assert store.count() == before + 1
    finally:
        server.stop()
