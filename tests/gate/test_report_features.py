"""Protects the report's feature section: against each baseline (main, prod) the features
that left and joined, and what the change cost on the same rows in ROC AUC and business
value; a baseline not compared on the same rows, or whose features are unknown, says so."""

from modelops.review.report import build_report

METRICS = {"roc_auc": 0.853, "business": {"value_per_application": 38.62}}
OLD = ["Age", "Income", "Marital"]


def baseline(name, features, status="compared", metrics=None) -> dict:
    same = {"status": status, "note": "", "metrics": metrics, "segments": None, "drops": {}}
    return {"name": name, "ref": name, "commit": "abc12345", "found": True, "note": "",
            "metrics": {"roc_auc": 0.9}, "features": features, "same_rows": same}  # fmt: skip


def report(*baselines) -> list[str]:
    verdict = {"passed": True, "failed_rules": [], "rules": [], "baselines": list(baselines)}
    current = {"metrics": METRICS, "training": {"features": ["Income", "Seniority"]}}
    return build_report(current, verdict, []).splitlines()


def test_features_that_left_and_joined_with_their_cost_on_the_same_rows():
    main = baseline("main", OLD, metrics={"roc_auc": 0.8589, "business": {
        "value_per_application": 42.03}})  # fmt: skip
    prod = baseline("prod", ["Income", "Seniority"], metrics=METRICS)
    lines = report(main, prod)
    assert "| main | Age, Marital | Seniority | -0.0059 | -3.41 |" in lines
    assert "| prod | none | none | +0.0000 | +0.00 |" in lines


def test_a_baseline_not_compared_or_without_features_says_so():
    lines = report(baseline("main", OLD, status="not comparable"), baseline("prod", None))
    assert any(
        line.startswith("| main | Age, Marital | Seniority | not compared (not comparable)")
        for line in lines
    )
    assert "| prod | n/a (not reported there) | | | |" in lines


def test_features_unreported_here_say_so():
    verdict = {"passed": True, "failed_rules": [], "rules": [], "baselines": []}
    text = build_report({"metrics": METRICS}, verdict, [])
    assert "This change's features are not reported." in text
