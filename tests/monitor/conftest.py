"""A realistic monitoring report (monitoring.json) for the page's tests: one week of the
credit-risk service, Income shifted (alert), Amount shifting (warn), the rest stable, and
outcomes still missing for the most recent periods."""

from __future__ import annotations

import copy

import pytest

QUINTILES = [0.2, 0.2, 0.2, 0.2, 0.2]


def _feature(name, level, psi, distance, labels, reference, current, missing=(0.0, 0.0)):
    assert abs(sum(reference) - 1) < 1e-9 and abs(sum(current) - 1) < 1e-9, name
    return {
        "name": name,
        "psi": psi,
        "distance": distance,
        "missing_reference": missing[0],
        "missing_current": missing[1],
        "rows": 10000,
        "level": level,
        "labels": labels,
        "reference_shares": reference,
        "current_shares": current,
    }


FEATURES = [
    _feature("Seniority", "ok", 0.012, 0.021, ["≤ 1", "1-4", "4-8", "8-15", "> 15"],
             QUINTILES, [0.21, 0.2, 0.19, 0.2, 0.2]),
    _feature("Time", "ok", 0.008, 0.015, ["≤ 24", "24-36", "36-48", "48-60", "> 60"],
             [0.12, 0.18, 0.22, 0.4, 0.08], [0.13, 0.18, 0.21, 0.4, 0.08]),
    _feature("Age", "ok", 0.021, 0.03, ["≤ 28", "28-34", "34-41", "41-49", "> 49"],
             QUINTILES, [0.23, 0.21, 0.2, 0.19, 0.17]),
    _feature("Expenses", "ok", 0.015, 0.02, ["≤ 35", "35-45", "45-60", "60-75", "> 75"],
             QUINTILES, [0.19, 0.21, 0.2, 0.2, 0.2]),
    _feature("Income", "alert", 0.41, 0.21, ["≤ 80", "80-110", "> 110"],
             [0.3, 0.4, 0.3], [0.6, 0.3, 0.1], missing=(0.08, 0.09)),
    _feature("Assets", "ok", 0.03, 0.04, ["0", "0-3000", "3000-6000", "> 6000"],
             [0.36, 0.14, 0.25, 0.25], [0.38, 0.14, 0.24, 0.24], missing=(0.01, 0.01)),
    _feature("Debt", "ok", 0.004, 0.01, ["0", "> 0"], [0.82, 0.18], [0.81, 0.19]),
    _feature("Amount", "warn", 0.16, 0.09, ["≤ 700", "700-950", "950-1150", "1150-1400", "> 1400"],
             QUINTILES, [0.12, 0.16, 0.2, 0.24, 0.28]),
    _feature("Price", "ok", 0.05, 0.05, ["≤ 1100", "1100-1300", "1300-1500", "1500-1800", "> 1800"],
             QUINTILES, [0.17, 0.19, 0.2, 0.22, 0.22]),
    _feature("Home", "ok", 0.02, 0.03, ["owner", "rent", "parents", "priv", "other", "ignore"],
             [0.47, 0.22, 0.17, 0.06, 0.07, 0.01], [0.45, 0.24, 0.17, 0.06, 0.07, 0.01]),
    _feature("Marital", "ok", 0.01, 0.02, ["married", "single", "separated", "widow", "divorced"],
             [0.73, 0.22, 0.03, 0.015, 0.005], [0.72, 0.23, 0.03, 0.015, 0.005]),
    _feature("Records", "ok", 0.006, 0.01, ["no", "yes"], [0.83, 0.17], [0.82, 0.18]),
    _feature("Job", "ok", 0.02, 0.03, ["fixed", "partime", "freelance", "others"],
             [0.63, 0.1, 0.23, 0.04], [0.61, 0.11, 0.24, 0.04]),
]  # fmt: skip

SCORE = _feature(
    "p_default", "ok", 0.07, 0.04,
    ["0-0.1", "0.1-0.2", "0.2-0.3", "0.3-0.4", "0.4-0.5", "0.5-0.6", "0.6-0.7", "0.7-0.8",
     "0.8-0.9", "0.9-1"],
    [0.22, 0.18, 0.14, 0.11, 0.09, 0.08, 0.07, 0.05, 0.04, 0.02],
    [0.18, 0.16, 0.15, 0.12, 0.1, 0.09, 0.08, 0.06, 0.045, 0.015],
)  # fmt: skip

