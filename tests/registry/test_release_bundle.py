"""Protects the release bundle: exactly the model, metrics, params, contract, golden answers, card,
report and a manifest whose hashes are dvc.lock's, in a folder and a .tar.gz written together;
the golden answers are the bundled model's own; a bad version or a missing report refused
(exit 2) with the previous bundle left byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import platform
import tarfile
from pathlib import Path

import pandas as pd
import pytest
import sklearn
import yaml
from support.repos import clone_folder, run, tag_version

from modelops.model.persistence import load_model
from modelops.model.pipeline import model_features, p_bad_of

ASSETS = {
    "model.skops",
    "metrics.json",
    "params.yaml",
    "policy.yaml",
    "business.yaml",
    "serve.yaml",
    "sources.yaml",
    "contract.yaml",
    "golden.json",
    "reference.json",
    "report.md",
    "model_card.md",
    "manifest.json",
}
# What each asset is a copy of in the released repository (manifest.json is written).
SOURCES = {
    "model.skops": "models/model.skops",
    "metrics.json": "reports/metrics.json",
    "params.yaml": "params.yaml",
    "policy.yaml": "policy.yaml",
    "business.yaml": "business.yaml",
    "serve.yaml": "serve.yaml",
    "sources.yaml": "data/sources.yaml",
    "contract.yaml": "data/contract.yaml",
    "golden.json": "reports/golden.json",
    "reference.json": "reports/reference.json",
    "report.md": "reports/report.md",
}  # model_card.md is models/model_card.md stamped with the version and commit
NAME = "credit-risk-v0.1.0"


def bundle(modelops, repo: Path, version: str = "v0.1.0"):
    return modelops(repo, "release", "bundle", "--version", version, "--output", "dist")


def snapshot(dist: Path) -> dict[str, bytes]:
    """Every file under dist (hidden leftovers included), by relative path."""
    return {str(p.relative_to(dist)): p.read_bytes() for p in dist.rglob("*") if p.is_file()}


def packed(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


@pytest.fixture(scope="module")
def released(built_sample, tmp_path_factory, modelops):
    """A copy of the built sample with its gate verdict and report, bundled as v0.1.0."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("release") / "repo")
    run("modelops", "gate", cwd=repo)
    run("modelops", "report", cwd=repo)
    tag_version(repo, "v0.1.0")
    result = bundle(modelops, repo)
    assert result.returncode == 0, result.stderr
    assert f"dist/{NAME}.tar.gz" in result.stdout
    return repo


@pytest.fixture
def rebundled(released, tmp_path):
    """A copy of the released repository to bundle again."""
    return clone_folder(released, tmp_path / "repo")


def test_folder_and_archive_hold_exactly_the_same_assets(released):
    folder = released / "dist" / NAME
    assert {path.name for path in folder.iterdir()} == ASSETS
    in_folder = {f"{NAME}/{name}": (folder / name).read_bytes() for name in ASSETS}
    assert packed(released / f"dist/{NAME}.tar.gz") == in_folder
    for name, source in SOURCES.items():
        assert (folder / name).read_bytes() == (released / source).read_bytes(), name
    assert sorted(p.name for p in (released / "dist").iterdir()) == [NAME, f"{NAME}.tar.gz"]


def test_the_card_is_the_pipelines_stamped_with_version_and_commit(released):
    card = (released / "models/model_card.md").read_text(encoding="utf-8")
    bundled = (released / f"dist/{NAME}/model_card.md").read_text(encoding="utf-8")
    commit = run("git", "rev-parse", "HEAD", cwd=released).stdout.strip()
    title, rest = card.split("\n", 1)
    stamp = f"Released as **credit-risk@v0.1.0**, built from commit `{commit}`."
    assert bundled == f"{title}\n\n{stamp}\n{rest}"


