"""Protects validation from non-finite numbers in the data: inf, -inf, or a number too large
for a float (1e400 reads as inf) in a numeric column is the row rule `<column>.finite`, named
and quarantined like an out-of-range value, never also `range` or a row rule; NaN stays missing
(the missing-value rules judge it). The report is valid JSON whatever the data hold, and a CSV
or Parquet source with inf goes through `modelops ingest` and `modelops validate` (the first
two stages of `dvc repro`) without a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from support.cli import in_process
from support.config import write_config
from support.contract_corpus import put, put_at

ROWS = [0, 1, 2]  # 3 of 4,454 rows: well under the 2 % quarantine share


def strict_json(text: str):
    """text as JSON as any reader takes it: NaN and Infinity are not JSON."""

    def refuse(constant: str):
        raise AssertionError(f"the report holds {constant}, which is not JSON")

    return json.loads(text, parse_constant=refuse)


@dataclass(frozen=True)
class Case:
    name: str
    build: object
    exit_code: int
    quarantined: dict  # rule -> rows, the report's quarantined_by_rule exactly
    examples: dict  # rule -> the report's example values

    def __str__(self) -> str:
        return self.name


CASES = [
    # The example: inf in Income on 3 rows.
    Case("income_inf", put_at("Income", np.inf, ROWS), 0, {"Income.finite": 3},
         {"Income.finite": ["inf"]}),
    Case("assets_minus_inf", put_at("Assets", -np.inf, [5, 6]), 0, {"Assets.finite": 2},
         {"Assets.finite": ["-inf"]}),
    Case("income_infinity_text", put_at("Income", "Infinity", ROWS), 0, {"Income.finite": 3},
         {"Income.finite": ["inf"]}),
    Case("debt_1e400", put_at("Debt", "1e400", ROWS), 0, {"Debt.finite": 3},
         {"Debt.finite": ["inf"]}),
    Case("seniority_minus_inf_text", put_at("Seniority", " -inf ", ROWS), 0,
         {"Seniority.finite": 3}, {"Seniority.finite": ["-inf"]}),
    # An integer column in a row rule (Amount <= Price): finite only, not range nor the row rule.
    Case("amount_inf", put_at("Amount", np.inf, ROWS), 0, {"Amount.finite": 3},
         {"Amount.finite": ["inf"]}),
    Case("price_inf_text", put_at("Price", "inf", [7]), 0,
         {"Price.finite": 1}, {"Price.finite": ["inf"]}),
    # NaN is missing: a required column says not_null, a column that may miss says nothing.
    Case("price_nan_is_missing", put_at("Price", np.nan, ROWS), 0, {"Price.not_null": 3}, {}),
    Case("income_nan_is_missing", put_at("Income", "NaN", ROWS), 0, {}, {}),
    # Enough rows to fail the run: exit 1, and still a valid report naming the rule.
    Case("income_inf_200_rows", put("Income", [np.inf, -np.inf]), 1, {"Income.finite": 200},
         {"Income.finite": ["inf", "-inf"]}),
]  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory, validate_cli, sample, sample_bytes):
    done = {}
    for case in CASES:
        folder = tmp_path_factory.mktemp(case.name)
        (folder / "data.csv").write_bytes(case.build(sample, sample_bytes))
        done[case.name] = validate_cli(folder, "data.csv", outputs=True)
    return done


@pytest.mark.parametrize("case", CASES, ids=str)
def test_non_finite_value_is_a_named_row_rule(runs, case):
    run = runs[case.name]
    assert run.returncode == case.exit_code, run.stderr
    assert "Traceback" not in run.stderr
    report = strict_json((run.folder / "report.json").read_text(encoding="utf-8"))
    assert report["quarantined_by_rule"] == case.quarantined
    examples = {r["rule"]: r["examples"] for r in report["rules"] if r["severity"] == "quarantine"}
    assert {rule: examples[rule] for rule in case.examples} == case.examples
    if case.exit_code == 1:
        rule = next(iter(case.quarantined))
        assert f"{rule}: column '{rule.split('.')[0]}', 200 rows quarantined" in run.stderr
        assert "e.g. 'inf', '-inf'" in run.stderr
    else:
        quarantine = run.quarantine()
        assert set(quarantine["quarantine_reason"]) <= set(case.quarantined)
        validated = pd.read_parquet(run.folder / "validated.parquet")
        numbers = validated.select_dtypes("number").to_numpy()
        assert not np.isinf(numbers).any()


def test_an_unbounded_column_still_refuses_inf(tmp_path, validate_cli, sample, sample_bytes,
                                               write_contract):  # fmt: skip
    """Without min and max there is no range rule to catch inf: the finite rule does."""
    contract = write_contract(lambda raw: raw["columns"]["Income"].pop("max"))
    (tmp_path / "data.csv").write_bytes(put_at("Income", np.inf, ROWS)(sample, sample_bytes))
    run = validate_cli(tmp_path, "data.csv", outputs=True, contract=contract)
    assert run.returncode == 0, run.stderr
    report = strict_json((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["quarantined_by_rule"] == {"Income.finite": 3}


def test_parquet_input_with_inf_is_quarantined(tmp_path, validate_cli, sample):
    frame = sample.copy()
    frame["Income"] = frame["Income"].astype("float64")
    frame.loc[ROWS, "Income"] = [np.inf, -np.inf, np.inf]
    frame.to_parquet(tmp_path / "data.parquet", index=False)
    run = validate_cli(tmp_path, "data.parquet", outputs=True)
    assert run.returncode == 0, run.stderr
    report = strict_json((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["quarantined_by_rule"] == {"Income.finite": 3}


def test_ingest_then_validate_with_inf_in_csv_and_parquet_sources(
    tmp_path, raw_params, contract_file, sample
):
    """The first two stages of `dvc repro`, as dvc.yaml runs them, on sources holding inf."""
    csv_part, parquet_part = sample.iloc[:2000].copy(), sample.iloc[2000:].copy()
    csv_part["Income"] = csv_part["Income"].astype("float64")
    csv_part.loc[csv_part.index[:2], "Income"] = np.inf
    csv_part.to_csv(tmp_path / "branch.csv", index=False)
    parquet_part["Assets"] = parquet_part["Assets"].astype("float64")
    parquet_part.loc[parquet_part.index[:3], "Assets"] = -np.inf
    parquet_part.to_parquet(tmp_path / "core.parquet", index=False)
    sources = [{"name": "branch", "kind": "csv", "path": "branch.csv"},
               {"name": "core", "kind": "parquet", "path": "core.parquet"}]  # fmt: skip
    write_config(tmp_path / "params.yaml", {**raw_params, "ingest": {"sources": sources}})
    ingested = in_process(tmp_path, "ingest", "--output", "raw.parquet", "--params", "params.yaml")
    assert ingested.returncode == 0, ingested.stderr
    validated = in_process(
        tmp_path, "validate", "--input", "raw.parquet", "--output", "validated.parquet",
        "--quarantine", "quarantine.csv", "--report", "report.json",
        "--params", "params.yaml", "--contract", str(contract_file),
    )  # fmt: skip
    assert validated.returncode == 0, validated.stderr
    report = strict_json((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["quarantined_by_rule"] == {"Assets.finite": 3, "Income.finite": 2}


DRAFTS = {
    # column -> values put into rows 0..2; the drafted range is drawn from the finite ones
    "income_inf": ("Income", [np.inf, np.inf, np.inf]),
    "assets_minus_inf": ("Assets", [-np.inf, 0.0, 10.0]),
    "amount_1e400_text": ("Amount", ["1e400", "1e400", "1e400"]),
}


@pytest.mark.parametrize("case", DRAFTS.values(), ids=DRAFTS.keys())
def test_contract_draft_draws_ranges_from_finite_values(tmp_path, draft_cli, sample, case):
    import yaml

    column, values = case
    frame = sample.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[ROWS, column] = values
    frame.to_csv(tmp_path / "data.csv", index=False)
    run = draft_cli(tmp_path, "--input", "data.csv", "--target", "Status")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    rule = yaml.safe_load(run.stdout)["columns"][column]
    assert np.isfinite([rule["min"], rule["max"]]).all()
    infinite = sum(1 for v in values if np.isinf(float(v)))
    assert f"{infinite} not finite (inf), quarantined" in run.stdout
    assert f"{infinite} quarantined" in run.stderr  # the sample keeps its draft but for those
