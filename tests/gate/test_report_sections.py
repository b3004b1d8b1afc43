"""Protects the report's data-quality section and its charts: well-formed Mermaid that GitHub
can render, and PNG plots linked only when asked for.
"""

import re

from modelops.review.report import build_report

METRICS = {"roc_auc": 0.8}
VERDICT = {"passed": True, "failed_rules": [], "rules": [], "baselines": []}
QUALITY = {"passed": True, "rows_in": 1000, "rows_corrected": 3, "exact_duplicates_dropped": 2,
           "rows_quarantined": 5, "rows_out": 993, "warnings": [],
           "quarantined_by_rule": {"Age.range": 4, "Income.not_negative": 1}}  # fmt: skip
SEGMENTS = {"Age": {f"[{a}, {a + 10})": {"n": 50, "bad_rate": 0.2, "roc_auc": r, "recall": 0.5,
            "approval_rate": 0.5, "value_per_application": 1.0}
            for a, r in [(18, 0.8), (28, None), (38, 0.7)]}}  # fmt: skip
IMPORTANCE = [{"feature": "Amount", "importance": 0.08}, {"feature": "Age", "importance": -0.01}]
ROC = [{"fpr": 0.0, "tpr": 0.0}, {"fpr": 0.5, "tpr": 0.9}, {"fpr": 1.0, "tpr": 1.0}]
CURRENT = {"metrics": METRICS, "data_quality": QUALITY, "segments": SEGMENTS,
           "importance": IMPORTANCE}  # fmt: skip


def test_data_quality_section_with_quarantine_by_rule():
    lines = build_report(CURRENT, VERDICT, []).splitlines()
    assert (
        "Contract kept: 1000 rows in, 3 corrected, 2 duplicates dropped, 5 quarantined, 993 out."
    ) in lines
    assert "| `Age.range` | 4 |" in lines
    assert "| `Income.not_negative` | 1 |" in lines


def mermaid_blocks(text: str) -> list[list[str]]:
    blocks = re.findall(r"^```mermaid\n(.*?)^```$", text, flags=re.S | re.M)
    assert text.count("```") == 2 * len(blocks), "every fence closed"
    return [block.splitlines() for block in blocks]


def test_mermaid_charts_are_well_formed():
    blocks = mermaid_blocks(build_report(CURRENT, VERDICT, [], roc_points=ROC))
    assert len(blocks) == 3  # importance, ROC AUC by Age, ROC curve
    for block in blocks:
        assert block[0] == "xychart-beta"
        (axis,) = [line.strip() for line in block if line.strip().startswith("x-axis")]
        labels = re.findall(r'"([^"]*)"', axis)
        assert axis == "x-axis [" + ", ".join(f'"{label}"' for label in labels) + "]"
        for series in [line for line in block if line.strip().startswith(("bar", "line"))]:
            values = series.split("[", 1)[1].rstrip("]").split(", ")
            assert len(values) == len(labels), series
            assert all(float(v) >= 0 for v in values)
    assert re.findall(r'"([^"]*)"', blocks[1][2]) == ["[18, 28)", "[28, 38)", "[38, 48)"]


def test_images_linked_only_when_asked():
    without = build_report(CURRENT, VERDICT, [], images=False)
    with_images = build_report(CURRENT, VERDICT, [], images=True)
    assert "![" not in without
    link = "](reports/live/plots/images/permutation_importance.png)"
    assert re.search(r"!\[[^\]]+" + re.escape(link), with_images)
