"""Protects the data side of the feedback loop end to end: a store's labelled predictions,
exported by `modelops feedback export` into a sample project's data/feedback, pass the contract
in a real `dvc repro`; an applicant seen again keeps the feedback row; the newest feedback is
in the test set and no prediction is in both sets."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pandas as pd
from support.repos import run

from modelops.config import paths
from modelops.store import Decision, PredictionStore

FEEDBACK_ROWS = 300
REPEATED = 5  # applicants of the original data who apply again (the client sends their id)
START = datetime(2026, 10, 1, tzinfo=UTC)


def application(row: pd.Series, features: list[str]) -> dict:
    """A row as the service receives it: JSON values, missing as null."""
    values = {}
    for name in features:
        value = row[name]
        if isinstance(value, float) and math.isnan(value):
            values[name] = None
        else:
            values[name] = value.item() if hasattr(value, "item") else value
    return values


def labelled_store(path, sample: pd.DataFrame, features: list[str]) -> str:
    """A store with FEEDBACK_ROWS answered applications three hours apart, each with its outcome
    ten days later; the first REPEATED are original applicants, their outcome now reversed."""
    url = f"sqlite:///{path}"
    store = PredictionStore(url)
    store.create_schema()
    decisions, outcomes = [], []
    for i in range(FEEDBACK_ROWS):
        repeated = i < REPEATED
        row = sample.iloc[i] if repeated else sample.iloc[1000 + i]
        sent = application(row, features)
        if repeated:
            sent["applicant_id"] = row["applicant_id"]
        at = START + timedelta(hours=3 * i)
        prediction_id = f"pred-{i:04d}"
        decisions.append(Decision(prediction_id, at, "v1.0.0", sent, 0.2, "approve", 0.5))
        status = {"good": "bad", "bad": "good"}[row["Status"]] if repeated else row["Status"]
        outcomes.append((prediction_id, status, at + timedelta(days=10)))
    store.record(decisions)
    for prediction_id, status, observed in outcomes:
        store.record_outcome(prediction_id, status, observed)
    store.dispose()
    return url


def test_exported_feedback_passes_the_contract_and_its_newest_rows_are_tested(
    sample_repo, sample, features, tmp_path
):
    # As the service stores them: the model's features and the protected attributes it does
    # not read (Marital: kept to measure fairness), which the contract wants in every row.
    url = labelled_store(tmp_path / "store.db", sample, [*features, "Marital"])
    run("modelops", "feedback", "export", "--store", url, "--output", "data/feedback",
        "--as-of", "2027-06-01T00:00:00Z", cwd=sample_repo)  # fmt: skip
    assert sorted(p.name for p in (sample_repo / "data/feedback").iterdir()) == [
        "2026-10.csv",
        "2026-11.csv",
    ]
    run("dvc", "add", "data/feedback", cwd=sample_repo)
    run("dvc", "repro", cwd=sample_repo)

    quality = json.loads((sample_repo / paths.DATA_QUALITY).read_text(encoding="utf-8"))
    assert quality["passed"] and quality["rows_quarantined"] == 0
    assert quality["older_observations_dropped"] == REPEATED
    assert quality["rows_out"] == len(sample) + FEEDBACK_ROWS - REPEATED

    validated = pd.read_parquet(sample_repo / paths.VALIDATED).set_index("applicant_id")
    again = sample["applicant_id"].iloc[:REPEATED]
    assert (validated.loc[again, "source"] == "feedback").all()
    assert (validated.loc[again, "Status"] != sample["Status"].iloc[:REPEATED].values).all()

    train = pd.read_parquet(sample_repo / paths.TRAIN)
    test = pd.read_parquet(sample_repo / paths.TEST)
    in_train, in_test = set(train["prediction_id"].dropna()), set(test["prediction_id"].dropna())
    assert in_train.isdisjoint(in_test)
    assert len(in_train) + len(in_test) == FEEDBACK_ROWS
    newest = {f"pred-{i:04d}" for i in range(FEEDBACK_ROWS - 60, FEEDBACK_ROWS)}  # 0.2 of 300
    assert newest <= in_test
    assert train["predicted_at"].max() < test.loc[test["prediction_id"].isin(newest),
                                                  "predicted_at"].min()  # fmt: skip
