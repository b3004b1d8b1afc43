"""Protects `modelops validate` on broken copies of the sample, through the real CLI: every
answer is its exit code, and only a pass replaces the last good validated table and quarantine.

- DATASET_RULES (exit 1): a missing column, a column gone empty, sentinel codes that push a
  column over its missing share, one class only, duplicate deliveries, a header-only or
  truncated file fail on exactly their rule.
- ROW_RULES (exit 1): 200 rows breaking one rule (4.5 %, over the 2 % quarantine share) fail
  the run, named with the rule, its column and up to five example values, all quarantined
  (checked in process, where a failed run's quarantine can be seen) with the rule as reason.
- UNREADABLE (exit 2): an empty file, a line with one field too many and a value in Latin-1
  are input errors, not contract failures: one `error:` line naming `file.format` or
  `file.encoding` and where.
- PASSING (exit 0): a few breaking rows (under the share) pass; every breaking row is in the
  quarantine with exactly the rules it broke and absent from the validated table; sentinel
  codes and messy categories are corrected and counted.

Failures say so on stderr and in the report; the report's counts are exact.
"""

import json

import pandas as pd
import pytest
from support.cli import one_error_line
from support.contract_corpus import ROWS, Variant, edited, put, put_at, sentinel, torn

# The data set's rules (exit 1).
ALL = 4454  # rows in the sample
TORN_REASON = "Amount.not_null; Expenses.not_null; Job.allowed; Price.not_null"


