"""Protects the cost of exploration in the monitoring report: over a real store's window of two
UTC days with approvals by the model, approvals by exploration (part-time applicants and
others) and rejections, some explored loans repaid and some defaulted, monitoring.json states
the explored approvals, the budget used per day against serve.exploration's caps, their
expected loss at decision time and their realised value, per targeted segment too; the
Markdown and the page show the same section; with exploration off the report says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from modelops.config.params import ExplorationParams, ServeParams
from modelops.monitor.coverage import exploration_statement
from modelops.monitor.markdown import render_markdown
from modelops.monitor.page import render_page
from modelops.monitor.reference import Reference, build_reference
from modelops.monitor.run import monitor_window
from modelops.store import Decision, PredictionStore

START = datetime(2026, 11, 1, 20, tzinfo=UTC)
SETTINGS = ExplorationParams(rate=0.1, max_per_day=4, max_expected_loss_per_day=2000.0,
                             segments={"Job": ["partime"]})  # fmt: skip
# (day, Job, p_default, amount, outcome) of each approval by exploration
EXPLORED = [
    (0, "partime", 0.6, 1000.0, "good"),
    (0, "partime", 0.7, 500.0, "bad"),
    (0, "partime", 0.8, 800.0, None),
    (1, "partime", 0.6, 2000.0, "good"),
]
MARGIN, LOSS = 0.15, 0.55  # the sample's business.yaml


def loss(p: float, amount: float) -> float:
    return amount * (p * LOSS - (1 - p) * MARGIN)


def _report(store_file, sample, features, contract, params) -> dict:
    store = PredictionStore(f"sqlite:///{store_file}")
    store.create_schema()
    rows = sample[features].sample(60, random_state=2)
    applications = iter(rows.astype(object).where(rows.notna(), None).to_dict("records"))
    decisions, outcomes = [], []
    for n, (day, job, p, amount, outcome) in enumerate(EXPLORED):
        at = START + timedelta(days=day, minutes=n)
        application = {**next(applications), "Job": job, "Amount": amount}
        decisions.append(Decision(f"e{n}", at, "v1", application, p, "approve", 0.5, 0.1, True))
        if outcome:
            outcomes.append((f"e{n}", outcome))
    for n in range(30):  # the model's approvals (fixed jobs) and rejections (part-time too)
        job = "partime" if n % 3 == 0 else "fixed"
        approve = n % 2 == 0 and job == "fixed"
        decisions.append(Decision(f"m{n}", START + timedelta(minutes=10 + n), "v1",
                                  {**next(applications), "Job": job}, 0.2 if approve else 0.7,
                                  "approve" if approve else "reject", 0.5,
                                  1.0 if approve else 0.9))  # fmt: skip
    store.record(decisions)
    for prediction_id, outcome in outcomes:
        store.record_outcome(prediction_id, outcome, START + timedelta(days=3))
    p = np.linspace(0.01, 0.99, 200)
    is_bad = (p > 0.5) | (np.arange(200) % 5 == 0)  # approved test rows default too
    reference = Reference(
        build_reference(sample, features, contract, p, is_bad, p > 0.5, 0.5,
                        {"roc_auc": 0.8, "brier": 0.1, "business": {"value_per_application": 1.0}},
                        np.full(200, 1000.0), params.business, params.monitor),
        "test",
    )  # fmt: skip
    found = monitor_window(store, reference, contract, params, START, START + timedelta(days=2),
                           "v1")  # fmt: skip
    store.dispose()
    return found


@pytest.fixture(scope="module")
def report(tmp_path_factory, sample, features, sample_contract, sample_params):
    params = sample_params.model_copy(update={"serve": ServeParams(exploration=SETTINGS)})
    store = tmp_path_factory.mktemp("exploration-cost") / "store.db"
    return _report(store, sample, features, sample_contract, params)


def test_count_expected_loss_and_realised_value(report):
    cost = report["exploration"]
    assert cost["settings"] == SETTINGS.model_dump()
    assert cost["explored_approvals"] == 4
    assert cost["expected_loss"] == pytest.approx(sum(loss(p, a) for _, _, p, a, _ in EXPLORED))
    assert (cost["with_outcome"], cost["bad"]) == (3, 1)
    assert cost["realised_value"] == pytest.approx(1000 * MARGIN - 500 * LOSS + 2000 * MARGIN)
    assert cost["bad_rate"] == pytest.approx(1 / 3)
    assert cost["expected_bad_rate"] == pytest.approx((0.6 + 0.7 + 0.6) / 3)


def test_budget_used_per_utc_day(report):
    first = sum(loss(p, a) for d, _, p, a, _ in EXPLORED if d == 0)
    assert report["exploration"]["budget_by_day"] == [
        {"day": "2026-11-01", "approvals": 3, "expected_loss": pytest.approx(first),
         "share_of_max_per_day": 0.75, "share_of_max_expected_loss": pytest.approx(first / 2000)},
        {"day": "2026-11-02", "approvals": 1, "expected_loss": pytest.approx(loss(0.6, 2000)),
         "share_of_max_per_day": 0.25,
         "share_of_max_expected_loss": pytest.approx(loss(0.6, 2000) / 2000)},
    ]  # fmt: skip


def test_per_targeted_segment(report):
    (segment,) = report["exploration"]["by_segment"]
    assert (segment["column"], segment["value"]) == ("Job", "partime")
    assert segment["predictions"] == 4 + 10  # explored, and the model's part-time rejections
    assert (segment["approved_by_model"], segment["explored_approvals"]) == (0, 4)
    assert (segment["with_outcome"], segment["bad"]) == (3, 1)


def test_the_markdown_and_the_page_state_it(report):
    markdown, page = render_markdown(report), render_page(report)
    assert "### Exploration" in markdown and '<section id="exploration">' in page
    for sentence in exploration_statement(report["exploration"]):
        assert sentence in markdown
    assert "4 approvals by exploration (rate 0.1, targeted: Job in partime" in markdown
    assert "the busiest, 2026-11-01, 3 approvals" in markdown and "(75% of max_per_day" in markdown
    assert "With an outcome: 3, 1 bad" in markdown and "realised value 175" in markdown
    assert "| Job = partime | 14 | 0 | 4 | 3 | 1 | 175 |" in markdown
    assert '<table id="exploration-table">' in page and "Job = partime" in page


def test_off_says_so(tmp_path, sample, features, sample_contract, sample_params):
    cost = {"settings": ExplorationParams().model_dump(), "explored_approvals": 0}
    assert exploration_statement(cost)[0].startswith("Exploration is off")
    # A report from before the section: nothing shown, nothing fails.
    assert "### Exploration" not in render_markdown(
        {**_report(tmp_path / "s.db", sample, features, sample_contract, sample_params),
         "exploration": None}
    )  # fmt: skip
