"""Protects segment reporting: band labels, and size, default rate and AUC per segment."""

import numpy as np
import pandas as pd
import pytest

from modelops.config.params import BusinessParams
from modelops.model.evaluate import segment_labels, segment_metrics


def test_numeric_segments_are_half_open_bands():
    ages = pd.Series([18, 24.9, 25, 34, 35, 99.5, 100, 10, np.nan], name="Age")
    labels = segment_labels(ages, (18, 25, 35, 45, 55, 100))
    assert labels.tolist() == [
        *["[18, 25)"] * 2,
        *["[25, 35)"] * 2,
        "[35, 45)",
        "[55, 100)",
        *["outside edges"] * 2,
        "missing",
    ]


def test_fractional_edges_keep_their_decimals():
    assert segment_labels(pd.Series([0.2, 0.7]), (0, 0.5, 1)).tolist() == ["[0, 0.5)", "[0.5, 1)"]


def test_categorical_segments_are_the_values_and_missing():
    labels = segment_labels(pd.Series(["owner", None, "rent"]), None)
    assert labels.tolist() == ["owner", "missing", "rent"]


def test_segment_metrics_per_segment():
    result = segment_metrics(
        pd.Series(["a", "a", "a", "b", "b", "b", "b"]),
        is_bad=[False, False, False, True, False, True, False],
        p_bad=[0.1, 0.2, 0.3, 0.8, 0.3, 0.4, 0.5],
        predicted_bad=[False, False, False, True, False, False, True],
        amount=[100, 100, 100, 1000, 1000, 1000, 1000],
        business=BusinessParams(amount_column="Amount", margin=0.1, loss_given_default=0.5),
    )
    a, b = result["a"], result["b"]
    assert (a["n"], a["bad_rate"], a["roc_auc"], a["recall"]) == (3, 0.0, None, None)
    assert a["approval_rate"] == 1.0
    assert a["value_per_application"] == pytest.approx(10.0)
    assert (b["n"], b["bad_rate"]) == (4, 0.5)
    assert b["roc_auc"] == pytest.approx(3 / 4)  # 0.8 beats both goods, 0.4 beats 0.3 only
    assert b["recall"] == pytest.approx(1 / 2)
    assert b["approval_rate"] == pytest.approx(1 / 2)
    # approved: the good at 0.3 (+100) and the bad at 0.4 (-500), over 4 applications
    assert b["value_per_application"] == pytest.approx(-100.0)
