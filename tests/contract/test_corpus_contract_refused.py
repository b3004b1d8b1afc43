"""Protects `modelops validate` from a contract it cannot apply as written. Each case is exit
2 before any data is judged: one `error:` line naming the contract file, the key path and the
value or column, no report, and the last good validated table and quarantine left
byte-identical.

- TYPOS: a misspelt key used to switch its check off.
- CONTRADICTIONS: a contract that contradicts itself used to be blamed on the data (exit 1,
  100 % quarantined).
- NUMBERS: `.nan` compares false with everything (Age {min: .nan} would quarantine no age at
  all) and an infinity is a bound nothing crosses.
- SUBJECTS: a row rule, the target or the id on a column the data may leave out
  (required: false) would run on nothing where it is absent.
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

FINITE = "input should be a finite number"
NUMBERS = [
    # The issue's.
    BadContract("age_min_nan", replaced("min: 18, max: 100", "min: .nan, max: 100"),
                ("'columns.Age.min'", FINITE, "got nan")),
    BadContract("income_max_inf",
                replaced("max: 10000, max_missing: 0.12", "max: .inf, max_missing: 0.12"),
                ("'columns.Income.max'", FINITE, "got inf")),
    BadContract("amount_min_minus_inf", replaced("min: 100, max: 5000", "min: -.inf, max: 5000"),
                ("'columns.Amount.min'", FINITE, "got -inf")),
    # YAML reads a float beyond double range as an infinity.
    BadContract("time_max_overflows", replaced("min: 6, max: 72", "min: 6, max: 1.0e+400"),
                ("'columns.Time.max'", FINITE, "got inf")),
    BadContract("income_missing_share_nan", replaced("max_missing: 0.12", "max_missing: .NaN"),
                ("'columns.Income.max_missing'", FINITE, "got nan")),
    BadContract("propensity_max_nan", replaced("propensity: {type: number, min: 0, max: 1}",
                                               "propensity: {type: number, min: 0, max: .nan}"),
                ("'provenance.columns.propensity.max'", FINITE, "got nan")),
    BadContract("missing_code_nan", replaced("[99999999]", "[99999999, .nan]"),
                ("'corrections.missing_codes[1]'", FINITE, "got nan")),
    BadContract("positive_share_inf", replaced("[0.15, 0.45]", "[0.15, .inf]"),
                ("'target.positive_share[1]'", FINITE, "got inf")),
    BadContract("quarantine_share_nan", replaced("share: 0.02", "share: .nan"),
                ("'dataset.max_quarantine_share'", FINITE, "got nan")),
    # A row rule against a number that is not finite holds for every row (or none).
    BadContract("row_rule_below_inf", replaced("Amount <= Price", "Amount <= inf"),
                ("'row_rules[0].rule'", "'Amount <= inf' compares with inf", "not a finite")),
    BadContract("row_rule_overflows", replaced("Amount <= Price", "Amount <= 1e400"),
                ("'row_rules[0].rule'", "compares with 1e400", "not a finite number")),
    BadContract("row_rule_against_nan", replaced("Amount <= Price", "Age != nan"),
                ("'row_rules[0].rule'", "compares with nan", "not a finite number")),
]  # fmt: skip

SUBJECTS = [
    BadContract("row_rule_on_an_optional_column",
                replaced("Price: {type: integer,", "Price: {type: integer, required: false,"),
                ("row rule 'amount_within_price'", "'Price' is optional (required: false)")),
    BadContract("optional_target",
                replaced("Status: {type: category,", "Status: {type: category, required: false,"),
                ("columns.Status cannot be optional", "it is the target")),
    BadContract("optional_id",
                replaced("applicant_id: {type: string,",
                         "applicant_id: {type: string, required: false,"),
                ("columns.applicant_id is the id column", "cannot be optional")),
]  # fmt: skip

CASES = TYPOS + CONTRADICTIONS + NUMBERS + SUBJECTS
EACH = pytest.mark.parametrize("case", CASES, ids=str)


@pytest.fixture(scope="module")
def runs(run_contract_corpus):
    return run_contract_corpus(CASES)


def test_the_names_are_one_each():
    assert len({case.name for case in CASES}) == len(CASES)


@EACH
def test_exit_2_with_one_line_naming_the_key_and_the_value_or_column(runs, case):
    refused_in_one_line(runs[case.name], case.words)


@EACH
def test_last_good_outputs_stay_and_no_report_is_written(runs, case, last_good):
    nothing_lost(runs[case.name], last_good)
