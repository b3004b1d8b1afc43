"""Protects the retrain policy, rule by rule (a table: what the monitor found, the decision,
words of its reasons), live ROC AUC judged against the reference's approved test rows (like
with like), the scheduled retrain told apart from an alarm, its refusal to judge a report that
lacks what a rule needs, and the retrain section of params.yaml: a misspelt key or a limit out
of range is refused on load."""

import copy
import re
from datetime import UTC, datetime

import pytest
from support.config import write_config

from modelops.config.params import RetrainParams, load_params
from modelops.errors import ConfigError
from modelops.retrain.policy import decide, model_age_days

# The degradation rules at their defaults (live drop 0.05, estimate drop 0.05, drift 0.25, 500
# labelled, 180 days), the schedule off: the schedule's own cases switch it on.
PARAMS = RetrainParams(schedule_min_outcomes=None)
# All test rows (the estimate's base) and the rows the model approves (live ROC AUC's base):
# a healthy model ranks approved loans far worse than all applicants.
REFERENCE = {"roc_auc": 0.875, "brier": 0.13}
APPROVED = {"rows": 470, "confidence": 0.9,
            "metrics": {"roc_auc": {"value": 0.69, "low": 0.62, "high": 0.76}}}  # fmt: skip
FEATURES = ["Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount"]


def report(auc=(0.71, 0.67, 0.75), rows=1000, estimated=0.875, alerts=0, with_outcome=1000,
           live=True):  # fmt: skip
    """A monitoring.json as modelops monitor writes it (only the keys the policy reads, and a
    few it does not), the first `alerts` of 8 features at drift alert."""
    metric = dict(zip(("value", "low", "high"), auc, strict=True))
    levels = ["alert"] * alerts + ["ok"] * (len(FEATURES) - alerts)
    window = {"until": "2025-07-01T00:00:00+00:00", "with_outcome": with_outcome,
              "with_outcome_all_versions": with_outcome}  # fmt: skip
    auc_metric = {**metric, "reference": 0.69}
    return {
        "verdict": "ok",
        "window": window,
        "drift": {
            "features": [{"name": n, "level": lv} for n, lv in zip(FEATURES, levels, strict=True)]
        },
        "live": {"rows": rows, "confidence": 0.9, "metrics": {"roc_auc": auc_metric}}
        if live
        else None,
        "estimated": None if estimated is None else {"roc_auc": estimated},
    }


LOW = (0.50, 0.47, 0.53)  # clearly degraded: a shortfall of 0.19, its interval [0.11, 0.27]

