"""Protects the report's production-feedback section: the train and test rows that came back
from production are counted by decision (approved by the model, approved by exploration,
rejected), read from the split's files by `modelops report`, and the report says plainly that
rejected applications have no outcome; without feedback rows there is no section."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from support.cli import in_process

from modelops.feedback.trained_on import feedback_by_decision, read_feedback_coverage
from modelops.review.report import build_report

VERDICT = {"passed": True, "failed_rules": [], "rules": [], "baselines": []}


def split_files(folder, train: pd.DataFrame, test: pd.DataFrame):
    (folder / "data/processed").mkdir(parents=True, exist_ok=True)
    train.to_parquet(folder / "data/processed/train.parquet")
    test.to_parquet(folder / "data/processed/test.parquet")
    return folder / "data/processed/train.parquet", folder / "data/processed/test.parquet"


# Original rows (no provenance), then feedback as exported: approvals by the model and by
# exploration; a rejection with an outcome (a bureau's, say) is counted where it belongs.
TRAIN = pd.DataFrame(
    {
        "Age": range(10),
        "decision": [None, None, None, "approve", "approve", "approve", "approve", "approve",
                     "approve", "reject"],
        "explored": [None, None, None, "no", "no", "no", "no", "yes", "yes", "no"],
    }
)  # fmt: skip
TEST = pd.DataFrame({"Age": [1, 2, 3], "decision": [None, "approve", "approve"],
                     "explored": [None, "no", "yes"]})  # fmt: skip


def test_rows_are_counted_by_decision(tmp_path):
    found = read_feedback_coverage(*split_files(tmp_path, TRAIN, TEST))
    assert found["train"] == {
        "rows": 10,
        "feedback": 7,
        "by_decision": {"approved by the model": 4, "approved by exploration": 2, "rejected": 1},
    }
    assert found["test"]["by_decision"] == {
        "approved by the model": 1, "approved by exploration": 1, "rejected": 0}  # fmt: skip


@pytest.mark.parametrize("explored", [[True, False, None], ["Yes", "no", ""]])
def test_explored_typed_or_as_exported(explored):
    frame = pd.DataFrame({"decision": ["approve", "approve", ""], "explored": explored})
    assert feedback_by_decision(frame)["by_decision"] == {
        "approved by the model": 1, "approved by exploration": 1, "rejected": 0}  # fmt: skip
    assert feedback_by_decision(frame)["feedback"] == 2


def test_no_provenance_columns_no_feedback(tmp_path):
    plain = pd.DataFrame({"Age": [30, 40]})
    found = read_feedback_coverage(*split_files(tmp_path, plain, plain))
    assert found["train"]["rows"] == 2 and found["train"]["feedback"] == 0
    assert "Production feedback" not in build_report(
        {"metrics": {"roc_auc": 0.8}, "feedback": found}, VERDICT, []
    )
    assert read_feedback_coverage(tmp_path / "missing.parquet", tmp_path / "x.parquet") is None


def test_modelops_report_states_feedback_by_decision(tmp_path, params_file):
    split_files(tmp_path, TRAIN, TEST)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/metrics.json").write_text(json.dumps({"roc_auc": 0.8}))
    (tmp_path / "reports/gate.json").write_text(json.dumps(VERDICT))
    result = in_process(tmp_path, "report", "--params", str(params_file))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "reports/report.md").read_text("utf-8")
    section = text.split("### Production feedback by decision")[1]
    assert "7 of 10 training rows and 2 of 3 test rows are production outcomes" in section
    assert "| approved by the model | 4 | 1 |" in section
    assert "| approved by exploration | 2 | 1 |" in section
    assert "| rejected | 1 | 0 |" in section
    assert "Rejected applications have no outcome" in section
    assert "beyond the 2 approved by exploration" in section


def test_without_exploration_the_report_says_so():
    approved = pd.DataFrame({"decision": ["approve"] * 3, "explored": ["no"] * 3})
    found = {"train": feedback_by_decision(approved), "test": feedback_by_decision(approved)}
    text = build_report({"metrics": {"roc_auc": 0.8}, "feedback": found}, VERDICT, [])
    assert "| approved by exploration | 0 | 0 |" in text
    assert "nothing new about the applicants it rejects (no approval by exploration" in text
