"""The labelled production rows: every prediction whose outcome is final, as a row of the
contract's columns (the application as the service received it, the outcome as the target)
followed by its provenance, written as one CSV per month of predicted_at.

CSV, not Parquet: an ingest source of `kind: csv` reads it, a reviewer can diff it, and its
bytes depend only on the rows (Parquet files embed the writer's library version). Every value
is written as text in one fixed way (times in FEEDBACK_TIME_FORMAT, floats as repr), so the
same store gives byte-identical files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path

from modelops.config.contract import Contract
from modelops.files import output_set
from modelops.store import PredictionStore

PROVENANCE = ("prediction_id", "model_version", "predicted_at", "observed_at", "p_default",
              "decision", "propensity", "explored")  # fmt: skip
FEEDBACK_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # UTC, always with microseconds
CHUNK_ROWS = 20_000


def feedback_features(contract: Contract, source_column: str) -> list[str]:
    """The contract's columns an application holds, in the contract's order: all but the
    target, the id column and the source column (ingest adds it)."""
    not_sent = (contract.target.column, contract.dataset.id_column, source_column)
    return [c for c in contract.columns if c not in not_sent]


def feedback_columns(contract: Contract, features: list[str]) -> list[str]:
    """The columns of a feedback file, in order: the features, the contract's target and id
    column, then the provenance."""
    return [*features, contract.target.column, contract.dataset.id_column, *PROVENANCE]


def final_outcomes_cutoff(as_of: datetime, min_outcome_age_days: int) -> datetime:
    """The latest observed_at of an outcome old enough to be final at as_of."""
    return as_of.astimezone(UTC) - timedelta(days=min_outcome_age_days)


def feedback_rows(
    store: PredictionStore,
    features: list[str],
    cutoff: datetime,
    chunk_rows: int = CHUNK_ROWS,
    id_column: str | None = None,
) -> Iterator[tuple[str, list]]:
    """(month of predicted_at as YYYY-MM, row) for every prediction whose outcome was observed
    at or before cutoff, ordered by (predicted_at, prediction_id); rows hold the values of
    feedback_columns, as text or numbers exactly as written."""
    for chunk in store.labelled(cutoff, chunk_rows):
        for stored in chunk:
            prediction_id, at, version, received, p_default, decision, outcome, observed, *how = (
                stored
            )
            # Schema 3 stores how each decision was taken (propensity, explored); a store
            # without it took every decision with certainty: propensity 1, never explored.
            propensity, explored = how[:2] if how else (1.0, False)
            application = json.loads(received)
            predicted_at = _in_utc(at)
            # The applicant id the client sent: an applicant seen again (in the original data
            # or in earlier feedback) is then one applicant, whose newest observation the
            # contract keeps. Without one, the prediction is its own applicant.
            applicant = application.get(id_column) if id_column else None
            row = [
                *(_cell(application.get(name)) for name in features),
                outcome,
                prediction_id if applicant in (None, "") else applicant,
                prediction_id,
                version,
                predicted_at.strftime(FEEDBACK_TIME_FORMAT),
                _in_utc(observed).strftime(FEEDBACK_TIME_FORMAT),
                repr(float(p_default)),
                decision,
                repr(float(propensity)),
                "yes" if explored else "no",
            ]
            yield predicted_at.strftime("%Y-%m"), row


def export_feedback(
    store: PredictionStore, output: Path, contract: Contract, source_column: str, cutoff: datetime
) -> dict[str, int]:
    """Write output/YYYY-MM.csv for every month with a final outcome, all files or none;
    returns {month: rows}. Each month's file is rewritten whole, so an outcome that arrived
    late joins its month; months without rows are not written, and files of months the store
    no longer holds are left as they are (the store may have been pruned: they are still
    good feedback)."""
    features = feedback_features(contract, source_column)
    columns = feedback_columns(contract, features)
    counts: dict[str, int] = {}
    with output_set() as outputs:
        # Rows come ordered by predicted_at, so each month is one run of rows.
        rows_by_month = feedback_rows(store, features, cutoff, id_column=contract.dataset.id_column)
        for month, rows in groupby(rows_by_month, key=lambda r: r[0]):
            staged = outputs.stage(output / f"{month}.csv")
            with staged.open("w", encoding="utf-8", newline="") as file:
                writer = csv.writer(file, lineterminator="\n")
                writer.writerow(columns)
                counts[month] = 0
                for _, row in rows:
                    writer.writerow(row)
                    counts[month] += 1
    return counts


def _in_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes, stored in UTC; PostgreSQL returns them in its zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _cell(value: object) -> object:
    """A received value as the CSV holds it: missing (absent or null) is an empty cell; a
    number keeps the form it was sent in (3 or 3.0), floats at repr precision."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return value
