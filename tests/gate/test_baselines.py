"""Protects how baselines are read from git: the reports committed at a ref (never the working
tree), params.yaml at a commit, "no baseline" only for a ref that predates the reports, and an
unknown ref or an unreadable report refused (InputError), never read as "no baseline".
"""

import json

import pytest
from support.repos import run

from modelops.errors import InputError
from modelops.review.baselines import baseline_at_ref, params_at


def test_ref_reads_committed_reports_not_working_tree(git_repo):
    repo, commit = git_repo
    sha = commit({"reports/metrics.json": {"roc_auc": 0.85}, "reports/segments.json": {"A": {}}})
    (repo / "reports/metrics.json").write_text(json.dumps({"roc_auc": 0.5}), encoding="utf-8")
    baseline = baseline_at_ref(repo, "main")
    assert (baseline.name, baseline.ref, baseline.commit, baseline.found) == (
        "main",
        "main",
        sha,
        True,
    )
    assert baseline.reports == {
        "metrics": {"roc_auc": 0.85},
        "segments": {"A": {}},
        "data_quality": None,
        "training": None,
        "fairness": None,
        "candidate": None,
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


def test_unknown_ref_is_refused_not_a_missing_baseline(git_repo):
    repo, commit = git_repo
    commit({"reports/metrics.json": {"roc_auc": 0.85}})
    with pytest.raises(InputError, match=r"no ref 'no-such-ref' in this repository"):
        baseline_at_ref(repo, "no-such-ref")


def test_ref_that_predates_the_reports_is_no_baseline_with_why(git_repo):
    repo, commit = git_repo
    sha = commit({"README.md": "no reports yet\n"})
    baseline = baseline_at_ref(repo, "main")
    assert (baseline.found, baseline.commit) == (False, sha)
    assert baseline.note == "'main' predates reports/metrics.json"


@pytest.mark.parametrize(
    ("text", "why"), [("{not json", "is not valid JSON"), ("[0.85]", "is not a JSON object")]
)
def test_unreadable_committed_report_names_file_and_ref(git_repo, text, why):
    repo, commit = git_repo
    sha = commit({"reports/metrics.json": {"roc_auc": 0.85}, "reports/segments.json": text})
    with pytest.raises(InputError) as refused:
        baseline_at_ref(repo, "main")
    message = str(refused.value)
    assert "reports/segments.json at 'main'" in message and sha[:8] in message and why in message


def test_params_at_reads_committed_params(git_repo):
    repo, commit = git_repo
    first = commit({"params.yaml": "train:\n  model: logistic_regression\n"})
    commit({"params.yaml": "train:\n  model: random_forest\n"})
    assert params_at(repo, first) == {"train": {"model": "logistic_regression"}}
    assert params_at(repo, "main") == {"train": {"model": "random_forest"}}
    assert params_at(repo, None) is None
