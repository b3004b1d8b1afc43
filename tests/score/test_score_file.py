"""Protects `modelops score` on one machine: every row scored in input order across batches,
the rejects with their rule, both files replaced together or not at all, and bad usage or
input refused in one line with exit 2 and nothing written."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support.cli import console, in_process


@pytest.fixture(scope="module")
def applications(held_out, tmp_path_factory):
    """The test rows with three broken ones, in a Parquet file of several row groups."""
    rows = held_out.copy()
    rows.loc[3, "Age"] = 150
    rows.loc[7, "Home"] = "castle"
    rows.loc[7, "Records"] = None
    rows.loc[400, "Expenses"] = None
    rows.loc[11, "Home"] = " OWNED"  # normalised as the service does: scored
    path = tmp_path_factory.mktemp("score-input") / "applications.parquet"
    rows.to_parquet(path, index=False, row_group_size=200)
    return rows, path


def test_every_row_is_scored_in_order_and_the_broken_ones_rejected(
    workspace, applications, scorer, tmp_path
):
    rows, path = applications
    output, rejects = tmp_path / "scored.parquet", tmp_path / "rejects.csv"
    result = in_process(workspace, "score", "--input", path, "--output", output,
                        "--rejects", rejects, "--batch-rows", 64)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"scored {len(rows) - 3:,} of {len(rows):,} rows" in result.stdout
    assert "3 rejected (4 problems)" in result.stdout
    scored = pd.read_parquet(output)
    kept = rows.drop(index=[3, 7, 400])
    assert list(scored["applicant_id"]) == list(kept["applicant_id"])
    assert set(scored["model_version"]) == {scorer.served.version}
    # The model on the same batches of 64 input rows: BLAS may round a row's last bit
    # differently in a batch of another size (the service's micro-batches too).
    table = pa.Table.from_pandas(rows, preserve_index=False)
    model, column = scorer.served.model, scorer.served.positive_index
    expected = np.concatenate([
        model.predict_proba(scorer.check.check(table.slice(start, 64)).features)[:, column]
        for start in range(0, len(rows), 64)
    ])  # fmt: skip
    assert np.array_equal(scored["p_default"].to_numpy(), expected)
    threshold = scorer.served.threshold
    assert list(scored["decision"]) == ["reject" if p >= threshold else "approve" for p in expected]
    found = pd.read_csv(rejects)
    assert list(zip(found["row"], found["id"], found["rule"], strict=True)) == [
        (3, rows.loc[3, "applicant_id"], "Age.range"),
        (7, rows.loc[7, "applicant_id"], "Home.allowed"),
        (7, rows.loc[7, "applicant_id"], "Records.not_null"),
        (400, rows.loc[400, "applicant_id"], "Expenses.not_null"),
    ]
    assert list(found["value"][:2]) == ["150", "castle"]


def test_a_file_that_breaks_midway_leaves_the_last_outputs(workspace, applications, tmp_path):
    _, path = applications
    output, rejects = tmp_path / "scored.parquet", tmp_path / "rejects.csv"
    output.write_bytes(b"last good scores")
    rejects.write_bytes(b"last good rejects")
    damaged = tmp_path / "damaged.parquet"
    data = bytearray(path.read_bytes())
    chunk = pq.ParquetFile(path).metadata.row_group(3).column(4)
    start = chunk.data_page_offset
    data[start : start + chunk.total_compressed_size] = b"\xff" * chunk.total_compressed_size
    damaged.write_bytes(bytes(data))
    result = in_process(workspace, "score", "--input", damaged, "--output", output,
                        "--rejects", rejects, "--batch-rows", 64)  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert output.read_bytes() == b"last good scores"
    assert rejects.read_bytes() == b"last good rejects"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "damaged.parquet", "rejects.csv", "scored.parquet"]  # fmt: skip


@pytest.mark.parametrize(
    ("make_input", "message"),
    [
        (lambda folder: folder / "nowhere.parquet", "input not found"),
        (lambda folder: _write(folder / "text.parquet", b"applicant_id,Age\n"),
         "not a readable Parquet file"),
        (lambda folder: _frame(folder, drop="Income"), "missing columns Income"),
        (lambda folder: _frame(folder, Age="forty"), "the contract wants numbers"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    workspace, tmp_path, error_line, make_input, message, held_out
):
    path = make_input(tmp_path)
    output = tmp_path / "scored.parquet"
    result = in_process(workspace, "score", "--input", path, "--output", output)
    assert result.returncode == 2
    assert message in error_line(result)
    assert not output.exists()
    assert not (tmp_path / "scored.rejects.csv").exists()


def test_the_console_script_refuses_the_same_way(workspace, tmp_path, error_line):
    result = console(workspace, "score", "--input", tmp_path / "nowhere.parquet",
                     "--output", tmp_path / "scored.parquet")  # fmt: skip
    assert result.returncode == 2
    assert "input not found" in error_line(result)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _frame(folder, drop: str | None = None, **values):
    frame = pd.DataFrame(
        {"applicant_id": ["A1"], "Seniority": [1], "Home": ["rent"], "Time": [12], "Age": [30],
         "Marital": ["single"], "Records": ["no"], "Job": ["fixed"], "Expenses": [50],
         "Income": [100.0], "Assets": [0.0], "Debt": [0.0], "Amount": [500], "Price": [900]}
    )  # fmt: skip
    frame = frame.assign(**values)
    if drop:
        frame = frame.drop(columns=[drop])
    path = folder / "applications.parquet"
    frame.to_parquet(path, index=False)
    return path
