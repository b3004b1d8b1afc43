"""Protects the bundled sample: the exact file documented, with the shape the pipeline expects."""

import hashlib
import re

import pytest

FEATURES = ["Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses",
            "Income", "Assets", "Debt", "Amount", "Price"]  # fmt: skip


def test_sample_checksum_matches_its_readme(project_root):
    external = project_root / "data" / "external"
    readme = (external / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"sha256.*?\b([0-9a-fA-F]{64})\b", readme, re.IGNORECASE | re.DOTALL)
    assert stated, "data/external/README.md states no sha256"
    actual = hashlib.sha256((external / "credit.csv").read_bytes()).hexdigest()
    assert actual == stated.group(1).lower()


def test_rows_and_columns(sample):
    assert len(sample) == 4454
    assert list(sample.columns) == ["applicant_id", "Status", *FEATURES]


def test_applicant_ids_are_unique(sample):
    assert sample["applicant_id"].is_unique
    assert sample["applicant_id"].notna().all()


def test_status_is_good_or_bad_with_about_28_percent_bad(sample):
    assert sample["Status"].value_counts().to_dict() == {"good": 3200, "bad": 1254}
    assert (sample["Status"] == "bad").mean() == pytest.approx(0.28, abs=0.005)


def test_missing_values_per_column(sample):
    expected = {"Income": 381, "Assets": 47, "Debt": 18, "Home": 6, "Job": 2, "Marital": 1}
    missing = sample.isna().sum()
    assert missing[missing > 0].to_dict() == expected


def test_every_configured_feature_is_a_column(sample, data_params):
    configured = [*data_params.features, data_params.target, data_params.id_column]
    assert [c for c in configured if c not in sample.columns] == []
    assert sorted(data_params.features) == sorted(FEATURES)
