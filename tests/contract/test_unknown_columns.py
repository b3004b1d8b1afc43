"""Protects schema drift by an extra column: `unknown_columns: warn` passes, `fail` stops.

Under the project's contract (warn) an unknown column is a warning line on stderr and is left
out of the validated table; a contract saying `fail` makes the same file exit 1 naming it.
"""

import pandas as pd
import pytest

WARNING = "schema.unknown_column: column 'Salary', not in contract (limit known)"


@pytest.fixture
def with_salary(tmp_path, sample, last_good):
    """The sample with an extra column Salary, and the last good outputs, in tmp_path."""
    sample.assign(Salary=1000).to_csv(tmp_path / "salary.csv", index=False)
    for name, data in last_good.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_warn_passes_with_a_warning_and_leaves_the_column_out(with_salary, validate_cli):
    run = validate_cli(with_salary, "salary.csv", outputs=True)
    assert run.returncode == 0, run.stderr
    assert run.stderr == f"warning: {WARNING}\n"
    report = run.report()
    assert (report["passed"], report["warnings"], report["failed_rules"]) == (
        True, ["schema.unknown_column"], [])  # fmt: skip
    validated = pd.read_parquet(with_salary / "validated.parquet")
    assert "Salary" not in validated.columns
    assert len(validated) == 4454


def test_fail_exits_1_naming_the_column(with_salary, validate_cli, write_contract, last_good):
    contract = write_contract(lambda raw: raw["dataset"].update(unknown_columns="fail"))
    run = validate_cli(with_salary, "salary.csv", outputs=True, contract=contract)
    assert run.returncode == 1, run.stderr
    assert run.stderr == f"error: data contract failed:\n  {WARNING}\n"
    report = run.report()
    assert (report["passed"], report["failed_rules"]) == (False, ["schema.unknown_column"])
    assert run.kept() == last_good
