"""Protects the retrain policy, rule by rule (a table: what the monitor found, the decision,
words of its reasons), its refusal to judge a report that lacks what a rule needs, and the
retrain section of params.yaml: a misspelt key or a limit out of range is refused on load."""

import copy
import re
from datetime import UTC, datetime

import pytest
from support.config import write_config

from modelops.config.params import RetrainParams, load_params
from modelops.errors import ConfigError
from modelops.retrain.policy import decide, model_age_days

PARAMS = RetrainParams()  # floor 0.75, drop 0.05, drift share 0.25, 500 labelled, 180 days
REFERENCE = {"roc_auc": 0.875, "brier": 0.13}
FEATURES = ["Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount"]


def report(low=0.8125, rows=1000, estimated=0.875, alerts=0, with_outcome=1000, live=True):
    """A monitoring.json as modelops monitor writes it (only the keys the policy reads, and a
    few it does not), the first `alerts` of 8 features at drift alert."""
    auc = {"value": 0.84, "low": low, "high": 0.88, "reference": REFERENCE["roc_auc"]}
    levels = ["alert"] * alerts + ["ok"] * (len(FEATURES) - alerts)
    return {
        "verdict": "ok",
        "window": {"until": "2025-07-01T00:00:00+00:00", "with_outcome": with_outcome},
        "drift": {
            "features": [{"name": n, "level": lv} for n, lv in zip(FEATURES, levels, strict=True)]
        },
        "live": {"rows": rows, "metrics": {"roc_auc": auc}} if live else None,
        "estimated": None if estimated is None else {"roc_auc": estimated},
    }


# (id, report, model age in days, params changed, retrain?, words of the reasons in order)
CASES = [
    ("all_hold", report(), 30, {}, False,
     [("every rule holds", "live ROC AUC low end 0.812 >= floor 0.75",
       "estimated ROC AUC 0.875 >= reference 0.875 - 0.05", "0 of 8 features at drift alert",
       "model age 30.0 days <= 180")]),
    ("live_below_floor", report(low=0.74), 30, {}, True,
     [("live ROC AUC interval low end 0.740 below the floor 0.75",)]),
    ("live_at_floor_keeps", report(low=0.75), 30, {}, False, [("low end 0.750 >= floor 0.75",)]),
    ("live_too_few_labels", report(low=0.6, rows=499), 30, {}, False,
     [("499 labelled rows < min_labelled_rows 500, not judged",)]),
    ("live_enough_labels", report(low=0.6, rows=500), 30, {}, True, [("low end 0.600",)]),
    ("no_outcomes_yet", report(live=False), 30, {}, False,
     [("live ROC AUC: no outcomes yet, not judged",)]),
    ("no_outcomes_yet_when_retraining", report(live=False), 200, {}, True,
     [("model age 200.0 days",)]),
    ("live_one_class", report(low=None), 30, {}, False, [("not computable",)]),
    ("live_rule_off", report(low=0.5), 30, {"live_auc_floor": None}, False,
     [("live ROC AUC: rule off (retrain.live_auc_floor is null)",)]),
    # Dyadic numbers, so that the boundary is exact: 0.875 - 0.125 = 0.75.
    ("estimate_at_limit_keeps", report(estimated=0.75), 30, {"estimated_auc_drop": 0.125},
     False, [("estimated ROC AUC 0.750 >= reference 0.875 - 0.125",)]),
    ("estimate_below_limit", report(estimated=0.7490), 30, {"estimated_auc_drop": 0.125}, True,
     [("estimated ROC AUC 0.749 below the reference 0.875 - 0.125",)]),
    ("estimate_default_drop", report(estimated=0.80), 30, {}, True,
     [("estimated ROC AUC 0.800 below the reference 0.875 - 0.05",)]),
    ("no_predictions", report(estimated=None, live=False), 30, {}, False,
     [("estimated ROC AUC: no predictions in the window, not judged",)]),
    ("drift_below_share", report(alerts=1), 30, {}, False,
     [("drift: 1 of 8 features at drift alert (12%) < 25%",)]),
    ("drift_at_share", report(alerts=2), 30, {}, True,
     [("drift: 2 of 8 features at drift alert (25%) >= 25%", "1000 labelled rows")]),
    # Drifted inputs without outcomes: a retrain would learn nothing new yet.
    ("drift_without_labels", report(alerts=8, with_outcome=499, live=False), 30, {}, False,
     [("8 of 8 features", "499 labelled rows < min_labelled_rows 500: nothing new to learn",)]),
    ("drift_rule_off", report(alerts=8), 30, {"drift_alert_share": None}, False,
     [("drift: rule off",)]),
    ("age_at_limit_keeps", report(), 180, {}, False, [("model age 180.0 days <= 180",)]),
    ("age_above_limit", report(), 180.5, {}, True,
     [("model age 180.5 days above max_model_age_days 180",)]),
    ("age_rule_off", report(), None, {"max_model_age_days": None}, False,
     [("model age: rule off",)]),
    # Every rule that fires is a reason, in rule order; nothing that held is listed.
    ("several_reasons", report(low=0.7, estimated=0.7, alerts=4), 400, {}, True,
     [("live ROC AUC",), ("estimated ROC AUC",), ("drift: 4 of 8",), ("model age 400.0",)]),
]  # fmt: skip


