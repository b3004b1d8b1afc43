"""Protects "never a decision without a record" when the SQLite store cannot be written: predict
answers 503 with Retry-After and no decision, /health/ready is 503, nothing is recorded, and the
service recovers on its own (no restart) once the store can be written again.

The store is made unwritable the way SQLite stores really are: another process holds the write
lock (a stuck writer, a backup). Making the file read-only would not do it: root ignores file
modes, and connections the service has open keep writing to the file they opened.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from modelops.store import PredictionStore


@pytest.fixture(scope="module")
def served(launch, project, tmp_path_factory):
    database = tmp_path_factory.mktemp("unavailable") / "predictions.db"
    server = launch(project, f"sqlite:///{database}")
    yield server, database
    server.stop()


def stored_count(database) -> int:
    store = PredictionStore(f"sqlite:///{database}")
    try:
        return store.count()
    finally:
        store.dispose()


def test_unwritable_store_is_503_and_the_service_recovers(served, application):
    server, database = served
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert client.post("/v1/predict", json=application).status_code == 200
        before = stored_count(database)
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held until rolled back
        try:
            with ThreadPoolExecutor(2) as pool:  # each waits out SQLite's busy timeout
                predicted = pool.submit(client.post, "/v1/predict", json=application)
                ready = pool.submit(client.get, "/health/ready")
                predicted, ready = predicted.result(), ready.result()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert predicted.status_code == 503, predicted.text
        assert predicted.headers["retry-after"].isdigit()
        [problem] = predicted.json()["detail"]
        assert problem["rule"] == "store.unavailable"
        assert "decision" not in predicted.text and "prediction_id" not in predicted.text
        assert (ready.status_code, ready.json()["store_writable"]) == (503, False)
        assert ready.headers["retry-after"].isdigit()
        assert stored_count(database) == before

        recovered = client.post("/v1/predict", json=application)
        assert recovered.status_code == 200, recovered.text
        assert client.get("/health/ready").status_code == 200
        case = client.get(f"/v1/predictions/{recovered.json()['prediction_id']}")
        assert case.status_code == 200
        assert stored_count(database) == before + 1
