"""Protects `modelops feedback export`: exactly the predictions whose outcome is final become
rows, one CSV per month of prediction, in the contract's columns and a fixed order, byte for
byte the same from the same store; a late outcome joins its month; bad input is one line."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from support.cli import console, in_process, one_error_line
from support.config import write_config

from modelops.store import Decision, PredictionStore

AS_OF = "2027-01-01T00:00:00Z"  # with min_outcome_age_days 30: outcomes up to 2026-12-02
HEADER = ["Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses", "Income",
          "Assets", "Debt", "Amount", "Price", "Status", "applicant_id", "prediction_id",
          "model_version", "predicted_at", "observed_at", "p_default", "decision", "propensity",
          "explored"]  # fmt: skip
APPLICATION = {"Seniority": 9, "Home": "Rent ", "Time": 60, "Age": 30, "Marital": "married",
               "Records": "no", "Job": "freelance", "Expenses": 73.5, "Income": None,
               "Assets": 0.0, "Debt": 0, "Amount": 800, "Price": 846}  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def project(tmp_path, raw_params, contract_file):
    """tmp_path with params (feedback.min_outcome_age_days 30) and a store: predictions in
    October and November 2026, some with outcomes old enough, one too recent, one without."""
    raw = {**raw_params, "feedback": {"min_outcome_age_days": 30}}
    write_config(tmp_path / "params.yaml", raw)
    store = PredictionStore(f"sqlite:///{tmp_path / 'store.db'}")
    store.create_schema()
    decisions = [  # id, predicted_at, p_default
        ("oct-final", "2026-10-05T10:00:00", 0.1234567890123),
        ("oct-recent", "2026-10-20T00:00:00", 0.5),
        ("oct-late", "2026-10-25T08:30:00.250000", 0.7),
        ("nov-b", "2026-11-03T09:00:00", 0.2),
        ("nov-a", "2026-11-03T09:00:00", 0.3),  # same time as nov-b: the id orders them
        ("nov-none", "2026-11-10T00:00:00", 0.4),
    ]
    store.record(
        [
            Decision(i, at(t), "v1.0.0", {**APPLICATION, "Age": 30 + n}, p, "approve", 0.6)
            for n, (i, t, p) in enumerate(decisions)
        ]
        + [  # exploration at rate 0.1: one approved against the model, one kept rejected;
            # both sent with the client's applicant id
            Decision("nov-explored", at("2026-11-04T00:00:00"), "v1.0.0",
                     {**APPLICATION, "applicant_id": "A-17"}, 0.8, "approve", 0.6, 0.1, True),
            Decision("nov-rejected", at("2026-11-05T00:00:00"), "v1.0.0",
                     {**APPLICATION, "applicant_id": "A-18"}, 0.9, "reject", 0.6, 0.9, False),
        ]
    )  # fmt: skip
    store.record_outcome("oct-final", "bad", at("2026-11-01T00:00:00"))
    store.record_outcome("oct-recent", "good", at("2026-12-20T00:00:00"))  # after the cut-off
    store.record_outcome("nov-b", "good", at("2026-11-20T00:00:00"))
    # Given in another zone: exported in UTC.
    plus_two = timezone(timedelta(hours=2))
    store.record_outcome("nov-a", "bad", datetime(2026, 12, 2, 1, 0, tzinfo=plus_two))
    store.record_outcome("nov-explored", "good", at("2026-11-25T00:00:00"))
    store.record_outcome("nov-rejected", "bad", at("2026-11-25T00:00:00"))
    received_when_observed(store)
    store.dispose()
    (tmp_path / "contract.yaml").write_bytes(contract_file.read_bytes())
    return tmp_path


def received_when_observed(store: PredictionStore) -> None:
    """Each outcome received when it was observed, as the service would have had it: the
    times here are not today's, and an outcome observed after it was received is skipped."""
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE outcomes SET received_at = observed_at"))


def export(folder, *options, run=in_process):
    return run(folder, "feedback", "export", "--store", f"sqlite:///{folder / 'store.db'}",
               "--output", "feedback", "--params", "params.yaml", "--contract", "contract.yaml",
               *options)  # fmt: skip


