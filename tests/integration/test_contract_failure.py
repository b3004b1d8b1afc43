"""A source that breaks the data contract stops `dvc repro` at validate and loses nothing."""

from __future__ import annotations

import json

import pandas as pd
from support.repos import run

SOURCE = "data/external/credit.csv"
KEPT = ["models/model.skops", "data/processed/train.parquet", "reports/metrics.json"]


def test_broken_source_stops_the_pipeline_and_checkout_restores_the_last_good_data(
    reproduced_repo,
):
    repo = reproduced_repo
    before = {
        path: (repo / path).read_bytes() for path in [*KEPT, "data/validated/applications.parquet"]
    }
    original = (repo / SOURCE).read_bytes()
    broken = pd.read_csv(repo / SOURCE)
    broken["Age"] = broken["Age"].astype(object)
    broken.loc[::10, "Age"] = "unknown"  # 10% of rows: far above the 2% quarantine limit
    broken.to_csv(repo / SOURCE, index=False)
    try:
        result = run("dvc", "repro", cwd=repo, check=False)
        log = result.stdout + result.stderr
        assert result.returncode != 0
        assert "failed to reproduce 'validate'" in log
        assert "dataset.quarantine_share" in log
        assert "Age.type" in log and "'unknown'" in log
        assert "Running stage 'split'" not in log
        assert "Running stage 'train'" not in log
        for path in KEPT:
            assert (repo / path).read_bytes() == before[path], path

        # The failed run leaves its report behind to say why, and writes no data.
        quality = json.loads((repo / "reports/data_quality.json").read_text())
        assert quality["passed"] is False
        assert quality["quarantined_by_rule"] == {"Age.type": len(broken[::10])}
        assert not (repo / "data/validated/applications.parquet").exists()
    finally:
        (repo / SOURCE).write_bytes(original)
        # Back to the last good state: the committed lock and report, then DVC's outputs.
        run("git", "checkout", "--", "dvc.lock", "reports/data_quality.json", cwd=repo)

    run("dvc", "checkout", cwd=repo)
    validated = repo / "data/validated/applications.parquet"
    assert validated.read_bytes() == before["data/validated/applications.parquet"]
    assert "up to date" in run("dvc", "status", cwd=repo).stdout
