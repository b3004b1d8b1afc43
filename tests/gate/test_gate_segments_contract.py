"""Protects the fairness and data rules of the gate: which segments count, how the gap is
measured, that a configured segment column or a report the gate needs is never skipped
silently, and that "data contract kept" is the contract's own verdict.
"""

import pytest

from modelops.review.gate import data_contract_rule, segment_rules

SEGMENTS = {
    "Home": {
        "owner": {"n": 400, "roc_auc": 0.83},
        "rent": {"n": 200, "roc_auc": 0.87},
        "parents": {"n": 60, "roc_auc": 0.70},
        "ignore": {"n": 3, "roc_auc": 0.10},  # too small to judge
        "other": {"n": 90, "roc_auc": None},  # one class only: no ROC AUC
    }
}


def segment_settings(gate_settings, **rules):
    return gate_settings(segments={"min_rows": 50, **rules})


@pytest.mark.parametrize(("floor", "passed"), [(0.70, True), (0.71, False)])
def test_segment_floor_judges_lowest_large_segment(gate_settings, floor, passed):
    settings = segment_settings(gate_settings, floors={"roc_auc": floor})
    (outcome,) = segment_rules(SEGMENTS, ["Home"], settings)
    assert (outcome.rule, outcome.value, outcome.passed) == (
        "Home segments roc_auc >= floor",
        0.70,
        passed,
    )
    assert outcome.note == "lowest: parents, n >= 50"


def test_segment_of_exactly_min_rows_counts(gate_settings):
    settings = gate_settings(segments={"min_rows": 3, "floors": {"roc_auc": 0.5}})
    (outcome,) = segment_rules(SEGMENTS, ["Home"], settings)
    assert (outcome.value, outcome.passed) == (0.10, False)


@pytest.mark.parametrize(("limit", "passed"), [(0.18, True), (0.16, False)])
def test_segment_gap_from_highest_to_lowest(gate_settings, limit, passed):
    settings = segment_settings(gate_settings, max_gap={"roc_auc": limit})
    (outcome,) = segment_rules(SEGMENTS, ["Home"], settings)
    assert outcome.rule == "Home segments roc_auc gap"
    assert outcome.value == pytest.approx(0.87 - 0.70)
    assert (outcome.passed, outcome.note) == (passed, "rent vs parents")


def test_configured_segment_column_not_reported_fails(gate_settings):
    settings = segment_settings(gate_settings, floors={"roc_auc": 0.6})
    home, age = segment_rules(SEGMENTS, ["Home", "Age"], settings)
    assert home.passed
    assert (age.rule, age.passed, age.note) == ("Age segments", False, "column not reported")


def test_missing_segment_report_fails(gate_settings):
    settings = segment_settings(gate_settings, floors={"roc_auc": 0.6})
    (outcome,) = segment_rules(None, ["Home"], settings)
    assert (outcome.passed, outcome.note) == (False, "segment report missing")


def test_no_segment_rules_when_none_configured(gate_settings):
    assert segment_rules(None, ["Home"], gate_settings()) == []


def quality(share: float, passed: bool = True, failed: tuple[str, ...] = ()) -> dict:
    rule = {"rule": "dataset.quarantine_share", "value": share, "passed": share <= 0.02}
    return {"passed": passed, "failed_rules": list(failed), "rules": [rule]}


def test_contract_kept_passes_with_the_quarantine_share_as_its_value():
    outcome = data_contract_rule(quality(0.015))
    assert (outcome.rule, outcome.value, outcome.passed) == ("data contract kept", 0.015, True)


def test_broken_contract_fails_naming_the_rules_it_broke():
    failed = ("dataset.quarantine_share", "Age.range")
    outcome = data_contract_rule(quality(0.05, passed=False, failed=failed))
    assert (outcome.value, outcome.passed) == (0.05, False)
    assert outcome.note == "failed: dataset.quarantine_share, Age.range"


@pytest.mark.parametrize("report", [None, {}, {"rows_in": 10}])
def test_missing_or_verdictless_data_quality_report_fails(report):
    outcome = data_contract_rule(report)
    assert (outcome.rule, outcome.passed) == ("data contract kept", False)
