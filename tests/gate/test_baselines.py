"""Protects how baselines are read from git: the reports committed at a ref (never the working
tree), params.yaml at a commit, and absence reported with a reason, not raised.
"""

import json

from support.repos import run

from modelops.baselines import baseline_at_ref, params_at


def test_ref_reads_committed_reports_not_working_tree(git_repo):
    repo, commit = git_repo
    sha = commit({"reports/metrics.json": {"roc_auc": 0.85}, "reports/segments.json": {"A": {}}})
    (repo / "reports/metrics.json").write_text(json.dumps({"roc_auc": 0.5}), encoding="utf-8")
    baseline = baseline_at_ref(repo, "main")
    assert (baseline.name, baseline.ref, baseline.commit) == ("main", "main", sha)
    assert baseline.found
    assert baseline.reports == {
        "metrics": {"roc_auc": 0.85},
        "segments": {"A": {}},
        "data_quality": None,
    }


def test_origin_main_is_named_main(git_repo):
    repo, commit = git_repo
    sha = commit({"reports/metrics.json": {"roc_auc": 0.85}})
    run("git", "update-ref", "refs/remotes/origin/main", sha, cwd=repo)
    baseline = baseline_at_ref(repo, "origin/main")
    assert (baseline.name, baseline.ref, baseline.commit, baseline.found) == (
        "main",
        "origin/main",
        sha,
        True,
    )


def test_unknown_ref_is_not_found_with_note(git_repo):
    repo, commit = git_repo
    commit({"reports/metrics.json": {"roc_auc": 0.85}})
    baseline = baseline_at_ref(repo, "no-such-ref")
    assert (baseline.found, baseline.commit) == (False, None)
    assert baseline.note == "no ref 'no-such-ref' in this repository"


def test_ref_without_metrics_is_not_found_with_note(git_repo):
    repo, commit = git_repo
    sha = commit({"README.md": "no reports yet\n"})
    baseline = baseline_at_ref(repo, "main")
    assert (baseline.found, baseline.commit) == (False, sha)
    assert baseline.note == "no metrics at 'main'"


def test_params_at_reads_committed_params(git_repo):
    repo, commit = git_repo
    first = commit({"params.yaml": "train:\n  model: logistic_regression\n"})
    commit({"params.yaml": "train:\n  model: random_forest\n"})
    assert params_at(repo, first) == {"train": {"model": "logistic_regression"}}
    assert params_at(repo, "main") == {"train": {"model": "random_forest"}}
    assert params_at(repo, None) is None