def test_manifest_hashes_are_dvc_locks(released):
    manifest = json.loads((released / f"dist/{NAME}/manifest.json").read_text())
    assert (manifest["artifact"], manifest["version"]) == ("credit-risk", "v0.1.0")
    assert manifest["commit"] == run("git", "rev-parse", "HEAD", cwd=released).stdout.strip()
    stages = yaml.safe_load((released / "dvc.lock").read_text())["stages"]
    locked = {out["path"]: out["md5"] for stage in stages.values() for out in stage["outs"]}
    assert manifest["dvc_hashes"] == locked
    model = (released / f"dist/{NAME}/model.skops").read_bytes()
    assert hashlib.md5(model).hexdigest() == locked["models/model.skops"]
    assert manifest["python"] == platform.python_version()
    assert manifest["packages"]["scikit-learn"] == sklearn.__version__


def test_golden_answers_are_the_bundled_models_own(released):
    """What a served copy is held to (exactly, by the deploy step) is what this model answers."""
    folder = released / f"dist/{NAME}"
    golden = json.loads((folder / "golden.json").read_text())
    model = load_model(folder / "model.skops")
    applications = pd.DataFrame([g["application"] for g in golden], columns=model_features(model))
    p_default = p_bad_of(model, applications)
    assert len(golden) >= 10
    assert [g["p_default"] for g in golden] == [float(p) for p in p_default]
    expected = ["reject" if p >= model.threshold else "approve" for p in p_default]
    assert [g["decision"] for g in golden] == expected
    assert set(expected) == {"approve", "reject"}  # both answers are held to


def test_bundling_again_replaces_folder_and_archive_together(rebundled, modelops):
    (rebundled / "reports/report.md").write_text("a newer report\n", encoding="utf-8")
    assert bundle(modelops, rebundled).returncode == 0
    folder_copy = (rebundled / f"dist/{NAME}/report.md").read_bytes()
    archive_copy = packed(rebundled / f"dist/{NAME}.tar.gz")[f"{NAME}/report.md"]
    assert folder_copy == archive_copy == b"a newer report\n"
    assert sorted(p.name for p in (rebundled / "dist").iterdir()) == [NAME, f"{NAME}.tar.gz"]


@pytest.mark.parametrize(
    ("version", "remove", "words"),
    [
        ("../x", None, ("--version must look like v1.2.0", "'../x'")),
        ("v0.1.0", "reports/report.md", ("reports/report.md not found", "run modelops gate")),
        # Never registered: a bundle would ship HEAD's model under a name no tag vouches for.
        ("v9.9.9", None, ("credit-risk@v9.9.9 is not a registered version",)),
        ("v0.1.1", None, ("credit-risk@v0.1.1 is not a registered version",)),
        ("v1.0.0", None, ("credit-risk@v1.0.0 is not a registered version",)),
    ],
)
def test_refusal_leaves_the_previous_bundle_byte_identical(
    rebundled, modelops, error_line, version, remove, words
):
    before = snapshot(rebundled / "dist")
    if remove:
        (rebundled / remove).unlink()
    result = bundle(modelops, rebundled, version)
    assert result.returncode == 2
    line = error_line(result)
    assert all(word in line for word in words), line
    assert snapshot(rebundled / "dist") == before


def test_the_stamp_goes_under_the_cards_title():
    from modelops.registry.bundle import stamped_card

    card = "# Model card: credit-risk\n\n## Intended use\n"
    assert stamped_card(card, "credit-risk", "v1.2.0", "abc123") == (
        "# Model card: credit-risk\n\nReleased as **credit-risk@v1.2.0**, built from commit "
        "`abc123`.\n\n## Intended use\n"
    )


def test_a_version_registered_at_another_commit_is_refused(rebundled, modelops, error_line):
    """HEAD moved on after the tag: its files are not what the version registered."""
    run("git", "commit", "-q", "--allow-empty", "-m", "a later commit", cwd=rebundled)
    before = snapshot(rebundled / "dist")
    result = bundle(modelops, rebundled, "v0.1.0")
    assert result.returncode == 2
    line = error_line(result)
    assert "credit-risk@v0.1.0 is registered at commit" in line and "not HEAD" in line, line
    assert snapshot(rebundled / "dist") == before


def test_a_deregistered_version_is_refused(rebundled, modelops, error_line):
    run("gto", "deprecate", "credit-risk", "v0.1.0", cwd=rebundled)
    result = bundle(modelops, rebundled, "v0.1.0")
    assert result.returncode == 2
    assert "credit-risk@v0.1.0 is deregistered" in error_line(result)
