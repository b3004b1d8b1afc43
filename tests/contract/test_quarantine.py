"""Protects the quarantine: every row it takes is kept, whole, with every rule the row broke.

Rows are read the way `modelops validate` reads a file (read_table_file), then validated.
"""

import pandas as pd
import pytest

from modelops.data.validation import QUARANTINE_REASON


@pytest.fixture
def validated(tmp_path, sample, validate_in_process):
    """The sample with A00011 breaking four rules, A00021 one, and A00001-A00003 sent twice."""
    frame = sample.assign(Note="kept")
    frame["Age"] = frame["Age"].astype(object)
    frame.loc[10, ["Age", "Home", "Seniority", "Amount", "Price"]] = ["abc", "Castle", 99, 200, 100]
    frame.loc[20, "Job"] = "astronaut"
    pd.concat([frame, frame.iloc[:3]]).to_csv(tmp_path / "extract.csv", index=False)
    return validate_in_process(tmp_path / "extract.csv")


def test_a_row_breaking_several_rules_names_them_all_sorted(validated):
    quarantine = validated.quarantine
    reasons = dict(zip(quarantine["applicant_id"], quarantine[QUARANTINE_REASON], strict=True))
    assert reasons == {
        "A00011": "Age.type; Home.allowed; Seniority.range; amount_within_price",
        "A00021": "Job.allowed",
    }
    assert validated.report["quarantined_by_rule"] == {
        "Age.type": 1, "Home.allowed": 1, "Job.allowed": 1, "Seniority.range": 1,
        "amount_within_price": 1,
    }  # fmt: skip


def test_quarantined_rows_keep_all_their_values_and_source(validated):
    row = validated.quarantine.set_index("applicant_id").loc["A00011"]
    assert (row["Age"], row["Home"], row["Seniority"], row["Note"]) == ("abc", "castle", 99, "kept")
    assert row["source"] == "extract"


def test_counts_add_up_rows_in_less_duplicates_less_out(validated):
    report = validated.report
    assert (report["rows_in"], report["exact_duplicates_dropped"]) == (4457, 3)
    assert (report["rows_quarantined"], report["rows_out"]) == (2, 4452)
    assert len(validated.quarantine) == report["rows_in"] - 3 - report["rows_out"]
    assert set(validated.validated["applicant_id"]).isdisjoint(validated.quarantine["applicant_id"])
