"""Protects `modelops validate` from a contract rule aimed at a column it cannot judge: a row
rule, the target or the id on a column the data may leave out (required: false) would run on
nothing where it is absent. Each is exit 2 before any data is judged: one `error:` line naming
the contract file, the rule and the column, no report, and the last good outputs unchanged.
"""

import pytest
from support.contract_corpus import BadContract, nothing_lost, refused_in_one_line, replaced

CASES = [
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
EACH = pytest.mark.parametrize("case", CASES, ids=str)


@pytest.fixture(scope="module")
def runs(run_contract_corpus):
    return run_contract_corpus(CASES)


@EACH
def test_exit_2_with_one_line_naming_the_rule_and_the_column(runs, case):
    refused_in_one_line(runs[case.name], case.words)


@EACH
def test_last_good_outputs_stay_and_no_report_is_written(runs, case, last_good):
    nothing_lost(runs[case.name], last_good)
