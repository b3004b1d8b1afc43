"""Protects the fairness policy's gate rules: a prohibited attribute among the model's
features fails; the age rule fails when a row's p_default rose; each judged group's approval
ratio, equal-opportunity gap and calibration gap fail past their limits (the attribute's own
limit over the policy's), named by attribute and group, decided on the point value or (the
default) only when the whole bootstrap interval is past the limit; a missing or stale interval
fails; a limit set to null is stated off by policy; a group too small is stated as not judged;
and a missing report, attribute or value fails, never passes by omission."""

import copy

import pytest
from pydantic import ValidationError

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


def group(n=200, ratio=1.0, eo=0.0, calibration=0.01, spread=0.02) -> dict:
    """A group's report, each measure with an interval of +- spread around it."""
    values = {"approval_ratio": ratio, "equal_opportunity_gap": eo, "calibration_gap": calibration}
    intervals = {
        f"{k}_interval": None if v is None else [v - spread, v + spread] for k, v in values.items()
    }
    return {"n": n, **values, **intervals, "judged": n >= 50}


DRAWN = {"resamples": 1000, "confidence": 0.9, "seed": 0}


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
        "intervals": DRAWN,
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
    outcomes = by_rule(fairness_rules(reports_with(path, value), policy(decide_on="point")))
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
    changed = policy(attributes__Marital__min_approval_ratio=limit, decide_on="point")
    rules = by_rule(fairness_rules(reports, changed))
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


SINGLE = ["fairness", "groups", "Marital", "single"]
JUDGED_ON = {
    # (measure, point, interval, rule): the point is past the limit in every case
    "ratio within noise": ("approval_ratio", 0.79, [0.70, 0.88], ">= 0.8", True),
    "ratio wholly below": ("approval_ratio", 0.70, [0.62, 0.79], ">= 0.8", False),
    "gap within noise": ("equal_opportunity_gap", 0.11, [0.03, 0.18], "<= 0.1", True),
    "gap wholly above": ("equal_opportunity_gap", 0.16, [0.11, 0.21], "<= 0.1", False),
    "calibration within noise": ("calibration_gap", 0.06, [0.01, 0.09], "<= 0.05", True),
    "calibration wholly above": ("calibration_gap", 0.09, [0.06, 0.12], "<= 0.05", False),
}


@pytest.mark.parametrize("case", JUDGED_ON)
def test_interval_fails_only_when_the_whole_interval_is_past_the_limit(case):
    measure, point, interval, threshold, passed = JUDGED_ON[case]
    reports = reports_with([*SINGLE, measure], point)
    reports["fairness"]["groups"]["Marital"]["single"][f"{measure}_interval"] = interval
    rule = f"fairness.Marital.single.{measure} {threshold}"
    on_interval = by_rule(fairness_rules(reports, policy()))[rule]
    assert (on_interval.passed, on_interval.value, on_interval.interval) == (
        passed,
        point,
        interval,
    )
    assert f"interval [{interval[0]:.4f}, {interval[1]:.4f}]" in on_interval.line()
    assert "decided on the interval" in on_interval.note
    assert ("(point alone: FAIL)" in on_interval.note) is passed
    on_point = by_rule(fairness_rules(reports, policy(decide_on="point")))[rule]
    assert on_point.passed is False and "decided on the point value" in on_point.note


@pytest.mark.parametrize("value", [DELETE, None, [0.9], [0.9, 0.8], [float("nan"), 1.0]])
def test_a_missing_interval_fails_under_interval_only(value):
    reports = reports_with([*SINGLE, "approval_ratio_interval"], value)
    rule = "fairness.Marital.single.approval_ratio >= 0.8"
    on_interval = by_rule(fairness_rules(reports, policy()))[rule]
    assert on_interval.passed is False and "none reported" in on_interval.note
    assert by_rule(fairness_rules(reports, policy(decide_on="point")))[rule].passed is True


@pytest.mark.parametrize("drawn", [DELETE, {**DRAWN, "confidence": 0.95}, {**DRAWN, "seed": 1}])
def test_intervals_not_drawn_as_the_policy_says_fail(drawn):
    outcomes = fairness_rules(reports_with(["fairness", "intervals"], drawn), policy())
    failed = [o for o in outcomes if not o.passed]
    # every judged group's three rules: Marital's two groups and Age's one
    assert len(failed) == 9
    assert all("intervals" in o.note for o in failed)


def test_a_null_limit_is_reported_off_by_policy():
    reports = reports_with([*SINGLE, "approval_ratio"], 0.4)
    reports["fairness"]["groups"]["Marital"]["single"]["approval_ratio_interval"] = [0.3, 0.5]
    off = policy(attributes__Marital__min_approval_ratio=None)
    rules = by_rule(fairness_rules(reports, off))
    stated = rules["fairness.Marital.single.approval_ratio"]
    assert (stated.passed, stated.value, stated.threshold) == (True, 0.4, "off by policy")
    assert "fairness.attributes.Marital.min_approval_ratio is null" in stated.note
    assert "off by policy" in stated.line()
    # the other rules of the attribute, and the same rule of another attribute, still judge
    assert rules["fairness.Marital.single.calibration_gap <= 0.05"].passed is True
    assert "fairness.Age.[18, 62).approval_ratio >= 0.8" in rules
    # left out (not null): the policy's limit applies, and fails the whole interval below it
    assert (
        by_rule(fairness_rules(reports, policy()))[
            "fairness.Marital.single.approval_ratio >= 0.8"
        ].passed
        is False
    )


def test_min_rows_cannot_be_switched_off():
    with pytest.raises(ValidationError, match="min_rows cannot be null"):
        policy(attributes__Marital__min_rows=None)
