"""Protects the pipeline's machinery on the suite's sample project: `dvc repro` builds every
output, DVC knows the metrics and plots, and a params change re-runs only what it touches."""

from __future__ import annotations

import json

from support.config import write_config
from support.repos import run

from modelops.config import paths
from modelops.config.layout import read_sections

OUTPUTS = [
    paths.RAW, paths.VALIDATED, paths.QUARANTINE, paths.TRAIN, paths.TEST, paths.MODEL,
    paths.DATA_QUALITY, paths.TRAINING, paths.METRICS, paths.SEGMENTS, paths.IMPORTANCE,
    paths.ROC_POINTS, paths.LIVE / "plots" / "images" / "permutation_importance.png",
]  # fmt: skip


def test_repro_builds_every_output_and_commits_a_clean_state(built_sample):
    for output in OUTPUTS:
        assert (built_sample / output).is_file(), output
    assert run("git", "status", "--porcelain", cwd=built_sample).stdout == ""
    assert "up to date" in run("dvc", "status", cwd=built_sample).stdout


def test_the_sample_model_learns_and_beats_approving_everyone(built_sample):
    metrics = json.loads((built_sample / paths.METRICS).read_text())
    assert metrics["roc_auc"] >= 0.82
    assert 0.0 < metrics["threshold"] < 1.0
    business = metrics["business"]
    assert business["approve_all_per_application"] < business["value_per_application"]
    assert business["value_per_application"] < business["perfect_per_application"]


def test_metrics_and_plots_are_declared_to_dvc(built_sample, tmp_path):
    shown = json.loads(run("dvc", "metrics", "show", "--json", cwd=built_sample).stdout)
    files = next(iter(shown.values()))["data"]
    assert "roc_auc" in files[str(paths.METRICS)]["data"]
    # Rendered outside the shared project: its default dvc_plots/ would show up in other
    # tests' `git status` of copies made after this one.
    plots = run("dvc", "plots", "show", "--json", "--out", str(tmp_path / "plots"),
                cwd=built_sample).stdout  # fmt: skip
    assert not (built_sample / "dvc_plots").exists()
    for title in ["ROC", "Precision-recall", "Calibration", "Confusion matrix"]:
        assert f'"{title}"' in plots


def test_changing_a_train_param_reruns_only_train_and_after(sample_repo):
    params_file = sample_repo / paths.PARAMS
    params = read_sections(params_file)
    params["train"]["logistic_regression"]["C"] /= 20
    write_config(params_file, params)
    log = run("dvc", "repro", cwd=sample_repo).stdout
    for stage in ["ingest", "validate", "split"]:
        assert f"Stage '{stage}' didn't change, skipping" in log
    assert "Running stage 'train'" in log
    assert "Running stage 'evaluate'" in log
