"""Serving fixtures: real `modelops serve` processes on 127.0.0.1 (a free port each), the built
sample project with release bundles of its model, and a real PostgreSQL server started in a
temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from serve.live import MODELOPS, LiveServer, Postgres
from support.repos import clone_folder, run, tag_version

VERSIONS = ("v0.1.0", "v0.2.0")


@pytest.fixture(scope="session")
def launch(tmp_path_factory):
    """launch(project, store_url, bundle=None, env=None, store_flag=True, params=None): a
    live server; every server still running is stopped when the session ends."""
    started: list[LiveServer] = []
    logs = tmp_path_factory.mktemp("serve-logs")

    def start(project: Path, store_url: str, **options) -> LiveServer:
        server = LiveServer(project, store_url, logs / f"server-{len(started)}.log", **options)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def project(built_sample, tmp_path_factory) -> Path:
    """A copy of the built sample with a report and two release bundles of its model
    (dist/credit-risk-v0.1.0[.tar.gz], dist/credit-risk-v0.2.0[.tar.gz]): do not change it."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("serve") / "repo")
    # The bundle ships the pull request's report; its words do not matter to the service.
    (repo / "reports" / "report.md").write_text("# report\n", encoding="utf-8")
    for version in VERSIONS:
        tag_version(repo, version)
        run(MODELOPS, "release", "bundle", "--version", version, "--output", "dist", cwd=repo)
    return repo


@pytest.fixture(scope="session")
def bundle_folder(project):
    """bundle_folder(version): the released folder of that version."""
    return lambda version: project / "dist" / f"credit-risk-{version}"


@pytest.fixture(scope="session")
def bundle_archive(project):
    """bundle_archive(version): the released .tar.gz of that version."""
    return lambda version: project / "dist" / f"credit-risk-{version}.tar.gz"


@pytest.fixture(scope="session")
def golden(project) -> list[dict]:
    """The pipeline's golden answers: test applications with the p_default they got."""
    return json.loads((project / "reports" / "golden.json").read_text())


@pytest.fixture(scope="session")
def application(golden) -> dict:
    """One valid application (a copy to change freely is the caller's job)."""
    return dict(golden[0]["application"])


@pytest.fixture(scope="session")
def serve_settings(project):
    from modelops.config.params import load_params

    return load_params(project / "params.yaml").serve


@pytest.fixture(scope="session")
def workspace_server(launch, project, tmp_path_factory) -> LiveServer:
    """The workspace model served with a SQLite store of its own, for the whole session
    (no admin token: admin calls are off)."""
    store = tmp_path_factory.mktemp("workspace-store") / "predictions.db"
    return launch(project, f"sqlite:///{store}", env={"MODELOPS_ADMIN_TOKEN": ""})


@pytest.fixture(scope="session")
def client(workspace_server):
    with httpx.Client(base_url=workspace_server.url, timeout=60) as session:
        yield session


@pytest.fixture(scope="module")
def postgres():
    """A running PostgreSQL server for the module, stopped and removed at its end."""
    server = Postgres()
    try:
        server.create()
        server.start()
        yield server
    finally:
        server.remove()
