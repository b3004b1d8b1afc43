"""Protects one answer to "which version is in prod": what `modelops registry show` lists and
what the gate compares with must agree with `gto show`, also after prod was handed back to an
earlier version (here by hand with gto, as `registry rollback` means to do).
"""

from __future__ import annotations

import time

import pytest
from support.repos import clone_folder, run


@pytest.fixture(scope="module")
def handed_back(built_sample, tmp_path_factory, modelops, stage_holders):
    """v0.1.0 then v0.2.0 promoted to prod, then prod assigned to v0.1.0 again; snapshots."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("holder") / "repo")
    modelops(repo, "registry", "register")
    modelops(repo, "registry", "promote", "v0.1.0", "--stage", "prod")
    run("git", "commit", "-q", "--allow-empty", "-m", "same reports, next version", cwd=repo)
    run("gto", "register", "credit-risk", "HEAD", "--version", "v0.2.0", cwd=repo)
    step = {"promote v2": modelops(repo, "registry", "promote", "v0.2.0", "--stage", "prod")}
    step["holders v2"], step["show v2"] = stage_holders(repo), modelops(repo, "registry", "show")
    time.sleep(1.1)  # GTO orders tags by their time, to the second
    back = ["--version", "v0.1.0", "--stage", "prod", "--force", "-m", "Rollback of prod"]
    run("gto", "assign", "credit-risk", *back, cwd=repo)
    step["holders back"] = stage_holders(repo)
    step["gate back"] = modelops(repo, "gate", "--baseline", "main", "--stage", "prod")
    return step


def test_promotion_hands_prod_to_the_newer_version(handed_back):
    assert handed_back["promote v2"].returncode == 0, handed_back["promote v2"].stderr
    assert handed_back["holders v2"]["prod"] == ["v0.2.0"]
    assert handed_back["holders back"]["prod"] == ["v0.1.0"]


def test_show_lists_prod_only_at_the_version_gto_shows_in_prod(handed_back):
    rows = [line.split() for line in handed_back["show v2"].stdout.splitlines()[1:]]
    in_prod = [row[0] for row in rows if "prod" in " ".join(row[4:-2]).split(",")]
    assert in_prod == handed_back["holders v2"]["prod"]


def test_gate_compares_with_the_version_gto_shows_in_prod(handed_back):
    gate = handed_back["gate back"]
    assert gate.returncode == 0, gate.stderr
    assert "baseline prod: credit-risk@v0.1.0 (prod)" in gate.stdout
