"""Protects `modelops gate` and `modelops report` as CI runs them in a real repository (the
built sample): an unchanged model passes against main, worse metrics fail naming the rule, and
the model in prod is a second baseline.
"""

import json

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

    report = modelops(sample_repo, "report")
    assert report.returncode == 0, report.stderr
    text = (sample_repo / "reports/report.md").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == [WATERMARK, "## ✅ Gate passed"]
    assert "No params changed." in text


def test_worse_uncommitted_metrics_fail_against_main(sample_repo, modelops, error_line):
    metrics_file = sample_repo / "reports/metrics.json"
    committed = load(metrics_file)
    metrics_file.write_text(json.dumps({**committed, "roc_auc": committed["roc_auc"] - 0.05}))

    gate = modelops(sample_repo, "gate", "--baseline", "main")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    error = error_line(gate)
    assert error.startswith("error: gate failed:") and "roc_auc drop vs main" in error
    (fail,) = [line for line in gate.stdout.splitlines() if "roc_auc drop vs main" in line]
    assert fail.startswith("FAIL")
    assert f"baseline {committed['roc_auc']:.4f}" in fail
    assert "roc_auc drop vs main" in load(sample_repo / "reports/gate.json")["failed_rules"]

    report = modelops(sample_repo, "report")
    assert report.returncode == 0, report.stderr
    lines = (sample_repo / "reports/report.md").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [WATERMARK, "## ❌ Gate failed"]
    assert any(line.startswith("- **roc_auc drop vs main**: ") for line in lines)


def test_model_in_prod_is_a_second_baseline(sample_repo, modelops, gto):
    gto(sample_repo, "register", "credit-risk", "HEAD")
    gto(sample_repo, "assign", "credit-risk", "--version", "v0.0.1", "--stage", "prod")
    gate = modelops(sample_repo, "gate", "--baseline", "main", "--stage", "prod")
    assert gate.returncode == 0, gate.stderr
    prod = load(sample_repo / "reports/gate.json")["baselines"][1]
    assert (prod["name"], prod["ref"], prod["found"]) == ("prod", "credit-risk@v0.0.1 (prod)", True)
    assert "roc_auc drop vs prod" in gate.stdout
