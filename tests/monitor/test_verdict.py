"""Protects the monitor's verdict, rule by rule (a table: what was found, the level, the
reasons in order), and the monitor section of params.yaml: a misspelt key or a limit out of
range is refused on load, naming the key."""

import copy
from dataclasses import replace

import pytest
from support.config import write_config

from modelops.config.params import MonitorParams, load_params
from modelops.errors import ConfigError
from modelops.monitor.drift import FeatureDrift
from modelops.monitor.run import judged_against
from modelops.monitor.verdict import Findings, verdict

PARAMS = MonitorParams()
# All test rows: what the estimate is judged against. Live figures are judged against APPROVED.
REFERENCE = {"roc_auc": 0.84, "business.value_per_application": 40.0, "brier": 0.13}


def drift(name: str, level: str = "ok", psi: float = 0.01, distance: float = 0.03):
    return FeatureDrift(name, psi, distance, 0.0, 0.0, 1000, level, (0.5, 0.5), (0.5, 0.5),
                        ("≤ 1", "> 1"))  # fmt: skip


def metric(v):
    return dict(zip(("value", "low", "high"), v, strict=True))


# The reference's approved view, as build_reference writes it: ~470 approved test rows, the
# healthy model's ROC AUC among them 0.69 (far below the 0.84 over all rows), 90% intervals.
APPROVED = {"rows": 470, "confidence": 0.9,
            "metrics": {"roc_auc": metric((0.69, 0.62, 0.76)),
                        "business.value_per_application": metric((74.0, 57.0, 91.0))}}  # fmt: skip


def live(auc=(0.71, 0.67, 0.75), value=(75.0, 65.0, 85.0), rows=1000):
    """live_performance's output on the model's approvals, judged against APPROVED as the
    monitor does (run.judged_against)."""
    raw = {"rows": rows, "metrics": {"roc_auc": metric(auc),
                                     "business.value_per_application": metric(value)}}  # fmt: skip
    return judged_against(raw, APPROVED, PARAMS.confidence)


OK = Findings(
    features=[drift("Income"), drift("Age"), drift("Home")],
    score=drift("score"),
    approval_rate=0.49,
    reference_approval_rate=0.49,
    refused_share=0.0,
    live=live(),
    estimated={"roc_auc": 0.84},
    reference_metrics=REFERENCE,
    predictions=1000,
)
INCOME_ALERT = [drift("Income", "alert", 0.7, 0.35), drift("Age"), drift("Home")]
NONE = {"value": None, "low": None, "high": None, "reason": "the outcomes hold one class only"}

