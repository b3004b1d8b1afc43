"""Scoring a Parquet file on a Dask cluster: each row group is a task, each worker loads the
model once (a per-process cache) and checks it is the client's, and the client writes the
results in input order as they arrive, all or nothing (files.write_scored)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from modelops.errors import InputError, ModelopsError
from modelops.score.batch import ScoredBatch, Scorer, cached_scorer
from modelops.score.files import BATCH_ROWS, ScoreSummary, check_paths, open_input, write_scored

TASKS_PER_WORKER = 2  # row groups in flight per worker: results wait in order, not in bulk


def score_row_group(
    input_path: str,
    group: int,
    first_row: int,
    bundle: str | None,
    repo: str,
    md5: str,
    texts: tuple[tuple[str, str], ...] | None = None,
) -> ScoredBatch:
    """One row group scored on a worker with its cached model (the client's, by md5); texts:
    the client's reason texts, when it asked for reasons."""
    scorer = cached_scorer(bundle, repo, texts)
    if scorer.served.md5 != md5:
        raise InputError(
            f"a worker loaded model md5 {scorer.served.md5}, the client {md5}: the bundle "
            "differs between machines"
        )
    parquet = pq.ParquetFile(input_path)
    results = []
    for batch in parquet.iter_batches(
        batch_size=BATCH_ROWS, row_groups=[group], columns=scorer.check.columns
    ):
        results.append(scorer.score(batch, first_row))
        first_row += batch.num_rows
    if not results:
        empty = parquet.schema_arrow.empty_table().select(scorer.check.columns)
        return scorer.score(empty, first_row)
    return ScoredBatch(
        pa.concat_tables([r.scored for r in results]),
        _concat([r.rejects for r in results]),
    )


def _concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


def score_file_on_dask(
    address: str,
    scorer: Scorer,
    bundle: Path | None,
    repo: Path,
    input_path: Path,
    output: Path,
    rejects: Path,
) -> ScoreSummary:
    """score_file's result, computed by the cluster at address; the input and the bundle
    must be at the same paths on every worker (a shared file system)."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--dask needs the dask extra: pip install 'modelops[dask]'") from None

    check_paths(input_path, output, rejects)
    parquet = open_input(input_path, scorer)
    try:
        client = Client(address, timeout="30s")
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError(f"--dask {address}: cannot reach the scheduler ({err})") from None
    with client:
        workers = max(1, len(client.scheduler_info()["workers"]))
        results = _in_order(client, parquet, input_path, scorer, bundle, repo, workers)
        return write_scored(results, scorer.output_schema, output, rejects)


def _in_order(client, parquet, input_path, scorer, bundle, repo, workers) -> Iterator:
    """Each row group's result in input order, with a bounded number of tasks in flight."""
    metadata = parquet.metadata
    starts, first = [], 0
    for group in range(metadata.num_row_groups):
        starts.append(first)
        first += metadata.row_group(group).num_rows
    args = (None if bundle is None else str(bundle.resolve()), str(repo.resolve()))
    pending: deque = deque()
    groups = iter(range(metadata.num_row_groups))
    for group in groups:
        pending.append(_submit(client, input_path, group, starts[group], args, scorer))
        if len(pending) >= TASKS_PER_WORKER * workers:
            break
    while pending:
        yield _result(pending.popleft())
        group = next(groups, None)
        if group is not None:
            pending.append(_submit(client, input_path, group, starts[group], args, scorer))


def _result(future) -> ScoredBatch:
    """A task's result; a failure on the cluster (a worker lost) is one line, exit 2."""
    try:
        return future.result()
    except ModelopsError:
        raise
    except Exception as err:
        raise ModelopsError(f"--dask: a row group failed on the cluster: {err}") from None


def _submit(client, input_path, group, first_row, args, scorer):
    return client.submit(
        score_row_group,
        str(input_path.resolve()),
        group,
        first_row,
        *args,
        scorer.served.md5,
        None if scorer.texts is None else tuple(sorted(scorer.texts.items())),
        pure=False,
    )
