"""The labelled production rows: every prediction whose outcome is final, as a row of the
contract's columns (the application as the service received it, the outcome as the target)
followed by its provenance, written as one CSV per month of predicted_at.

CSV, not Parquet: an ingest source of `kind: csv` reads it, a reviewer can diff it, and its
bytes depend only on the rows (Parquet files embed the writer's library version). Every value
is written as text in one fixed way (times in FEEDBACK_TIME_FORMAT, floats as repr), so the
same store gives byte-identical files.

An outcome whose time is impossible, observed before its prediction was made or after it was
received by more than serve.outcome_clock_skew_seconds, is not exported: the service refuses
both (422), but an older store may hold them, and outcomes are final, so they cannot be put
right there. They are skipped, counted by rule and named (ImpossibleOutcome), not fatal: one
such row must not stop every later export of good feedback.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path

from modelops.config.contract import Contract
from modelops.files import output_set
from modelops.store import PredictionStore

# propensity: the probability the decision had (1 unless exploration could change it);
# explored: "yes" when approved at random although the model would reject (serve.exploration.rate).
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


@dataclass(frozen=True)
class ImpossibleOutcome:
    """A stored outcome not exported: its rule, and the time it broke."""

    prediction_id: str
    rule: str  # observed_at.before_prediction | observed_at.after_received
    observed_at: datetime
    limit: datetime  # predicted_at, or received_at plus the clock skew

    def describe(self) -> str:
        than = "predicted" if self.rule == "observed_at.before_prediction" else "received (+skew)"
        return (
            f"{self.prediction_id}: observed {self.observed_at.strftime(FEEDBACK_TIME_FORMAT)}, "
            f"{than} {self.limit.strftime(FEEDBACK_TIME_FORMAT)}"
        )


@dataclass(frozen=True)
class Exported:
    """What an export wrote, {month: rows}, and the outcomes it left out."""

    rows_by_month: dict[str, int]
    impossible: list[ImpossibleOutcome] = field(default_factory=list)


def impossible_outcome(
    prediction_id: str, predicted_at: datetime, observed_at: datetime, received_at: datetime,
    clock_skew: timedelta,
) -> ImpossibleOutcome | None:  # fmt: skip
    """Why an outcome's time cannot be (times in UTC), or None when it can."""
    if observed_at < predicted_at:
        return ImpossibleOutcome(
            prediction_id, "observed_at.before_prediction", observed_at, predicted_at
        )
    if observed_at > received_at + clock_skew:
        return ImpossibleOutcome(
            prediction_id, "observed_at.after_received", observed_at, received_at + clock_skew
        )
    return None


def final_outcomes_cutoff(as_of: datetime, min_outcome_age_days: int) -> datetime:
    """The latest observed_at of an outcome old enough to be final at as_of."""
    return as_of.astimezone(UTC) - timedelta(days=min_outcome_age_days)


def feedback_rows(
    store: PredictionStore,
    features: list[str],
    id_column: str,
    cutoff: datetime,
    clock_skew: timedelta,
    impossible: list[ImpossibleOutcome],
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[str, list]]:
    """(month of predicted_at as YYYY-MM, row) for every prediction whose outcome was observed
    at or before cutoff, ordered by (predicted_at, prediction_id); rows hold the values of
    feedback_columns, as text or numbers exactly as written. An outcome whose time cannot be
    is appended to impossible instead."""
    for chunk in store.labelled(cutoff, chunk_rows):
        for case in chunk:
            prediction_id, at, version, received, p_default, decision = case[:6]
            propensity, explored, outcome, observed, received_at = case[6:]
            predicted_at, observed = _in_utc(at), _in_utc(observed)
            why = impossible_outcome(
                prediction_id, predicted_at, observed, _in_utc(received_at), clock_skew
            )
            if why is not None:
                impossible.append(why)
                continue
            application = json.loads(received)
            row = [
                *(_cell(application.get(name)) for name in features),
                outcome,
                applicant_id(application, id_column, prediction_id),
                prediction_id,
                version,
                predicted_at.strftime(FEEDBACK_TIME_FORMAT),
                observed.strftime(FEEDBACK_TIME_FORMAT),
                repr(float(p_default)),
                decision,
                repr(float(propensity)),
                "yes" if explored else "no",
            ]
            yield predicted_at.strftime("%Y-%m"), row


def applicant_id(application: dict, id_column: str, prediction_id: str) -> str:
    """The applicant's id as the client sent it (the contract's id column), else the
    prediction's: an applicant who applied twice is one applicant, and ingest keeps their
    newest observation; an application sent without an id is its own applicant."""
    sent = application.get(id_column)
    return sent if isinstance(sent, str) and sent.strip() else prediction_id


def export_feedback(
    store: PredictionStore,
    output: Path,
    contract: Contract,
    source_column: str,
    cutoff: datetime,
    clock_skew: timedelta,
) -> Exported:
    """Write output/YYYY-MM.csv for every month with a final outcome, all files or none;
    returns {month: rows} and the outcomes left out for an impossible time. Each month's file
    is rewritten whole, so an outcome that arrived late joins its month; months without rows
    are not written, and files of months the store no longer holds are left as they are (the
    store may have been pruned: they are still good feedback)."""
    features = feedback_features(contract, source_column)
    columns = feedback_columns(contract, features)
    counts: dict[str, int] = {}
    impossible: list[ImpossibleOutcome] = []
    with output_set() as outputs:
        # Rows come ordered by predicted_at, so each month is one run of rows.
        found = feedback_rows(
            store, features, contract.dataset.id_column, cutoff, clock_skew, impossible
        )
        for month, rows in groupby(found, key=lambda r: r[0]):
            staged = outputs.stage(output / f"{month}.csv")
            with staged.open("w", encoding="utf-8", newline="") as file:
                writer = csv.writer(file, lineterminator="\n")
                writer.writerow(columns)
                counts[month] = 0
                for _, row in rows:
                    writer.writerow(row)
                    counts[month] += 1
    return Exported(counts, impossible)


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
