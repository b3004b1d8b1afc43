"""The contract's row-level rules as a pandera schema whose check names are rule names
(`Age.range`, `Home.allowed`, `amount_within_price`, ...).
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from modelops.config.contract import ColumnRule, Contract, RowRule, is_number

COMPARISONS = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}


def as_numbers(values: pd.Series) -> pd.Series:
    """Numbers where a value reads as one, NaN elsewhere (the type rule reports those)."""
    return pd.to_numeric(values, errors="coerce")


def pandera_schema(contract: Contract):
    """The row-level rules as a pandera DataFrameSchema; check names are rule names."""
    import pandera.pandas as pa

    columns = {name: _column(rule) for name, rule in contract.columns.items()}
    return pa.DataFrameSchema(
        columns, checks=[_row_check(r) for r in contract.row_rules], strict=False
    )


def provenance_schema(contract: Contract):
    """The rules a row of the provenance source keeps: every provenance column there, valid."""
    import pandera.pandas as pa

    provenance = contract.provenance
    rules = provenance.rules(contract.corrections.normalize_categories)
    timestamps = provenance.timestamps
    columns = {name: _column(rule, name in timestamps) for name, rule in rules.items()}
    return pa.DataFrameSchema(columns, strict=False)


def as_timestamps(values: pd.Series) -> pd.Series:
    """UTC times where a value reads as an ISO 8601 time (no zone: UTC), NaT elsewhere."""
    return pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")


def _column(rule: ColumnRule, timestamp: bool = False):
    import pandera.pandas as pa

    checks = []
    if timestamp:
        checks.append(pa.Check(lambda s: as_timestamps(s).notna(), name="type"))
    if rule.numeric:
        checks.append(pa.Check(lambda s: as_numbers(s).notna(), name="type"))
        # inf (or 1e400, which reads as inf) is no measurement, and a column without bounds
        # would let it through to training. NaN is missing: the missing-value rules judge it.
        checks.append(pa.Check(lambda s: ~_infinite(s), name="finite"))
        if rule.type == "integer":
            checks.append(pa.Check(lambda s: ~(as_numbers(s) % 1 > 0), name="integer"))
        if rule.min is not None or rule.max is not None:
            low = -float("inf") if rule.min is None else rule.min
            high = float("inf") if rule.max is None else rule.max
            # A value that is not a number fails `type` only, an infinite one `finite` only,
            # not `range` as well.
            checks.append(
                pa.Check(
                    lambda s, lo=low, hi=high: (
                        ~(as_numbers(s) < lo) & ~(as_numbers(s) > hi) | _infinite(s)
                    ),
                    name="range",
                )
            )
    if rule.allowed is not None:
        allowed = set(rule.allowed)
        checks.append(pa.Check(lambda s, a=allowed: s.isin(a), name="allowed"))
    return pa.Column(
        checks=checks,
        nullable=rule.max_missing > 0,
        unique=rule.unique,
        report_duplicates="all",
        required=False,  # missing columns are schema drift, reported before this runs
        coerce=False,
    )


def _infinite(values: pd.Series) -> pd.Series:
    numbers = as_numbers(values).to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(np.isinf(numbers), index=values.index)


def _row_check(rule: RowRule):
    import pandera.pandas as pa

    left_side, op, right_side = rule.parts
    compare = COMPARISONS[op]

    def side(df: pd.DataFrame, text: str):
        return float(text) if is_number(text) else as_numbers(df[text])

    def check(df: pd.DataFrame) -> pd.Series:
        left, right = side(df, left_side), side(df, right_side)
        # Rows where either side is missing, not a number or infinite are judged by the
        # column rules.
        unknown = pd.Series(False, index=df.index)
        for value in (left, right):
            if isinstance(value, pd.Series):
                unknown |= value.isna() | _infinite(value)
        return unknown | compare(left, right)

    return pa.Check(check, name=rule.name)
