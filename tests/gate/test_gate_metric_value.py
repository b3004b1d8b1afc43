"""Protects how the gate reads a metric by name and compares it with a limit: dotted paths,
absence as None (so the rule fails as not reported), limits as people read them, and rule
names limited to the metrics evaluate reports.
"""

import pytest
from pydantic import ValidationError

from modelops.model.uncertainty import Interval
from modelops.review.baselines import Baseline
from modelops.review.champion import COMPARED, SameRows
from modelops.review.gate import drop_rules, metric_value

METRICS = {"roc_auc": 0.85, "flag": True, "empty": None, "business": {"value_per_application": 4}}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("roc_auc", 0.85),
        ("business.value_per_application", 4.0),
        ("business.nothing", None),
        ("business", None),  # a section is not a metric
        ("roc_auc.deeper", None),
        ("absent", None),
        ("flag", None),  # a boolean is not a metric
        ("empty", None),
    ],
)
def test_metric_value_by_dotted_name(name, value):
    assert metric_value(METRICS, name) == value
    assert metric_value(None, name) is None


@pytest.mark.parametrize("name", ["business", "auc", "roc_auc.deeper"])
def test_rule_on_anything_but_a_reported_metric_is_refused(gate_settings, name):
    with pytest.raises(ValidationError, match=name.replace(".", r"\.")):
        gate_settings(floors={name: 0.0})


def test_drop_equal_to_the_limit_passes(gate_settings):
    drop = 0.86 - METRICS["roc_auc"]  # 0.010000000000000009 in floats
    same = SameRows(COMPARED, "", {"roc_auc": 0.86}, drops={"roc_auc": Interval(drop, 0, 0.02)})
    baseline = Baseline("main", "main", "abc", {"metrics": {"roc_auc": 0.86}}, same_rows=same)
    settings = gate_settings(max_drop={"roc_auc": 0.01})
    (outcome,) = drop_rules(METRICS, baseline, settings)
    assert outcome.passed
