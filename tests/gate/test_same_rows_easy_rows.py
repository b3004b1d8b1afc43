"""Protects the gate against a friendlier test set (issue 9's case, in our construction): a
change that adds 2,500 easy, confidently scored applications and over-regularises the model
(C 0.001) "improves" its stored ROC AUC over main's, yet main's model is better on the very same
rows. The drop rule fails it with the drop it really has, and the report shows both comparisons
side by side and what changed in the data.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from modelops.review.report import WATERMARK

COLUMNS = ["Status", "Seniority", "Home", "Time", "Age", "Marital", "Records", "Job",
           "Expenses", "Income", "Assets", "Debt", "Amount", "Price"]  # fmt: skip
# Long-settled home owners borrowing little, and young renters with records borrowing much.
EASY_GOOD = ["good", 30, "owner", 12, 50, "married", "no", "fixed", 40, 400, 20000, 0, 500, 2000]
EASY_BAD = ["bad", 0, "rent", 60, 22, "single", "yes", "partime", 100, 60, 0, 3000, 4000, 4500]
ADDED, BAD_SHARE = 2500, 0.28


def easy_applications() -> pd.DataFrame:
    bad = round(ADDED * BAD_SHARE)
    rows = pd.DataFrame([EASY_BAD] * bad + [EASY_GOOD] * (ADDED - bad), columns=COLUMNS)
    rows.insert(0, "applicant_id", [f"EASY{i:05d}" for i in range(ADDED)])
    return rows


@pytest.fixture(scope="module")
def easy_rows(branch_of_built_sample, set_params, reproduced, modelops, built_sample):
    """The change reproduced, gated against main and reported; main's stored reports."""
    repo = branch_of_built_sample("easy-rows")
    source = repo / "data/external/credit.csv"
    table = pd.read_csv(source)
    pd.concat([table, easy_applications()[table.columns]]).to_csv(source, index=False)
    set_params(repo, {"train.logistic_regression.C": 0.001})
    reproduced(repo, "More applications; regularise harder")
    gate = modelops(repo, "gate", "--baseline", "main")
    report = modelops(repo, "report")
    assert report.returncode == 0, report.stderr
    verdict = json.loads((repo / "reports/gate.json").read_text(encoding="utf-8"))
    at_main = {
        name: json.loads((built_sample / f"reports/{name}.json").read_text(encoding="utf-8"))
        for name in ("metrics", "data_quality")
    }
    return gate, verdict, (repo / "reports/report.md").read_text(encoding="utf-8"), at_main


def rule(verdict: dict, name: str) -> dict:
    (found,) = [r for r in verdict["rules"] if r["rule"] == name]
    return found


def test_stored_roc_auc_improves_but_main_model_is_better_on_the_same_rows(easy_rows):
    gate, verdict, _, at_main = easy_rows
    assert gate.returncode == 1, gate.stdout + gate.stderr
    main = verdict["baselines"][0]
    assert main["same_rows"]["status"] == "compared"
    assert main["metrics"] == at_main["metrics"]  # stored: main's model on its own test set
    drop = rule(verdict, "roc_auc drop vs main")
    # what the old gate compared: this change's 0.914 against main's stored 0.859
    assert drop["value"] > at_main["metrics"]["roc_auc"] + 0.03
    # what it compares now: main's model on these rows, 0.937
    assert drop["baseline"] == main["same_rows"]["metrics"]["roc_auc"]
    assert drop["baseline"] - drop["value"] > 0.02
    assert not drop["passed"]
    low, high = drop["interval"]
    assert 0.01 < low < drop["baseline"] - drop["value"] < high  # the whole interval is over
    assert "(a real difference)" in drop["note"]
    assert "roc_auc drop vs main" in gate.stderr


def test_report_shows_same_rows_and_stored_columns_side_by_side(easy_rows):
    _, verdict, report, at_main = easy_rows
    lines = report.splitlines()
    assert lines[:2] == [WATERMARK, "## ❌ Gate failed"]
    assert "| metric | this change | main, same rows | Δ | main, its own test set |" in lines
    drop = rule(verdict, "roc_auc drop vs main")
    low, high = drop["interval"]
    assert (
        f"| roc_auc | {drop['value']:.4f} | {drop['baseline']:.4f} | "
        f"{drop['value'] - drop['baseline']:+.4f} [{-high:+.4f}, {-low:+.4f}] | "
        f"{at_main['metrics']['roc_auc']:.4f} |"
    ) in lines


def test_report_shows_what_changed_in_the_data(easy_rows):
    _, verdict, report, at_main = easy_rows
    section = report.split("### Data changed vs main", 1)[1].split("###", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in section.splitlines() if "|" in line}
    assert "`data/external`" in rows
    _, before, now = (cell.strip() for cell in rows["`data/external`"].strip("|").split("|"))
    assert before != now
    rows_in = at_main["data_quality"]["rows_in"]
    assert rows["rows in"] == f"| rows in | {rows_in:,} | {rows_in + ADDED:,} |"
    n_test = verdict["baselines"][0]["same_rows"]["metrics"]["n_test"]
    assert rows["test rows"] == f"| test rows | {at_main['metrics']['n_test']:,} | {n_test:,} |"
    assert n_test > at_main["metrics"]["n_test"]
