"""Protects how the gate reads a metric by name and compares it with a limit: dotted paths,
absence as None (so the rule fails as not reported), and limits as people read them.
"""

import pytest

from modelops.baselines import Baseline
from modelops.gate import absolute_rules, drop_rules, metric_value

METRICS = {"roc_auc": 0.85, "flag": True, "empty": None, "business": {"value_per_application": 4}}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("roc_auc", 0.85),
        ("business.value_per_application", 4.0),
        ("business.nothing", None),
        ("roc_auc.deeper", None),
        ("absent", None),
        ("flag", None),  # a boolean is not a metric
        ("empty", None),
    ],
)
def test_metric_value_by_dotted_name(name, value):
    assert metric_value(METRICS, name) == value
    assert metric_value(None, name) is None


def test_rule_on_a_section_name_fails_instead_of_crashing(gate_settings):
    (outcome,) = absolute_rules(METRICS, gate_settings(floors={"business": 0.0}))
    assert not outcome.passed


def test_drop_equal_to_the_limit_passes(gate_settings):
    baseline = Baseline("main", "main", "abc", {"metrics": {"roc_auc": 0.86}})
    settings = gate_settings(max_drop={"roc_auc": 0.01})
    (outcome,) = drop_rules(METRICS, baseline, settings)
    assert outcome.passed
