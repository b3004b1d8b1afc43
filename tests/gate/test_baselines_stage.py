"""Protects the baseline in a GTO stage: the commit of the version that holds the stage (real
gto tags), followed through promotions; "no baseline" only when no version holds it; an
unknown stage or an unreadable registry refused, never read as "no baseline".
"""

import time

import pytest

from modelops.errors import InputError
from modelops.review.baselines import baseline_at_ref, baseline_in_stage

GTO_CONFIG = "types: [model]\nstages: [dev, staging, prod]\n"


def test_stage_without_a_holder_is_no_baseline_with_why(git_repo):
    repo, commit = git_repo
    commit({"reports/metrics.json": {"roc_auc": 0.85}, ".gto": GTO_CONFIG})
    baseline = baseline_in_stage(repo, "credit-risk", "prod")
    assert (baseline.name, baseline.found, baseline.commit) == ("prod", False, None)
    assert baseline.note == "no version of credit-risk in prod"


def test_stage_reads_the_registered_commit_after_main_moved_on(git_repo, gto):
    repo, commit = git_repo
    promoted = commit({"reports/metrics.json": {"roc_auc": 0.85}, "params.yaml": "a: 1\n"})
    gto(repo, "register", "credit-risk", promoted)
    gto(repo, "assign", "credit-risk", "--version", "v0.0.1", "--stage", "prod")
    commit({"reports/metrics.json": {"roc_auc": 0.70}}, "main moves on")
    baseline = baseline_in_stage(repo, "credit-risk", "prod")
    assert (baseline.name, baseline.commit, baseline.found) == ("prod", promoted, True)
    assert baseline.ref == "credit-risk@v0.0.1 (prod)"
    assert baseline.reports["metrics"] == {"roc_auc": 0.85}
    assert baseline_at_ref(repo, "main").reports["metrics"] == {"roc_auc": 0.70}


def test_stage_follows_the_latest_promotion(git_repo, gto):
    repo, commit = git_repo
    first = commit({"reports/metrics.json": {"roc_auc": 0.80}})
    gto(repo, "assign", "credit-risk", "--version", "v0.0.1", "--stage", "prod", first)
    second = commit({"reports/metrics.json": {"roc_auc": 0.82}})
    time.sleep(1.1)  # GTO orders stage events by their tags' time, to the second
    gto(repo, "assign", "credit-risk", "--version", "v0.0.2", "--stage", "prod", second)
    baseline = baseline_in_stage(repo, "credit-risk", "prod")
    assert (baseline.commit, baseline.ref) == (second, "credit-risk@v0.0.2 (prod)")
    assert baseline.reports["metrics"] == {"roc_auc": 0.82}


def test_unknown_stage_is_refused_naming_the_allowed_ones(git_repo):
    repo, commit = git_repo
    commit({"reports/metrics.json": {"roc_auc": 0.85}, ".gto": GTO_CONFIG})
    with pytest.raises(InputError, match=r"unknown stage 'prdo': \.gto allows dev, staging, prod"):
        baseline_in_stage(repo, "credit-risk", "prdo")


def test_unreadable_registry_is_refused_not_a_missing_baseline(git_repo):
    # Treating it as "no prod model" would silently switch every "vs prod" rule off.
    repo, commit = git_repo
    commit({"reports/metrics.json": {"roc_auc": 0.85}, ".gto": "type_allowed: [model]\n"})
    with pytest.raises(InputError, match=r"registry: .*\.gto"):
        baseline_in_stage(repo, "credit-risk", "prod")
