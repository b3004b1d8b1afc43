"""Protects the row rules on broken copies of the sample, through the real `modelops validate`.

200 rows breaking one rule (4.5 %, over the 2 % quarantine share) fail the run with exit 1,
leave the last good validated table and quarantine as they were, name the rule, its column
and up to five example values on stderr and in the report, and are all quarantined (checked
in-process, where the quarantine of a failed run can be seen) with the rule as their reason.
"""

import json

import pytest
from support.contract_corpus import ROWS, Variant, edited, put

SHARE = "dataset.quarantine_share: 0.044903 (limit <= 0.02), 200 rows"


def _amount_over_price(frame):
    rows = frame.index[frame["Amount"] >= 300][:ROWS]
    frame.loc[rows, "Price"] = frame.loc[rows, "Amount"] - 100


def _ids_delivered_twice(frame):
    frame.loc[100:199, "applicant_id"] = frame.loc[0:99, "applicant_id"].to_numpy()


def shifted(sample, raw: bytes) -> bytes:
    """Every tenth row's values one field to the right: an empty field after the id."""
    lines = raw.splitlines(keepends=True)
    for i in range(10, len(lines), 10):
        fields = lines[i].rstrip(b"\n").split(b",")
        lines[i] = b",".join([fields[0], b"", *fields[1:-1]]) + b"\n"
    return b"".join(lines)


def _row_rule(name, build, rule, examples, rows=200, share=SHARE):
    line = f"{rule}: column '{rule.split('.')[0]}', {rows} rows quarantined"
    line += f", e.g. {examples}" if examples else ""
    return Variant(name, build, 1, ("dataset.quarantine_share",), {rule: rows}, (share, line))


VARIANTS = [
    _row_rule("text_in_age", put("Age", ["abc", "forty", "?", "unknown", "x", "old"]),
              "Age.type", "'abc', 'forty', '?', 'unknown', 'x'"),
    _row_rule("fractional_age", put("Age", [30.5, 41.25, 22.1]),
              "Age.integer", "30.5, 41.25, 22.1"),
    _row_rule("age_out_of_range", put("Age", [150, 12, 101, 17, -1, 0]),
              "Age.range", "150, 12, 101, 17, -1"),
    _row_rule("unknown_home", put("Home", ["castle", "boat", "tent", "hotel", "car", "cave"]),
              "Home.allowed", "'castle', 'boat', 'tent', 'hotel', 'car'"),
    _row_rule("status_not_allowed", put("Status", ["default", "paid", "late"]),
              "Status.allowed", "'default', 'paid', 'late'"),
    _row_rule("duplicated_ids", edited(_ids_delivered_twice), "applicant_id.unique",
              "'A00001', 'A00002', 'A00003', 'A00004', 'A00005'"),
    _row_rule("price_missing", put("Price", [None]), "Price.not_null", ""),
    Variant("amount_over_price", edited(_amount_over_price), 1, ("dataset.quarantine_share",),
            {"amount_within_price": 200},
            (SHARE, "amount_within_price: columns Amount, Price, 200 rows quarantined, "
                    "e.g. 'Amount=800, Price=700'")),
    Variant("shifted_columns", shifted, 1, ("dataset.quarantine_share",),
            {"Status.not_null": 445, "Seniority.type": 445}, report={"rows_quarantined": 445},
            stderr=("dataset.quarantine_share: 0.09991 (limit <= 0.02), 445 rows",
                    "Seniority.type: column 'Seniority', 445 rows quarantined, "
                    "e.g. 'bad', 'good'")),
]  # fmt: skip
CASES = pytest.mark.parametrize("variant", VARIANTS, ids=str)


@pytest.fixture(scope="module")
def runs(run_corpus):
    return run_corpus(VARIANTS)


@CASES
def test_exit_1_leaves_last_good_outputs(runs, variant, last_good):
    run = runs[variant.name]
    assert run.returncode == 1, run.stderr
    assert run.kept() == last_good


@CASES
def test_stderr_names_rule_column_and_examples(runs, variant):
    stderr = runs[variant.name].stderr
    assert stderr.startswith("error: data contract failed:\n"), stderr
    assert all(line in stderr for line in variant.stderr), stderr


@CASES
def test_report_names_the_rule(runs, variant):
    variant.check_report(runs[variant.name].report())


@CASES
def test_quarantine_holds_every_breaking_row(runs, variant, validate_in_process):
    run = runs[variant.name]
    result = validate_in_process(run.input)
    assert json.loads(json.dumps(result.report)) == run.report()
    variant.check_quarantine(result.quarantine, result.report)


def test_cross_column_rule_names_its_columns_and_examples(runs):
    stderr = runs["amount_over_price"].stderr
    line = next(line for line in stderr.splitlines() if "amount_within_price:" in line)
    assert "Amount" in line and "Price" in line and "e.g." in line
