"""Protects the fairness and data-quality rules of the gate: which segments count, how the
gap is measured, and that a missing report or a broken data contract fails the gate.
"""

import pytest

from modelops.gate import data_quality_rules, segment_rules

SEGMENTS = {
    "Home": {
        "owner": {"n": 400, "roc_auc": 0.83},
        "rent": {"n": 200, "roc_auc": 0.87},
        "parents": {"n": 60, "roc_auc": 0.70},
        "ignore": {"n": 3, "roc_auc": 0.10},  # too small to judge
        "other": {"n": 90, "roc_auc": None},  # one class only: no ROC AUC
    }
}


def by_rule(outcomes) -> dict:
    return {o.rule: o for o in outcomes}


@pytest.mark.parametrize(("floor", "passed"), [(0.70, True), (0.71, False)])
def test_segment_floor_judges_lowest_large_segment(gate_settings, floor, passed):
    settings = gate_settings(segment_min_rows=50, segment_floors={"roc_auc": floor})
    (outcome,) = segment_rules(SEGMENTS, settings)
    assert (outcome.rule, outcome.value, outcome.passed) == (
        "Home segments roc_auc >= floor",
        0.70,
        passed,
    )
    assert outcome.note == "lowest: parents, n >= 50"


def test_segment_of_exactly_min_rows_counts(gate_settings):
    settings = gate_settings(segment_min_rows=3, segment_floors={"roc_auc": 0.5})
    (outcome,) = segment_rules(SEGMENTS, settings)
    assert (outcome.value, outcome.passed) == (0.10, False)


@pytest.mark.parametrize(("limit", "passed"), [(0.18, True), (0.16, False)])
def test_segment_gap_from_highest_to_lowest(gate_settings, limit, passed):
    settings = gate_settings(segment_min_rows=50, segment_max_gap={"roc_auc": limit})
    (outcome,) = segment_rules(SEGMENTS, settings)
    assert outcome.rule == "Home segments roc_auc gap"
    assert outcome.value == pytest.approx(0.87 - 0.70)
    assert (outcome.passed, outcome.note) == (passed, "rent vs parents")


@pytest.mark.parametrize("segments", [None, {}])
def test_missing_segments_report_fails(gate_settings, segments):
    (outcome,) = segment_rules(segments, gate_settings(segment_floors={"roc_auc": 0.6}))
    assert (outcome.passed, outcome.note) == (False, "metric not reported")


def quality(rows_quarantined: int, passed: bool = True) -> dict:
    return {"passed": passed, "rows_in": 1000, "rows_quarantined": rows_quarantined}


@pytest.mark.parametrize(("quarantined", "passed"), [(0, True), (20, True), (21, False)])
def test_quarantine_share_limit(gate_settings, quarantined, passed):
    settings = gate_settings(max_quarantine_share=0.02)
    (outcome,) = data_quality_rules(quality(quarantined), settings)
    assert (outcome.rule, outcome.value, outcome.passed) == (
        "data quarantine share",
        quarantined / 1000,
        passed,
    )


def test_broken_contract_fails_even_under_the_limit(gate_settings):
    settings = gate_settings(max_quarantine_share=0.02)
    (outcome,) = data_quality_rules(quality(0, passed=False), settings)
    assert (outcome.passed, outcome.note) == (False, "the data contract failed")


def test_missing_data_quality_report_fails(gate_settings):
    (outcome,) = data_quality_rules(None, gate_settings(max_quarantine_share=0.02))
    assert (outcome.value, outcome.passed, outcome.note) == (None, False, "metric not reported")


def test_no_segment_or_quality_rules_when_not_configured(gate_settings):
    assert segment_rules(None, gate_settings()) == []
    assert data_quality_rules(None, gate_settings()) == []
