"""Protects the fairness policy's gate rules: a prohibited attribute among the model's
features fails; the age rule fails when a row's p_default rose; each judged group's approval
ratio, equal-opportunity gap and calibration gap fail past their limits (the attribute's own
limit over the policy's), named by attribute and group; a group too small is stated as not
judged; and a missing report, attribute or value fails, never passes by omission."""

import copy

import pytest

from modelops.config.params import FairnessParams
from modelops.review.gate import evaluate_gate, fairness_rules

POLICY = {
    "attributes": {
        "Marital": {"feature": False, "basis": "ECOA"},
        "Age": {"feature": True, "basis": "Reg B", "bands": [18, 62, 100]},
    },
    "no_negative_factor": {"attribute": "Age", "from": 61, "to": [62, 90]},
    "limits": {
        "min_rows": 50,
        "min_approval_ratio": 0.8,
        "max_equal_opportunity_gap": 0.1,
        "max_calibration_gap": 0.05,
    },
}


def group(n=200, ratio=1.0, eo=0.0, calibration=0.01) -> dict:
    return {"n": n, "approval_ratio": ratio, "equal_opportunity_gap": eo,
            "calibration_gap": calibration, "judged": n >= 50}  # fmt: skip


REPORTS = {
    "training": {"features": ["Income", "Age"]},
    "fairness": {
        "features": {"used": ["Age", "Income"], "excluded": {"Marital": "prohibited"}},
        "age_rule": {
            "attribute": "Age",
            "from": 61,
            "to": [62, 90],
            "rows": 891,
            "rows_raised": 0,
            "max_increase": 0.0,
            "passed": True,
        },
        "groups": {
            "Marital": {"married": group(), "single": group(ratio=0.85, eo=0.05)},
            "Age": {"[18, 62)": group(), "[62, 100)": group(n=13, ratio=None)},
        },
    },
}


def policy(**changes) -> FairnessParams:
    raw = copy.deepcopy(POLICY)
    for dotted, value in changes.items():
        *path, key = dotted.split("__")
        node = raw
        for part in path:
            node = node[part]
        node[key] = value
    return FairnessParams.model_validate(raw)


def reports_with(path: list[str], value) -> dict:
    reports = copy.deepcopy(REPORTS)
    node = reports
    for part in path[:-1]:
        node = node[part]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return reports


DELETE = object()


def by_rule(outcomes) -> dict:
    return {o.rule: o for o in outcomes}


def test_the_passing_reports_pass_and_state_the_small_group():
    outcomes = by_rule(fairness_rules(REPORTS, policy()))
    assert all(o.passed for o in outcomes.values())
    small = outcomes["fairness.Age.[62, 100) judged"]
    assert (small.value, small.note) == (13, "not judged: 13 rows < min_rows 50")
    assert "fairness.Marital.single.approval_ratio >= 0.8" in outcomes
    assert "fairness.Marital not a feature" in outcomes


FAILING = {
    "prohibited in fairness.json": (
        ["fairness", "features", "used"], ["Marital", "Income"], "fairness.Marital not a feature"
    ),
    "prohibited in training.json": (
        ["training", "features"], ["Marital"], "fairness.Marital not a feature"
    ),
    "age rule raised rows": (
        ["fairness", "age_rule", "rows_raised"], 3, "fairness.age_rule.Age no rise from 61"
    ),
    "age rule for other ages": (
        ["fairness", "age_rule", "from"], 55, "fairness.age_rule.Age no rise from 61"
    ),
    "age rule missing": (["fairness", "age_rule"], DELETE, "fairness.age_rule.Age no rise from 61"),
    "four-fifths": (
        ["fairness", "groups", "Marital", "single", "approval_ratio"], 0.79,
        "fairness.Marital.single.approval_ratio >= 0.8",
    ),
    "equal opportunity": (
        ["fairness", "groups", "Marital", "single", "equal_opportunity_gap"], 0.11,
        "fairness.Marital.single.equal_opportunity_gap <= 0.1",
    ),
    "calibration": (
        ["fairness", "groups", "Age", "[18, 62)", "calibration_gap"], 0.06,
        "fairness.Age.[18, 62).calibration_gap <= 0.05",
    ),
    "a judged group's value missing": (
        ["fairness", "groups", "Marital", "single", "calibration_gap"], None,
        "fairness.Marital.single.calibration_gap <= 0.05",
    ),
    "attribute not reported": (["fairness", "groups", "Marital"], DELETE, "fairness.Marital"),
    "no group large enough": (
        ["fairness", "groups", "Marital"], {"single": group(n=10)}, "fairness.Marital"
    ),
    "no fairness report": (["fairness"], DELETE, "fairness report"),
}  # fmt: skip


@pytest.mark.parametrize("case", FAILING)
def test_each_rule_fails_with_its_name(case):
    path, value, rule = FAILING[case]
    outcomes = by_rule(fairness_rules(reports_with(path, value), policy()))
    assert outcomes[rule].passed is False
    assert [o.rule for o in outcomes.values() if not o.passed] == [rule]


def test_features_unreported_fail_the_prohibited_rule():
    reports = {"fairness": None, "training": {"model": "logistic_regression"}}
    outcomes = by_rule(fairness_rules(reports, policy()))
    assert outcomes["fairness.Marital not a feature"].passed is False
    assert outcomes["fairness report"].passed is False


@pytest.mark.parametrize(
    ("limit", "value", "passed"), [(0.8, 0.8, True), (0.8, 0.7999, False), (0.7, 0.75, True)]
)
def test_an_attribute_limit_overrides_the_policy(limit, value, passed):
    reports = reports_with(["fairness", "groups", "Marital", "single", "approval_ratio"], value)
    rules = by_rule(fairness_rules(reports, policy(attributes__Marital__min_approval_ratio=limit)))
    assert rules[f"fairness.Marital.single.approval_ratio >= {limit}"].passed is passed


def test_a_larger_minimum_turns_a_judged_group_into_a_stated_one():
    rules = by_rule(fairness_rules(REPORTS, policy(attributes__Marital__min_rows=500)))
    assert "fairness.Marital" in rules and rules["fairness.Marital"].passed is False


def test_the_gate_applies_the_policy_when_given(gate_settings):
    reports = reports_with(["fairness", "age_rule", "passed"], False)
    reports["fairness"]["age_rule"]["rows_raised"] = 1
    verdict = evaluate_gate(reports, [], gate_settings(), [], fairness=policy())
    assert "fairness.age_rule.Age no rise from 61" in [r.rule for r in verdict.failed]
    assert "data contract kept" in [r.rule for r in verdict.failed]  # no quality report here
