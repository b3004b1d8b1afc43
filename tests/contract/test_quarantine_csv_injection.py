"""Protects people who open the quarantine in a spreadsheet (OWASP CSV injection): a text cell
starting with = + - @, a tab or a carriage return is written with a quote in front, so that
it is shown, not run; every other cell, numbers included, is written as it was.
"""

import pandas as pd

RISKY = ["=cmd|' /c calc'!A0", "+A2", "-A3", "@A4", "\tA5", "\rA6"]
PLAIN = ["A=7", "A 8", "A-9"]


def test_formula_cells_are_quoted_and_the_rest_left_alone(tmp_path, sample, validate_cli):
    frame = sample.copy()
    rows = len(RISKY + PLAIN)
    frame.loc[: rows - 1, "applicant_id"] = RISKY + PLAIN
    frame.loc[: rows - 1, "Age"] = 150  # Age.range: all of them quarantined
    frame.loc[0, "Home"] = "=1+1"  # Home.allowed too: a category cell
    frame.loc[1, "Seniority"] = -1  # Seniority.range too: a negative number stays a number
    frame.to_parquet(tmp_path / "extract.parquet", index=False)  # keeps \t and \r exactly

    run = validate_cli(tmp_path, "extract.parquet", outputs=True)

    assert run.returncode == 0, run.stderr
    quarantine = pd.read_csv(tmp_path / "quarantine.csv", dtype=str, keep_default_na=False)
    assert quarantine["applicant_id"].tolist() == [f"'{v}" for v in RISKY] + PLAIN
    assert quarantine.loc[0, "Home"] == "'=1+1"
    assert quarantine.loc[1, "Seniority"] == "-1"
    assert quarantine["quarantine_reason"].tolist() == [
        "Age.range; Home.allowed",
        "Age.range; Seniority.range",
        *["Age.range"] * (rows - 2),
    ]
    # Every other cell is the extract's own value.
    given = frame.iloc[:rows].astype(str).drop(columns=["applicant_id", "Home"])
    written = quarantine.drop(columns=["applicant_id", "Home", "source", "quarantine_reason"])
    assert (written.to_numpy() == given.replace("nan", "").to_numpy()).all()
