"""Protects label coverage by decision: a window of a real store with approvals by the model,
approvals by exploration and rejections, some with outcomes, is counted per decision in
monitoring.json, and the Markdown and the page show the table with the selection-bias note
(and reports written before exploration, without it, still render); the approval rate judged
for drift is the model's, exploration aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from modelops.monitor.coverage import GROUPS, SELECTION_BIAS, coverage_by_decision
from modelops.monitor.markdown import render_markdown
from modelops.monitor.page import render_page
from modelops.monitor.reference import Reference, build_reference
from modelops.monitor.run import monitor_window
from modelops.store import Decision, PredictionStore

START = datetime(2026, 11, 1, tzinfo=UTC)
# (decision, propensity, explored, predictions, with an outcome)
KINDS = [("approve", 1.0, False, 60, 45), ("approve", 0.1, True, 8, 5), ("reject", 0.9, False,
         72, 0)]  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory, sample, features, sample_contract, sample_params):
    store = PredictionStore(f"sqlite:///{tmp_path_factory.mktemp('coverage') / 'store.db'}")
    store.create_schema()
    rows = sample[features].sample(200, random_state=1)
    applications = iter(rows.astype(object).where(rows.notna(), None).to_dict("records"))
    decisions, outcomes, n = [], [], 0
    for decision, propensity, explored, count, labelled in KINDS:
        for i in range(count):
            p = 0.3 if decision == "approve" and not explored else 0.8
            prediction_id = f"{n:036d}"
            decisions.append(Decision(prediction_id, START + timedelta(minutes=n), "v1",
                                      next(applications), p, decision, 0.5, propensity,
                                      explored))  # fmt: skip
            if i < labelled:
                outcomes.append((prediction_id, ("good", "bad")[i % 3 == 0]))
            n += 1
    store.record(decisions)
    for prediction_id, outcome in outcomes:
        store.record_outcome(prediction_id, outcome, START + timedelta(days=20))
    p = np.linspace(0.01, 0.99, 200)
    is_bad = (p > 0.5) | (np.arange(200) % 5 == 0)  # approved test rows default too
    reference = Reference(
        build_reference(sample, features, sample_contract, p, is_bad, p > 0.5, 0.5,
                        {"roc_auc": 0.8, "brier": 0.1, "business": {"value_per_application": 1.0}},
                        np.full(200, 1000.0), sample_params.business, sample_params.monitor),
        "test",
    )  # fmt: skip
    found = monitor_window(store, reference, sample_contract, sample_params, START,
                           START + timedelta(days=1), "v1")  # fmt: skip
    store.dispose()
    return found


def test_coverage_is_counted_per_decision(report):
    assert report["label_coverage"]["by_decision"] == [
        {"decision": "approved by the model", "predictions": 60, "with_outcome": 45,
         "share_labelled": 0.75},
        {"decision": "approved by exploration", "predictions": 8, "with_outcome": 5,
         "share_labelled": 0.625},
        {"decision": "rejected", "predictions": 72, "with_outcome": 0, "share_labelled": 0.0},
    ]  # fmt: skip
    assert report["label_coverage"]["note"] == SELECTION_BIAS
    assert report["window"]["with_outcome"] == 50


def test_the_approval_rate_judged_is_the_models(report):
    """Approvals by exploration are the model's rejections: compared with the reference's
    approval rate, they would read as prediction drift."""
    assert report["drift"]["approval_rate"]["current"] == 60 / 140


def test_a_kind_without_predictions_has_no_share():
    rows = coverage_by_decision(np.array([True]), np.array([False]), np.array([False]))
    assert [r["decision"] for r in rows] == list(GROUPS)
    assert [r["share_labelled"] for r in rows] == [None, None, 0.0]


def test_markdown_shows_the_table_and_says_live_is_on_approvals(report):
    text = render_markdown(report)
    section = text.split("### Label coverage by decision")[1]
    assert "| approved by the model | 60 | 45 | 0.750 |" in section
    assert "| approved by exploration | 8 | 5 | 0.625 |" in section
    assert "| rejected | 72 | 0 | 0.000 |" in section
    assert "a rejected application has no outcome" in section
    assert "selection bias" in section


def test_page_shows_the_table_and_the_note(report):
    html = render_page(report)
    section = html.split('id="label-coverage"')[1].split("</section>")[0]
    assert "<td>approved by exploration</td><td class=num>8</td><td class=num>5</td>" in section
    assert "62.5%" in section and "selection bias" in section


def test_reports_from_before_exploration_still_render(example_report):
    example_report.pop("label_coverage", None)
    assert 'id="label-coverage"' not in render_page(example_report)
    assert "Label coverage by decision" not in render_markdown(example_report)
