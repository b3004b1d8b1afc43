"""What the model card states that no one writes: the fairness report's shape, checked, and the
limitations the pipeline's own figures reveal (segments too small to judge, the weakest
segment, feedback labels that exist only for approved applicants, a failed age rule).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from modelops.config.reading import describe
from modelops.errors import InputError


class _Report(BaseModel):
    # A report written by the pipeline: its keys are checked, later additions are ignored.
    model_config = ConfigDict(extra="ignore", frozen=True)


class FeatureChoice(_Report):
    used: list[str]
    excluded: dict[str, str]


class AgeRule(_Report):
    attribute: str
    from_age: float = Field(alias="from")  # "from" is a Python keyword
    to: tuple[float, float]
    rows: int
    rows_raised: int
    max_increase: float
    passed: bool


class GroupFigures(_Report):
    n: int
    approval_rate: float
    approval_ratio: float | None
    repaid_n: int
    approval_rate_repaid: float | None
    equal_opportunity_gap: float | None
    mean_p_default: float
    bad_rate: float
    calibration_gap: float | None
    judged: bool


class FairnessReport(_Report):
    """reports/fairness.json, as the evaluate stage writes it."""

    features: FeatureChoice
    age_rule: AgeRule | None = None  # absent when the policy sets no no_negative_factor
    groups: dict[str, dict[str, GroupFigures]]


def read_fairness(raw: object, path: str | Path, model_features: list[str]) -> FairnessReport:
    """The fairness report, checked against its schema and against the model it describes:
    features.used must be the model's features and nothing excluded may be among them."""
    if not isinstance(raw, dict):
        raise InputError(f"{path}: the fairness report must be a JSON object")
    try:
        report = FairnessReport.model_validate(raw)
    except ValidationError as err:
        raise InputError(describe(err, FairnessReport, path)) from None
    if report.features.used != list(model_features):
        raise InputError(
            f"{path}: features.used {report.features.used} is not the model's features "
            f"{list(model_features)}: the report describes another model (run dvc repro)"
        )
    used_anyway = [f for f in report.features.excluded if f in report.features.used]
    if used_anyway:
        raise InputError(f"{path}: features.excluded lists '{used_anyway[0]}', which is used")
    return report


def small_segments(segments: dict, min_rows: int) -> list[tuple[str, str, int]]:
    """(column, segment, rows) of every segment with fewer than min_rows test rows."""
    return [
        (column, name, figures["n"])
        for column, groups in segments.items()
        for name, figures in groups.items()
        if figures["n"] < min_rows
    ]


def weakest_segment(segments: dict, min_rows: int) -> tuple[str, str, dict] | None:
    """The segment of at least min_rows rows with the lowest ROC AUC (None when none has one)."""
    judged = [
        (figures["roc_auc"], column, name, figures)
        for column, groups in segments.items()
        for name, figures in groups.items()
        if figures["n"] >= min_rows and figures.get("roc_auc") is not None
    ]
    if not judged:
        return None
    _, column, name, figures = min(judged, key=lambda item: item[0])
    return column, name, figures


def generated_limitations(
    segments: dict,
    fairness: FairnessReport,
    feedback: dict | None,
    min_rows: int,
    roc_auc: float,
) -> list[str]:
    """The limitations the figures show, one sentence each, in a fixed order."""
    found = []
    small = small_segments(segments, min_rows)
    if small:
        listed = ", ".join(f"{column} {name} ({n})" for column, name, n in small)
        found.append(
            f"Segments with fewer than {min_rows} test rows are too small to judge (the gate "
            f"does not judge them either): {listed}. Their figures are shown, not relied on."
        )
    unjudged = [
        f"{attribute} {group} ({figures.n})"
        for attribute, groups in fairness.groups.items()
        for group, figures in groups.items()
        if not figures.judged
    ]
    if unjudged:
        found.append(
            "Fairness groups too small to judge (no ratio or gap is computed for them): "
            + ", ".join(unjudged)
            + "."
        )
    weakest = weakest_segment(segments, min_rows)
    if weakest is not None:
        column, name, figures = weakest
        found.append(
            f"The weakest segment is {column} {name}: ROC AUC {figures['roc_auc']:.4f} on "
            f"{figures['n']} test rows, against {roc_auc:.4f} overall."
        )
    if feedback is not None:
        found += _feedback_bias(feedback)
    rule = fairness.age_rule
    if rule is None:
        found.append(
            "The fairness policy sets no age rule (fairness.no_negative_factor): whether a "
            "higher age ever raises p_default was not measured."
        )
    elif not rule.passed:
        found.append(
            f"The age rule failed: moving {rule.attribute} from {rule.from_age:g} to "
            f"{rule.to[0]:g}-{rule.to[1]:g} raised p_default for {rule.rows_raised} of "
            f"{rule.rows} test rows (by up to {rule.max_increase:.4f})."
        )
    return found


def _feedback_bias(feedback: dict) -> list[str]:
    """Selection bias of production labels, stated only when feedback rows were used."""
    train, test = feedback["train"], feedback["test"]
    if not (train["feedback"] or test["feedback"]):
        return []
    explored = train["by_decision"]["approved by exploration"]
    return [
        f"{train['feedback']} training rows and {test['feedback']} test rows are production "
        "outcomes, which exist only for approved applications (selection bias): the model "
        "learns nothing from them about the applicants it rejects"
        + (
            f", beyond the {explored} approved at random by exploration."
            if explored
            else " (none were approved by exploration)."
        )
        + " Test figures on those rows describe approved applicants only."
    ]