# (id, what differs from OK, the level, the reasons as (level, check), words of the first one)
CASES = [
    ("all_ok", {}, "ok", [], ()),
    ("feature_alert", {"features": INCOME_ALERT}, "alert", [("alert", "drift.Income")],
     ("Income", "PSI 0.700", "distance 0.350", "limits PSI 0.25, distance 0.2")),
    ("feature_warn", {"features": [drift("Income"), drift("Age", "warn", 0.15, 0.12)]}, "warn",
     [("warn", "drift.Age")], ("Age", "PSI 0.150", "limits PSI 0.1, distance 0.1")),
    ("feature_missing", {"features": [replace(drift("Income", "warn"), missing_current=0.2)]},
     "warn", [("warn", "drift.Income")], ("missing 0.0% -> 20.0% (limit ±5 points)",)),
    ("feature_insufficient", {"features": [drift("Home", "insufficient")]}, "warn",
     [("warn", "drift.Home")], ("too few rows to judge",)),
    ("score_alert", {"score": drift("score", "alert", 0.4, 0.3)}, "alert",
     [("alert", "score.psi")], ("score", "PSI 0.400")),
    ("score_warn", {"score": drift("score", "warn", 0.12, 0.11)}, "warn",
     [("warn", "score.psi")], ("PSI 0.120",)),
    ("approval_small_move", {"approval_rate": 0.53}, "ok", [], ()),
    ("approval_warn", {"approval_rate": 0.39}, "warn", [("warn", "approval_rate")],
     ("39.0%", "49.0%", "-10.0 points", "limit ±8")),
    ("approval_alert", {"approval_rate": 0.70}, "alert", [("alert", "approval_rate")],
     ("70.0%", "+21.0 points", "limit ±15")),
    ("refused_warn", {"refused_share": 0.02}, "warn", [("warn", "input.refused")],
     ("2.0%", "limit 1.0%")),
    ("refused_alert", {"refused_share": 0.2}, "alert", [("alert", "input.refused")],
     ("20.0%", "limit 5.0%")),
    ("refusals_not_counted", {"refused_share": None}, "ok", [], ()),
    # A healthy model: 0.71 among approved loans is far below the 0.84 over all test rows,
    # and is no fall: the like-for-like figure is the approved test rows' 0.69.
    ("live_auc_healthy", {}, "ok", [], ()),
    ("live_auc_noise", {"live": live(auc=(0.64, 0.60, 0.68))}, "ok", [], ()),
    ("live_auc_warn", {"live": live(auc=(0.575, 0.545, 0.605))}, "warn",
     [("warn", "live.roc_auc")],
     ("live ROC AUC among approved loans 0.575 [0.545, 0.605] vs 0.690 on the test set's "
      "approved rows", "below it by 0.115, more than 0.03 beyond the noise of both")),
    # The point is far below, but the interval reaches back: not a finding.
    ("live_auc_wide", {"live": live(auc=(0.58, 0.40, 0.76))}, "ok", [], ()),
    ("live_auc_alert", {"live": live(auc=(0.52, 0.49, 0.55))}, "alert",
     [("alert", "live.roc_auc")], ("0.520 [0.490, 0.550] vs 0.690", "more than 0.05")),
    ("live_value_warn", {"live": live(value=(50.0, 45.0, 55.0))}, "warn",
     [("warn", "live.business.value_per_application")],
     ("value per approved application 50.00 [45.00, 55.00] vs 74.00", "more than 5 ")),
    ("live_value_alert", {"live": live(value=(40.0, 36.0, 44.0))}, "alert",
     [("alert", "live.business.value_per_application")], ("more than 10 ",)),
    ("live_auc_not_computable",
     {"live": judged_against({"rows": 1000, "metrics": {"roc_auc": NONE}}, APPROVED, 0.9)},
     "warn", [("warn", "live.roc_auc"), ("warn", "live.business.value_per_application")],
     ("live ROC AUC among approved loans: the outcomes hold one class only, not judged",)),
    ("no_outcomes_yet", {"live": None}, "ok", [], ()),
    ("few_outcomes", {"live": live(auc=(0.5, 0.4, 0.6), rows=120)}, "warn",
     [("warn", "coverage")], ("120 of the model's approvals have an outcome", "min_rows 500")),
    ("estimate_warn", {"estimated": {"roc_auc": 0.80}}, "warn", [("warn", "estimated.roc_auc")],
     ("0.800", "0.840 - 0.03", "assumes")),
    ("estimate_never_alerts", {"estimated": {"roc_auc": 0.55}}, "warn",
     [("warn", "estimated.roc_auc")], ()),
    ("estimate_small_drop", {"estimated": {"roc_auc": 0.82}}, "ok", [], ()),
    # Too few predictions: one reason, not one per feature left unjudged.
    ("few_predictions", {"predictions": 120, "features": [drift("Income", "insufficient")],
                         "score": drift("score", "insufficient")}, "warn",
     [("warn", "predictions")], ("too few predictions: 120 < min_rows 500",)),
    # A share of too little traffic is not judged: one prediction, rejected, and one request
    # refused is no 100-point approval move nor a 50% refused share (its headline: page test).
    ("one_prediction", {"predictions": 1, "requests": 2, "approval_rate": 0.0,
                        "refused_share": 0.5, "features": [drift("Income", "insufficient")],
                        "score": drift("score", "insufficient"), "live": None}, "warn",
     [("warn", "predictions")], ("too few predictions: 1 < min_rows 500",)),
    ("few_predictions_moved_approval", {"predictions": 499, "requests": 499,
                                        "approval_rate": 0.9}, "warn",
     [("warn", "predictions")], ()),
    # Many refusals are judged however few predictions they leave.
    ("many_refused_few_predictions", {"predictions": 10, "requests": 1000,
                                      "refused_share": 0.99}, "alert",
     [("alert", "input.refused"), ("warn", "predictions")], ("99.0%",)),
    ("few_requests_refused", {"predictions": 400, "requests": 450, "refused_share": 0.11},
     "warn", [("warn", "predictions")], ()),
    # Alerts first, then warns, each in rule order.
    ("alerts_first", {"features": [drift("Income", "warn", 0.2, 0.15), drift("Age"),
                                   drift("Home", "alert", 0.5, 0.3)],
                      "refused_share": 0.02, "approval_rate": 0.8}, "alert",
     [("alert", "drift.Home"), ("alert", "approval_rate"), ("warn", "drift.Income"),
      ("warn", "input.refused")], ("Home",)),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "level", "reasons", "words"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_the_verdict_and_its_reasons(changes, level, reasons, words):
    found_level, found = verdict(replace(OK, **changes), PARAMS)
    assert (found_level, [(r.level, r.check) for r in found]) == (level, reasons)
    assert all(word in found[0].message for word in words), found[0].message if found else ""
    assert all("\n" not in r.message for r in found)


@pytest.mark.parametrize(
    ("monitor", "words"),
    [
        ({"psi_warm": 0.1}, ("unknown key 'monitor.psi_warm'", "did you mean 'psi_warn'")),
        ({"min_rows": 0}, ("'monitor.min_rows'", "greater than or equal to 1", "got 0")),
        ({"distance_alert": 1.5}, ("'monitor.distance_alert'", "less than or equal to 1")),
        ({"confidence": "high"}, ("'monitor.confidence'", "got 'high'")),
        ({"psi_warn": 0.3}, ("'monitor'", "psi_warn (0.3) must not be above psi_alert (0.25)")),
    ],
    ids=["unknown_key", "min_rows_0", "distance_above_1", "not_a_number", "warn_above_alert"],
)
def test_a_bad_monitor_section_is_refused_naming_the_key(raw_params, tmp_path, monitor, words):
    path = tmp_path / "params.yaml"
    params = copy.deepcopy(raw_params)
    params["monitor"] = {"psi_warn": 0.1, "psi_alert": 0.25}
    write_config(path, params)
    assert load_params(path).monitor == PARAMS  # the unchanged section loads
    params["monitor"].update(monitor)
    write_config(path, params)
    with pytest.raises(ConfigError) as caught:
        load_params(path)
    assert all(
        word in str(caught.value) for word in (f"{path.parent / 'policy.yaml'}: ", *words)
    ), caught.value


def test_the_projects_monitor_section_is_the_documented_defaults(project_root):
    assert load_params(project_root / "params.yaml").monitor == PARAMS