# Outcomes arrive weeks late: coverage falls towards the present, and the last periods have
# no live ROC AUC at all while the estimate (from probabilities alone) carries on.
OVER_TIME = [
    ("2026-10-02", 1350, 0.83, 0.83, 0.95),
    ("2026-10-09", 1420, 0.82, 0.83, 0.91),
    ("2026-10-16", 1380, 0.82, 0.82, 0.84),
    ("2026-10-23", 1460, 0.80, 0.82, 0.66),
    ("2026-10-30", 1390, 0.79, 0.81, 0.41),
    ("2026-11-06", 1440, None, 0.81, 0.12),
    ("2026-11-13", 1410, None, 0.80, 0.03),
    ("2026-11-20", 1400, None, 0.79, 0.0),
]

EXAMPLE_REPORT = {
    "verdict": "alert",
    "reasons": [
        {
            "level": "warn",
            "check": "drift.Amount",
            "message": "Amount: PSI 0.16 (warn at 0.1), distance 0.09",
        },
        {
            "level": "alert",
            "check": "drift.Income",
            "message": "Income: PSI 0.41 (alert at 0.25), distance 0.21",
        },
    ],
    "window": {
        "since": "2026-11-20T00:00:00+00:00",
        "until": "2026-11-27T00:00:00+00:00",
        "model_version": "v0.1.0",
        "predictions": 10000,
        "with_outcome": 3200,
    },
    "drift": {
        "features": FEATURES,
        "score": SCORE,
        "approval_rate": {"reference": 0.49, "current": 0.46, "change": -0.03, "level": "ok"},
    },
    "input_quality": {
        "requests": 10400,
        "refused": 400,
        "refused_share": 400 / 10400,
        "by_rule": {"Age.range": 250, "Home.allowed": 150},
    },
    "label_coverage": {
        "by_decision": [
            {
                "decision": "approved by the model",
                "predictions": 4300,
                "with_outcome": 3050,
                "share_labelled": 3050 / 4300,
            },
            {
                "decision": "approved by exploration",
                "predictions": 300,
                "with_outcome": 150,
                "share_labelled": 0.5,
            },
            {"decision": "rejected", "predictions": 5400, "with_outcome": 0, "share_labelled": 0.0},
        ],
        "note": "Live performance is measured on the predictions with an outcome, which are "
        "approved applications (selection bias).",
    },
    "live": {
        "rows": 3200,
        "confidence": 0.9,
        "label_coverage": 0.32,
        "label_delay_days": {"median": 41.0, "p90": 80.0},
        "metrics": {
            "roc_auc": {"value": 0.79, "low": 0.76, "high": 0.82, "reference": 0.859},
            "brier": {"value": 0.141, "low": 0.132, "high": 0.151, "reference": 0.127},
            "bad_rate_among_approved": {
                "value": 0.09,
                "low": 0.08,
                "high": 0.1,
                "reference": 0.072,
            },
            "business.value_per_application": {
                "value": 35.2,
                "low": 29.8,
                "high": 40.1,
                "reference": 42.03,
            },
        },
    },
    "estimated": {
        "rows": 10000,
        "assumption": "No concept drift: the relation between inputs and default is the one "
        "the model was calibrated on (isotonic, on the reference).",
        "roc_auc": 0.82,
        "approval_rate": 0.46,
        "bad_rate_among_approved": 0.08,
        "expected_bad_rate": 0.27,
        "business.value_per_application": 38.4,
        "confusion": {"tp": 2300, "fp": 3100, "tn": 4230, "fn": 370},
    },
    "over_time": [
        {
            "period": period,
            "predictions": n,
            "live_roc_auc": live,
            "estimated_roc_auc": est,
            "label_coverage": coverage,
        }
        for period, n, live, est, coverage in OVER_TIME
    ],
}


@pytest.fixture
def example_report() -> dict:
    """A fresh copy each time: tests may change it."""
    return copy.deepcopy(EXAMPLE_REPORT)
