"""Protects registration and release: register.yml and release.yml's release job, run with act
on the built sample project. A push to main registers the changed model and pushes the tag; a
registration that keeps the gate is released with its bundle; one that fails it is deregistered
and nothing is released. `gh` is a recording stand-in (no GitHub API). The deploy job's
scenarios are in test_deploy_workflow.py (a file each, so that pytest-xdist runs them side by
side).
"""

from __future__ import annotations

import json
import tarfile

import pytest
from support.act import run_concurrently, run_workflow, tag_push_event
from support.config import write_config
from support.repos import remote_tags, run

from modelops.config.layout import read_sections

BUNDLE = [
    "business.yaml",
    "contract.yaml",
    "golden.json",
    "manifest.json",
    "metrics.json",
    "model.skops",
    "model_card.md",
    "params.yaml",
    "policy.yaml",
    "reference.json",
    "report.md",
    "serve.yaml",
    "sources.yaml",
]


def registered_on_merge(repo):
    return run_workflow(repo, "push", {"ref": "refs/heads/main"}, workflow="register.yml")


def released(repo):
    run("modelops", "registry", "register", "--push", cwd=repo)
    return run_workflow(repo, "push", tag_push_event("credit-risk@v0.1.0"), workflow="release.yml")


def deregistered(repo):
    params = read_sections(repo / "params.yaml")
    params["gate"]["floors"]["roc_auc"] = 0.99  # no model here reaches it
    write_config(repo / "params.yaml", params)
    run("git", "commit", "-q", "-am", "Demand ROC AUC 0.99", cwd=repo)
    run("git", "push", "-q", "origin", "main", cwd=repo)
    # Registered by hand with gto, bypassing `modelops registry register`'s own gate.
    run("gto", "register", "credit-risk", "HEAD", "--version", "v0.1.0", "--push", cwd=repo)
    return run_workflow(repo, "push", tag_push_event("credit-risk@v0.1.0"), workflow="release.yml")


@pytest.fixture(scope="module")
def runs(new_clone):
    """Each scenario in its own clone; the clone is kept to look at its origin afterwards."""
    scenarios = {  # the longest first: two run at a time
        "released": released,
        "deregistered": deregistered,
        "registered_on_merge": registered_on_merge,
    }
    clones = {name: new_clone() for name in scenarios}
    results = run_concurrently(
        {name: lambda f=f, repo=clones[name]: f(repo) for name, f in scenarios.items()}
    )
    return {name: (clones[name], result) for name, result in results.items()}


def test_a_push_to_main_with_a_new_model_registers_it_and_pushes_the_tag(runs):
    repo, result = runs["registered_on_merge"]
    assert result.exit_code == 0, result.log[-3000:]
    assert "registered credit-risk@v0.1.0 (pushed)" in result.log
    head = run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    tagged = run("git", "rev-parse", "credit-risk@v0.1.0^{commit}", cwd=repo.parent / "origin.git")
    assert tagged.stdout.strip() == head


def test_a_registration_that_keeps_the_gate_is_released_with_its_bundle(runs):
    repo, result = runs["released"]
    head = run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    assert result.exit_code == 0, result.log[-3000:]
    assert "kind=registration" in result.log and "version=v0.1.0" in result.log
    [(args, files)] = result.gh_calls
    assert args[:3] == ["release", "create", "credit-risk@v0.1.0"]
    assert "--notes-file" in args
    assert set(BUNDLE) | {"credit-risk-v0.1.0.tar.gz"} <= set(files)
    with tarfile.open(result.gh_file(0, "credit-risk-v0.1.0.tar.gz")) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        manifest = json.load(tar.extractfile("credit-risk-v0.1.0/manifest.json"))
    assert names == set(BUNDLE)
    assert (manifest["version"], manifest["commit"]) == ("v0.1.0", head)
    assert manifest["dvc_hashes"]["models/model.skops"]


def test_a_registration_that_fails_the_gate_is_deregistered_and_not_released(runs):
    repo, result = runs["deregistered"]
    assert result.exit_code != 0
    assert "roc_auc >= floor" in result.log
    assert "credit-risk@v0.1.0 fails the gate: deregistered, nothing released" in result.log
    assert "credit-risk@v0.1.0!" in remote_tags(repo)
    assert result.gh_calls == []
    # The deregistration tag carries the verdict, as `modelops registry audit` reads it.
    run("git", "fetch", "-q", "origin", "+refs/tags/*:refs/tags/*", cwd=repo)
    message = run("git", "tag", "-l", "--format=%(contents)", "credit-risk@v0.1.0!", cwd=repo)
    assert "; gate: failed (at release): " in message.stdout, message.stdout
    assert "roc_auc >= floor" in message.stdout, message.stdout
