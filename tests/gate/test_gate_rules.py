"""Protects the metric gate's absolute and drop rules: each side of every threshold, dotted
metric names, and that a metric nobody reported is a failure, never a silent pass, whether
the change or the baseline lacks it.
"""

import pytest

from modelops.review.baselines import Baseline
from modelops.review.gate import absolute_rules, drop_rules

METRICS = {"roc_auc": 0.85, "brier": 0.12, "business": {"value_per_application": 40.0}}


def main_at(metrics: dict | None) -> Baseline:
    return Baseline("main", "main", "abc1234", {"metrics": metrics})


@pytest.mark.parametrize(("floor", "passed"), [(0.84, True), (0.85, True), (0.86, False)])
def test_floor(gate_settings, floor, passed):
    (outcome,) = absolute_rules(METRICS, gate_settings(floors={"roc_auc": floor}))
    assert (outcome.rule, outcome.value, outcome.passed) == ("roc_auc >= floor", 0.85, passed)


@pytest.mark.parametrize(("ceiling", "passed"), [(0.13, True), (0.12, True), (0.11, False)])
def test_brier_ceiling(gate_settings, ceiling, passed):
    (outcome,) = absolute_rules(METRICS, gate_settings(ceilings={"brier": ceiling}))
    assert (outcome.rule, outcome.value, outcome.passed) == ("brier <= ceiling", 0.12, passed)


@pytest.mark.parametrize(("floor", "passed"), [(39.0, True), (41.0, False)])
def test_dotted_metric_name_reads_nested_value(gate_settings, floor, passed):
    settings = gate_settings(floors={"business.value_per_application": floor})
    (outcome,) = absolute_rules(METRICS, settings)
    assert (outcome.value, outcome.passed) == (40.0, passed)


@pytest.mark.parametrize(
    ("before", "passed"),
    [(0.855, True), (0.8599, True), (0.8601, False), (0.80, True)],  # a rise is never a drop
)
def test_roc_auc_drop_against_baseline(gate_settings, before, passed):
    settings = gate_settings(max_drop={"roc_auc": 0.01})
    (outcome,) = drop_rules(METRICS, main_at({"roc_auc": before}), settings)
    assert outcome.rule == "roc_auc drop vs main"
    assert (outcome.baseline, outcome.passed) == (before, passed)


@pytest.mark.parametrize(("before", "passed"), [(0.115, True), (0.1099, False), (0.20, True)])
def test_brier_rise_counts_as_drop(gate_settings, before, passed):
    settings = gate_settings(max_drop={"brier": 0.01})
    (outcome,) = drop_rules(METRICS, main_at({"brier": before}), settings)
    assert (outcome.baseline, outcome.passed) == (before, passed)
    assert outcome.note == f"drop {0.12 - before:+.4f}"


def test_dotted_metric_drop(gate_settings):
    settings = gate_settings(max_drop={"business.value_per_application": 5.0})
    baseline = main_at({"business": {"value_per_application": 46.0}})
    (outcome,) = drop_rules(METRICS, baseline, settings)
    assert (outcome.value, outcome.baseline, outcome.passed) == (40.0, 46.0, False)


@pytest.mark.parametrize("kind", ["floors", "ceilings"])
def test_metric_the_change_lacks_fails_absolute_rule(gate_settings, kind):
    (outcome,) = absolute_rules(METRICS, gate_settings(**{kind: {"log_loss": 1.0}}))
    assert (outcome.value, outcome.passed, outcome.note) == (None, False, "metric not reported")


def test_metric_the_change_lacks_fails_drop_rule(gate_settings):
    settings = gate_settings(max_drop={"log_loss": 0.1})
    (outcome,) = drop_rules(METRICS, main_at({"log_loss": 0.4}), settings)
    assert (outcome.value, outcome.passed, outcome.note) == (None, False, "metric not reported")


def test_metric_the_baseline_lacks_fails_drop_rule(gate_settings):
    settings = gate_settings(max_drop={"brier": 0.01})
    (outcome,) = drop_rules(METRICS, main_at({"roc_auc": 0.9}), settings)
    assert (outcome.passed, outcome.baseline, outcome.note) == (False, None, "not reported at main")


def test_no_baseline_passes_saying_why(gate_settings):
    missing = Baseline("prod", "credit-risk#prod", None, {}, "no version of credit-risk in prod")
    (outcome,) = drop_rules(METRICS, missing, gate_settings(max_drop={"roc_auc": 0.01}))
    assert outcome.passed
    assert outcome.note == "no baseline: no version of credit-risk in prod"


def test_metric_the_change_lacks_fails_even_without_baseline(gate_settings):
    missing = Baseline("prod", "credit-risk#prod", None, {}, "no version of credit-risk in prod")
    (outcome,) = drop_rules(METRICS, missing, gate_settings(max_drop={"log_loss": 0.1}))
    assert not outcome.passed