# (id, report, model age in days, params changed, new outcomes, kind, words of the reasons)
CASES = [
    ("all_hold", report(), 30, {}, None, "keep",
     [("every rule holds", "live ROC AUC among approved loans 0.710 [0.670, 0.750] vs 0.690 on "
       "the test set's approved rows", "not below it by more than 0.05 beyond the noise",
       "estimated ROC AUC 0.875 >= reference 0.875 - 0.05", "0 of 8 features at drift alert",
       "model age 30.0 days <= 180", "schedule: off")]),
    # Below the all-rows 0.875 by far, and no fall: the healthy model's approved-rows figure.
    ("healthy_is_judged_like_with_like", report(auc=(0.66, 0.62, 0.70)), 30, {}, None, "keep",
     [("0.660 [0.620, 0.700] vs 0.690",)]),
    ("live_degraded", report(auc=LOW), 30, {}, None, "alarm",
     [("live ROC AUC among approved loans 0.500", "vs 0.690", "shortfall 0.190",
       "below it by more than live_auc_drop 0.05, beyond the noise")]),
    # Near the limit: the shortfall's interval low end 0.047 (keeps) and 0.057 (fires).
    ("live_just_within_noise", report(auc=(0.57, 0.55, 0.59)), 30, {}, None, "keep",
     [("shortfall 0.120 [0.047,",)]),
    ("live_just_beyond_noise", report(auc=(0.56, 0.54, 0.58)), 30, {}, None, "alarm",
     [("shortfall 0.130 [0.057,",)]),
    # Outcomes of every version count: a retrain learns from each (the interval is the
    # monitored version's approvals', however few).
    ("live_too_few_labels", report(auc=LOW, with_outcome=499), 30, {}, None, "keep",
     [("499 labelled rows (every version) < min_labelled_rows 500: nothing new to learn yet, "
       "not judged",)]),
    ("live_enough_labels", report(auc=LOW, rows=200, with_outcome=500), 30, {}, None, "alarm",
     [("0.500",)]),
    ("no_outcomes_yet", report(live=False), 30, {}, None, "keep",
     [("live ROC AUC: no outcomes yet, not judged",)]),
    ("no_outcomes_yet_when_retraining", report(live=False), 200, {}, None, "alarm",
     [("model age 200.0 days",)]),
    ("live_one_class", report(auc=(None, None, None)), 30, {}, None, "keep",
     [("not computable",)]),
    ("live_rule_off", report(auc=LOW), 30, {"live_auc_drop": None}, None, "keep",
     [("live ROC AUC: rule off (retrain.live_auc_drop is null)",)]),
    # Dyadic numbers, so that the boundary is exact: 0.875 - 0.125 = 0.75.
    ("estimate_at_limit_keeps", report(estimated=0.75), 30, {"estimated_auc_drop": 0.125},
     None, "keep", [("estimated ROC AUC 0.750 >= reference 0.875 - 0.125",)]),
    ("estimate_below_limit", report(estimated=0.7490), 30, {"estimated_auc_drop": 0.125}, None,
     "alarm", [("estimated ROC AUC 0.749 below the reference 0.875 - 0.125",)]),
    ("estimate_default_drop", report(estimated=0.80), 30, {}, None, "alarm",
     [("estimated ROC AUC 0.800 below the reference 0.875 - 0.05",)]),
    ("no_predictions", report(estimated=None, live=False), 30, {}, None, "keep",
     [("estimated ROC AUC: no predictions in the window, not judged",)]),
    ("drift_below_share", report(alerts=1), 30, {}, None, "keep",
     [("drift: 1 of 8 features at drift alert (12%) < 25%",)]),
    ("drift_at_share", report(alerts=2), 30, {}, None, "alarm",
     [("drift: 2 of 8 features at drift alert (25%) >= 25%", "1000 labelled rows (every ")]),
    # Drifted inputs without outcomes: a retrain would learn nothing new yet.
    ("drift_without_labels", report(alerts=8, with_outcome=499, live=False), 30, {}, None,
     "keep", [("8 of 8 features", "499 labelled rows (every version) < min_labelled_rows 500",)]),
    ("drift_rule_off", report(alerts=8), 30, {"drift_alert_share": None}, None, "keep",
     [("drift: rule off",)]),
    ("age_at_limit_keeps", report(), 180, {}, None, "keep", [("model age 180.0 days <= 180",)]),
    ("age_above_limit", report(), 180.5, {}, None, "alarm",
     [("model age 180.5 days above max_model_age_days 180",)]),
    ("age_rule_off", report(), None, {"max_model_age_days": None}, None, "keep",
     [("model age: rule off",)]),
    # A scheduled retrain: nothing wrong, enough new outcomes; no alarm, the gate decides.
    ("scheduled", report(), 30, {"schedule_min_outcomes": 500}, 500, "scheduled",
     [("scheduled: 500 new labelled outcomes since the model was trained >= "
       "schedule_min_outcomes 500 (the gate decides)",),
      ("no alarm: live ROC AUC among approved loans 0.710", "model age 30.0 days <= 180")]),
    ("schedule_not_yet", report(), 30, {"schedule_min_outcomes": 500}, 499, "keep",
     [("schedule: 499 new labelled outcomes < 500",)]),
    # Both: an alarm, with the schedule listed after it.
    ("alarm_and_schedule", report(auc=LOW), 30, {"schedule_min_outcomes": 500}, 900, "alarm",
     [("live ROC AUC among approved loans 0.500",), ("scheduled: 900 new",)]),
    # Every rule that fires is a reason, in rule order; nothing that held is listed.
    ("several_reasons", report(auc=LOW, estimated=0.7, alerts=4), 400, {}, None, "alarm",
     [("live ROC AUC",), ("estimated ROC AUC",), ("drift: 4 of 8",), ("model age 400.0",)]),
]  # fmt: skip


