"""Protects delivery: release.yml's deploy job, run with act on the built sample project. An
assignment to prod deploys exactly that version: the service runs from its bundle and answers
the golden applications exactly, then its image is pushed, then the deploy step runs; a bundle
whose golden answers are not met goes no further. `gh` and the Docker actions are recording
stand-ins (no GitHub API, no Docker engine).
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile

import pytest
from support.act import ACTOR, REPOSITORY, TOKEN, run_concurrently, run_workflow, tag_push_event
from support.repos import remote_tags, run

IMAGE = f"ghcr.io/{REPOSITORY}"


def deployed(repo):
    run("modelops", "registry", "register", "--push", cwd=repo)
    run("modelops", "registry", "promote", "v0.1.0", "--stage", "prod", "--push", cwd=repo)
    return run_workflow(repo, "push", tag_push_event("credit-risk#prod#1"), workflow="release.yml")


def deployed_with_a_golden_answer_edited(repo):
    """The tagged commit's golden.json holds an answer the model does not give, recorded in
    dvc.lock as if made by the pipeline: only running the service from the bundle finds it."""
    golden_file, lock_file = repo / "reports/golden.json", repo / "dvc.lock"
    before = hashlib.md5(golden_file.read_bytes()).hexdigest(), golden_file.stat().st_size
    golden = json.loads(golden_file.read_text())
    golden[0]["p_default"] += 0.01
    golden_file.write_text(json.dumps(golden, indent=2))
    after = hashlib.md5(golden_file.read_bytes()).hexdigest(), golden_file.stat().st_size
    lock = lock_file.read_text()  # edited as text: DVC's own layout kept byte for byte
    old = f"md5: {before[0]}\n      size: {before[1]}\n"
    assert lock.count(old) == 1
    lock_file.write_text(lock.replace(old, f"md5: {after[0]}\n      size: {after[1]}\n"))
    run("git", "commit", "-q", "-am", "Edit a golden answer", cwd=repo)
    run("git", "push", "-q", "origin", "main", cwd=repo)
    return deployed(repo)


@pytest.fixture(scope="module")
def runs(new_clone):
    """Each scenario in its own clone; the clone is kept to look at its origin afterwards."""
    scenarios = {
        "deployed": deployed,
        "golden_unmet": deployed_with_a_golden_answer_edited,
    }
    clones = {name: new_clone() for name in scenarios}
    results = run_concurrently(
        {name: lambda f=f, repo=clones[name]: f(repo) for name, f in scenarios.items()}
    )
    return {name: (clones[name], result) for name, result in results.items()}


def test_an_assignment_to_prod_deploys_exactly_that_version(runs):
    repo, result = runs["deployed"]
    assert "credit-risk#prod#1" in remote_tags(repo)
    assert result.exit_code == 0, result.log[-3000:]
    assert "kind=assignment" in result.log and "stage=prod" in result.log
    assert "Check out exactly that version" in result.log
    assert "Fetch exactly that version's model" in result.log
    [(args, files)] = result.gh_calls
    assert args == [
        "release", "upload", "credit-risk@v0.1.0", "dist/credit-risk-v0.1.0.tar.gz", "--clobber",
    ]  # fmt: skip
    assert files == ["credit-risk-v0.1.0.tar.gz"]
    assert "deployed credit-risk@v0.1.0" in result.log


def line_index(output: list[str], pattern: str) -> tuple[int, re.Match]:
    """Where the first output line matching pattern is, and the match."""
    for i, line in enumerate(output):
        if found := re.fullmatch(pattern, line):
            return i, found
    raise AssertionError(f"no output line matches {pattern!r}")


def test_the_deploy_checks_the_served_bundle_then_pushes_its_image_then_deploys(runs):
    _, result = runs["deployed"]
    assert result.exit_code == 0, result.log[-3000:]
    with tarfile.open(result.gh_file(0, "credit-risk-v0.1.0.tar.gz")) as tar:
        golden = json.load(tar.extractfile("credit-risk-v0.1.0/golden.json"))
    # The smoke step served the bundle's version (a workspace model is "workspace-...").
    _, serving = line_index(result.output, r"serving v0\.1\.0 on (http://127\.0\.0\.1:\d+) .*")
    checked_at, checked = line_index(
        result.output,
        r"serve-check: (\S+) serves v0\.1\.0; (\d+) golden answers match "
        r"\(largest \|Δp_default\| \S+, tolerance 1e-09\)",
    )
    assert checked[1] == serving[1]
    assert int(checked[2]) == len(golden) > 0
    assert result.docker_login == {"registry": "ghcr.io", "username": ACTOR}
    assert all(TOKEN not in f.read_text() for f in result.docker_records.iterdir())
    assert result.image_build == {
        "context": ".",
        "file": "Dockerfile",
        "tags": [f"{IMAGE}:v0.1.0"],
        "build_args": {"BUNDLE": "dist/credit-risk-v0.1.0"},
        "push": True,
        "problems": [],
    }
    logged_in_at, _ = line_index(result.output, r"docker login stand-in: .*")
    pushed_at, _ = line_index(result.output, rf"docker build-push .*; would push {IMAGE}:v0\.1\.0")
    deployed_at, _ = line_index(
        result.output, rf"deployed credit-risk@v0\.1\.0: .*; image {IMAGE}:v0\.1\.0"
    )
    assert checked_at < logged_in_at < pushed_at < deployed_at


def test_a_bundle_whose_golden_answers_are_not_met_is_neither_pushed_nor_deployed(runs):
    _, result = runs["golden_unmet"]
    assert result.exit_code != 0
    assert "Fetch exactly that version's model" in result.log
    line_index(result.output, r"serving v0\.1\.0 on .*")  # from the bundle, which it passed
    assert re.search(
        r"golden check: 1 of \d+ answers differ from the pipeline's \(tolerance 1e-09\): "
        r"#0: p_default",
        result.log,
    )
    assert (result.docker_login, result.image_build) == (None, None)
    assert result.gh_calls == []
    assert not any(line.startswith("deployed ") for line in result.output)
