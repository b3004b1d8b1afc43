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
import re
import shutil
import subprocess

import httpx
import pytest
import skops.io
from serve.live import MODELOPS, free_port, listening
from sklearn.preprocessing import FunctionTransformer
from support.cli import console
from support.other_machine import rebuild_elsewhere


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


def moved_golden(folder, step) -> None:
    golden = json.loads((folder / "golden.json").read_text())
    golden[3]["p_default"] = step(golden[3]["p_default"])
    (folder / "golden.json").write_text(json.dumps(golden))


GOLDEN_MOVES = {
    # Another CPU moves an answer by a few ulps: the same model (serve.golden_tolerance 1e-9).
    "three_ulps": (lambda p: math.nextafter(math.nextafter(math.nextafter(p, 1), 1), 1), 0),
    "beyond_the_tolerance": (lambda p: p + 1e-6, 1),
}


@pytest.mark.parametrize("case", GOLDEN_MOVES.values(), ids=GOLDEN_MOVES.keys())
def test_a_golden_answer_moved_is_judged_by_the_tolerance(
    bundle_server, project, bundle_folder, tmp_path, case
):
    step, code = case
    folder = shutil.copytree(bundle_folder("v0.1.0"), tmp_path / "bundle")
    moved_golden(folder, step)
    result = console(project, "serve-check", "--url", bundle_server.url, "--bundle", folder)
    assert result.returncode == code, result.stdout + result.stderr
    if code:
        assert "1 of 20 answers differ" in result.stderr and "#3: p_default" in result.stderr
    else:
        largest = re.search(
            r"20 golden answers match \(largest \|Δp_default\| (\S+),", (result.stdout)
        )
        assert largest and 0 < float(largest.group(1)) < 1e-15, result.stdout


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


# A bundle whose model was rebuilt on another machine (its floats moved, other bytes, the
# manifest recording them as a release would), checked against the golden answers the
# pipeline recorded: a few ulps are the same model, a relative 1e-6 is another.
ELSEWHERE = {"few_ulps": ({"ulps": 3}, 0), "beyond_the_tolerance": ({"relative": 1e-6}, 1)}


@pytest.mark.parametrize("case", ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_a_model_rebuilt_elsewhere_is_judged_by_its_answers(
    launch, project, bundle_folder, tmp_path, case
):
    moves, code = case
    folder = shutil.copytree(bundle_folder("v0.1.0"), tmp_path / "bundle")
    rebuild_elsewhere(folder / "model.skops", **moves)
    set_model(folder, (folder / "model.skops").read_bytes())
    server = launch(project, f"sqlite:///{tmp_path / 'store.db'}", bundle=folder)
    try:
        result = console(project, "serve-check", "--url", server.url, "--bundle", folder)
    finally:
        server.stop()
    assert result.returncode == code, result.stdout + result.stderr
    if code:
        assert "answers differ from the pipeline's (tolerance 1e-09)" in result.stderr
    else:
        assert "20 golden answers match" in result.stdout
