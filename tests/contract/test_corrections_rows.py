"""Protects the row side of corrections: duplicates dropped, rows counted, the input untouched.

The same application delivered twice (even by two sources) is kept once and counted;
rows_corrected counts rows, not values; the caller's frame is never changed; the real
sample needs no correction; and a contract that turns a correction off is obeyed.
"""

import pandas as pd
import pytest

from modelops.config.contract import load_contract
from modelops.data.corrections import apply_corrections
from modelops.data.ingest import combine_sources
from modelops.data.validation import validate_against_contract


@pytest.fixture(scope="module")
def contract(contract_file):
    return load_contract(contract_file)


@pytest.fixture
def rows(sample):
    return sample.iloc[:4].copy()


def test_exact_duplicates_are_dropped_keeping_the_first(contract, rows):
    result = apply_corrections(pd.concat([rows, rows.iloc[[1, 1, 3]]]), contract)
    assert result.counts["exact_duplicates_dropped"] == 3
    pd.testing.assert_frame_equal(result.data, rows.reset_index(drop=True))


def test_rows_equal_once_corrected_are_duplicates(contract, rows):
    messy = rows.iloc[[0]].assign(Home=" RENT ", Records="No")
    result = apply_corrections(pd.concat([rows, messy]), contract)
    assert result.counts["exact_duplicates_dropped"] == 1
    assert len(result.data) == 4


def test_one_application_from_two_sources_is_kept_once(contract, rows):
    combined = combine_sources({"branch": rows, "core": rows.iloc[:2]}, "source")
    result = apply_corrections(combined, contract, source_column="source")
    assert result.counts["exact_duplicates_dropped"] == 2
    assert result.data["source"].tolist() == ["branch"] * 4
    # Told nothing about the source column, the two deliveries differ in it.
    assert apply_corrections(combined, contract).counts["exact_duplicates_dropped"] == 0


def test_rows_corrected_counts_rows_not_values(contract, rows):
    rows.loc[0, ["Home", "Records", "Job"]] = [" OWN ", "YES", "other"]
    rows.loc[0, ["Income", "Debt"]] = 99999999.0
    result = apply_corrections(rows, contract)
    counts = {k: v for k, v in result.counts.items() if v}
    assert counts == {
        "normalized_category_values": 2,
        "synonyms_mapped": 2,
        "missing_codes_mapped": 2,
    }
    assert result.rows_corrected == 1


def test_the_input_frame_is_left_as_it_was(contract, rows):
    messy = pd.concat([rows, rows.iloc[[0]]]).assign(Home=" OWN ")
    messy["Age"] = messy["Age"].astype("str").str.pad(4)
    messy.loc[:, "Income"] = 99999999.0
    before = messy.copy(deep=True)
    apply_corrections(messy, contract)
    pd.testing.assert_frame_equal(messy, before)


def test_the_real_sample_needs_no_correction(contract, sample):
    result = apply_corrections(sample, contract)
    assert set(result.counts.values()) == {0}
    assert result.rows_corrected == 0
    pd.testing.assert_frame_equal(result.data, sample)


def test_a_correction_turned_off_leaves_values_to_the_rules(contract, rows):
    corrections = contract.corrections.model_copy(
        update={"normalize_categories": False, "missing_codes": []}
    )
    strict = contract.model_copy(update={"corrections": corrections})
    rows.loc[0, "Home"], rows.loc[1, "Income"] = " Owner ", 99999999.0
    result = validate_against_contract(rows.assign(source="s"), strict, "source")
    assert result.report["corrections"]["normalized_category_values"] == 0
    assert result.quarantine["quarantine_reason"].tolist() == ["Home.allowed", "Income.range"]
