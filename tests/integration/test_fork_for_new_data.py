"""Protects forking for other data: with only params.yaml, a drafted contract and new files in
data/external, the pipeline runs and the gate judges the new model (no change under src/)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
from support.config import write_config
from support.repos import run

from modelops.config import paths
from modelops.config.layout import read_sections

ID, TARGET = "loan_id", "outcome"
SOURCE = "data/external/loans.csv"


def loans(rows: int = 1000, seed: int = 7) -> pd.DataFrame:
    """Another lender's applications: other columns, mixed-case categories with units ("DM"),
    an id, and a target labelled Default / Repaid (about 30% defaults)."""
    rng = np.random.default_rng(seed)

    def pick(*values: str) -> np.ndarray:
        return rng.choice(values, rows)

    def whole(low: int, high: int) -> np.ndarray:
        return rng.integers(low, high + 1, rows)

    checking = pick("< 0 DM", "0 <= ... < 200 DM", ">= 200 DM", "No checking account")
    history = pick("Critical account", "Existing paid", "Delayed previously", "All paid")
    duration, amount, age = whole(4, 72), whole(250, 18_500), whole(19, 75)
    risk = (
        -1.9 + 1.4 * (checking == "< 0 DM") - 1.0 * (checking == "No checking account")
        + 0.9 * (history == "Critical account") + 0.03 * (duration - 20)
        - 0.02 * (age - 35) + 0.00005 * (amount - 3000)
    )  # fmt: skip
    frame = pd.DataFrame({
        ID: [f"L{i:05d}" for i in range(rows)],
        "checking_account": checking,
        "duration_months": duration,
        "credit_history": history,
        "purpose": pick("Car (new)", "Car (used)", "Furniture", "Radio/TV", "Education"),
        "credit_amount": amount,
        "savings": pick("< 100 DM", "100 <= ... < 500 DM", ">= 500 DM", "Unknown"),
        "employment_years": pick("Unemployed", "< 1", "1 <= ... < 4", ">= 7"),
        "installment_rate": whole(1, 4),
        "personal_status": pick("Male single", "Female", "Male married"),
        "other_debtors": pick("No one", "Co-applicant", "Guarantor"),
        "residence_years": whole(1, 4),
        "property": pick("Real estate", "Savings agreement", "Car", "Unknown"),
        "age": age,
        "other_plans": pick("Bank", "Stores", "No plans"),
        "housing": pick("Own", "Rent", "For free"),
        "existing_credits": whole(1, 4),
        "job": pick("Unskilled", "Skilled", "Management"),
        "monthly_income": np.round(rng.lognormal(7.5, 0.4, rows), 2),
        "telephone": pick("Yes", "No"),
        TARGET: np.where(rng.random(rows) < 1 / (1 + np.exp(-risk)), "Default", "Repaid"),
    })  # fmt: skip
    frame.loc[rng.choice(rows, 40, replace=False), "monthly_income"] = np.nan
    return frame


def test_a_fork_for_other_data_runs_the_pipeline_and_the_gate(sample_repo):
    repo = sample_repo
    run("git", "checkout", "-q", "-b", "own-data", cwd=repo)
    shutil.rmtree(repo / "data/external")
    (repo / "data/external").mkdir()
    data = loans()
    data.to_csv(repo / SOURCE, index=False)

    run(
        "modelops", "contract", "draft", "--input", SOURCE,
        "--target", TARGET, "--output", str(paths.CONTRACT), cwd=repo,
    )  # fmt: skip
    params = read_sections(repo / paths.PARAMS)
    params["data"]["features"] = [c for c in data.columns if c not in (ID, TARGET)]
    # A fork's compliance writes what a rejected applicant is told about each feature.
    params["reasons"] = {f: f"Your {f.replace('_', ' ')}" for f in params["data"]["features"]}
    # ... and its protected attributes: here age, judged as the project judges Age (approval
    # rules off, calibration by band gated; the age rule off: not asked of this data's model).
    params["fairness"]["attributes"] = {
        "age": {"feature": True, "basis": "Reg B", "bands": [18, 30, 45, 62, 100],
                "min_approval_ratio": None, "max_equal_opportunity_gap": None}
    }  # fmt: skip
    params["fairness"]["no_negative_factor"] = None
    params["ingest"]["sources"] = [{"name": "bank", "kind": "csv", "path": SOURCE}]
    params["business"]["amount_column"] = "credit_amount"
    params["evaluate"]["segments"] = ["age", "housing"]
    params["evaluate"]["segment_edges"] = {"age": [18, 30, 45, 60, 100]}
    write_config(repo / paths.PARAMS, params)

    run("dvc", "repro", cwd=repo)
    quality = json.loads((repo / paths.DATA_QUALITY).read_text())
    assert (quality["passed"], quality["rows_out"], quality["rows_quarantined"]) == (True, 1000, 0)
    assert json.loads((repo / paths.METRICS).read_text())["roc_auc"] > 0.6

    # The gate compares with main, whose model learnt other data: it may fail, never error.
    gate = run("modelops", "gate", "--baseline", "main", cwd=repo, check=False)
    assert gate.returncode in (0, 1), gate.stderr
    assert "Traceback" not in gate.stderr
    assert "baseline main: main at" in gate.stdout
    assert "housing segments roc_auc" in gate.stdout
