"""Protects the monitor's like-for-like comparison: live ROC AUC, measured on the model's
approvals with an outcome (the only outcomes a lender sees), is judged against the reference's
figure on the test rows the model approves, not on all of them. A healthy model is no finding
(although its ROC AUC among approvals is far below the all-rows figure), a model whose scores
no longer rank its approvals is; an old reference without the approved view is refused, never
replaced by the all-rows figure; outcomes of every version served in the window are counted.
A real SQLite store and a reference written by build_reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from modelops.errors import InputError
from modelops.monitor.markdown import render_markdown
from modelops.monitor.page import render_page
from modelops.monitor.reference import Reference, build_reference
from modelops.monitor.run import monitor_window
from modelops.store import Decision, PredictionStore

START = datetime(2026, 11, 1, tzinfo=UTC)
THRESHOLD = 0.3
TEST_ROWS, LIVE_ROWS = 900, 1600


def scores(rng: np.random.Generator, n: int) -> np.ndarray:
    """Like the credit data's: ROC AUC 0.84 over all applicants, 0.70 among the 70% approved
    (below THRESHOLD), whose default rate is 9%."""
    risky = rng.random(n) < 0.3
    return np.where(risky, rng.beta(8, 6, n), rng.beta(2, 20, n))


@pytest.fixture(scope="module")
def reference_data(sample, features, sample_contract, sample_params) -> dict:
    """The reference of a model whose scores are its applicants' true default probabilities."""
    rng = np.random.default_rng(0)
    p = scores(rng, TEST_ROWS)
    is_bad = rng.random(TEST_ROWS) < p
    amount = sample["Amount"].sample(TEST_ROWS, replace=True, random_state=0).to_numpy(float)
    metrics = {"roc_auc": _auc(is_bad, p), "brier": float(np.mean((p - is_bad) ** 2)),
               "business": {"value_per_application": 1.0}}  # fmt: skip
    return build_reference(sample, features, sample_contract, p, is_bad, p >= THRESHOLD,
                           THRESHOLD, metrics, amount, sample_params.business,
                           sample_params.monitor)  # fmt: skip


def _auc(y, p) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))


def window_report(tmp_path, reference, sample, features, contract, params, healthy, versions):
    """A window of LIVE_ROWS predictions by v1 (and, with versions=2, as many by v2 after
    them), outcomes for every approval: drawn from the score (healthy) or from the approved
    loans' mean default rate whatever the score (the scores no longer rank)."""
    rng = np.random.default_rng(1)
    store = PredictionStore(f"sqlite:///{tmp_path / 'store.db'}")
    store.create_schema()
    rows = sample[features].sample(LIVE_ROWS * versions, replace=True, random_state=1)
    applications = rows.astype(object).where(rows.notna(), None).to_dict("records")
    decisions, outcomes = [], []
    for i, application in enumerate(applications):
        p = float(scores(rng, 1)[0])
        version = "v1" if i < LIVE_ROWS else "v2"
        approve = p < THRESHOLD
        prediction_id = f"{i:036d}"
        decisions.append(Decision(prediction_id, START + timedelta(minutes=i), version,
                                  application, p, "approve" if approve else "reject",
                                  THRESHOLD))  # fmt: skip
        if approve:
            bad = rng.random() < (p if healthy else 0.09)
            outcomes.append((prediction_id, "bad" if bad else "good"))
    store.record(decisions)
    for prediction_id, outcome in outcomes:
        store.record_outcome(prediction_id, outcome, START + timedelta(days=60))
    found = monitor_window(store, reference, contract, params, START,
                           START + timedelta(days=10), "v1")  # fmt: skip
    store.dispose()
    return found


def live_reasons(report: dict) -> list[dict]:
    return [r for r in report["reasons"] if r["check"].startswith("live.")]


def test_a_healthy_model_among_its_approvals_is_no_finding(
    tmp_path, reference_data, sample, features, sample_contract, sample_params
):
    reference = Reference(reference_data, "reports/reference.json")
    report = window_report(tmp_path, reference, sample, features, sample_contract,
                           sample_params, healthy=True, versions=1)  # fmt: skip
    auc = report["live"]["metrics"]["roc_auc"]
    approved = reference_data["views"]["approved"]["metrics"]["roc_auc"]["value"]
    assert auc["reference"] == approved
    assert report["live"]["rows"] >= sample_params.monitor.min_rows
    # Judged against all test rows, this healthy model would read as a fall of ~0.1.
    assert (
        auc["value"]
        < reference_data["metrics"]["roc_auc"] - sample_params.monitor.live_auc_drop_alert
    )
    assert live_reasons(report) == []
    shown = render_markdown(report)
    assert "judged against the same figure on the test set's rows the model approves" in shown
    assert f"| roc_auc | {auc['value']:.3f} |" in shown and f"| {approved:.3f} |" in shown
    assert "rows the model approves (" in render_page(report)


def test_a_model_that_no_longer_ranks_its_approvals_alerts(
    tmp_path, reference_data, sample, features, sample_contract, sample_params
):
    reference = Reference(reference_data, "reports/reference.json")
    report = window_report(tmp_path, reference, sample, features, sample_contract,
                           sample_params, healthy=False, versions=1)  # fmt: skip
    (reason,) = [r for r in live_reasons(report) if r["check"] == "live.roc_auc"]
    assert reason["level"] == "alert"
    assert "live ROC AUC among approved loans" in reason["message"]
    assert "on the test set's approved rows" in reason["message"]
    assert report["verdict"] == "alert"


def test_an_old_reference_without_the_approved_view_is_refused(
    tmp_path, reference_data, sample, features, sample_contract, sample_params
):
    old = {key: value for key, value in reference_data.items() if key != "views"}
    reference = Reference(old, "credit-risk@v0.3.0:reports/reference.json")
    with pytest.raises(InputError) as caught:
        window_report(tmp_path, reference, sample, features, sample_contract, sample_params,
                      healthy=True, versions=1)  # fmt: skip
    assert "credit-risk@v0.3.0:reports/reference.json" in str(caught.value)
    assert "lacks 'views.approved'" in str(caught.value)


def test_outcomes_of_every_version_in_the_window_are_counted(
    tmp_path, reference_data, sample, features, sample_contract, sample_params
):
    reference = Reference(reference_data, "reports/reference.json")
    report = window_report(tmp_path, reference, sample, features, sample_contract,
                           sample_params, healthy=True, versions=2)  # fmt: skip
    window = report["window"]
    by_version = {v["version"]: v for v in window["versions"]}
    assert set(by_version) == {"v1", "v2"}
    assert all(v["predictions"] == LIVE_ROWS for v in by_version.values())
    # v1's own figures are v1's; the count a retrain reads is both versions'.
    assert window["with_outcome"] == by_version["v1"]["with_outcome"]
    assert window["with_outcome_all_versions"] == sum(
        v["with_outcome"] for v in by_version.values()
    )
    assert by_version["v2"]["with_outcome"] > 0
    assert "Versions served in the window: " in render_markdown(report)
