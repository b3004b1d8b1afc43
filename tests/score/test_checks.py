"""Protects that a file's rows are checked exactly as the service checks a request: the same
rows refused with the same field, rule and value, and the same model inputs for the others
(the vectorised fast path must never pass what the service's schema refuses)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from modelops.serve.app import _values
from modelops.serve.schema import application_model, problems

NAN, INF = float("nan"), float("inf")
# Overrides of one valid application: edges, each kind of break, and what normalisation fixes.
CASES = [
    {},
    {"Age": 18.0}, {"Age": 100.0}, {"Age": 17.9}, {"Age": 100.0001}, {"Age": 30.5},
    {"Age": NAN}, {"Age": INF}, {"Age": -INF}, {"Age": None},
    {"Income": None}, {"Income": NAN}, {"Income": INF}, {"Income": -0.0},
    {"Income": 10000.0}, {"Income": 10000.5}, {"Expenses": None}, {"Expenses": 0.25},
    {"Home": "OWNER"}, {"Home": " own "}, {"Home": "Owned"}, {"Home": "castle"}, {"Home": ""},
    {"Home": "x" * 201}, {"Home": None}, {"Records": None}, {"Records": "YES"},
    {"Job": "Part-Time"}, {"applicant_id": None}, {"applicant_id": "x" * 128},
    {"applicant_id": "x" * 129}, {"Age": 150.0, "Home": "castle", "Records": None},
]  # fmt: skip


@pytest.fixture(scope="module")
def applications(held_out, scorer) -> list[dict]:
    base = held_out.iloc[0]
    columns = scorer.check.columns
    rows = []
    for case in CASES:
        row = {c: base[c] for c in columns}
        row = {c: (None if isinstance(v, float) and math.isnan(v) else v) for c, v in row.items()}
        row = {c: (float(v) if isinstance(v, int | np.number) else v) for c, v in row.items()}
        rows.append({**row, **case})
    return rows


def _table(rows: list[dict], scorer) -> pa.Table:
    contract = scorer.served.contract
    arrays = {}
    for name in scorer.check.columns:
        numeric = name in contract.columns and contract.columns[name].numeric
        values = [row[name] for row in rows]
        # from_pandas=False: a NaN stays a NaN (not null), as JSON's NaN reaches the service.
        arrays[name] = pa.array(values, pa.float64() if numeric else pa.string())
    return pa.table(arrays)


def _service(rows: list[dict], scorer):
    schema = application_model(
        scorer.served.contract, scorer.served.features, scorer.check.id_column
    )
    refused, accepted = {}, []
    for i, row in enumerate(rows):
        try:
            application = schema.model_validate(row)
        except Exception as err:
            refused[i] = [(p["field"], p["rule"], repr(p["value"])) for p in problems(err)]
            continue
        accepted.append(_values(application, scorer.served.features))
    return refused, pd.DataFrame(accepted, columns=scorer.served.features)


def test_the_same_rows_are_refused_with_the_same_rules(applications, scorer):
    refused, _ = _service(applications, scorer)
    checked = scorer.check.check(_table(applications, scorer))
    found: dict[int, list] = {}
    for p in checked.problems:
        found.setdefault(p["row"], []).append((p["field"], p["rule"], repr(p["value"])))
    assert found == refused
    assert list(np.flatnonzero(~checked.valid)) == sorted(refused)
    assert len(refused) >= 15  # the corpus does break rules


def test_the_rows_that_pass_reach_the_model_as_the_service_sends_them(applications, scorer):
    _, service_frame = _service(applications, scorer)
    checked = scorer.check.check(_table(applications, scorer))
    pd.testing.assert_frame_equal(checked.features, service_frame)
    model, column = scorer.served.model, scorer.served.positive_index
    assert np.array_equal(
        model.predict_proba(checked.features)[:, column],
        model.predict_proba(service_frame)[:, column],
    )


def test_integer_columns_are_judged_like_numbers(held_out, scorer):
    # Parquet written from integers: the same rules (an int is a number to the service).
    rows = held_out.head(3).copy()
    table = pa.Table.from_pandas(rows[scorer.check.columns], preserve_index=False)
    ages = pa.array([30, 150, 2**60], pa.int64())
    table = table.set_column(table.schema.get_field_index("Age"), "Age", ages)
    checked = scorer.check.check(table)
    assert [(p["row"], p["rule"], p["value"]) for p in checked.problems] == [
        (1, "Age.range", 150),
        (2, "Age.range", 2**60),
    ]


def test_a_column_of_nulls_holds_missing_values(held_out, scorer):
    table = pa.Table.from_pandas(held_out.head(2)[scorer.check.columns], preserve_index=False)
    for name in ("Income", "Home", "Expenses"):  # Expenses may not be missing
        table = table.set_column(table.schema.get_field_index(name), name, pa.nulls(2))
    scorer.check.require_columns(table.schema, "nulls.parquet")
    checked = scorer.check.check(table)
    assert [(p["row"], p["rule"]) for p in checked.problems] == [
        (0, "Expenses.not_null"),
        (1, "Expenses.not_null"),
    ]
    table = table.set_column(
        table.schema.get_field_index("Expenses"), "Expenses", pa.array([50.0, 60.0])
    )
    features = scorer.check.check(table).features
    assert features["Income"].isna().all() and features["Home"].isna().all()
