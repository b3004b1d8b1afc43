"""Protects `modelops validate` from a contract number that switches its rule off: `.nan`
compares false with everything (Age {min: .nan} would quarantine no age at all) and an
infinity is a bound nothing crosses. Each is exit 2 before any data is judged: one `error:`
line naming the contract file, the key path and the value, no report, and the last good
outputs left byte-identical.
"""

import pytest
from support.contract_corpus import BadContract, nothing_lost, refused_in_one_line, replaced

FINITE = "input should be a finite number"
CASES = [
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
EACH = pytest.mark.parametrize("case", CASES, ids=str)


@pytest.fixture(scope="module")
def runs(run_contract_corpus):
    return run_contract_corpus(CASES)


@EACH
def test_exit_2_with_one_line_naming_key_and_value(runs, case):
    refused_in_one_line(runs[case.name], case.words)


@EACH
def test_last_good_outputs_stay_and_no_report_is_written(runs, case, last_good):
    nothing_lost(runs[case.name], last_good)
