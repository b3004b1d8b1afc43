"""Protects the verdict that `modelops gate` writes to reports/gate.json and the report reads:
passed only when every rule passed, failed rules in order, each baseline described, and a
verdict read back checked (anything else is refused, naming the file).
"""

import json

import pytest

from modelops.errors import InputError
from modelops.model.uncertainty import Interval
from modelops.review.baselines import Baseline
from modelops.review.champion import COMPARED, SameRows
from modelops.review.gate import evaluate_gate, read_verdict

CURRENT = {
    "metrics": {"roc_auc": 0.80, "brier": 0.12},
    "segments": {"Home": {"owner": {"n": 100, "roc_auc": 0.8}}},
    "data_quality": {"passed": True, "failed_rules": [], "rules": []},
}
# main's model on this change's rows (its stored metrics came from its own test set)
SAME_ROWS = SameRows(
    COMPARED,
    "models/model.skops from the DVC cache",
    {"roc_auc": 0.85, "brier": 0.12},
    {"Home": {"owner": {"n": 100, "roc_auc": 0.82}}},
    {"roc_auc": Interval(0.05, 0.03, 0.07), "brier": Interval(0.0, -0.01, 0.01)},
)
STORED = {"roc_auc": 0.83, "brier": 0.13}
MAIN = Baseline("main", "origin/main", "a" * 40, {"metrics": STORED}, same_rows=SAME_ROWS)
PROD = Baseline("prod", "credit-risk#prod", None, {}, "no version of credit-risk in prod")


def verdict_of(gate_settings, current: dict, floor: float):
    settings = gate_settings(
        floors={"roc_auc": floor},
        max_drop={"roc_auc": 0.01, "brier": 0.01},
        segments={"floors": {"roc_auc": 0.6}},
    )
    return evaluate_gate(current, [MAIN, PROD], settings, ["Home"])


def test_failing_verdict(gate_settings):
    verdict = verdict_of(gate_settings, CURRENT, 0.81)
    assert not verdict.passed
    assert [r.rule for r in verdict.failed] == ["roc_auc >= floor", "roc_auc drop vs main"]
    as_dict = verdict.as_dict()
    assert as_dict["passed"] is False
    assert as_dict["failed_rules"] == ["roc_auc >= floor", "roc_auc drop vs main"]
    assert len(as_dict["rules"]) == 7  # floor, 2 drops x 2 baselines, segment floor, contract
    assert as_dict["rules"][-1]["rule"] == "data contract kept"
    keys = {"rule", "value", "threshold", "passed", "baseline", "note", "interval"}
    assert set(as_dict["rules"][0]) == keys
    (roc_auc_drop,) = [r for r in as_dict["rules"] if r["rule"] == "roc_auc drop vs main"]
    assert (roc_auc_drop["baseline"], roc_auc_drop["interval"]) == (0.85, [0.03, 0.07])
    assert as_dict["baselines"] == [
        {
            "name": "main",
            "ref": "origin/main",
            "commit": "a" * 40,
            "found": True,
            "note": "",
            "metrics": STORED,
            "features": None,
            "same_rows": {
                "status": "compared",
                "note": "models/model.skops from the DVC cache",
                "equivalence": None,
                "metrics": {"roc_auc": 0.85, "brier": 0.12},
                "segments": {"Home": {"owner": {"n": 100, "roc_auc": 0.82}}},
                "drops": {
                    "roc_auc": {"point": 0.05, "low": 0.03, "high": 0.07},
                    "brier": {"point": 0.0, "low": -0.01, "high": 0.01},
                },
                "compared_on": None,
                "challenger_metrics": None,
                "champion_metrics": None,
            },
        },
        {
            "name": "prod",
            "ref": "credit-risk#prod",
            "commit": None,
            "found": False,
            "note": "no version of credit-risk in prod",
            "metrics": None,
            "features": None,
            "same_rows": None,
        },
    ]
    # what gate.json holds is plain JSON, and reads back as the same verdict
    text = json.dumps(as_dict, allow_nan=False)
    assert read_verdict(json.loads(text), "reports/gate.json") == as_dict


def test_passing_verdict(gate_settings):
    within = SameRows(COMPARED, "", {}, drops={n: Interval(0.005, 0, 0.01) for n in STORED})
    main = Baseline("main", "origin/main", "a" * 40, {"metrics": STORED}, same_rows=within)
    passing = {**CURRENT, "metrics": {"roc_auc": 0.845, "brier": 0.121}}
    settings = gate_settings(
        floors={"roc_auc": 0.80},
        max_drop={"roc_auc": 0.01, "brier": 0.01},
        segments={"floors": {"roc_auc": 0.6}},
    )
    verdict = evaluate_gate(passing, [main, PROD], settings, ["Home"])
    assert verdict.passed
    assert verdict.failed == []
    assert verdict.as_dict()["failed_rules"] == []
    prod_rules = [r for r in verdict.rules if r.rule.endswith("vs prod")]
    assert all(r.passed and r.note.startswith("no baseline:") for r in prod_rules)


def test_missing_data_quality_report_fails_the_verdict(gate_settings):
    verdict = verdict_of(gate_settings, {**CURRENT, "data_quality": None}, 0.80)
    assert [r.rule for r in verdict.failed] == ["roc_auc drop vs main", "data contract kept"]


@pytest.mark.parametrize("data", [{}, [], "passed", {"passed": True}, None])
def test_anything_but_a_verdict_is_refused_naming_the_file(data):
    with pytest.raises(InputError, match=r"^reports/gate\.json: not a gate verdict"):
        read_verdict(data, "reports/gate.json")
