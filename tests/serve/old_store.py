"""A store as schema 2 left it (before exploration: today's tables without predictions.propensity,
.explored and .reasons) or as schema 3 left it (without predictions.reasons), with one answered
case with an outcome; and the checks of its upgrade, shared by the SQLite and PostgreSQL tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from modelops.store import Base, Decision, Outcome, Prediction, PredictionStore

V2_CASE = {
    "prediction_id": "00000000-0000-7000-8000-000000000002",
    "predicted_at": datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
    "model_version": "v0.9.0",
    "features": '{"Age":41,"Home":"owner"}',
    "p_default": 0.7,
    "decision": "reject",
    "threshold": 0.5,
}
V2_OBSERVED = datetime(2026, 6, 1, tzinfo=UTC)


# The columns each older schema lacked.
LACKED = {2: ("propensity", "explored", "reasons"), 3: ("reasons",)}


def make_old_store(url: str, version: int) -> None:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        for column in LACKED[version]:
            connection.execute(text(f"ALTER TABLE predictions DROP COLUMN {column}"))
        connection.execute(
            text(f"INSERT INTO store_info (key, value) VALUES ('schema_version', {version})")
        )
        # Core inserts name only the columns given: the statements schema 2 ran.
        connection.execute(Prediction.__table__.insert(), V2_CASE)
        connection.execute(
            Outcome.__table__.insert(),
            {"prediction_id": V2_CASE["prediction_id"], "outcome": "bad",
             "observed_at": V2_OBSERVED, "received_at": V2_OBSERVED},
        )  # fmt: skip
    engine.dispose()


def upgraded_store_reads_old_and_new(url: str, version: int = 2) -> PredictionStore:
    """Shared by the SQLite and PostgreSQL tests: url holds a fresh store of that schema."""
    make_old_store(url, version)
    store = PredictionStore(url)
    store.create_schema()
    store.create_schema()  # a second start changes nothing
    old_id = V2_CASE["prediction_id"]
    case = store.lookup(old_id)
    assert (case["decision"], case["explored"], case["propensity"]) == ("reject", False, 1.0)
    assert case["reasons"] is None  # what that applicant was told was not kept then
    assert case["outcome"]["outcome"] == "bad"
    explored = Decision("explored-1", V2_CASE["predicted_at"] + timedelta(hours=1), "v1.0.0",
                        {"Age": 30}, 0.8, "approve", 0.5, 0.1, True)  # fmt: skip
    told = ({"feature": "Records", "reason": "Delinquent credit obligations"},)
    rejected = Decision("rejected-1", V2_CASE["predicted_at"] + timedelta(hours=2), "v1.0.0",
                        {"Age": 30}, 0.9, "reject", 0.5, 0.9, False, told)  # fmt: skip
    store.record([explored, rejected])
    assert store.lookup("rejected-1")["reasons"] == list(told)
    store.record_outcome("explored-1", "good", V2_OBSERVED)
    case = store.lookup("explored-1")
    assert (case["decision"], case["explored"], case["propensity"]) == ("approve", True, 0.1)
    assert case["reasons"] == []
    since, until = V2_CASE["predicted_at"], V2_CASE["predicted_at"] + timedelta(days=1)
    [window] = list(store.window(since, until, None, 10))
    assert [(row[4], row[6], bool(row[7])) for row in window] == [
        ("reject", 1.0, False),
        ("approve", 0.1, True),
        ("reject", 0.9, False),
    ]
    [labelled] = list(store.labelled(datetime(2027, 1, 1, tzinfo=UTC), 10))
    assert [(row[0], row[6], bool(row[7]), row[8]) for row in labelled] == [
        (old_id, 1.0, False, "bad"),
        ("explored-1", 0.1, True, "good"),
    ]
    return store
