"""Protects the verdict that `modelops gate` writes to reports/gate.json and the report reads:
passed only when every rule passed, failed rules in order, and each baseline described.
"""

import json

from modelops.baselines import Baseline
from modelops.gate import evaluate_gate

CURRENT = {
    "metrics": {"roc_auc": 0.80, "brier": 0.12},
    "segments": {"Home": {"owner": {"n": 100, "roc_auc": 0.8}}},
    "data_quality": {"passed": True, "rows_in": 100, "rows_quarantined": 0},
}
MAIN = Baseline("main", "origin/main", "a" * 40, {"metrics": {"roc_auc": 0.85, "brier": 0.12}})
PROD = Baseline("prod", "credit-risk#prod", None, {}, "no version of credit-risk in prod")


def settings(gate_settings, floor: float):
    return gate_settings(
        floors={"roc_auc": floor},
        max_drop={"roc_auc": 0.01, "brier": 0.01},
        segment_floors={"roc_auc": 0.6},
        max_quarantine_share=0.02,
    )


def test_failing_verdict(gate_settings):
    verdict = evaluate_gate(CURRENT, [MAIN, PROD], settings(gate_settings, 0.81))
    assert not verdict.passed
    assert [r.rule for r in verdict.failed] == ["roc_auc >= floor", "roc_auc drop vs main"]
    as_dict = verdict.as_dict()
    assert as_dict["passed"] is False
    assert as_dict["failed_rules"] == ["roc_auc >= floor", "roc_auc drop vs main"]
    assert len(as_dict["rules"]) == 7  # floor, 2 drops x 2 baselines, segment floor, quality
    assert set(as_dict["rules"][0]) == {"rule", "value", "threshold", "passed", "baseline", "note"}
    assert as_dict["baselines"] == [
        {
            "name": "main",
            "ref": "origin/main",
            "commit": "a" * 40,
            "found": True,
            "note": "",
            "metrics": {"roc_auc": 0.85, "brier": 0.12},
        },
        {
            "name": "prod",
            "ref": "credit-risk#prod",
            "commit": None,
            "found": False,
            "note": "no version of credit-risk in prod",
            "metrics": None,
        },
    ]
    json.dumps(as_dict, allow_nan=False)  # what gate.json holds must be plain JSON


def test_passing_verdict(gate_settings):
    passing = {**CURRENT, "metrics": {"roc_auc": 0.845, "brier": 0.121}}
    verdict = evaluate_gate(passing, [MAIN, PROD], settings(gate_settings, 0.80))
    assert verdict.passed
    assert verdict.failed == []
    assert verdict.as_dict()["failed_rules"] == []
    prod_rules = [r for r in verdict.rules if r.rule.endswith("vs prod")]
    assert all(r.passed and r.note.startswith("no baseline:") for r in prod_rules)
