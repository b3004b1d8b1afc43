"""Protects `modelops feedback export` from outcomes with impossible times that an older
service stored (it refuses them now, 422): observed before the prediction was made, or after
the outcome was received by more than serve.outcome_clock_skew_seconds. Such rows never
become training rows; they are skipped, counted by rule and named on stderr in one line, the
good rows are exported as ever, and the export exits 0 (one bad row must not stop every later
export of good feedback: outcomes are final, the store cannot be put right).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from support.cli import console, in_process
from support.config import write_config

from modelops.store import Decision, Outcome, PredictionStore

AS_OF = "2027-06-01T00:00:00Z"
PREDICTED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
APPLICATION = {"Seniority": 9, "Home": "rent", "Time": 60, "Age": 30, "Marital": "married",
               "Records": "no", "Job": "freelance", "Expenses": 73.0, "Income": 129.0,
               "Assets": 0.0, "Debt": 0.0, "Amount": 800, "Price": 846}  # fmt: skip
HOUR = timedelta(hours=1)

# id -> (observed_at, received_at), as an older store holds them; the predictions at PREDICTED.
OUTCOMES = {
    "good-1": (PREDICTED + 24 * HOUR, PREDICTED + 25 * HOUR),
    "good-at-the-prediction": (PREDICTED, PREDICTED + HOUR),
    "good-within-the-skew": (PREDICTED + 2 * HOUR + timedelta(seconds=299), PREDICTED + 2 * HOUR),
    # The issue's: observed at the epoch, for a prediction of 2026.
    "epoch": (datetime(1970, 1, 1, tzinfo=UTC), PREDICTED + HOUR),
    "a_microsecond_early": (PREDICTED - timedelta(microseconds=1), PREDICTED + HOUR),
    "a_day_early": (PREDICTED - 24 * HOUR, PREDICTED + HOUR),
    # Observed after it was received, past the skew: the client's clock or a typo.
    "ahead_of_its_receipt": (PREDICTED + 48 * HOUR, PREDICTED + 2 * HOUR),
    "just_past_the_skew": (PREDICTED + 2 * HOUR + timedelta(seconds=301), PREDICTED + 2 * HOUR),
}
IMPOSSIBLE = {"epoch": "observed_at.before_prediction",
              "a_microsecond_early": "observed_at.before_prediction",
              "a_day_early": "observed_at.before_prediction",
              "ahead_of_its_receipt": "observed_at.after_received",
              "just_past_the_skew": "observed_at.after_received"}  # fmt: skip


def older_store(path, outcomes: dict) -> None:
    store = PredictionStore(f"sqlite:///{path}")
    store.create_schema()
    store.record([Decision(i, PREDICTED, "v1.0.0", APPLICATION, 0.1, "approve", 0.5)
                  for i in outcomes])  # fmt: skip
    # As an older service stored them: without today's checks.
    with store.engine.begin() as connection:
        connection.execute(insert(Outcome), [
            {"prediction_id": i, "outcome": "good", "observed_at": seen, "received_at": got}
            for i, (seen, got) in outcomes.items()
        ])  # fmt: skip
    store.dispose()


@pytest.fixture
def project(tmp_path, raw_params, contract_file):
    write_config(tmp_path / "params.yaml", {**raw_params, "feedback": {"min_outcome_age_days": 30}})
    (tmp_path / "contract.yaml").write_bytes(contract_file.read_bytes())
    return tmp_path


def export(folder, run=in_process):
    return run(folder, "feedback", "export", "--store", f"sqlite:///{folder / 'store.db'}",
               "--output", "feedback", "--params", "params.yaml", "--contract", "contract.yaml",
               "--as-of", AS_OF)  # fmt: skip


def exported_ids(folder) -> list[str]:
    with (folder / "feedback" / "2026-11.csv").open(encoding="utf-8", newline="") as file:
        return [row["prediction_id"] for row in csv.DictReader(file)]


@pytest.mark.parametrize("name", OUTCOMES, ids=str)
def test_each_time_exported_or_skipped_by_its_rule(project, name):
    older_store(project / "store.db", {"good-1": OUTCOMES["good-1"], name: OUTCOMES[name]})
    result = export(project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if name in IMPOSSIBLE:
        assert exported_ids(project) == ["good-1"]
        skipped = f"skipped 1 outcomes with an impossible time, not exported ({IMPOSSIBLE[name]} 1)"
        assert skipped in result.stderr
        assert f"e.g. {name}: observed " in result.stderr
    else:
        assert sorted(exported_ids(project)) == sorted({"good-1", name})
        assert "skipped" not in result.stderr


def test_all_at_once_counted_by_rule_in_one_line(project):
    older_store(project / "store.db", OUTCOMES)
    result = export(project, run=console)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert line.startswith(
        "feedback export: skipped 5 outcomes with an impossible time, not exported "
        "(observed_at.after_received 2, observed_at.before_prediction 3): e.g. "
    )
    assert sorted(exported_ids(project)) == sorted(set(OUTCOMES) - set(IMPOSSIBLE))
    assert "feedback export: 3 rows in 1 files" in result.stdout


def test_a_store_of_impossible_outcomes_only_writes_nothing(project):
    older_store(project / "store.db", {"epoch": OUTCOMES["epoch"]})
    result = export(project)
    assert result.returncode == 0, result.stderr
    assert "skipped 1 outcomes" in result.stderr and "nothing written" in result.stdout
    assert not (project / "feedback").exists() or not any((project / "feedback").iterdir())
