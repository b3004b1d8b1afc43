"""Protects runs that pass with corrections and a small quarantine, through the real CLI.

A few breaking rows (under the 2 % quarantine share) do not fail `modelops validate`: exit 0,
the new validated table and quarantine replace the last good ones, every breaking row is in
the quarantine with exactly the rules it broke and absent from the validated table, and the
report's counts are exact. Sentinel codes and messy categories are corrected and counted.
"""

import pandas as pd
import pytest
from support.contract_corpus import Variant, put, put_at, sentinel, torn

AT = [10, 20, 30, 40, 50]
IDS = [f"A000{i + 1}" for i in AT]
FIVE_OUT = {"rows_quarantined": 5, "rows_out": 4449}


def two_rules_and_duplicates(sample, raw: bytes) -> bytes:
    """A00011 breaks two column rules, A00021 a column and a row rule; A00001-A00011 twice."""
    frame = sample.copy()
    frame.loc[10, ["Age", "Home"]] = [150, "castle"]
    frame.loc[20, ["Age", "Amount", "Price"]] = [12, 200, 100]
    return pd.concat([frame, frame.iloc[:11]]).to_csv(index=False).encode("utf-8")


VARIANTS = [
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
CASES = pytest.mark.parametrize("variant", VARIANTS, ids=str)


@pytest.fixture(scope="module")
def runs(run_corpus):
    return run_corpus(VARIANTS)


@CASES
def test_exit_0_replaces_outputs_and_prints_the_counts(runs, variant, last_good):
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


@CASES
def test_report_counts_are_exact(runs, variant):
    variant.check_report(runs[variant.name].report())


@CASES
def test_quarantine_holds_every_breaking_row_with_its_rules(runs, variant):
    run = runs[variant.name]
    variant.check_quarantine(run.quarantine(), run.report())


@CASES
def test_every_row_is_out_or_quarantined_never_both(runs, variant):
    run = runs[variant.name]
    given = set(pd.read_csv(run.input, dtype=str)["applicant_id"])
    out = pd.read_parquet(run.folder / "validated.parquet")["applicant_id"]
    quarantined = set(run.quarantine()["applicant_id"])
    assert out.is_unique
    assert not quarantined & set(out)
    assert quarantined | set(out) == given
