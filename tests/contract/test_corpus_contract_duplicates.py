"""Protects `modelops validate` from a contract with a key written twice. YAML keeps the last
one: a column defined again further down, looser, would loosen it. Each is exit 2 before any
data is judged: one `error:` line naming the contract file, the key path and both lines (each
checked to hold the key), no report, and the last good outputs left byte-identical.
"""

import re

import pytest
from support.contract_corpus import BadContract, nothing_lost, replaced

AGE = "  Age: {type: integer, min: 18, max: 100, max_missing: 0}\n"
# (case, the key path named, the key as written on both lines)
CASES = [
    # The issue's: Age defined again, looser, after the columns that follow it.
    (BadContract("column_redefined_looser", replaced(
        "  Amount: {type: integer",
        "  Age: {type: integer, min: 0, max: 1000}\n  Amount: {type: integer"), ()),
     "columns.Age", "Age:"),
    (BadContract("quarantine_limit_twice", replaced(
        "  unknown_columns: warn", "  max_quarantine_share: 1.0\n  unknown_columns: warn"), ()),
     "dataset.max_quarantine_share", "max_quarantine_share:"),
    (BadContract("target_positive_twice", replaced(
        "  positive: bad\n", "  positive: bad\n  positive: good\n"), ()),
     "target.positive", "positive:"),
    (BadContract("row_rules_emptied", lambda text: text + "row_rules: []\n", ()),
     "row_rules", "row_rules:"),
    (BadContract("provenance_column_twice", replaced(
        "    explored:", "    propensity: {type: number, min: 0, max: 100}\n    explored:"), ()),
     "provenance.columns.propensity", "propensity:"),
    (BadContract("row_rule_twice_in_one_item", replaced(
        "    rule: Amount <= Price", "    rule: Amount <= Price\n    rule: Amount >= 0"), ()),
     "row_rules[0].rule", "rule:"),
    (BadContract("corrections_switched_back", replaced(
        "  drop_exact_duplicates: true", "  drop_exact_duplicates: true\n"
        "  normalize_categories: false"), ()),
     "corrections.normalize_categories", "normalize_categories:"),
]  # fmt: skip
ONE_LINE = [
    # Two keys on one line, in a flow mapping: the line is named once.
    BadContract("range_twice_in_one_line",
                replaced(AGE, AGE.replace("max: 100", "max: 100, max: 1000")), ()),
]  # fmt: skip
BAD = [case for case, _, _ in CASES] + ONE_LINE


@pytest.fixture(scope="module")
def runs(run_contract_corpus):
    return run_contract_corpus(BAD)


@pytest.mark.parametrize(("case", "key", "written"), CASES, ids=str)
def test_exit_2_naming_the_key_and_both_lines(runs, case, key, written):
    run = runs[case.name]
    assert run.returncode == 2, run.stderr
    assert run.stdout == "" and "Traceback" not in run.stderr
    prefix = f"error: {run.folder / 'contract.yaml'}: duplicate key '{key}' at lines "
    assert run.stderr.startswith(prefix) and run.stderr.count("\n") == 1, run.stderr
    first, second = map(int, re.search(r"at lines (\d+) and (\d+)", run.stderr).groups())
    lines = (run.folder / "contract.yaml").read_text(encoding="utf-8").splitlines()
    assert first < second
    assert all(lines[n - 1].lstrip(" -").startswith(written) for n in (first, second))


def test_two_keys_on_one_line_name_it_once(runs):
    run = runs[ONE_LINE[0].name]
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert "duplicate key 'columns.Age.max' twice at line 42" in run.stderr, run.stderr


@pytest.mark.parametrize("case", BAD, ids=str)
def test_last_good_outputs_stay_and_no_report_is_written(runs, case, last_good):
    nothing_lost(runs[case.name], last_good)
