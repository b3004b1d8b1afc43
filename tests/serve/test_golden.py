"""Protects "the service answers as the pipeline did": `modelops serve-check` finds the golden
answers exactly, from the workspace and from a release bundle (and fails when one differs); and a
bundle whose model is not the one released (changed bytes, missing, untrusted, garbage) is
refused by `modelops serve --bundle` with exit 2 and one error line, before it listens.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import shutil
import subprocess

import httpx
import pytest
import skops.io
from serve.live import MODELOPS, free_port, listening
from sklearn.preprocessing import FunctionTransformer
from support.cli import console


@pytest.fixture(scope="module")
def bundle_server(launch, project, bundle_archive, tmp_path_factory):
    store = tmp_path_factory.mktemp("bundle-store") / "predictions.db"
    server = launch(project, f"sqlite:///{store}", bundle=bundle_archive("v0.1.0"))
    yield server
    server.stop()


def test_workspace_service_reproduces_the_golden_answers(workspace_server, project):
    result = console(project, "serve-check", "--url", workspace_server.url, "--timeout", "30")
    assert result.returncode == 0, result.stderr
    assert "20 golden answers match" in result.stdout


def test_bundle_service_reproduces_the_golden_answers(
    bundle_server, project, bundle_archive, bundle_folder
):
    archive = bundle_archive("v0.1.0")
    result = console(project, "serve-check", "--url", bundle_server.url, "--bundle", archive)
    assert result.returncode == 0, result.stderr
    assert "serves v0.1.0" in result.stdout
    model = httpx.get(f"{bundle_server.url}/v1/model").json()
    manifest = json.loads((bundle_folder("v0.1.0") / "manifest.json").read_text())
    assert (model["version"], model["commit"]) == ("v0.1.0", manifest["commit"])
    assert model["md5"] == manifest["dvc_hashes"]["models/model.skops"]
    assert model["trained_at"] == manifest["committed_at"]


def test_a_golden_answer_off_by_one_ulp_fails_the_check(bundle_server, project, bundle_folder,
                                                         tmp_path):  # fmt: skip
    folder = shutil.copytree(bundle_folder("v0.1.0"), tmp_path / "bundle")
    golden = json.loads((folder / "golden.json").read_text())
    golden[3]["p_default"] = math.nextafter(golden[3]["p_default"], 1.0)
    (folder / "golden.json").write_text(json.dumps(golden))
    result = console(project, "serve-check", "--url", bundle_server.url, "--bundle", folder)
    assert result.returncode == 1
    assert "1 of 20 answers differ" in result.stderr and "#3: p_default" in result.stderr


def set_model(folder, data: bytes) -> None:
    """Replace the bundle's model and record its hash in the manifest, as a release would."""
    (folder / "model.skops").write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["dvc_hashes"]["models/model.skops"] = hashlib.md5(data).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))


def changed_bytes(folder) -> None:
    model = folder / "model.skops"
    model.write_bytes(model.read_bytes() + b"\0")


def untrusted(folder) -> None:
    set_model(folder, skops.io.dumps(FunctionTransformer(operator.neg)))


REFUSALS = {
    "changed_bytes": (changed_bytes, "refusing to serve a model that is not the one released"),
    "missing": (lambda folder: (folder / "model.skops").unlink(), "model.skops is missing"),
    "untrusted": (untrusted, "untrusted types: _operator.neg"),
    "garbage": (lambda folder: set_model(folder, b"not a model" * 100), "not a skops archive"),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_bundle_with_a_model_not_released_is_refused(
    project, bundle_folder, tmp_path, error_line, case
):
    spoil, words = case
    folder = shutil.copytree(bundle_folder("v0.1.0"), tmp_path / "bundle")
    spoil(folder)
    port = free_port()
    command = [MODELOPS, "serve", "--bundle", folder, "--port", str(port),
               "--store", f"sqlite:///{tmp_path / 'store.db'}"]  # fmt: skip
    # A server that started anyway would run until the timeout, failing the test.
    result = subprocess.run(
        list(map(str, command)), cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert words in error_line(result)
    assert "serving" not in result.stdout
    assert not listening(port)
