"""Corrections the contract asks for, applied before the rules and each one counted.

They repair what is unambiguous (case, spacing, synonyms, numbers sent as text, sentinel
codes, the same row delivered twice); anything else is left for the rules to quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from modelops.config.contract import Contract
from modelops.data.rules import as_timestamps

PLAIN_NUMBER = r"-?\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Corrected:
    """The corrected table, how many values each correction changed, and which rows."""

    data: pd.DataFrame
    counts: dict[str, int]
    rows_corrected: int


def apply_corrections(
    df: pd.DataFrame, contract: Contract, source_column: str | None = None
) -> Corrected:
    """Return a corrected copy of df; df itself is left as it was.

    Exact duplicates are found ignoring source_column: one application delivered by two
    sources is one application.
    """
    fixes = contract.corrections
    data = df.copy()
    changed = np.zeros(len(data), dtype=bool)
    counts = {
        "normalized_category_values": 0,
        "synonyms_mapped": 0,
        "numeric_text_coerced": 0,
        "missing_codes_mapped": 0,
        "exact_duplicates_dropped": 0,
        "older_observations_dropped": 0,
    }
    provenance = contract.provenance.rules(False) if contract.provenance else {}
    for name, rule in {**contract.columns, **provenance}.items():
        if name not in data:
            continue
        column = data[name]
        if rule.type == "category":
            column = category_text(column)
            if fixes.normalize_categories:
                column, hits = _normalize_case(column)
                counts["normalized_category_values"] += int(hits.sum())
                changed |= hits
            if rule.synonyms:
                hits = column.isin(rule.synonyms.keys()).to_numpy()
                column = column.replace(rule.synonyms)
                counts["synonyms_mapped"] += int(hits.sum())
                changed |= hits
        elif rule.numeric:
            if fixes.coerce_numeric_text:
                column, hits = _coerce_numeric_text(column)
                counts["numeric_text_coerced"] += int(hits.sum())
                changed |= hits
            if fixes.missing_codes:
                hits = column.isin(fixes.missing_codes).to_numpy()
                column = column.mask(hits)
                counts["missing_codes_mapped"] += int(hits.sum())
                changed |= hits
        data[name] = column
    data = data.assign(_changed=changed)
    if fixes.drop_exact_duplicates:
        # Provenance counts: two predictions for one application are two observations.
        known = {**contract.columns, **provenance}
        compared = [c for c in data.columns if c in known and c != source_column]
        duplicated = data.duplicated(subset=compared or None, keep="first")
        counts["exact_duplicates_dropped"] = int(duplicated.sum())
        data = data[~duplicated.to_numpy()]
    newest, id_column = fixes.keep_newest_per_id, contract.dataset.id_column
    if newest is not None and newest in data and id_column in data:
        older = older_observations(data[id_column], data[newest])
        counts["older_observations_dropped"] = int(older.sum())
        data = data[~older]
    rows_corrected = int(data["_changed"].sum())
    return Corrected(data.drop(columns="_changed").reset_index(drop=True), counts, rows_corrected)


def older_observations(ids: pd.Series, observed_at: pd.Series) -> np.ndarray:
    """Rows to drop so that each id observed at least once keeps only its newest row: the
    latest observed_at wins, a row without one (the original data) counts as oldest, and of
    rows observed at the same time the later one in the table wins (sources in the order of
    ingest.sources, files by name, rows in file order). Ids never observed are left to the
    uniqueness rule: two original rows with one id are an error in the data, not an update."""
    observed = as_timestamps(observed_at).reset_index(drop=True)
    key = ids.astype("string").reset_index(drop=True)
    updated = key.isin(key[observed.notna()].dropna())
    rows = pd.DataFrame({"id": key, "observed": observed, "position": range(len(key))})[updated]
    newest = rows.sort_values(["observed", "position"], na_position="first").drop_duplicates(
        "id", keep="last"
    )
    kept = np.zeros(len(key), dtype=bool)
    kept[newest["position"].to_numpy()] = True
    return updated.to_numpy() & ~kept


def category_text(column: pd.Series) -> pd.Series:
    """A category column's values as text, as the contract lists them: a CSV reader types
    codes such as 1 and 2 as numbers (1.0 and 2.0 when one is missing). Not counted: reading
    a code as text corrects nothing.
    """
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        return column
    return column.astype(object).map(_code_text, na_action="ignore")


def _code_text(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _normalize_case(column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = column.where(column.isna(), column.astype("string").str.strip().str.lower())
    hits = (column.notna() & (text.astype("string") != column.astype("string"))).to_numpy()
    return column.mask(hits, text), hits.astype(bool)


def _coerce_numeric_text(column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers sent as text become numbers; what needed more than parsing is counted.

    Plain digits in a text column are not counted: one bad cell makes a CSV reader type the
    whole column as text, and reading "35" as 35 there corrects nothing.
    """
    if pd.api.types.is_numeric_dtype(column):
        return column, np.zeros(len(column), dtype=bool)
    text = column.astype("string")
    numbers = pd.to_numeric(text.str.strip(), errors="coerce")
    converted = (column.notna() & numbers.notna()).to_numpy()
    plain = text.str.fullmatch(PLAIN_NUMBER).fillna(False).to_numpy(dtype=bool)
    is_text = column.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    # Values that do not read as numbers stay as they are, for the type rule to report.
    coerced = column.astype(object).mask(converted, numbers.astype(object))
    return coerced, converted & is_text & ~plain
