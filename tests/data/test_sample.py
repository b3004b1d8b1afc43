"""Protects the suite's own sample (tests/fixtures/sample): the exact file its README states,
with the shape, ids, classes and gaps the tests rely on, and params and a contract that fit it."""

import hashlib
import re

import pytest

FEATURES = ["Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses",
            "Income", "Assets", "Debt", "Amount", "Price"]  # fmt: skip


def test_checksum_matches_the_readme(sample_csv):
    readme = (sample_csv.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `credit.csv`"))
    stated = re.search(r"sha256 `([0-9a-f]{64})`", row)
    assert stated, "tests/fixtures/sample/README.md states no sha256 for credit.csv"
    assert hashlib.sha256(sample_csv.read_bytes()).hexdigest() == stated.group(1)


def test_rows_and_columns(sample):
    assert len(sample) == 4454
    assert list(sample.columns) == ["applicant_id", "Status", *FEATURES]


def test_applicant_ids_are_unique_and_present(sample):
    assert sample["applicant_id"].is_unique
    assert sample["applicant_id"].notna().all()
    assert sample["applicant_id"].iloc[[0, -1]].tolist() == ["A00001", "A04454"]


def test_status_is_good_or_bad_with_about_28_percent_bad(sample):
    assert sample["Status"].value_counts().to_dict() == {"good": 3200, "bad": 1254}
    assert (sample["Status"] == "bad").mean() == pytest.approx(0.28, abs=0.005)


def test_missing_values_per_column(sample):
    expected = {"Income": 381, "Assets": 47, "Debt": 18, "Home": 6, "Job": 2, "Marital": 1}
    missing = sample.isna().sum()
    assert missing[missing > 0].to_dict() == expected


def test_the_sample_params_and_contract_describe_these_columns(
    sample, sample_params, sample_contract
):
    # Marital is in the data only to measure fairness: a prohibited basis, never a feature.
    assert sorted(sample_params.data.features) == sorted(set(FEATURES) - {"Marital"})
    declared = set(sample_contract.columns) - {sample_params.data.source_column}
    assert declared == set(sample.columns)
    assert (sample_contract.target.column, sample_contract.dataset.id_column) == (
        "Status",
        "applicant_id",
    )
