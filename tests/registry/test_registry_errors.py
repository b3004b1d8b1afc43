"""Protects the registry commands' refusals (corpus, on a copy of the built sample whose HEAD
is credit-risk@v0.1.0 in prod): unknown stages, versions and bumps exit 2, a lone prod version
and a model failing the gate's absolute rules exit 1, always as one `error:` line and without
a new tag; verify re-runs the gate; an audit of a version tagged by hand says no verdict was
recorded.
"""

from __future__ import annotations

import json

import pytest
from support.config import write_config
from support.repos import clone_folder, run

from modelops.config.layout import read_sections


@pytest.fixture(scope="module")
def registered(built_sample, tmp_path_factory, modelops):
    """A copy of the built sample whose HEAD is credit-risk@v0.1.0, in prod."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("errors") / "repo")
    assert modelops(repo, "registry", "register").returncode == 0
    assert modelops(repo, "registry", "promote", "v0.1.0", "--stage", "prod").returncode == 0
    return repo


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["promote", "v0.1.0", "--stage", "production"], 2, "'production': .gto allows dev, "),
        (["promote", "v9.9.9", "--stage", "prod"], 2, "v9.9.9 is not a registered version"),
        (["verify", "v9.9.9"], 2, "credit-risk@v9.9.9 is not a registered version"),
        (["audit", "--version", "v9.9.9"], 2, "credit-risk@v9.9.9 is not a registered version"),
        (["verify", "v0.1.0", "--stage", "prdo"], 2, "unknown stage 'prdo'"),
        (["register", "--bump", "huge"], 2, "--bump must be one of major, minor, patch"),
        (["rollback", "--stage", "prod"], 1, "v0.1.0 is the only version prod has had"),
        (["rollback", "--stage", "staging"], 2, "no version of credit-risk has been in staging"),
    ],
)
def test_refusal_is_one_error_line_and_its_exit_code(
    registered, modelops, error_line, registry_tags, args, code, expected
):
    tags = registry_tags(registered)
    result = modelops(registered, "registry", *args)
    assert result.returncode == code
    assert expected in error_line(result)
    assert registry_tags(registered) == tags


def test_registration_tags_head(registered, gto_json):
    (version,) = gto_json(registered, "show", "credit-risk")
    head = run("git", "rev-parse", "HEAD", cwd=registered).stdout.strip()
    assert (version["version"], version["commit_hexsha"]) == ("v0.1.0", head)


def test_verify_reruns_the_gate_and_writes_the_verdict(registered, modelops):
    result = modelops(registered, "registry", "verify", "v0.1.0")
    assert result.returncode == 0, result.stderr
    assert "gate passed" in result.stdout
    assert json.loads((registered / "reports/gate.json").read_text())["passed"] is True


def test_registration_is_refused_when_absolute_rules_fail(
    sample_repo, modelops, error_line, registry_tags
):
    params = sample_repo / "params.yaml"
    raw = read_sections(params)
    raw["gate"]["floors"]["roc_auc"] = 0.99
    write_config(params, raw)
    run("git", "commit", "-q", "-am", "demand roc_auc 0.99", cwd=sample_repo)
    result = modelops(sample_repo, "registry", "register")
    assert result.returncode == 1
    line = error_line(result)
    assert "registration refused" in line and "roc_auc >= floor" in line and ">= 0.99" in line
    assert registry_tags(sample_repo) == set()


def test_audit_of_a_tag_made_by_hand_says_the_verdict_is_not_recorded(sample_repo, modelops):
    # gto directly, as anyone with push rights could: no gate ran, and the audit must not
    # read the tag's default message as a verdict.
    run("gto", "register", "credit-risk", "HEAD", "--version", "v1.0.0", cwd=sample_repo)
    result = modelops(sample_repo, "registry", "audit", "--version", "v1.0.0", "--json")
    assert result.returncode == 0, result.stderr
    (step,) = json.loads(result.stdout)["steps"]
    assert step["event"] == "registration"
    assert step["gate"].startswith("not recorded in the tag")
