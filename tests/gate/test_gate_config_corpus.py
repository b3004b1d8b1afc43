"""Protects the gate's inputs that are not git (corpus): a rule naming a metric evaluate does
not report, and a verdict file that is not one, are exit 2 with one line naming the file (the
rules': policy.yaml), the key and the value; nothing is written.
"""

from __future__ import annotations

import copy

import pytest
from support.config import write_config

# Each key names a metric that evaluate does not report (a typo of roc_auc).
UNKNOWN_METRICS = ["gate.floors.auc", "gate.segments.floors.auc", "gate.max_drop.roc_aux"]


@pytest.mark.parametrize("key", UNKNOWN_METRICS)
def test_rule_on_an_unknown_metric_is_refused(tmp_path, raw_params, modelops, error_line, key):
    raw = copy.deepcopy(raw_params)
    *sections, metric = key.split(".")
    rules = raw
    for section in sections:
        rules = rules.setdefault(section, {})
    rules[metric] = 0.5
    write_config(tmp_path / "typo.yaml", raw)  # the gate's rules go to policy.yaml beside it
    gate = modelops(tmp_path, "gate", "--params", "typo.yaml")
    assert gate.returncode == 2
    line = error_line(gate)
    assert line.startswith("error: policy.yaml: ") and f"'{key}" in line and f"'{metric}'" in line
    assert "roc_auc" in line  # what is allowed
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("text", "words"),
    # (other shapes: test_gate_verdict.py, without the command line)
    [("{}", "not a gate verdict"), ("\x00garbage{{", "not valid JSON")],
)
def test_report_on_anything_but_a_verdict_is_refused(
    tmp_path, params_file, modelops, error_line, text, words
):
    (tmp_path / "verdict.json").write_text(text, encoding="utf-8")
    report = modelops(tmp_path, "report", "--params", str(params_file), "--gate", "verdict.json")
    assert report.returncode == 2
    line = error_line(report)
    assert line.startswith("error: verdict.json: ") and words in line
    assert not (tmp_path / "reports").exists()
