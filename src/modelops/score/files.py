"""Scoring a Parquet file in constant memory: record batches in, the scored file and the
rejects written as they come to staged files that replace their targets only at the end, so
a failure leaves the last good pair (or nothing), never a part."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from modelops.errors import InputError
from modelops.files import output_set, spreadsheet_safe
from modelops.score.batch import ScoredBatch, Scorer
from modelops.score.checks import PROBLEM_COLUMNS

BATCH_ROWS = 65_536  # rows read, checked and scored at a time: memory stays at a few of them


@dataclass(frozen=True)
class ScoreSummary:
    rows: int
    scored: int
    rejected: int  # rows set apart
    problems: int  # lines in the rejects file (a row may break several rules)


def default_rejects(output: Path) -> Path:
    """Where the rejects go when no --rejects is given: beside the scored file."""
    return output.with_name(f"{output.stem}.rejects.csv")


def open_input(path: Path, scorer: Scorer) -> pq.ParquetFile:
    """The input as a Parquet file that holds the columns the scorer needs (else InputError)."""
    if not path.is_file():
        raise InputError(f"{path}: input not found" + (" (a folder)" if path.is_dir() else ""))
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"{path}: not a readable Parquet file ({_first_line(err)})") from None
    scorer.check.require_columns(parquet.schema_arrow, str(path))
    return parquet


def check_paths(input_path: Path, output: Path, rejects: Path) -> None:
    named = [p.resolve() for p in (input_path, output, rejects)]
    if len(set(named)) < 3:
        raise InputError("--input, --output and --rejects must be three different files")


def score_file(
    scorer: Scorer, input_path: Path, output: Path, rejects: Path, batch_rows: int = BATCH_ROWS
) -> ScoreSummary:
    """Score every row of input_path: scored rows to output (Parquet), problems to rejects
    (CSV), both or neither."""
    check_paths(input_path, output, rejects)
    parquet = open_input(input_path, scorer)
    batches = parquet.iter_batches(batch_size=batch_rows, columns=scorer.check.columns)
    results = _scored(scorer, _read(batches, input_path))
    return write_scored(results, scorer.output_schema, output, rejects)


def _scored(scorer: Scorer, batches: Iterable[pa.RecordBatch]) -> Iterator[ScoredBatch]:
    first_row = 0
    for batch in batches:
        yield scorer.score(batch, first_row)
        first_row += batch.num_rows


def _read(batches: Iterable[pa.RecordBatch], path: Path) -> Iterator[pa.RecordBatch]:
    """The batches, a damaged part of the file an InputError (the outputs are then dropped)."""
    try:
        yield from batches
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"{path}: cannot read the Parquet file ({_first_line(err)})") from None


def write_scored(
    results: Iterable[ScoredBatch], schema: pa.Schema, output: Path, rejects: Path
) -> ScoreSummary:
    """Write scored batches in the order given; the files replace their targets at the end."""
    rows = scored = rejected = problems = 0
    with (
        output_set() as outputs,
        pq.ParquetWriter(outputs.stage(output), schema) as writer,
        outputs.stage(rejects).open("w", encoding="utf-8", newline="") as rejects_file,
    ):
        _write_rejects(rejects_file, None)
        for result in results:
            writer.write_table(result.scored)
            _write_rejects(rejects_file, result)
            broken = result.rejects["row"].nunique()
            rows += result.scored.num_rows + broken
            scored += result.scored.num_rows
            rejected += broken
            problems += len(result.rejects)
    return ScoreSummary(rows, scored, rejected, problems)


def _write_rejects(handle: TextIO, result: ScoredBatch | None) -> None:
    """The header (result None), or a batch's problems, as spreadsheet-safe CSV lines."""
    import pandas as pd

    if result is None:
        frame, header = pd.DataFrame(columns=PROBLEM_COLUMNS), True
    elif len(result.rejects):
        frame, header = result.rejects, False
    else:
        return
    spreadsheet_safe(frame).to_csv(handle, header=header, index=False, lineterminator="\r\n")


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
