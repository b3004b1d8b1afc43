"""Protects the pull-request review: ci.yml's train-and-report job, run with act on the built
sample project, retrains, gates against main, posts one CML comment (recorded by the setup-cml
stand-in), and fails after posting when the gate fails. Like a fork's pull request, the job has
no DVC remote credentials and its clone no DVC cache: main's model is rebuilt from main's
sources, checked against main's dvc.lock and scored on the change's test rows. Only this job
runs here: the test job runs `make test`, these tests included.
"""

from __future__ import annotations

import re

import pytest
import yaml
from support.act import pull_request_event, run_concurrently, run_workflow
from support.config import write_config
from support.repos import run

from modelops.config.layout import read_sections

# Pull requests that change only the regularisation of the sample's model (C 1.0 on main).
SCENARIOS = {
    "keeps": (0.5, "Regularise a bit more"),  # test ROC AUC 0.859 -> 0.859
    "degrades": (0.001, "Over-regularise"),  # test ROC AUC 0.859 -> 0.816
}


@pytest.fixture(scope="module")
def runs(new_clone):
    def pull_request(c: float, message: str):
        repo = new_clone(branch="change")
        params = read_sections(repo / "params.yaml")
        params["train"]["logistic_regression"]["C"] = c
        write_config(repo / "params.yaml", params)
        run("git", "commit", "-q", "-am", message, cwd=repo)
        return run_workflow(repo, "pull_request", pull_request_event(), "train-and-report")

    return run_concurrently(
        {name: lambda args=args: pull_request(*args) for name, args in SCENARIOS.items()}
    )


def metric_row(comment: str, metric: str) -> list[str]:
    """metric, this change, main's model on the same rows, the difference, main as stored."""
    row = next(line for line in comment.splitlines() if line.startswith(f"| {metric} |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


@pytest.fixture(scope="module")
def main_model(built_sample) -> str:
    """The md5 main's dvc.lock records for the model."""
    lock = yaml.safe_load((built_sample / "dvc.lock").read_text())
    return next(o["md5"] for o in lock["stages"]["train"]["outs"] if o["path"].startswith("models"))


def assert_main_model_rebuilt_and_compared(comment: str, md5: str) -> None:
    (main,) = [line for line in comment.splitlines() if line.startswith("- Baseline **main**")]
    assert re.fullmatch(
        r"- Baseline \*\*main\*\*: `origin/main` at `[0-9a-f]{8}`; its model on this change's "
        rf"rows: compared \(models/model\.skops from the rebuild, md5 {md5} as in dvc\.lock\)",
        main,
    ), main
    assert "| metric | this change | main, same rows | Δ | main, its own test set |" in comment


def test_a_change_that_keeps_the_model_passes_and_comments_deltas_against_main(
    runs, raw_params, main_model
):
    result = runs["keeps"]
    assert result.exit_code == 0, result.log[-3000:]
    assert "Job succeeded" in result.log
    assert result.cml_args[:3] == ["comment", "update", "--target=pr"]
    assert "--watermark-title=modelops report" in result.cml_args
    assert "--publish=false" in result.cml_args
    comment = result.comment
    assert comment.startswith("<!-- modelops report -->\n## ✅ Gate passed")
    assert_main_model_rebuilt_and_compared(comment, main_model)
    _, value, same_rows, delta, stored = metric_row(comment, "roc_auc")
    difference, interval = re.fullmatch(r"([+-]\d\.\d{4}) \[([^]]+)\]", delta).groups()
    assert abs(float(difference) - (float(value) - float(same_rows))) <= 0.00011  # rounding
    low, high = map(float, interval.split(", "))
    assert low <= float(difference) <= high
    assert same_rows == stored  # the data did not change: main's model, main's test rows
    on_main = raw_params["train"]["logistic_regression"]["C"]
    assert f"| `train.logistic_regression.C` | {on_main:.4f} | 0.5000 |" in comment
    assert (result.artifacts / "reports" / "reports" / "gate.json").is_file()


def test_a_change_that_degrades_the_model_fails_after_commenting_the_failing_rule(runs, main_model):
    result = runs["degrades"]
    assert result.exit_code != 0
    assert "Job failed" in result.log
    assert "the metric gate failed" in result.log
    comment = result.comment
    assert comment.startswith("<!-- modelops report -->\n## ❌ Gate failed")
    assert "- **roc_auc drop vs main**" in comment
    assert_main_model_rebuilt_and_compared(comment, main_model)
    _, value, same_rows, _, _ = metric_row(comment, "roc_auc")
    assert float(same_rows) - float(value) > 0.01
