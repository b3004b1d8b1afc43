"""Protects the pull-request report: verdict first (failing rules with their numbers), for each
baseline its model on this change's rows with the signed delta (and interval) beside its
metrics as stored from its own test set, business value, and the changed params.
"""

from modelops.review.report import WATERMARK, build_report, flatten, params_changes

METRICS = {"roc_auc": 0.80, "brier": 0.13, "business": {"value_per_application": 40.0}}
MAIN = {"name": "main", "ref": "main", "commit": "0123456789abcdef", "found": True, "note": ""}
MAIN["metrics"] = {"roc_auc": 0.86, "brier": 0.11, "business": {"value_per_application": 45.0}}
MAIN["same_rows"] = {
    "status": "compared",
    "note": "models/model.skops from the DVC cache",
    "metrics": {"roc_auc": 0.85, "brier": 0.12, "business": {"value_per_application": 42.5}},
    "segments": None,
    "drops": {"roc_auc": {"point": 0.05, "low": 0.03, "high": 0.07}},
}
PROD = {"name": "prod", "ref": "credit-risk#prod", "commit": None, "found": False}
PROD |= {"note": "no version of credit-risk in prod", "metrics": None, "same_rows": None}


def rule(name, value, passed, baseline=None):
    return {"rule": name, "value": value, "threshold": "drop <= 0.01", "passed": passed,
            "baseline": baseline, "note": ""}  # fmt: skip


def verdict(passed: bool, main: dict = MAIN) -> dict:
    rules = [rule("brier drop vs main", 0.13, True, 0.12)]
    rules.append(rule("roc_auc drop vs main", 0.80, passed, 0.85))
    failed = [] if passed else ["roc_auc drop vs main"]
    return {"passed": passed, "failed_rules": failed, "rules": rules, "baselines": [main, PROD]}


def report(passed: bool, main: dict = MAIN) -> list[str]:
    return build_report({"metrics": METRICS}, verdict(passed, main), []).splitlines()


def test_passing_report_starts_with_watermark_and_verdict():
    lines = report(True)
    assert lines[:2] == [WATERMARK, "## ✅ Gate passed"]
    assert (
        "- Baseline **main**: `main` at `01234567`; its model on this change's rows: compared "
        "(models/model.skops from the DVC cache)"
    ) in lines
    assert "- Baseline **prod**: none (no version of credit-risk in prod)" in lines
    assert "Failing rules:" not in lines


def test_failing_report_lists_failed_rules_first_with_numbers():
    lines = report(False)
    assert lines[:5] == [WATERMARK, "## ❌ Gate failed", "", "Failing rules:", ""]
    assert lines[5] == "- **roc_auc drop vs main**: 0.8000 (needs drop <= 0.01; baseline 0.8500)"
    assert not lines[6].startswith("- **")


def test_metrics_table_has_same_rows_and_stored_columns_side_by_side():
    lines = report(True)
    header = "| metric | this change | main, same rows | Δ | main, its own test set |"
    assert header in lines
    # the delta on the same rows, with the interval where a rule judges the drop
    assert "| roc_auc | 0.8000 | 0.8500 | -0.0500 [-0.0700, -0.0300] | 0.8600 |" in lines
    assert "| brier | 0.1300 | 0.1200 | +0.0100 | 0.1100 |" in lines
    assert "| f1 | n/a | n/a | n/a | n/a |" in lines
    assert not any("prod" in line for line in lines if line.startswith("| metric"))


def test_a_baseline_model_not_compared_keeps_only_its_stored_column():
    unavailable = {"status": "baseline model unavailable", "note": "no way worked"}
    lines = report(False, {**MAIN, "same_rows": {**MAIN["same_rows"], **unavailable}})
    assert "| metric | this change | main, its own test set |" in lines
    assert "| roc_auc | 0.8000 | 0.8600 |" in lines
    assert any(line.endswith("baseline model unavailable (no way worked)") for line in lines)


def test_business_value_section():
    text = build_report({"metrics": METRICS}, verdict(True), [])
    assert "### Business value per application" in text
    assert "| model | 40.00 | 42.50 | -2.50 | 45.00 |" in text.splitlines()


def test_params_changes_lists_exactly_the_changed_dotted_keys():
    before = {"train": {"model": "lr", "seed": 1, "lr": {"C": 1.0}}, "split": {"seed": 4}}
    after = {"train": {"model": "rf", "seed": 1, "rf": {"depth": 3}}, "split": {"seed": 4}}
    assert flatten(before) == {"train.model": "lr", "train.seed": 1, "train.lr.C": 1.0,
                               "split.seed": 4}  # fmt: skip
    assert params_changes(before, after) == [
        ("train.lr.C", 1.0, None),
        ("train.model", "lr", "rf"),
        ("train.rf.depth", None, 3),
    ]
    assert params_changes(after, after) == []


def test_params_section_in_report():
    changes = [("train.model", "lr", "rf")]
    text = build_report({"metrics": METRICS}, verdict(True), changes)
    assert "### Params changed vs main" in text
    assert "| `train.model` | lr | rf |" in text.splitlines()
    assert "No params changed." in build_report({"metrics": METRICS}, verdict(True), [])
