"""Protects `modelops gate` at its edges: a rule on an unreported metric fails, a missing
baseline ref is not a failure, and missing metrics are a one-line usage error (exit 2).
"""

import json

import yaml


def test_rule_on_unreported_metric_fails(project_copy, modelops):
    params_file = project_copy / "params.yaml"
    raw = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    raw["gate"]["floors"]["not_a_metric"] = 0.5
    params_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    gate = modelops(project_copy, "gate", "--baseline", "main")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    assert "not_a_metric >= floor" in gate.stderr
    (line,) = [line for line in gate.stdout.splitlines() if "not_a_metric" in line]
    assert line.startswith("FAIL") and "metric not reported" in line


def test_unknown_baseline_ref_is_not_a_failure(project_copy, modelops):
    gate = modelops(project_copy, "gate", "--baseline", "no-such-ref")
    assert gate.returncode == 0, gate.stderr
    note = "no ref 'no-such-ref' in this repository"
    assert f"baseline no-such-ref: {note}" in gate.stdout
    verdict = json.loads((project_copy / "reports/gate.json").read_text(encoding="utf-8"))
    first = verdict["baselines"][0]
    assert (first["found"], first["commit"], first["note"]) == (False, None, note)
    drops = [r for r in verdict["rules"] if r["rule"].endswith("vs no-such-ref")]
    assert drops and all(r["passed"] and note in r["note"] for r in drops)
    report = modelops(project_copy, "report")
    assert report.returncode == 0, report.stderr
    report_text = (project_copy / "reports/report.md").read_text(encoding="utf-8")
    assert f"- Baseline **no-such-ref**: none ({note})" in report_text


def test_missing_metrics_is_a_one_line_error(project_copy, modelops):
    (project_copy / "reports/metrics.json").unlink()
    gate = modelops(project_copy, "gate", "--baseline", "main")
    assert gate.returncode == 2, gate.stdout + gate.stderr
    (error,) = gate.stderr.strip().splitlines()
    assert error.startswith("error: ") and "reports/metrics.json not found" in error
    assert not (project_copy / "reports/gate.json").exists()
