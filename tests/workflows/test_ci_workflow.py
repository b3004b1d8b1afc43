"""Protects the pull-request review: ci.yml's train-and-report job, run with act on the built
sample project, retrains, gates against main, posts one CML comment (recorded by the setup-cml
stand-in), and fails after posting when the gate fails. Only this job runs here: the test job
runs `make test`, these tests included.
"""

from __future__ import annotations

import re

import pytest
import yaml
from support.act import pull_request_event, run_concurrently, run_workflow
from support.repos import run

# Pull requests that change only the regularisation of the sample's model (C 1.0 on main).
SCENARIOS = {
    "keeps": (0.5, "Regularise a bit more"),  # test ROC AUC 0.859 -> 0.859
    "degrades": (0.001, "Over-regularise"),  # test ROC AUC 0.859 -> 0.816
}


@pytest.fixture(scope="module")
def runs(new_clone):
    def pull_request(c: float, message: str):
        repo = new_clone(branch="change")
        params = yaml.safe_load((repo / "params.yaml").read_text())
        params["train"]["logistic_regression"]["C"] = c
        (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        run("git", "commit", "-q", "-am", message, cwd=repo)
        return run_workflow(repo, "pull_request", pull_request_event(), "train-and-report")

    return run_concurrently(
        {name: lambda args=args: pull_request(*args) for name, args in SCENARIOS.items()}
    )


def metric_row(comment: str, metric: str) -> list[str]:
    row = next(line for line in comment.splitlines() if line.startswith(f"| {metric} |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_a_change_that_keeps_the_model_passes_and_comments_deltas_against_main(runs, raw_params):
    result = runs["keeps"]
    assert result.exit_code == 0, result.log[-3000:]
    assert "Job succeeded" in result.log
    assert result.cml_args[:3] == ["comment", "update", "--target=pr"]
    assert "--watermark-title=modelops report" in result.cml_args
    assert "--publish=false" in result.cml_args
    comment = result.comment
    assert comment.startswith("<!-- modelops report -->\n## ✅ Gate passed")
    assert "Baseline **main**: `origin/main`" in comment
    _, value, at_main, delta = metric_row(comment, "roc_auc")
    assert re.fullmatch(r"[+-]\d\.\d{4}", delta)
    assert abs(float(delta) - (float(value) - float(at_main))) <= 0.00011  # display rounding
    on_main = raw_params["train"]["logistic_regression"]["C"]
    assert f"| `train.logistic_regression.C` | {on_main:.4f} | 0.5000 |" in comment
    assert (result.artifacts / "reports" / "reports" / "gate.json").is_file()


def test_a_change_that_degrades_the_model_fails_after_commenting_the_failing_rule(runs):
    result = runs["degrades"]
    assert result.exit_code != 0
    assert "Job failed" in result.log
    assert "the metric gate failed" in result.log
    comment = result.comment
    assert comment.startswith("<!-- modelops report -->\n## ❌ Gate failed")
    assert "- **roc_auc drop vs main**" in comment
    _, value, at_main, _ = metric_row(comment, "roc_auc")
    assert float(at_main) - float(value) > 0.01
