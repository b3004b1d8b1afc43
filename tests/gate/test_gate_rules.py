"""Protects the metric gate's absolute and drop rules: each side of every threshold, dotted
metric names, drops judged on the baseline model's answers on the same rows (never on its
stored numbers), and that a metric nobody measured is a failure, never a silent pass.
(The statuses of a baseline model and gate.comparison: tests/unit/test_gate_same_rows_rules.py.)
"""

import pytest

from modelops.model.uncertainty import Interval
from modelops.review.baselines import Baseline
from modelops.review.champion import COMPARED, SameRows
from modelops.review.gate import absolute_rules, drop_rules

METRICS = {"roc_auc": 0.85, "brier": 0.12, "business": {"value_per_application": 40.0}}


def main_at(metrics: dict | None, same_rows: SameRows | None = None) -> Baseline:
    return Baseline("main", "main", "abc1234", {"metrics": metrics}, same_rows=same_rows)


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


def compared(drops: dict[str, tuple[float, float, float]], metrics: dict | None = None):
    """main whose model, scored on this change's rows, has metrics and these drops; its
    stored metrics (from its own test set) are other numbers, which the rules must not use."""
    same = SameRows(
        COMPARED,
        "models/model.skops from the DVC cache, md5 0123 as in dvc.lock",
        metrics or {},
        drops={name: Interval(*d) for name, d in drops.items()},
    )
    return main_at({"roc_auc": 0.99, "brier": 0.01}, same)


@pytest.mark.parametrize(
    ("drop", "passed"),
    [(0.005, True), (0.0099, True), (0.0101, False), (-0.05, True)],  # a rise is never a drop
)
def test_roc_auc_drop_against_the_baseline_model_on_the_same_rows(gate_settings, drop, passed):
    settings = gate_settings(max_drop={"roc_auc": 0.01})
    baseline = compared({"roc_auc": (drop, drop - 0.02, drop + 0.02)}, {"roc_auc": 0.85 + drop})
    (outcome,) = drop_rules(METRICS, baseline, settings)
    assert outcome.rule == "roc_auc drop vs main"
    assert (outcome.value, outcome.passed) == (0.85, passed)
    assert outcome.baseline == pytest.approx(0.85 + drop)  # main's model on these rows
    assert outcome.interval == [pytest.approx(drop - 0.02), pytest.approx(drop + 0.02)]
    assert outcome.note.startswith(f"same rows: drop {drop:+.4f}, 90% interval [")


def test_dotted_metric_drop(gate_settings):
    settings = gate_settings(max_drop={"business.value_per_application": 5.0})
    same_rows = {"business": {"value_per_application": 46.0}}
    baseline = compared({"business.value_per_application": (6.0, 4.0, 8.0)}, same_rows)
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


def test_drop_not_measured_on_the_same_rows_fails_drop_rule(gate_settings):
    settings = gate_settings(max_drop={"brier": 0.01})
    (outcome,) = drop_rules(METRICS, compared({"roc_auc": (0, 0, 0)}), settings)
    assert (outcome.passed, outcome.baseline) == (False, None)
    assert outcome.note == "not measured for main"


def test_no_baseline_passes_saying_why(gate_settings):
    missing = Baseline("prod", "credit-risk#prod", None, {}, "no version of credit-risk in prod")
    (outcome,) = drop_rules(METRICS, missing, gate_settings(max_drop={"roc_auc": 0.01}))
    assert outcome.passed
    assert outcome.note == "no baseline: no version of credit-risk in prod"


def test_metric_the_change_lacks_fails_even_without_baseline(gate_settings):
    missing = Baseline("prod", "credit-risk#prod", None, {}, "no version of credit-risk in prod")
    (outcome,) = drop_rules(METRICS, missing, gate_settings(max_drop={"log_loss": 0.1}))
    assert not outcome.passed
