"""Protects the prediction log against a crash: clients send predictions concurrently, the
server is killed with SIGKILL mid-load and restarted on the same SQLite store, and every
prediction_id a client was answered is in the store with the decision it was given.
"""

from __future__ import annotations

import threading
import time

import httpx

CLIENTS = 8
ACKNOWLEDGED_BEFORE_KILL = 400
DEADLINE_SECONDS = 120


class Load:
    """Clients posting 1- to 3-application requests until the server goes away."""

    def __init__(self, url: str, application: dict) -> None:
        self.url, self.application = url, application
        self.acknowledged: dict[str, str] = {}
        self.unexpected: list[str] = []
        self.killed = threading.Event()
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._send, args=(i,)) for i in range(CLIENTS)]

    def _send(self, i: int) -> None:
        body = {"applications": [self.application] * (1 + i % 3)}
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while True:
                try:
                    response = client.post("/v1/predict", json=body)
                except httpx.TransportError as err:
                    if not self.killed.is_set():
                        self.unexpected.append(f"client {i}: {err!r}")
                    return
                if response.status_code != 200:
                    self.unexpected.append(f"client {i}: {response.status_code} {response.text}")
                    return
                with self._lock:
                    for answer in response.json()["predictions"]:
                        self.acknowledged[answer["prediction_id"]] = answer["decision"]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(self.acknowledged) < count and not self.unexpected:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} answers"
            time.sleep(0.02)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=DEADLINE_SECONDS)


def test_every_acknowledged_prediction_survives_kill_9(launch, project, application, tmp_path):
    store_url = f"sqlite:///{tmp_path / 'predictions.db'}"
    server = launch(project, store_url)
    load = Load(server.url, application)
    load.start()
    try:
        load.wait_for(ACKNOWLEDGED_BEFORE_KILL)
    finally:
        load.killed.set()
        server.kill9()
        load.join()
    assert not load.unexpected, load.unexpected[:3]
    acknowledged = dict(load.acknowledged)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL

    restarted = launch(project, store_url)
    try:
        with httpx.Client(base_url=restarted.url, timeout=30) as client:
            missing, wrong = [], []
            for prediction_id, decision in acknowledged.items():
                found = client.get(f"/v1/predictions/{prediction_id}")
                if found.status_code != 200:
                    missing.append(prediction_id)
                elif found.json()["decision"] != decision:
                    wrong.append(prediction_id)
    finally:
        restarted.stop()
    print(f"kill -9: {len(acknowledged)} acknowledged predictions, all looked up")
    assert (missing, wrong) == ([], [])
