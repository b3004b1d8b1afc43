"""Protects the release bundle: exactly the model, metrics, params, report and a manifest that
names the commit, DVC hashes and package versions, in a folder and a .tar.gz; and a clear
refusal when the pull-request report has not been written.
"""

from __future__ import annotations

import hashlib
import json
import platform
import tarfile

import pytest
import sklearn
import yaml
from support.repos import copy_project, run

ASSETS = {"model.skops", "metrics.json", "params.yaml", "report.md", "manifest.json"}


@pytest.fixture(scope="module")
def released(tmp_path_factory, project_root, modelops):
    """A reproduced project copy with its gate verdict and report, bundled as v0.1.0."""
    repo = copy_project(project_root, tmp_path_factory.mktemp("release") / "repo")
    run("dvc", "repro", cwd=repo)
    run("modelops", "gate", cwd=repo)
    run("modelops", "report", cwd=repo)
    result = modelops(repo, "release", "bundle", "--version", "v0.1.0", "--output", "dist")
    assert result.returncode == 0, result.stderr
    return repo, result


def test_bundle_folder_and_archive_hold_exactly_the_assets(released):
    repo, result = released
    assert "dist/credit-risk-v0.1.0.tar.gz" in result.stdout
    folder = repo / "dist/credit-risk-v0.1.0"
    assert {path.name for path in folder.iterdir()} == ASSETS
    with tarfile.open(repo / "dist/credit-risk-v0.1.0.tar.gz") as tar:
        packed = {m.name for m in tar.getmembers() if m.isfile()}
    assert packed == {f"credit-risk-v0.1.0/{name}" for name in ASSETS}
    for name, source in [("model.skops", "models/model.skops"), ("report.md", "reports/report.md")]:
        assert (folder / name).read_bytes() == (repo / source).read_bytes()


def test_manifest_names_version_commit_hashes_and_packages(released):
    repo, _ = released
    manifest = json.loads((repo / "dist/credit-risk-v0.1.0/manifest.json").read_text())
    assert (manifest["artifact"], manifest["version"]) == ("credit-risk", "v0.1.0")
    assert manifest["commit"] == run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    outs = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]["train"]["outs"]
    locked = next(out["md5"] for out in outs if out["path"] == "models/model.skops")
    assert manifest["dvc_hashes"]["models/model.skops"] == locked
    model = (repo / "dist/credit-risk-v0.1.0/model.skops").read_bytes()
    assert hashlib.md5(model).hexdigest() == locked
    assert manifest["python"] == platform.python_version()
    assert manifest["packages"]["scikit-learn"] == sklearn.__version__


def test_bundle_without_the_report_names_the_commands_to_run(
    released, tmp_path, project_root, modelops, error_line
):
    repo = copy_project(project_root, tmp_path / "repo")
    (repo / "models/model.skops").write_bytes((released[0] / "models/model.skops").read_bytes())
    result = modelops(repo, "release", "bundle", "--version", "v0.1.0", "--output", "dist")
    assert result.returncode == 2
    line = error_line(result)
    assert "reports/report.md" in line and "models/model.skops" not in line
    assert "run modelops gate and modelops report" in line
    assert not (repo / "dist").exists()
