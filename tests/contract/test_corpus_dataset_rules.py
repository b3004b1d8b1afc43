"""Protects the data-set rules on broken copies of the sample, through the real CLI.

A missing column, a column gone empty, sentinel codes that push a column over its missing
share, one class only, duplicate deliveries, a header-only or truncated file: each fails
`modelops validate` with exit 1 on exactly its rule, says so on stderr and in the report,
and leaves the last good validated table and quarantine as they were.
"""

import json

import pytest
from support.contract_corpus import Variant, edited, put, sentinel, torn

ALL = 4454  # rows in the sample
TORN_REASON = "Amount.not_null; Expenses.not_null; Job.allowed; Price.not_null"

VARIANTS = [
    Variant("missing_column", edited(lambda f: f.pop("Price")), 1,
            ("schema.required_column",), report={"rows_quarantined": 0, "rows_out": 0},
            stderr=("schema.required_column: column 'Price', missing (limit present)",)),
    Variant("income_all_missing", put("Income", [None], ALL), 1,
            ("Income.max_missing",),
            stderr=("Income.max_missing: column 'Income', 1.0 (limit <= 0.12), 4454 rows",)),
    Variant("sentinel_income", sentinel(["Income"], 200), 1, ("Income.max_missing",),
            report={"corrections.missing_codes_mapped": 200, "rows_quarantined": 0},
            stderr=("Income.max_missing: column 'Income', 0.130445 (limit <= 0.12), 581 rows",)),
    Variant("one_class", put("Status", ["good"], ALL), 1,
            ("dataset.positive_share",),
            stderr=("dataset.positive_share: column 'Status', 0.0 (limit between 0.15 and 0.45)",)),
    Variant("duplicate_rows", lambda s, raw: raw + b"".join(raw.splitlines(True)[1:101]), 1,
            ("dataset.duplicate_share",), report={"rows_in": 4554, "exact_duplicates_dropped": 100},
            stderr=("dataset.duplicate_share: 0.021959 (limit <= 0.01), 100 rows",)),
    Variant("header_only", lambda s, raw: raw.splitlines(True)[0], 1, ("dataset.min_rows",),
            report={"rows_in": 0}, stderr=("dataset.min_rows: 0 (limit >= 1000)",)),
    Variant("truncated", torn(440), 1, ("dataset.min_rows",), reasons={"A00441": TORN_REASON},
            report={"rows_in": 441}, stderr=("dataset.min_rows: 440 (limit >= 1000)",)),
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
def test_stderr_names_the_rule(runs, variant):
    stderr = runs[variant.name].stderr
    assert stderr.startswith("error: data contract failed:\n"), stderr
    assert all(line in stderr for line in variant.stderr), stderr
    assert "Traceback" not in stderr


@CASES
def test_report_names_the_rule(runs, variant):
    variant.check_report(runs[variant.name].report())


@CASES
def test_quarantine_holds_every_breaking_row(runs, variant, validate_in_process):
    run = runs[variant.name]
    result = validate_in_process(run.input)
    assert json.loads(json.dumps(result.report)) == run.report()
    variant.check_quarantine(result.quarantine, result.report)
