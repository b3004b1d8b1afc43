"""Protects the last good data: a source that breaks the data contract stops `dvc repro` at
validate, and `git checkout` of the lock and report plus `dvc checkout` restore every output."""

from __future__ import annotations

import json

import pandas as pd
from support.repos import run

from modelops.config import paths

SOURCE = "data/external/credit.csv"
DOWNSTREAM = [paths.TRAIN, paths.MODEL, paths.METRICS]


def test_broken_source_stops_the_pipeline_and_checkout_restores_the_last_good_data(sample_repo):
    repo = sample_repo
    before = {path: (repo / path).read_bytes() for path in [*DOWNSTREAM, paths.VALIDATED]}
    broken = pd.read_csv(repo / SOURCE)
    broken["Age"] = broken["Age"].astype(object)
    broken.loc[::10, "Age"] = "unknown"  # 10% of rows: far above the 2% quarantine limit
    broken.to_csv(repo / SOURCE, index=False)

    result = run("dvc", "repro", cwd=repo, check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "failed to reproduce 'validate'" in log
    assert "dataset.quarantine_share" in log
    assert "Age.type" in log and "'unknown'" in log
    assert "Running stage 'split'" not in log
    assert "Running stage 'train'" not in log
    for path in DOWNSTREAM:
        assert (repo / path).read_bytes() == before[path], path
    # The failed run leaves its report behind to say why, and writes no data.
    quality = json.loads((repo / paths.DATA_QUALITY).read_text())
    assert quality["passed"] is False
    assert quality["quarantined_by_rule"] == {"Age.type": len(broken[::10])}
    assert not (repo / paths.VALIDATED).exists()

    # Back to the last good state: the source, the committed lock and report, DVC's outputs.
    run("git", "checkout", "--", SOURCE, "dvc.lock", str(paths.DATA_QUALITY), cwd=repo)
    run("dvc", "checkout", cwd=repo)
    assert (repo / paths.VALIDATED).read_bytes() == before[paths.VALIDATED]
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""
    assert "up to date" in run("dvc", "status", cwd=repo).stdout
