"""Protects the overall evaluation arithmetic: classification metrics and JSON-safe reports."""

import json
import math

import numpy as np
import pytest

from modelops.files import json_safe
from modelops.model.evaluate import classification_metrics


def test_classification_metrics_on_a_hand_example():
    # TP 1 (row 0), FN 1 (row 1), FP 1 (row 2), TN 2: 5 of 6 bad/good pairs ranked right.
    metrics = classification_metrics(
        is_bad=[True, True, False, False, False],
        p_bad=[0.9, 0.4, 0.6, 0.2, 0.1],
        predicted_bad=[True, False, True, False, False],
    )
    assert metrics["accuracy"] == pytest.approx(3 / 5)
    assert metrics["precision"] == pytest.approx(1 / 2)
    assert metrics["recall"] == pytest.approx(1 / 2)
    assert metrics["f1"] == pytest.approx(1 / 2)
    assert metrics["roc_auc"] == pytest.approx(5 / 6)
    assert metrics["brier"] == pytest.approx((0.01 + 0.36 + 0.36 + 0.04 + 0.01) / 5)


def test_json_safe_turns_nan_and_infinity_into_null():
    raw = {"a": math.nan, "b": [math.inf, 1.5, -math.inf], "c": {"d": np.float64("nan"), "e": 2}}
    cleaned = json_safe(raw)
    assert cleaned == {"a": None, "b": [None, 1.5, None], "c": {"d": None, "e": 2}}
    json.dumps(cleaned, allow_nan=False)
