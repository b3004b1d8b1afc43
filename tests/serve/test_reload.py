"""Protects taking up a new model without dropping requests: POST /v1/admin/reload (with
MODELOPS_ADMIN_TOKEN; 401 for a wrong token, 403 when none is configured) and SIGHUP load the
bundle behind the served path again while clients keep sending; every request is answered, and
answers switch from the old model_version to the new one, never back and forth.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time

import httpx
import pytest

TOKEN = "reload-secret-for-tests"
SENDERS = 3
DEADLINE_SECONDS = 120


@pytest.fixture(scope="module")
def reloadable(launch, project, bundle_archive, tmp_path_factory):
    """A server of the bundle at one path (live.tar.gz), v0.1.0 behind it at first."""
    folder = tmp_path_factory.mktemp("reload")
    live = folder / "live.tar.gz"
    shutil.copy2(bundle_archive("v0.1.0"), live)
    server = launch(
        project,
        f"sqlite:///{folder / 'predictions.db'}",
        bundle=live,
        env={"MODELOPS_ADMIN_TOKEN": TOKEN},
    )
    yield server, live
    server.stop()


def put_behind(live, archive) -> None:
    """Swap the archive behind the served path at once (a reader sees old or new, whole)."""
    staged = live.with_name(live.name + ".new")
    shutil.copy2(archive, staged)
    os.replace(staged, live)


class Senders:
    """Clients that keep predicting; the model_version of every answer, per client."""

    def __init__(self, url: str, application: dict) -> None:
        self.url, self.application = url, application
        self.versions: list[list[str]] = [[] for _ in range(SENDERS)]
        self.failures: list[str] = []
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self._send, args=(i,)) for i in range(SENDERS)]

    def _send(self, i: int) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            while not self.done.is_set():
                try:
                    response = client.post("/v1/predict", json=self.application)
                except httpx.TransportError as err:
                    self.failures.append(repr(err))
                    return
                if response.status_code != 200:
                    self.failures.append(f"{response.status_code} {response.text}")
                    return
                self.versions[i].append(response.json()["model_version"])

    def __enter__(self) -> Senders:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=DEADLINE_SECONDS)

    def wait_until_all_answered_by(self, version: str, server) -> None:
        """Every client got an answer from version after its last other answer."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not all(seen and seen[-1] == version for seen in self.versions):
            assert not self.failures, self.failures[:3]
            assert time.monotonic() < deadline, f"no switch to {version}:\n{server.output()}"
            time.sleep(0.02)


def phases(versions: list[str]) -> list[str]:
    """The versions in the order they answered, repeats collapsed."""
    return [v for i, v in enumerate(versions) if i == 0 or versions[i - 1] != v]


def test_admin_reload_refuses_a_wrong_or_missing_token(reloadable):
    server, _ = reloadable
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": TOKEN + "x"}):
        response = httpx.post(f"{server.url}/v1/admin/reload", headers=headers)
        assert response.status_code == 401
        [problem] = response.json()["detail"]
        assert (problem["field"], problem["rule"]) == ("authorization", "admin.token")


def test_admin_calls_are_off_without_a_configured_token(client):
    response = client.post("/v1/admin/reload", headers={"authorization": "Bearer anything"})
    assert response.status_code == 403
    assert response.json()["detail"][0]["rule"] == "admin.disabled"


def test_reload_switches_models_without_dropping_a_request(reloadable, bundle_archive, application):
    server, live = reloadable
    auth = {"authorization": f"Bearer {TOKEN}"}
    with Senders(server.url, application) as senders:
        senders.wait_until_all_answered_by("v0.1.0", server)

        put_behind(live, bundle_archive("v0.2.0"))
        reloaded = httpx.post(f"{server.url}/v1/admin/reload", headers=auth, timeout=60)
        assert reloaded.status_code == 200, reloaded.text
        assert reloaded.json()["version"] == "v0.2.0"
        senders.wait_until_all_answered_by("v0.2.0", server)

        put_behind(live, bundle_archive("v0.1.0"))
        server.signal(signal.SIGHUP)
        senders.wait_until_all_answered_by("v0.1.0", server)
    assert not senders.failures, senders.failures[:3]
    for seen in senders.versions:
        assert phases(seen) == ["v0.1.0", "v0.2.0", "v0.1.0"]
    assert httpx.get(f"{server.url}/v1/model").json()["version"] == "v0.1.0"
