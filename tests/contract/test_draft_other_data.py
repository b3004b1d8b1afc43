"""Protects `modelops contract draft` on a data set it has never seen (a fork's): it detects
each column's type, widens ranges by the margin, finds the id column, the target and its
band, and the data set it was drafted from validates against it with nothing quarantined.
"""

import math

import pytest

from modelops.config.contract import load_contract
from modelops.data.ingest import read_table_file
from modelops.data.validation import validate_against_contract

MARGIN = 0.25
TYPES = {
    "loan_id": "string", "duration": "integer", "credit_amount": "integer",
    "installment_rate": "integer", "age": "integer", "existing_credits": "integer",
    "interest": "number", "remarks": "string", "class": "category", "source": "string",
    **dict.fromkeys(["checking", "history", "savings", "employment", "personal_status",
                     "property", "job", "purpose", "currency", "housing", "telephone"],
                    "category"),
}  # fmt: skip


@pytest.fixture(scope="module")
def drafted(tmp_path_factory, draft_cli, other_credit):
    """other_credit as a Parquet extract (the amounts stay text), and the draft from it."""
    folder = tmp_path_factory.mktemp("draft_other")
    other_credit.to_parquet(folder / "loans.parquet", index=False)
    run = draft_cli(folder, "--input", "loans.parquet", "--output", "contract.yaml",
                    "--margin", str(MARGIN))  # fmt: skip
    assert run.returncode == 0, run.stderr
    return folder, load_contract(folder / "contract.yaml")


def test_the_data_set_validates_against_its_draft(drafted):
    folder, contract = drafted
    result = validate_against_contract(
        read_table_file(folder / "loans.parquet", "source"), contract, "source"
    )
    assert result.passed, [rule.describe() for rule in result.failures]
    assert result.quarantine.empty
    # " 1234 " amounts read as numbers; "A11", "DM" compared in lower case, not quarantined.
    assert result.report["corrections"]["numeric_text_coerced"] == 143
    assert result.report["corrections"]["normalized_category_values"] == 11 * 1000 - 50


def test_types_categories_and_missing_shares(drafted, other_credit):
    _, contract = drafted
    assert {name: rule.type for name, rule in contract.columns.items()} == TYPES
    assert set(contract.columns["checking"].allowed) == {"a11", "a12", "a13", "a14"}
    assert set(contract.columns["currency"].allowed) == {"dm", "eur"}
    assert set(contract.columns["housing"].allowed) == {"own", "rent", "for free"}
    assert contract.columns["savings"].max_missing == 0.0725  # 5 % x 1.25 + 0.01
    assert contract.columns["age"].max_missing == 0.0475  # 3 % x 1.25 + 0.01
    assert contract.columns["remarks"].max_missing == 1.0
    assert contract.columns["loan_id"].max_missing == contract.columns["duration"].max_missing == 0


@pytest.mark.parametrize("column", ["duration", "credit_amount", "age", "interest"])
def test_ranges_are_widened_by_the_margin(drafted, other_credit, column):
    _, contract = drafted
    values = other_credit[column].astype(float)
    pad = (values.max() - values.min()) * MARGIN
    low, high = max(0.0, values.min() - pad), values.max() + pad
    rule = contract.columns[column]
    if rule.type == "integer":
        assert (rule.min, rule.max) == (math.floor(low), math.ceil(high))
    else:  # rounded outward to four significant digits
        assert rule.min <= low and rule.max >= high
        assert (rule.min, rule.max) == (pytest.approx(low, rel=1e-3), pytest.approx(high, rel=1e-3))


def test_id_column_target_and_band(drafted, other_credit):
    _, contract = drafted
    assert contract.dataset.id_column == "loan_id"
    assert contract.columns["loan_id"].unique
    share = float((other_credit["class"] == 2).mean())  # the rarer value is the event
    assert (contract.target.column, contract.target.positive) == ("class", "2")
    assert set(contract.target.allowed) == {"1", "2"}
    low, high = contract.target.positive_share
    assert low < share < high
    assert low == pytest.approx(share * 0.5, rel=1e-2)
    assert high == pytest.approx(share * 1.5, rel=1e-2)
