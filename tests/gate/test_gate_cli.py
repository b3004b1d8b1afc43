"""Protects `modelops gate` and `modelops report` as CI runs them in a real repository: an
unchanged model passes against main, a worse uncommitted one fails, naming the rule.
"""

import json

from modelops.report import WATERMARK


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_unchanged_model_passes_and_reports(project_copy, modelops):
    gate = modelops(project_copy, "gate", "--baseline", "main")
    assert gate.returncode == 0, gate.stderr
    verdict = load(project_copy / "reports/gate.json")
    assert verdict["passed"] is True and verdict["failed_rules"] == []
    rule_lines = [line for line in gate.stdout.splitlines() if line.startswith(("pass", "FAIL"))]
    assert len(rule_lines) == len(verdict["rules"]) > 0
    for line, rule in zip(rule_lines, verdict["rules"], strict=True):
        assert line.startswith("pass") and rule["rule"] in line
    main = verdict["baselines"][0]
    assert (main["name"], main["found"]) == ("main", True)
    assert main["metrics"] == load(project_copy / "reports/metrics.json")

    report = modelops(project_copy, "report")
    assert report.returncode == 0, report.stderr
    text = (project_copy / "reports/report.md").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == [WATERMARK, "## ✅ Gate passed"]
    assert "No params changed." in text


def test_worse_uncommitted_metrics_fail_against_main(project_copy, modelops):
    metrics_file = project_copy / "reports/metrics.json"
    committed = load(metrics_file)
    metrics_file.write_text(json.dumps({**committed, "roc_auc": committed["roc_auc"] - 0.05}))

    gate = modelops(project_copy, "gate", "--baseline", "main")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    (error,) = gate.stderr.strip().splitlines()
    assert error.startswith("error: gate failed:") and "roc_auc drop vs main" in error
    (fail,) = [line for line in gate.stdout.splitlines() if "roc_auc drop vs main" in line]
    assert fail.startswith("FAIL")
    assert f"baseline {committed['roc_auc']:.4f}" in fail
    assert "roc_auc drop vs main" in load(project_copy / "reports/gate.json")["failed_rules"]

    report = modelops(project_copy, "report")
    assert report.returncode == 0, report.stderr
    lines = (project_copy / "reports/report.md").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [WATERMARK, "## ❌ Gate failed"]
    assert any(line.startswith("- **roc_auc drop vs main**: ") for line in lines)


def test_model_in_prod_is_a_second_baseline(project_copy, modelops, gto):
    gto(project_copy, "register", "credit-risk", "HEAD")
    gto(project_copy, "assign", "credit-risk", "--version", "v0.0.1", "--stage", "prod")
    gate = modelops(project_copy, "gate", "--baseline", "main", "--stage", "prod")
    assert gate.returncode == 0, gate.stderr
    prod = load(project_copy / "reports/gate.json")["baselines"][1]
    assert (prod["name"], prod["ref"], prod["found"]) == ("prod", "credit-risk@v0.0.1 (prod)", True)
    assert "roc_auc drop vs prod" in gate.stdout
