"""Protects `modelops score` from non-finite numbers in its input: inf, -inf (what 1e400 reads
as) in a numeric column is a reject line naming the row, the field and the rule
`<column>.finite` (the rule validate quarantines it by, and the 422 answer names), never
`range` and never a crash; the other rows are scored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.cli import in_process

INF = float("inf")
# (column, value, as an integer column's or a float column's value) -> the rule
CASES = [
    ("Income", INF, "Income.finite"),
    ("Income", -INF, "Income.finite"),
    ("Assets", INF, "Assets.finite"),
    ("Amount", INF, "Amount.finite"),  # an integer column with bounds: finite, not range
    ("Age", -INF, "Age.finite"),
    ("Price", float("1e400"), "Price.finite"),
]


@pytest.fixture(scope="module")
def scored(held_out, workspace, tmp_path_factory):
    """The test rows with one non-finite value in each of rows 0..5, scored."""
    rows = held_out.head(40).copy()
    for row, (column, value, _) in enumerate(CASES):
        rows[column] = rows[column].astype("float64")
        rows.loc[row, column] = value
    folder = tmp_path_factory.mktemp("score-inf")
    path = folder / "applications.parquet"
    rows.to_parquet(path, index=False)
    output, rejects = folder / "scored.parquet", folder / "rejects.csv"
    result = in_process(workspace, "score", "--input", path, "--output", output,
                        "--rejects", rejects)  # fmt: skip
    return rows, result, output, rejects


def test_scoring_does_not_crash_and_scores_the_rest(scored):
    rows, result, output, _ = scored
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"scored {len(rows) - len(CASES):,} of {len(rows):,} rows" in result.stdout
    assert np.isfinite(pd.read_parquet(output)["p_default"]).all()


@pytest.mark.parametrize("row", range(len(CASES)), ids=[f"{c}_{v}" for c, v, _ in CASES])
def test_each_non_finite_value_is_a_reject_naming_field_and_rule(scored, row):
    rows, _, _, rejects = scored
    column, value, rule = CASES[row]
    found = pd.read_csv(rejects)
    mine = found[found["row"] == row]
    assert list(zip(mine["field"], mine["rule"], strict=True)) == [(column, rule)]
    # As the 422 answer quotes it; a leading '-' quoted, as a spreadsheet would run it.
    assert mine["value"].iloc[0] == ("inf" if value > 0 else "'-inf")
    assert mine["id"].iloc[0] == rows.loc[row, "applicant_id"]