DATASET_RULES = [
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


# The row rules (exit 1).
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


ROW_RULES = [
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


# Files that cannot be read (exit 2).
def extra_field(sample, raw: bytes) -> bytes:
    """Ten rows (file lines 101-110) with one field more than the header."""
    lines = raw.splitlines(keepends=True)
    for i in range(100, 110):
        lines[i] = lines[i].rstrip(b"\n") + b",x\n"
    return b"".join(lines)


def latin1(sample, raw: bytes) -> bytes:
    """The sample with row A00010's Home 'privé', all written in Latin-1 (its 'é' is 0xe9)."""
    frame = sample.copy()
    frame.loc[9, "Home"] = "privé"
    return frame.to_csv(index=False).encode("latin-1")


UNREADABLE = [
    Variant("empty_file", lambda sample, raw: b"", 2,
            stderr=("source 'empty_file': file.format:", "empty_file.csv is empty")),
    Variant("extra_field", extra_field, 2,
            stderr=("source 'extra_field': file.format:",
                    "Expected 15 fields in line 101, saw 16")),
    Variant("latin1", latin1, 2,
            stderr=("source 'latin1': file.encoding:", "latin1.csv is not UTF-8 (byte 0xe9")),
]  # fmt: skip


# Runs that pass with corrections and a small quarantine (exit 0).
AT = [10, 20, 30, 40, 50]
IDS = [f"A000{i + 1}" for i in AT]
FIVE_OUT = {"rows_quarantined": 5, "rows_out": 4449}


def two_rules_and_duplicates(sample, raw: bytes) -> bytes:
    """A00011 breaks two column rules, A00021 a column and a row rule; A00001-A00011 twice."""
    frame = sample.copy()
    frame.loc[10, ["Age", "Home"]] = [150, "castle"]
    frame.loc[20, ["Age", "Amount", "Price"]] = [12, 200, 100]
    return pd.concat([frame, frame.iloc[:11]]).to_csv(index=False).encode("utf-8")


PASSING = [
    Variant("five_ages_out_of_range", put_at("Age", 150, AT), 0, quarantined={"Age.range": 5},
            report=FIVE_OUT, reasons=dict.fromkeys(IDS, "Age.range")),
    Variant("five_text_ages", put_at("Age", "forty", AT), 0, quarantined={"Age.type": 5},
            report=FIVE_OUT, reasons=dict.fromkeys(IDS, "Age.type")),
    Variant("torn_last_line", torn(2223), 0, report={"rows_in": 2224, "rows_out": 2223},
            reasons={"A02224": "Amount.not_null; Expenses.not_null; Job.allowed; Price.not_null"}),
    Variant("two_rules_and_duplicates", two_rules_and_duplicates, 0,
            quarantined={"Age.range": 2, "Home.allowed": 1, "amount_within_price": 1},
            report={"rows_in": 4465, "exact_duplicates_dropped": 11, "rows_out": 4452},
            reasons={"A00011": "Age.range; Home.allowed",
                     "A00021": "Age.range; amount_within_price"}),
    Variant("few_sentinels", sentinel(["Income", "Assets", "Debt"], 10), 0,
            report={"corrections.missing_codes_mapped": 30, "rows_corrected": 10,
                    "rows_quarantined": 0, "rows_out": 4454}),
    Variant("messy_categories", put("Home", [" Owner ", "own", "RENTED", "Parents "], 8), 0,
            report={"corrections.normalized_category_values": 6, "corrections.synonyms_mapped": 4,
                    "rows_corrected": 8, "rows_quarantined": 0, "rows_out": 4454}),
]  # fmt: skip


FAILING = DATASET_RULES + ROW_RULES
VARIANTS = FAILING + UNREADABLE + PASSING


def each(variants):
    return pytest.mark.parametrize("variant", variants, ids=str)


@pytest.fixture(scope="module")
def runs(run_corpus):
    return run_corpus(VARIANTS)


def test_the_names_are_one_each():
    assert len({v.name for v in VARIANTS}) == len(VARIANTS)


@each(FAILING + UNREADABLE)
def test_a_refusal_leaves_the_last_good_outputs(runs, variant, last_good):
    run = runs[variant.name]
    assert run.returncode == variant.exit_code, run.stderr
    assert run.kept() == last_good


@each(FAILING)
def test_a_failure_names_its_rules_column_and_examples(runs, variant):
    stderr = runs[variant.name].stderr
    assert stderr.startswith("error: data contract failed:\n"), stderr
    assert all(line in stderr for line in variant.stderr), stderr
    assert "Traceback" not in stderr


def test_a_cross_column_rule_names_its_columns_and_examples(runs):
    stderr = runs["amount_over_price"].stderr
    line = next(line for line in stderr.splitlines() if "amount_within_price:" in line)
    assert "Amount" in line and "Price" in line and "e.g." in line


@each(UNREADABLE)
def test_an_unreadable_file_is_one_error_line_naming_the_rule_and_the_file(runs, variant):
    one_error_line(runs[variant.name], *variant.stderr)


@each(PASSING)
def test_a_pass_replaces_the_outputs_and_prints_the_counts(runs, variant, last_good):
    run = runs[variant.name]
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    r = run.report()
    assert run.stdout == (
        f"validate: {r['rows_in']} rows in, {r['rows_corrected']} corrected, "
        f"{r['exact_duplicates_dropped']} duplicates dropped, {r['rows_quarantined']} "
        f"quarantined, {r['rows_out']} out\n"
    )
    assert len(pd.read_parquet(run.folder / "validated.parquet")) == r["rows_out"]
    assert run.kept() != last_good


@each(FAILING + PASSING)
def test_the_report_names_the_rules_and_its_counts_are_exact(runs, variant):
    variant.check_report(runs[variant.name].report())


@each(FAILING)
def test_a_failed_run_would_quarantine_every_breaking_row(runs, variant, validate_in_process):
    run = runs[variant.name]
    result = validate_in_process(run.input)
    assert json.loads(json.dumps(result.report)) == run.report()
    variant.check_quarantine(result.quarantine, result.report)


@each(PASSING)
def test_a_pass_quarantines_every_breaking_row_with_its_rules(runs, variant):
    run = runs[variant.name]
    variant.check_quarantine(run.quarantine(), run.report())


@each(PASSING)
def test_every_row_is_out_or_quarantined_never_both(runs, variant):
    run = runs[variant.name]
    given = set(pd.read_csv(run.input, dtype=str)["applicant_id"])
    out = pd.read_parquet(run.folder / "validated.parquet")["applicant_id"]
    quarantined = set(run.quarantine()["applicant_id"])
    assert out.is_unique
    assert not quarantined & set(out)
    assert quarantined | set(out) == given