def rows_of(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_exports_exactly_the_final_outcomes_one_file_a_month(project):
    result = export(project, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert sorted(files(project / "feedback")) == ["2026-10.csv", "2026-11.csv"]
    october = rows_of(project / "feedback/2026-10.csv")
    november = rows_of(project / "feedback/2026-11.csv")
    # oct-recent is too recent (observed after 2026-12-02), oct-late and nov-none have none.
    assert [r["prediction_id"] for r in october] == ["oct-final"]
    assert [r["prediction_id"] for r in november] == ["nov-a", "nov-b", "nov-explored",
                                                      "nov-rejected"]  # fmt: skip
    assert "2026-10.csv: 1 rows" in result.stdout and "2026-11.csv: 4 rows" in result.stdout
    assert "5 rows in 2 files" in result.stdout


def test_columns_target_and_provenance(project):
    assert export(project, "--as-of", AS_OF).returncode == 0
    text = (project / "feedback/2026-10.csv").read_text("utf-8")
    assert text.splitlines()[0].split(",") == HEADER
    (row,) = rows_of(project / "feedback/2026-10.csv")
    assert row == {
        # the application as received: text untouched, numbers in the form sent, null empty
        "Seniority": "9", "Home": "Rent ", "Time": "60", "Age": "30", "Marital": "married",
        "Records": "no", "Job": "freelance", "Expenses": "73.5", "Income": "", "Assets": "0.0",
        "Debt": "0", "Amount": "800", "Price": "846",
        "Status": "bad",
        "applicant_id": "oct-final",
        "prediction_id": "oct-final",
        "model_version": "v1.0.0",
        "predicted_at": "2026-10-05T10:00:00.000000Z",
        "observed_at": "2026-11-01T00:00:00.000000Z",
        "p_default": "0.1234567890123",
        "decision": "approve",
        "propensity": "1.0",
        "explored": "no",
    }  # fmt: skip
    nov_a = rows_of(project / "feedback/2026-11.csv")[0]
    assert (nov_a["Status"], nov_a["observed_at"]) == ("bad", "2026-12-01T23:00:00.000000Z")


def test_exploration_provenance_and_the_client_applicant_id(project):
    """An explored approval carries its propensity (the rate) and explored "yes"; a kept
    rejection 1 - rate; the applicant id is the one the client sent, the prediction's without."""
    assert export(project, "--as-of", AS_OF).returncode == 0
    november = {r["prediction_id"]: r for r in rows_of(project / "feedback/2026-11.csv")}
    provenance = {
        i: (r["applicant_id"], r["decision"], r["propensity"], r["explored"])
        for i, r in november.items()
    }
    assert provenance == {
        "nov-a": ("nov-a", "approve", "1.0", "no"),
        "nov-b": ("nov-b", "approve", "1.0", "no"),
        "nov-explored": ("A-17", "approve", "0.1", "yes"),
        "nov-rejected": ("A-18", "reject", "0.9", "no"),
    }


def test_the_same_store_gives_the_same_bytes(project):
    assert export(project, "--as-of", AS_OF).returncode == 0
    first = files(project / "feedback")
    assert export(project, "--as-of", AS_OF).returncode == 0
    assert files(project / "feedback") == first


def test_a_late_outcome_joins_its_month_and_other_months_stay(project):
    (project / "feedback").mkdir()
    (project / "feedback/2026-01.csv").write_text("pruned from the store\n", "utf-8")
    assert export(project, "--as-of", AS_OF).returncode == 0
    before = files(project / "feedback")
    store = PredictionStore(f"sqlite:///{project / 'store.db'}")
    store.record_outcome("oct-late", "good", at("2026-11-15T00:00:00"))
    store.dispose()
    result = export(project, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    after = files(project / "feedback")
    october = rows_of(project / "feedback/2026-10.csv")
    assert [(r["prediction_id"], r["Status"]) for r in october] == [
        ("oct-final", "bad"),
        ("oct-late", "good"),
    ]
    assert october[1]["predicted_at"] == "2026-10-25T08:30:00.250000Z"
    assert after["2026-11.csv"] == before["2026-11.csv"]
    assert after["2026-01.csv"] == b"pruned from the store\n"  # a month the store lost: kept


def test_outcomes_become_final_with_time(project):
    """oct-recent (observed 2026-12-20) is exported once 30 days have passed."""
    assert export(project, "--as-of", "2027-01-18T23:59:59Z").returncode == 0
    assert "oct-recent" not in (project / "feedback/2026-10.csv").read_text("utf-8")
    assert export(project, "--as-of", "2027-01-19").returncode == 0
    october = rows_of(project / "feedback/2026-10.csv")
    assert [r["prediction_id"] for r in october] == ["oct-final", "oct-recent"]
    assert all(r["prediction_id"] != "nov-none" for r in rows_of(project / "feedback/2026-11.csv"))


def test_nothing_final_yet_writes_nothing(project):
    result = export(project, "--as-of", "2026-11-15")
    assert result.returncode == 0, result.stderr
    assert "nothing written" in result.stdout
    assert not (project / "feedback").exists()


def test_a_bad_as_of_is_one_line(project):
    one_error_line(export(project, "--as-of", "last tuesday"), "--as-of", "last tuesday")
    assert not (project / "feedback").exists()


@pytest.mark.parametrize("store", ["missing/store.db", "not-a-database.db"])
def test_a_store_that_cannot_be_opened_is_one_line(project, store):
    (project / "not-a-database.db").write_text("these are not the tables you are looking for")
    result = in_process(project, "feedback", "export", "--store", f"sqlite:///{store}",
                        "--params", "params.yaml", "--contract", "contract.yaml")  # fmt: skip
    one_error_line(result, "store", store)
    assert not (project / "data" / "feedback").exists()  # data/ holds sources.yaml
    assert not (project / "missing").exists()  # no empty store created by the attempt


def test_the_console_script_answers_alike(project):
    result = export(project, "--as-of", "yesterday", run=console)
    one_error_line(result, "--as-of")
    result = export(project, "--as-of", AS_OF, run=console)
    assert result.returncode == 0, result.stderr
    assert sorted(files(project / "feedback")) == ["2026-10.csv", "2026-11.csv"]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [("A-17", "A-17"), (None, "p-1"), ("", "p-1"), ("  ", "p-1"), ("absent", "p-1")],
)
def test_applicant_id_is_the_sent_one_when_there_is_one(sent, expected):
    from modelops.feedback.export import applicant_id

    application = {"Age": 30} if sent == "absent" else {"Age": 30, "applicant_id": sent}
    assert applicant_id(application, "applicant_id", "p-1") == expected
