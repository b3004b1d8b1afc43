"""The production feedback a change trained and was tested on, by decision: how many rows came
back from approvals by the model, from approvals by exploration and from rejections. Read
from the split's train and test files (the rows the model saw), whose feedback rows carry the
export's provenance columns (decision, explored); rows of the original data have none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from modelops.feedback.groups import GROUPS, decision_groups

COLUMNS = ("decision", "explored")


def feedback_by_decision(frame: pd.DataFrame) -> dict:
    """{"rows": all rows, "feedback": rows with a decision, "by_decision": {group: rows}} for
    the groups of feedback/groups.py (explored is "yes" in the export; True once typed)."""
    if "decision" not in frame.columns:
        return _none(len(frame))
    decision = _text(frame["decision"])
    explored = (
        _text(frame["explored"]).isin(["yes", "true", "1"])
        if "explored" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    approved = decision == "approve"
    members = decision_groups(approved, explored, decision == "reject")
    return {
        "rows": len(frame),
        "feedback": int((decision != "").sum()),
        "by_decision": {g: int(m.sum()) for g, m in zip(GROUPS, members, strict=True)},
    }


def read_feedback_coverage(train: Path, test: Path) -> dict | None:
    """{"train": ..., "test": ...} of feedback_by_decision, or None when either file is missing
    (the report then has no feedback section: it says only what it read)."""
    if not (train.is_file() and test.is_file()):
        return None
    import pyarrow.parquet as pq

    found = {}
    for name, path in (("train", train), ("test", test)):
        columns = [c for c in COLUMNS if c in pq.read_schema(path).names]
        found[name] = (
            feedback_by_decision(pd.read_parquet(path, columns=columns))
            if "decision" in columns
            else _none(pq.ParquetFile(path).metadata.num_rows)
        )
    return found


def _text(column: pd.Series) -> pd.Series:
    """Values as trimmed lower-case text, missing as "" (plain bools, no NA to carry)."""
    return column.astype("string").str.strip().str.lower().fillna("")


def _none(rows: int) -> dict:
    return {"rows": rows, "feedback": 0, "by_decision": dict.fromkeys(GROUPS, 0)}