@pytest.mark.parametrize(("monitoring", "age", "changes", "retrain", "reasons"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_the_decision_and_its_reasons(monitoring, age, changes, retrain, reasons):
    decision = decide(monitoring, REFERENCE, age, PARAMS.model_copy(update=changes))
    assert decision.retrain is retrain
    assert len(decision.reasons) == len(reasons), decision.reasons
    for line, words in zip(decision.reasons, reasons, strict=True):
        assert all(word in line for word in words), line
    assert all("\n" not in line for line in decision.reasons)


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
    ["live", "live.rows", "live.metrics.roc_auc.low", "estimated", "estimated.roc_auc",
     "drift", "drift.features[3].level", "window.with_outcome"],
)  # fmt: skip
def test_a_report_lacking_a_key_is_refused_naming_it(key):
    with pytest.raises(ValueError, match=re.escape(f"lacks '{key}'")):
        decide(without(key), REFERENCE, 30, PARAMS)


@pytest.mark.parametrize(
    ("monitoring", "reference", "age", "words"),
    [
        (report(), {"brier": 0.1}, 30, "reference metrics lack 'roc_auc'"),
        (report(), REFERENCE, None, "the model's age is unknown"),
        ({**report(), "drift": {"features": []}}, REFERENCE, 30, "lists no feature"),
        ({**report(), "live": {"rows": "many"}}, REFERENCE, 30, "'live.rows' is 'many'"),
    ],
    ids=["no_reference_auc", "no_age", "no_features", "rows_not_a_number"],
)
def test_what_a_rule_cannot_judge_is_refused_not_passed(monitoring, reference, age, words):
    with pytest.raises(ValueError, match=words):
        decide(monitoring, reference, age, PARAMS)


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
        ({"live_auc_flor": 0.7}, ("unknown key 'retrain.live_auc_flor'", "did you mean")),
        ({"live_auc_floor": 1.2}, ("'retrain.live_auc_floor'", "less than 1", "got 1.2")),
        ({"estimated_auc_drop": 0}, ("'retrain.estimated_auc_drop'", "greater than 0")),
        ({"drift_alert_share": 1.5}, ("'retrain.drift_alert_share'", "less than or equal to 1")),
        ({"min_labelled_rows": 10}, ("'retrain.min_labelled_rows'", "greater than or equal to 30")),
        ({"min_labelled_rows": None}, ("'retrain.min_labelled_rows'", "got None")),
        ({"max_model_age_days": "6 months"}, ("'retrain.max_model_age_days'", "got '6 months'")),
    ],
    ids=["unknown_key", "floor_above_1", "drop_0", "share_above_1", "too_few_labels",
         "labels_null", "age_not_a_number"],
)  # fmt: skip
def test_a_bad_retrain_section_is_refused_naming_the_key(raw_params, tmp_path, retrain, words):
    path = tmp_path / "params.yaml"
    params = copy.deepcopy(raw_params)
    params["retrain"] = {"live_auc_floor": 0.75, "max_model_age_days": None}
    write_config(path, params)
    assert load_params(path).retrain == PARAMS.model_copy(update={"max_model_age_days": None})
    params["retrain"].update(retrain)
    write_config(path, params)
    with pytest.raises(ConfigError) as caught:
        load_params(path)
    assert all(
        word in str(caught.value) for word in (f"{path.parent / 'policy.yaml'}: ", *words)
    ), caught.value


def test_the_projects_retrain_section_is_the_documented_defaults(project_root):
    assert load_params(project_root / "params.yaml").retrain == PARAMS
