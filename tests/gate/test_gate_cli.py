"""Protects `modelops gate` and `modelops report` as CI runs them in a real repository (the
built sample): an unchanged model passes against main, a really worse model (retrained) fails
naming the rule, reports that do not describe the model are refused as stale, and the model in
prod is a second baseline.
"""

import json

import pytest
from support.repos import clone_folder, run

from modelops.review.report import WATERMARK


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_unchanged_model_passes_and_reports(sample_repo, modelops):
    gate = modelops(sample_repo, "gate", "--baseline", "main")
    assert gate.returncode == 0, gate.stderr
    verdict = load(sample_repo / "reports/gate.json")
    assert verdict["passed"] is True and verdict["failed_rules"] == []
    rule_lines = [line for line in gate.stdout.splitlines() if line.startswith(("pass", "FAIL"))]
    assert len(rule_lines) == len(verdict["rules"]) > 0
    for line, rule in zip(rule_lines, verdict["rules"], strict=True):
        assert line.startswith("pass") and rule["rule"] in line
    assert "data contract kept" in [rule["rule"] for rule in verdict["rules"]]
    main = verdict["baselines"][0]
    assert (main["name"], main["found"]) == ("main", True)
    assert main["metrics"] == load(sample_repo / "reports/metrics.json")
    # main's model is this very model: on the same rows it drops nothing
    assert main["same_rows"]["status"] == "compared"
    assert {d["point"] for d in main["same_rows"]["drops"].values()} == {0.0}

    report = modelops(sample_repo, "report")
    assert report.returncode == 0, report.stderr
    text = (sample_repo / "reports/report.md").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == [WATERMARK, "## ✅ Gate passed"]
    assert "No params changed." in text
    assert "No source or data output changed." in text


def test_reports_that_do_not_describe_the_model_are_stale(sample_repo, modelops, error_line):
    metrics_file = sample_repo / "reports/metrics.json"
    committed = load(metrics_file)
    metrics_file.write_text(json.dumps({**committed, "roc_auc": committed["roc_auc"] - 0.05}))
    gate = modelops(sample_repo, "gate", "--baseline", "main")
    assert gate.returncode == 2, gate.stdout + gate.stderr
    line = error_line(gate)
    assert "reports/metrics.json says roc_auc" in line
    assert line.endswith("the reports are stale (run dvc repro)")
    assert not (sample_repo / "reports/gate.json").exists()


@pytest.fixture(scope="module")
def worse(built_sample, tmp_path_factory, set_params, modelops):
    """The sample retrained over-regularised (C 0.003; ROC AUC 0.834 vs main's 0.859), gated
    against main and reported: the repository, the gate's result, main's stored metrics."""
    repo = clone_folder(built_sample, tmp_path_factory.mktemp("worse") / "repo")
    set_params(repo, {"train.logistic_regression.C": 0.003})
    run("dvc", "repro", cwd=repo)
    gate = modelops(repo, "gate", "--baseline", "main")
    report = modelops(repo, "report")
    assert report.returncode == 0, report.stderr
    return repo, gate, load(built_sample / "reports/metrics.json")


def test_worse_model_fails_against_main(worse, error_line):
    repo, gate, at_main = worse
    assert gate.returncode == 1, gate.stdout + gate.stderr
    error = error_line(gate)
    assert error.startswith("error: gate failed:") and "roc_auc drop vs main" in error
    (fail,) = [
        line for line in gate.stdout.splitlines() if line[6:].startswith("roc_auc drop vs main")
    ]
    assert fail.startswith("FAIL  roc_auc drop vs main")
    # the data did not change: main's model on these rows is main's stored number
    assert f"baseline {at_main['roc_auc']:.4f}" in fail
    assert " reference rows: drop +0.02" in fail  # no feedback: all test rows are reference
    assert "roc_auc drop vs main" in load(repo / "reports/gate.json")["failed_rules"]

    lines = (repo / "reports/report.md").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [WATERMARK, "## ❌ Gate failed"]
    assert any(line.startswith("- **roc_auc drop vs main**: ") for line in lines)
    assert "| `train.logistic_regression.C` | 1.0000 | 0.0030 |" in lines


def test_model_in_prod_is_a_second_baseline(sample_repo, modelops, gto):
    gto(sample_repo, "register", "credit-risk", "HEAD")
    gto(sample_repo, "assign", "credit-risk", "--version", "v0.0.1", "--stage", "prod")
    gate = modelops(sample_repo, "gate", "--baseline", "main", "--stage", "prod")
    assert gate.returncode == 0, gate.stderr
    prod = load(sample_repo / "reports/gate.json")["baselines"][1]
    assert (prod["name"], prod["ref"], prod["found"]) == ("prod", "credit-risk@v0.0.1 (prod)", True)
    assert prod["same_rows"]["status"] == "compared"
    assert "roc_auc drop vs prod" in gate.stdout
