"""The prediction store: every decision the service made, and the outcomes that came back.

Written by the service (one transaction per micro-batch: a decision is answered only after
its row is committed), read by support (a case by its id), the monitor and the feedback
export. SQLAlchemy 2.0; SQLite (WAL) is the embedded default, PostgreSQL is a URL away.

SQLite durability: `synchronous=NORMAL` in WAL mode survives a crash of the service (kill -9)
with every committed transaction; only a power loss or an OS crash can lose the last ones.
`serve.sqlite_synchronous: FULL` fsyncs each commit and survives those too, at a cost.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from modelops.errors import InputError, StoreUnavailable, redact, shown_text

# 2: refusals; 3: predictions.propensity and .explored (exploration); 4: predictions.reasons
# (what a rejected applicant was told). create_schema brings an older store up to date: new
# tables are created, new columns added with their defaults.
SCHEMA_VERSION = 4


class Base(DeclarativeBase):
    pass


class Prediction(Base):
    __tablename__ = "predictions"

    prediction_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    predicted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    features: Mapped[str] = mapped_column(Text)  # the application as received, JSON
    p_default: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(8))
    threshold: Mapped[float] = mapped_column(Float)
    # The probability with which this decision was taken: 1 unless exploration could have
    # changed it (serve/exploration.py). explored: approved at random although the model
    # would reject. Server defaults, so that rows from before schema 3 read as they were.
    propensity: Mapped[float] = mapped_column(Float, server_default=text("1.0"))
    explored: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # The principal reasons the answer gave, JSON [{"feature", "reason"}] ([] for an
    # approval); NULL for rows from before schema 4: not known.
    reasons: Mapped[str | None] = mapped_column(Text, nullable=True)


# Columns added after a table's first version: (table, column) -> SQL type and default, as
# ALTER TABLE ADD COLUMN takes them (the same on SQLite and PostgreSQL).
ADDED_COLUMNS = {
    ("predictions", "propensity"): "FLOAT NOT NULL DEFAULT 1.0",
    ("predictions", "explored"): "BOOLEAN NOT NULL DEFAULT false",
    ("predictions", "reasons"): "TEXT",
}


class Outcome(Base):
    __tablename__ = "outcomes"

    prediction_id: Mapped[str] = mapped_column(
        ForeignKey("predictions.prediction_id"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(16))
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Refusal(Base):
    """A request the service refused (422), one row per rule it broke: input quality."""

    __tablename__ = "refusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36))
    refused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(200))


class StoreInfo(Base):
    __tablename__ = "store_info"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class Decision:
    """One answered application, as the store keeps it."""

    prediction_id: str
    predicted_at: datetime
    model_version: str
    features: dict
    p_default: float
    decision: str
    threshold: float
    propensity: float = 1.0
    explored: bool = False
    reasons: tuple[dict, ...] = ()  # the principal reasons of a rejection, as answered


class OutcomeConflict(Exception):
    """A different outcome was already recorded for this prediction."""


class UnknownPrediction(Exception):
    """No prediction has this id."""


class ObservedBeforePrediction(Exception):
    """An outcome's observed_at is before its prediction was made: it cannot be."""

    def __init__(self, predicted_at: datetime) -> None:
        super().__init__(predicted_at.isoformat())
        self.predicted_at = predicted_at


