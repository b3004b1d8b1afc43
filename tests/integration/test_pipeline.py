"""The pipeline reproduces from a fresh clone, and a params change re-runs only what it touches."""

from __future__ import annotations

import json

import yaml
from support.repos import run


def test_repro_builds_every_output_from_sources(reproduced_repo):
    for output in [
        "data/raw/applications.parquet",
        "data/processed/train.parquet",
        "data/processed/test.parquet",
        "models/model.skops",
        "reports/metrics.json",
        "reports/segments.json",
        "reports/importance.json",
        "reports/live/plots/sklearn/roc.json",
        "reports/live/plots/images/permutation_importance.png",
    ]:
        assert (reproduced_repo / output).is_file(), output


def test_repro_is_bitwise_reproducible(reproduced_repo):
    # The committed dvc.lock and reports are what a rebuild from the sources gives.
    assert run("git", "status", "--porcelain", cwd=reproduced_repo).stdout == ""
    assert "up to date" in run("dvc", "status", cwd=reproduced_repo).stdout


def test_default_model_metrics_are_in_range(reproduced_repo):
    metrics = json.loads((reproduced_repo / "reports/metrics.json").read_text())
    assert metrics["roc_auc"] >= 0.82
    assert 0.0 < metrics["threshold"] < 1.0
    business = metrics["business"]
    assert business["approve_all_per_application"] < business["value_per_application"]
    assert business["value_per_application"] < business["perfect_per_application"]


def test_metrics_and_plots_are_declared_to_dvc(reproduced_repo):
    shown = json.loads(run("dvc", "metrics", "show", "--json", cwd=reproduced_repo).stdout)
    files = next(iter(shown.values()))["data"]
    assert "roc_auc" in files["reports/metrics.json"]["data"]
    plots = run("dvc", "plots", "show", "--json", cwd=reproduced_repo).stdout
    for title in ["ROC", "Precision-recall", "Calibration", "Confusion matrix"]:
        assert f'"{title}"' in plots


def test_changing_a_train_param_reruns_only_train_and_after(reproduced_repo):
    params_file = reproduced_repo / "params.yaml"
    original = params_file.read_text()
    params = yaml.safe_load(original)
    params["train"]["logistic_regression"]["C"] = 0.05
    params_file.write_text(yaml.safe_dump(params, sort_keys=False))
    try:
        log = run("dvc", "repro", cwd=reproduced_repo).stdout
    finally:
        params_file.write_text(original)
    assert "Stage 'ingest' didn't change, skipping" in log
    assert "Stage 'split' didn't change, skipping" in log
    assert "Running stage 'train'" in log
    assert "Running stage 'evaluate'" in log
    run("dvc", "repro", cwd=reproduced_repo)  # back to the committed model for other tests
