"""Protects `modelops score --dask`: a real dask.distributed cluster of two worker processes
scores the row groups with the model each worker loaded once, and the files equal the ones
one machine writes."""

from __future__ import annotations

import distributed  # the dask extra, part of dev: a missing one fails here, never skips
import pandas as pd
from support.cli import in_process


def test_two_workers_write_what_one_machine_writes(workspace, held_out, tmp_path):
    from modelops.score.batch import cached_scorer

    rows = held_out.copy()
    rows.loc[5, "Age"] = 150
    rows.loc[600, "Home"] = "castle"
    path = tmp_path / "applications.parquet"
    rows.to_parquet(path, index=False, row_group_size=100)  # 9 row groups: 9 tasks
    local = in_process(workspace, "score", "--input", path, "--output", tmp_path / "local.parquet")
    assert local.returncode == 0, local.stderr
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = in_process(workspace, "score", "--input", path,
                            "--output", tmp_path / "dask.parquet",
                            "--dask", cluster.scheduler_address)  # fmt: skip
        loads = client.run(lambda: cached_scorer.cache_info().misses)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(";")[1] == local.stdout.split(";")[1].replace("local", "dask")
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "dask.parquet"), pd.read_parquet(tmp_path / "local.parquet")
    )
    dask_rejects = (tmp_path / "dask.rejects.csv").read_text()
    assert dask_rejects == (tmp_path / "local.rejects.csv").read_text()
    assert dask_rejects.count("\n") == 3  # the header and two rejected rows
    assert sorted(loads.values()) == [1, 1]  # each worker loaded the model once, for 9 tasks
