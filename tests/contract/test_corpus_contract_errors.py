"""Protects `modelops validate` from a contract that cannot be applied as written.

A typo used to switch a check off, and a contradiction used to be blamed on the data (exit 1,
100 % quarantined). Each is now exit 2 before any data is judged: one `error:` line naming
the contract file, the key path and the value, no report, and the last good validated table
and quarantine left byte-identical.
"""

import pytest
from support.contract_corpus import BadContract, nothing_lost, refused_in_one_line, replaced

AMOUNT = "Amount: {type: integer, min: 100, max: 5000"
TYPOS = [
    BadContract("amount_minimum", replaced(AMOUNT, AMOUNT.replace("min", "minimum").replace(
        "max", "maximum")), ("unknown key 'columns.Amount.minimum'", "did you mean 'min'")),
    BadContract("max_quarantine_shares", replaced("share: 0.02", "shares: 0.02"),
                ("'dataset.max_quarantine_shares'", "did you mean 'max_quarantine_share'")),
    BadContract("min_row", replaced("min_rows: 1000", "min_row: 1000"),
                ("'dataset.min_row'", "did you mean 'min_rows'")),
    BadContract("unique_misspelt", replaced("unique: true, max", "uniqe: true, max"),
                ("'columns.applicant_id.uniqe'", "did you mean 'unique'")),
    BadContract("top_level_section", replaced("row_rules:", "row_rule:"),
                ("unknown key 'row_rule'", "did you mean 'row_rules'")),
    BadContract("target_key", replaced("positive: bad", "positive: bad\n  positive_class: bad"),
                ("unknown key 'target.positive_class'",)),
    BadContract("corrections_key", replaced("normalize_categories:", "normalise_categories:"),
                ("'corrections.normalise_categories'", "did you mean 'normalize_categories'")),
    BadContract("row_rule_key", replaced("rule: Amount <= Price", "rules: Amount <= Price"),
                ("unknown key 'row_rules[0].rules'", "did you mean 'rule'")),
]  # fmt: skip
CONTRADICTIONS = [
    BadContract("age_min_above_max", replaced("Age: {type: integer, min: 18, max: 100",
                                              "Age: {type: integer, min: 100, max: 18"),
                ("'columns.Age'", "min 100 is above max 18")),
    BadContract("inverted_band", replaced("[0.15, 0.45]", "[0.45, 0.15]"),
                ("'target'", "positive_share", "[0.45, 0.15]")),
    BadContract("allowed_empty", replaced("allowed: [owner, rent, parents, priv, other, ignore]",
                                          "allowed: []"), ("'columns.Home.allowed'", "got []")),
    BadContract("synonym_outside_allowed", replaced("own: owner,", "own: owned,"),
                ("columns.Home", "synonyms map to 'owned'")),
    BadContract("range_on_category", replaced("Records: {type: category",
                                              "Records: {type: category, min: 0"),
                ("'columns.Records'", "min and max apply to integer and number columns")),
    BadContract("positive_not_allowed", replaced("positive: bad", "positive: default"),
                ("'target'", "positive 'default' is not one of allowed")),
    BadContract("target_not_a_column", replaced("column: Status", "column: Outcome"),
                ("target.column 'Outcome'", "not under columns")),
    BadContract("id_not_unique", replaced("unique: true, ", ""),
                ("columns.applicant_id", "id column", "unique: true")),
    BadContract("row_rule_unknown_column", replaced("Amount <= Price", "Amount <= Prise"),
                ("row rule 'amount_within_price'", "'Prise' is not under columns")),
    BadContract("row_rule_on_category", replaced("Amount <= Price", "Amount <= Home"),
                ("row rule 'amount_within_price'", "'Home' is not a number column")),
    BadContract("row_rule_unreadable", replaced("Amount <= Price", "Amount is below Price"),
                ("'row_rules[0].rule'", "cannot read 'Amount is below Price'")),
    BadContract("row_rule_names_twice",
                lambda text: text + "  - name: amount_within_price\n    rule: Time <= Age\n",
                ("row_rules", "'amount_within_price' is used twice")),
    BadContract("yaml_booleans", replaced('allowed: ["yes", "no"]', "allowed: [yes, no]"),
                ("'columns.Records.allowed[0]'", "valid string", "True")),
    BadContract("allowed_equal_once_normalised", replaced("[owner, rent", "[owner, Rent, rent"),
                ("columns.Home", "'Rent' is 'rent' once normalised")),
    BadContract("target_equal_once_normalised", replaced("[good, bad]", "[Bad, bad]"),
                ("target.allowed", "['Bad', 'bad']", "one value once normalised")),
]  # fmt: skip
CASES = pytest.mark.parametrize("case", TYPOS + CONTRADICTIONS, ids=str)


@pytest.fixture(scope="module")
def runs(run_contract_corpus):
    return run_contract_corpus(TYPOS + CONTRADICTIONS)


@CASES
def test_exit_2_with_one_line_naming_key_and_value(runs, case):
    refused_in_one_line(runs[case.name], case.words)


@CASES
def test_last_good_outputs_stay_and_no_report_is_written(runs, case, last_good):
    nothing_lost(runs[case.name], last_good)
