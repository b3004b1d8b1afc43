"""Protects the registry commands' refusals and lookups, on the project's committed reports:
bad tags, stages, versions and bumps exit 2, a failed gate or a lone prod version exit 1,
always as one `error:` line; check-ref agrees with gto; verify re-runs the gate.
"""

from __future__ import annotations

import json
import re

import pytest
from support.repos import copy_project, run


@pytest.fixture(scope="module")
def registered(tmp_path_factory, project_root, modelops):
    """A project copy whose HEAD is credit-risk@v0.1.0, in prod; (repo, prod tag)."""
    repo = copy_project(project_root, tmp_path_factory.mktemp("errors") / "repo")
    assert modelops(repo, "registry", "register").returncode == 0
    promoted = modelops(repo, "registry", "promote", "v0.1.0", "--stage", "prod")
    return repo, re.search(r"credit-risk#prod#\d+", promoted.stdout).group()


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["check-ref", "nonsense"], 2, "expected credit-risk@vX.Y.Z"),
        (["check-ref", "credit-risk@1.0"], 2, "expected credit-risk@vX.Y.Z"),
        (["check-ref", "other-model@v1.0.0"], 2, "names artifact 'other-model'"),
        (["check-ref", "credit-risk@v9.9.9"], 2, "not in this repository"),
        (["promote", "v0.1.0", "--stage", "production"], 2, "allows dev, staging, prod"),
        (["promote", "v9.9.9", "--stage", "prod"], 2, "v9.9.9 is not a registered version"),
        (["register", "--bump", "huge"], 2, "--bump must be one of major, minor, patch"),
        (["rollback", "--stage", "prod"], 1, "v0.1.0 is the only version prod has had"),
        (["rollback", "--stage", "staging"], 2, "no version of credit-risk has been in staging"),
    ],
)
def test_refusal_is_one_error_line_and_its_exit_code(
    registered, modelops, error_line, registry_tags, args, code, expected
):
    repo, _ = registered
    tags = registry_tags(repo)
    result = modelops(repo, "registry", *args)
    assert result.returncode == code
    assert expected in error_line(result)
    assert registry_tags(repo) == tags


@pytest.mark.parametrize("which", ["registration", "assignment"])
def test_check_ref_prints_what_gto_check_ref_reports(registered, modelops, gto_json, which):
    repo, prod_tag = registered
    tag = "credit-risk@v0.1.0" if which == "registration" else prod_tag
    result = modelops(repo, "registry", "check-ref", tag)
    assert result.returncode == 0, result.stderr
    printed = dict(line.split("=", 1) for line in result.stdout.splitlines())
    event = gto_json(repo, "check-ref", tag)
    assert printed == {
        "kind": event["event"],
        "artifact": "credit-risk",
        "version": "v0.1.0",
        "stage": event.get("stage", ""),
        "commit": event["commit_hexsha"],
    }
    assert printed["kind"] == which
    assert printed["commit"] == run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()


def test_verify_reruns_the_gate_and_writes_the_verdict(registered, modelops):
    repo, _ = registered
    result = modelops(repo, "registry", "verify", "v0.1.0")
    assert result.returncode == 0, result.stderr
    assert "gate passed" in result.stdout
    assert json.loads((repo / "reports/gate.json").read_text())["passed"] is True


def test_registration_is_refused_when_the_gate_fails_at_head(
    tmp_path, project_root, modelops, error_line, registry_tags
):
    repo = copy_project(project_root, tmp_path / "repo")
    params = repo / "params.yaml"
    text, count = re.subn(r"(?m)^(    roc_auc: )0\.80\b", r"\g<1>0.99", params.read_text())
    assert count == 1
    params.write_text(text)
    run("git", "commit", "-q", "-am", "demand roc_auc 0.99", cwd=repo)
    result = modelops(repo, "registry", "register")
    assert result.returncode == 1
    line = error_line(result)
    assert "registration refused" in line and "roc_auc >= floor" in line
    assert registry_tags(repo) == set()
