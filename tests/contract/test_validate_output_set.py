"""Protects `modelops validate`'s outputs as a set: on success the validated table, the
quarantine and the report are all replaced; when the data fail only the report is (it says
why); when the command breaks off, none is, and no temporary file is left behind.
"""

import pandas as pd
import pytest
from support.contract_corpus import put_at

OUTPUTS = ("validated.parquet", "quarantine.csv", "report.json")


@pytest.fixture
def previous(tmp_path, last_good) -> dict[str, bytes]:
    """The last good set in tmp_path, with a report of its own."""
    files = {**last_good, "report.json": b'{"previous": true}\n'}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return files


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _extract(folder, sample, sample_bytes, ages_out: int) -> None:
    build = put_at("Age", 150, list(range(0, 10 * ages_out, 10)))
    (folder / "extract.csv").write_bytes(build(sample, sample_bytes))


def test_success_replaces_all_three(tmp_path, previous, sample, sample_bytes, validate_cli):
    _extract(tmp_path, sample, sample_bytes, ages_out=3)
    run = validate_cli(tmp_path, "extract.csv", outputs=True)
    assert run.returncode == 0, run.stderr
    assert all((tmp_path / name).read_bytes() != previous[name] for name in OUTPUTS)
    assert run.report()["rows_quarantined"] == len(run.quarantine()) == 3
    assert len(pd.read_parquet(tmp_path / "validated.parquet")) == 4451


def test_data_failure_replaces_only_the_report(
    tmp_path, previous, sample, sample_bytes, validate_cli
):
    _extract(tmp_path, sample, sample_bytes, ages_out=200)
    run = validate_cli(tmp_path, "extract.csv", outputs=True)
    assert run.returncode == 1, run.stderr
    assert run.kept() == {name: previous[name] for name in OUTPUTS[:2]}
    assert run.report()["failed_rules"] == ["dataset.quarantine_share"]


def test_a_break_while_writing_replaces_nothing(
    tmp_path, previous, sample, sample_bytes, validate_cli
):
    _extract(tmp_path, sample, sample_bytes, ages_out=3)
    (tmp_path / "blocked").write_text("a file where the output's folder should be\n")
    before = _files(tmp_path)
    # The validated table is staged last: the report and the quarantine are staged by then.
    run = validate_cli(tmp_path, "extract.csv", "--output", "blocked/validated.parquet",
                       "--quarantine", "quarantine.csv", "--report", "report.json")  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr
    assert "blocked" in run.stderr and "Traceback" not in run.stderr
    assert _files(tmp_path) == before
