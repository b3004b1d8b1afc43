"""Protects each value correction the contract asks for: what it changes and how it is counted.

Categories are trimmed and lower-cased (codes read as numbers become text), synonyms mapped,
numbers sent as text coerced (text that is no number is left for the type rule), sentinel
codes become missing; each counted.
"""

import pandas as pd
import pytest

from modelops.config.contract import load_contract
from modelops.data.corrections import apply_corrections
from modelops.data.validation import validate_against_contract

NONE = {"normalized_category_values": 0, "synonyms_mapped": 0, "numeric_text_coerced": 0,
        "missing_codes_mapped": 0, "exact_duplicates_dropped": 0,
        "older_observations_dropped": 0}  # fmt: skip


@pytest.fixture(scope="module")
def contract(contract_file):
    return load_contract(contract_file)


@pytest.fixture
def rows(sample):
    """A00001-A00004 of the sample, to be made messy."""
    return sample.iloc[:4].copy()


def test_categories_are_trimmed_lower_cased_and_counted(contract, rows):
    rows["Home"] = [" Owner ", "RENT", "rent", "Parents"]
    rows["Records"] = ["YES", "no", "no", "no"]
    result = apply_corrections(rows, contract)
    assert result.data["Home"].tolist() == ["owner", "rent", "rent", "parents"]
    assert result.data["Records"].tolist() == ["yes", "no", "no", "no"]
    assert result.counts == {**NONE, "normalized_category_values": 4}
    assert result.rows_corrected == 3


def test_synonyms_are_mapped_after_normalizing_and_counted(contract, rows):
    rows["Home"] = ["own", " Owned", "renting", "private"]
    rows["Job"] = ["part-time", "other", "fixed", "fixed"]
    result = apply_corrections(rows, contract)
    assert result.data["Home"].tolist() == ["owner", "owner", "rent", "priv"]
    assert result.data["Job"].tolist() == ["partime", "others", "fixed", "fixed"]
    assert result.counts == {**NONE, "normalized_category_values": 1, "synonyms_mapped": 6}


def test_numeric_text_is_coerced_and_other_text_left_for_the_type_rule(contract, rows):
    rows["Age"] = pd.Series([" 42 ", "42", "forty", "30"], index=rows.index, dtype="str")
    result = apply_corrections(rows, contract)
    assert result.data["Age"].tolist() == [42, 42, "forty", 30]
    # Only " 42 " needed more than reading digits: plain "42" and "30" are not corrections.
    assert result.counts == {**NONE, "numeric_text_coerced": 1}
    validation = validate_against_contract(rows.assign(source="s"), contract, "source")
    assert validation.quarantine["applicant_id"].tolist() == ["A00003"]
    assert validation.quarantine["quarantine_reason"].tolist() == ["Age.type"]


def test_sentinel_codes_become_missing_and_are_counted(contract, rows):
    rows["Income"] = [99999999.0, 99999999.0, 120.0, None]
    rows["Assets"] = [99999999.0, 0.0, 0.0, 0.0]
    result = apply_corrections(rows, contract)
    assert result.data["Income"].isna().tolist() == [True, True, False, True]
    assert result.data["Assets"].isna().tolist() == [True, False, False, False]
    assert result.counts == {**NONE, "missing_codes_mapped": 3}
    assert result.rows_corrected == 2


def test_sentinel_codes_reach_the_validated_table_as_missing(contract, sample):
    broken = sample.assign(source="s")
    broken.loc[:9, ["Income", "Assets", "Debt"]] = 99999999.0
    validation = validate_against_contract(broken, contract, "source")
    assert validation.passed
    assert validation.quarantine.empty
    missing = validation.validated[["Income", "Assets", "Debt"]].isna().sum().to_dict()
    assert missing == {"Income": 381 + 10, "Assets": 47 + 10, "Debt": 18 + 10}
    assert not validation.validated.isin([99999999]).any().any()


def test_category_codes_read_as_numbers_become_text_uncounted(contract, rows):
    # A CSV reader types codes 1 and 2 as numbers (as floats when one is missing).
    rows["Records"] = [1, 2, 2, 1]
    rows["Job"] = [1.0, None, 3.0, 2.5]
    result = apply_corrections(rows, contract)
    assert result.data["Records"].tolist() == ["1", "2", "2", "1"]
    assert result.data["Job"].fillna("missing").tolist() == ["1", "missing", "3", "2.5"]
    assert result.counts == NONE