def _utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes: they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class PredictionStore:
    """The store behind one database URL; safe to share between threads."""

    def __init__(
        self, url: str, sqlite_synchronous: str = "NORMAL", *, read_only: bool = False
    ) -> None:
        """The writer (the service) creates a SQLite file and its folder. A reader (read_only:
        the monitor, the feedback export) refuses a missing one before anything is created:
        SQLite would otherwise make an empty database of a mistyped path. Its connections
        cannot write (PRAGMA query_only) and leave the file's journal mode as it is."""
        self.url = url
        try:
            self.engine = create_engine(url, pool_pre_ping=True)
        except (SQLAlchemyError, ImportError, ValueError) as err:
            raise InputError(f"store URL {redact(url)!r}: {redact(str(err))}") from None
        if self.engine.url.get_backend_name() == "sqlite":
            database = self.engine.url.database
            if database and database != ":memory:":
                if read_only:
                    _require_file(Path(database), self.shown_url)
                else:
                    Path(database).parent.mkdir(parents=True, exist_ok=True)
            pragmas = _sqlite_pragmas(sqlite_synchronous, read_only)
            event.listen(self.engine, "connect", pragmas)

    @property
    def shown_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def _reachable(self) -> Iterator[None]:
        """The one place a database failure becomes the domain's StoreUnavailable, naming
        this store (its password hidden)."""
        try:
            yield
        except SQLAlchemyError as err:
            raise StoreUnavailable(self.shown_url, _reason(err)) from None

    def create_schema(self) -> None:
        """Create the tables (idempotent), add the columns an older store lacks, and record
        the schema version."""
        with self._reachable():
            Base.metadata.create_all(self.engine)
            self._add_missing_columns()
            with Session(self.engine) as session, session.begin():
                info = session.get(StoreInfo, "schema_version")
                if info is None:
                    session.add(StoreInfo(key="schema_version", value=SCHEMA_VERSION))
                elif info.value > SCHEMA_VERSION:
                    raise InputError(
                        f"the store at {self.shown_url} has schema {info.value}; this "
                        f"modelops knows up to {SCHEMA_VERSION}: upgrade modelops"
                    )
                elif info.value < SCHEMA_VERSION:  # every change so far only adds
                    info.value = SCHEMA_VERSION

    def _add_missing_columns(self) -> None:
        """ALTER TABLE ADD COLUMN for every added column a table lacks, in one transaction
        (PostgreSQL's DDL is transactional; on SQLite each ALTER is atomic on its own)."""
        with self.engine.begin() as connection:
            present = {
                table: {c["name"] for c in inspect(connection).get_columns(table)}
                for table in {table for table, _ in ADDED_COLUMNS}
            }
            for (table, column), definition in ADDED_COLUMNS.items():
                if column not in present[table]:
                    added = f"ALTER TABLE {table} ADD COLUMN {column} {definition}"
                    connection.execute(text(added))

    def record(self, decisions: list[Decision]) -> None:
        """Commit every decision of a batch in one transaction, or raise StoreUnavailable."""
        rows = [
            {
                "prediction_id": d.prediction_id,
                "predicted_at": d.predicted_at,
                "model_version": d.model_version,
                "features": json.dumps(d.features, separators=(",", ":")),
                "p_default": d.p_default,
                "decision": d.decision,
                "threshold": d.threshold,
                "propensity": d.propensity,
                "explored": d.explored,
                "reasons": json.dumps(d.reasons, separators=(",", ":")),
            }
            for d in decisions
        ]
        with self._reachable(), self.engine.begin() as connection:
            connection.execute(Prediction.__table__.insert(), rows)

    def record_outcome(self, prediction_id: str, outcome: str, observed_at: datetime) -> bool:
        """Record the outcome; True when new, False when the same outcome was already there.

        UnknownPrediction when no such prediction; ObservedBeforePrediction when observed_at
        is before the prediction (checked first: an outcome once stored is final);
        OutcomeConflict when another outcome is recorded. Concurrent calls for one id: the
        first commit wins, the others see it.
        """
        try:
            with Session(self.engine) as session, session.begin():
                prediction = session.get(Prediction, prediction_id)
                if prediction is None:
                    raise UnknownPrediction(prediction_id)
                predicted_at = _utc(prediction.predicted_at)
                if _utc(observed_at) < predicted_at:
                    raise ObservedBeforePrediction(predicted_at)
                session.add(
                    Outcome(
                        prediction_id=prediction_id,
                        outcome=outcome,
                        # In UTC: SQLite keeps a time's wall clock and drops its zone.
                        observed_at=_utc(observed_at).astimezone(UTC),
                        received_at=datetime.now(UTC),
                    )
                )
            return True
        except IntegrityError:
            existing = self.outcome_of(prediction_id)
            if existing is not None and existing == outcome:
                return False
            raise OutcomeConflict(existing) from None
        except SQLAlchemyError as err:
            raise StoreUnavailable(self.shown_url, _reason(err)) from None

    def record_refusal(self, model_version: str, rules: list[str]) -> None:
        """Record a refused request with the rules it broke (StoreUnavailable if it cannot)."""
        request_id, now = str(uuid.uuid4()), datetime.now(UTC)
        rows = [
            {"request_id": request_id, "refused_at": now, "model_version": model_version,
             "rule": rule[:200]}
            for rule in dict.fromkeys(rules)
        ]  # fmt: skip
        with self._reachable(), self.engine.begin() as connection:
            connection.execute(Refusal.__table__.insert(), rows)

    def window(
        self, since: datetime, until: datetime, version: str | None, chunk_rows: int
    ) -> Iterator[list[tuple]]:
        """The predictions made in [since, until) (by one model version, or all), each with
        its outcome if known, in chunks of chunk_rows: (predicted_at, model_version,
        features JSON, p_default, decision, threshold, propensity, explored, outcome,
        observed_at). Streamed, so memory does not grow with the window."""
        query = (
            select(
                Prediction.predicted_at,
                Prediction.model_version,
                Prediction.features,
                Prediction.p_default,
                Prediction.decision,
                Prediction.threshold,
                Prediction.propensity,
                Prediction.explored,
                Outcome.outcome,
                Outcome.observed_at,
            )
            .outerjoin(Outcome, Outcome.prediction_id == Prediction.prediction_id)
            .where(Prediction.predicted_at >= since, Prediction.predicted_at < until)
            .order_by(Prediction.predicted_at)
        )
        if version is not None:
            query = query.where(Prediction.model_version == version)
        yield from self._stream(query, chunk_rows)

    def explored_since(self, since: datetime) -> list[tuple[float, str]]:
        """(p_default, features JSON) of every approval by exploration made at or after since,
        all versions: what a starting service counts against the day's exploration budget."""
        query = select(Prediction.p_default, Prediction.features).where(
            Prediction.predicted_at >= since, Prediction.explored.is_(True)
        )
        with self._reachable(), self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(query)]

    def labelled(self, observed_until: datetime, chunk_rows: int) -> Iterator[list[tuple]]:
        """The predictions whose outcome was observed at or before observed_until, ordered by
        (predicted_at, prediction_id), in chunks of chunk_rows: (prediction_id, predicted_at,
        model_version, features JSON, p_default, decision, propensity, explored, outcome,
        observed_at, received_at). Streamed, like window."""
        query = (
            select(
                Prediction.prediction_id,
                Prediction.predicted_at,
                Prediction.model_version,
                Prediction.features,
                Prediction.p_default,
                Prediction.decision,
                Prediction.propensity,
                Prediction.explored,
                Outcome.outcome,
                Outcome.observed_at,
                Outcome.received_at,
            )
            .join(Outcome, Outcome.prediction_id == Prediction.prediction_id)
            .where(Outcome.observed_at <= observed_until)
            .order_by(Prediction.predicted_at, Prediction.prediction_id)
        )
        yield from self._stream(query, chunk_rows)

    def _stream(self, query, chunk_rows: int) -> Iterator[list[tuple]]:
        """The query's rows in chunks of chunk_rows, streamed from the database."""
        with self._reachable(), self.engine.connect() as connection:
            result = connection.execution_options(
                stream_results=True, yield_per=chunk_rows
            ).execute(query)
            for chunk in result.partitions(chunk_rows):
                yield [tuple(row) for row in chunk]

    def versions(self, since: datetime, until: datetime) -> dict[str, tuple[int, datetime]]:
        """Model version -> (predictions, the last one's time) in [since, until)."""
        query = (
            select(Prediction.model_version, func.count(), func.max(Prediction.predicted_at))
            .where(Prediction.predicted_at >= since, Prediction.predicted_at < until)
            .group_by(Prediction.model_version)
        )
        with self._reachable(), self.engine.connect() as connection:
            return {v: (n, _utc(last)) for v, n, last in connection.execute(query)}

    def outcome_counts(self, since: datetime, until: datetime) -> dict[str, tuple[int, int]]:
        """Model version -> (predictions, of them with an outcome) for the predictions made in
        [since, until), every version (an outcome counts once recorded, as in window)."""
        query = (
            select(Prediction.model_version, func.count(), func.count(Outcome.prediction_id))
            .outerjoin(Outcome, Outcome.prediction_id == Prediction.prediction_id)
            .where(Prediction.predicted_at >= since, Prediction.predicted_at < until)
            .group_by(Prediction.model_version)
        )
        with self._reachable(), self.engine.connect() as connection:
            return {v: (int(n), int(k)) for v, n, k in connection.execute(query)}

    def outcomes_observed(self, after: datetime, until: datetime) -> int:
        """Outcomes observed in (after, until], every version's (observed_at: when the loan's
        outcome became known, not when it reached the store)."""
        query = select(func.count()).where(
            Outcome.observed_at > _utc(after), Outcome.observed_at <= _utc(until)
        )
        with self._reachable(), self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def refusals(self, since: datetime, until: datetime, version: str | None) -> dict:
        """Refused requests in [since, until): {"requests": n, "by_rule": {rule: n}}."""
        where = [Refusal.refused_at >= since, Refusal.refused_at < until]
        if version is not None:
            where.append(Refusal.model_version == version)
        with self._reachable(), self.engine.connect() as connection:
            requests = connection.scalar(
                select(func.count(func.distinct(Refusal.request_id))).where(*where)
            )
            by_rule = connection.execute(
                select(Refusal.rule, func.count()).where(*where).group_by(Refusal.rule)
            )
            return {"requests": int(requests or 0), "by_rule": dict(by_rule.all())}

    def outcome_of(self, prediction_id: str) -> str | None:
        with self._reachable(), Session(self.engine) as session:
            found = session.get(Outcome, prediction_id)
            return None if found is None else found.outcome

    def lookup(self, prediction_id: str) -> dict | None:
        """What was asked and answered for an id, with the outcome once known."""
        with self._reachable(), Session(self.engine) as session:
            prediction = session.get(Prediction, prediction_id)
            if prediction is None:
                return None
            outcome = session.get(Outcome, prediction_id)
            return {
                "prediction_id": prediction.prediction_id,
                "predicted_at": _utc(prediction.predicted_at).isoformat(),
                "model_version": prediction.model_version,
                "application": json.loads(prediction.features),
                "p_default": prediction.p_default,
                "decision": prediction.decision,
                "threshold": prediction.threshold,
                # Why an application over the threshold was approved, and the weight
                # its outcome gets in training.
                "explored": bool(prediction.explored),
                "propensity": prediction.propensity,
                # What the applicant was told (None: recorded before reasons were kept).
                "reasons": None if prediction.reasons is None else json.loads(prediction.reasons),
                "outcome": None
                if outcome is None
                else {
                    "outcome": outcome.outcome,
                    "observed_at": _utc(outcome.observed_at).isoformat(),
                    "received_at": _utc(outcome.received_at).isoformat(),
                },
            }

    def count(self) -> int:
        with self._reachable(), Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(Prediction)) or 0)

    def writable(self) -> bool:
        """Whether a write transaction can be opened and committed now (readiness)."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    StoreInfo.__table__.update()
                    .where(StoreInfo.key == "schema_version")
                    .values(value=StoreInfo.value)
                )
            return True
        except SQLAlchemyError:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def _require_file(database: Path, shown_url: str) -> None:
    if database.is_file():
        return
    problem = "is not a file" if database.exists() else "not found"
    raise InputError(f"store {shown_url}: SQLite file {database} {problem}")


def _sqlite_pragmas(synchronous: str, read_only: bool):
    def connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return connect


def _reason(err: SQLAlchemyError) -> str:
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    return redact(shown_text(text[0] if text else type(err).__name__, 200))