@pytest.mark.parametrize(("monitoring", "age", "changes", "new", "kind", "reasons"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_the_decision_and_its_reasons(monitoring, age, changes, new, kind, reasons):
    params = PARAMS.model_copy(update=changes)
    decision = decide(monitoring, REFERENCE, APPROVED, age, params, new)
    assert (decision.kind, decision.retrain) == (kind, kind != "keep")
    assert len(decision.reasons) == len(reasons), decision.reasons
    for line, words in zip(decision.reasons, reasons, strict=True):
        assert all(word in line for word in words), line
    assert all("\n" not in line for line in decision.reasons)
    # An alarm is a degradation rule that fired; a scheduled retrain is never one.
    assert bool(decision.alarms) is (kind == "alarm")
    assert bool(decision.scheduled) is (
        new is not None and new >= (params.schedule_min_outcomes or 0)
    )


def without(key: str) -> dict:
    """report() with the dotted key deleted ('drift.features[3].level')."""
    data = inner = report()
    *path, last = [
        int(p) if p.isdigit() else p for p in key.replace("[", ".").replace("]", "").split(".")
    ]
    for part in path:
        inner = inner[part]
    del inner[last]
    return data


@pytest.mark.parametrize(
    "key",
    ["live", "live.rows", "live.confidence", "live.metrics.roc_auc.low", "estimated",
     "estimated.roc_auc", "drift", "drift.features[3].level", "window.with_outcome_all_versions"],
)  # fmt: skip
def test_a_report_lacking_a_key_is_refused_naming_it(key):
    with pytest.raises(ValueError, match=re.escape(f"lacks '{key}'")):
        decide(without(key), REFERENCE, APPROVED, 30, PARAMS)


@pytest.mark.parametrize(
    ("monitoring", "reference", "approved", "age", "new", "words"),
    [
        (report(), {"brier": 0.1}, APPROVED, 30, None, "reference metrics lack 'roc_auc'"),
        # An old reference without the approved view: refused, never the all-rows figure.
        (report(), REFERENCE, None, 30, None, "views.approved"),
        (report(), REFERENCE, APPROVED, None, None, "the model's age is unknown"),
        ({**report(), "drift": {"features": []}}, REFERENCE, APPROVED, 30, None,
         "lists no feature"),
        ({**report(), "live": {"rows": "many"}}, REFERENCE, APPROVED, 30, None,
         "'live.rows' is 'many'"),
    ],
    ids=["no_reference_auc", "no_approved_view", "no_age", "no_features", "rows_not_a_number"],
)  # fmt: skip
def test_what_a_rule_cannot_judge_is_refused_not_passed(
    monitoring, reference, approved, age, new, words
):
    with pytest.raises(ValueError, match=words):
        decide(monitoring, reference, approved, age, PARAMS, new)


def test_a_schedule_without_the_count_of_new_outcomes_is_refused():
    params = PARAMS.model_copy(update={"schedule_min_outcomes": 500})
    with pytest.raises(ValueError, match="count of new labelled outcomes is unknown"):
        decide(report(), REFERENCE, APPROVED, 30, params, None)


def test_model_age_is_counted_to_the_windows_end():
    trained = datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert model_age_days(report(), trained) == pytest.approx(180.5)
    with pytest.raises(ValueError, match=re.escape("'window.until'")):
        model_age_days({"window": {}}, trained)
    with pytest.raises(ValueError, match="has no time zone"):
        model_age_days({"window": {"until": "2025-07-01T00:00:00"}}, trained)


@pytest.mark.parametrize(
    ("retrain", "words"),
    [
        ({"live_auc_drap": 0.1}, ("unknown key 'retrain.live_auc_drap'", "did you mean")),
        ({"live_auc_drop": 0.6}, ("'retrain.live_auc_drop'", "less than or equal to 0.5")),
        ({"estimated_auc_drop": 0}, ("'retrain.estimated_auc_drop'", "greater than 0")),
        ({"drift_alert_share": 1.5}, ("'retrain.drift_alert_share'", "less than or equal to 1")),
        ({"min_labelled_rows": 10}, ("'retrain.min_labelled_rows'", "greater than or equal to 30")),
        ({"min_labelled_rows": None}, ("'retrain.min_labelled_rows'", "got None")),
        ({"max_model_age_days": "6 months"}, ("'retrain.max_model_age_days'", "got '6 months'")),
        ({"schedule_min_outcomes": 10}, ("'retrain.schedule_min_outcomes'", "greater than or")),
        # The absolute floor is gone (ROC AUC among approvals depends on the threshold).
        ({"live_auc_floor": 0.75}, ("unknown key 'retrain.live_auc_floor'",)),
    ],
    ids=["unknown_key", "live_drop_above_half", "drop_0", "share_above_1", "too_few_labels",
         "labels_null", "age_not_a_number", "schedule_too_few", "old_floor"],
)  # fmt: skip
def test_a_bad_retrain_section_is_refused_naming_the_key(raw_params, tmp_path, retrain, words):
    path = tmp_path / "params.yaml"
    params = copy.deepcopy(raw_params)
    params["retrain"] = {"live_auc_drop": 0.05, "max_model_age_days": None}
    write_config(path, params)
    assert load_params(path).retrain == RetrainParams(max_model_age_days=None)
    params["retrain"].update(retrain)
    write_config(path, params)
    with pytest.raises(ConfigError) as caught:
        load_params(path)
    assert all(
        word in str(caught.value) for word in (f"{path.parent / 'policy.yaml'}: ", *words)
    ), caught.value


def test_the_projects_retrain_section_is_the_documented_defaults(project_root):
    assert load_params(project_root / "params.yaml").retrain == RetrainParams()
    assert RetrainParams().schedule_min_outcomes == 500  # the simulation's choice (README)
