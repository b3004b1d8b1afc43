"""The model card (models/model_card.md): what people wrote (docs/model_card.yaml) and what the
pipeline measured, as Markdown.

Written directly rather than with skops.card.Card: skops' card is built around a model's
hyper-parameters and a diagram, and its sections would need our tables anyway; plain Markdown
keeps the file byte-for-byte reproducible (dvc.lock records it) and readable in a diff.
Every figure is formatted from the reports with the same precision as the PR report.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelops.config.card import CardText
from modelops.config.metrics import metric_value
from modelops.model.card_facts import FairnessReport
from modelops.model.uncertainty import Interval

# (label, metrics.json key, digits): the test metrics the card gives with an interval.
CARD_METRICS = (
    ("ROC AUC", "roc_auc", 4),
    ("Average precision", "average_precision", 4),
    ("Brier score (lower is better)", "brier", 4),
    ("Log loss (lower is better)", "log_loss", 4),
    ("Precision (defaults among rejections)", "precision", 4),
    ("Recall (defaults caught)", "recall", 4),
    ("F1", "f1", 4),
    ("Accuracy", "accuracy", 4),
    ("Approval rate", "business.approval_rate", 4),
    ("Business value per application", "business.value_per_application", 2),
)


@dataclass(frozen=True)
class Source:
    """One ingest source and how many of its rows the model was trained and tested on."""

    name: str
    kind: str
    where: str
    train_rows: int
    test_rows: int


@dataclass(frozen=True)
class Measured:
    """Everything the card states from the pipeline's outputs."""

    artifact: str
    model_md5: str
    training: dict
    metrics: dict
    intervals: dict[str, Interval]
    confidence: float
    margin: float
    loss_given_default: float
    sources: list[Source]
    data_quality: dict
    segments: dict
    min_segment_rows: int
    importance: list[dict]
    fairness: FairnessReport
    calibration: list[dict]
    limitations: list[str]


def _f(value, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]], align: str = "---:") -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|---|" + f"{align}|" * (len(header) - 1),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]


def _bullets(items: list[str]) -> list[str]:
    return [*(f"- {item}" for item in items), ""]


def written_sections(text: CardText) -> list[str]:
    lines = ["## Intended use", "", text.intended_use.strip(), ""]
    lines += ["## Intended users", "", *_bullets(text.intended_users)]
    lines += ["## Out-of-scope uses", "", *_bullets(text.out_of_scope_uses)]
    lines += ["## Owners and contact", ""]
    lines += _table(
        ["role", "owner", "contact"], [[o.role, o.name, o.contact] for o in text.owners], "---"
    )
    if text.feedback:
        lines += [text.feedback.strip(), ""]
    return lines


def model_section(m: Measured) -> list[str]:
    return [
        "## Model",
        "",
        *_table(
            ["", "value"],
            [
                ["artifact", f"`{m.artifact}`"],
                ["estimator", f"`{m.training['model']}`"],
                ["model file md5 (as dvc.lock records it)", f"`{m.model_md5}`"],
                ["training rows", str(m.training["n_train"])],
                ["test rows", str(m.metrics["n_test"])],
            ],
            "---",
        ),
        "Version and commit: the version is the `"
        + m.artifact
        + "@vX.Y.Z` tag on the commit that records this file and dvc.lock with the md5 above "
        "(`modelops registry show`); the release bundle's copy of this card names both.",
        "",
    ]


def data_section(m: Measured) -> list[str]:
    q = m.data_quality
    lines = ["## Data", ""]
    lines += _table(
        ["source", "kind", "where", "training rows", "test rows"],
        [[s.name, s.kind, f"`{s.where}`", str(s.train_rows), str(s.test_rows)] for s in m.sources],
    )
    lines.append(
        f"Data quality (data/contract.yaml): contract {'kept' if q['passed'] else 'broken'}; "
        f"{q['rows_in']} rows in, {q['rows_corrected']} corrected, "
        f"{q['exact_duplicates_dropped']} exact duplicates and {q['older_observations_dropped']} "
        f"older observations dropped, {q['rows_quarantined']} quarantined, {q['rows_out']} out; "
        f"{len(q['failed_rules'])} rules failed, {len(q['warnings'])} warnings."
    )
    if q["quarantined_by_rule"]:
        rules = [[f"`{rule}`", str(n)] for rule, n in q["quarantined_by_rule"].items()]
        lines += ["", *_table(["quarantined by rule", "rows"], rules)]
    return [*lines, ""]


def features_section(m: Measured) -> list[str]:
    used = m.fairness.features.used
    lines = ["## Features", "", f"Used ({len(used)}): " + ", ".join(used) + ".", ""]
    excluded = m.fairness.features.excluded
    if excluded:
        lines += ["Excluded, and why:", ""]
        lines += _table(["column", "why"], [[c, why] for c, why in excluded.items()], "---")
    else:
        lines += ["Excluded: none.", ""]
    return lines


def metrics_section(m: Measured) -> list[str]:
    share = f"{m.confidence:.0%}"
    rows = []
    for label, name, digits in CARD_METRICS:
        interval = m.intervals[name]
        rows.append(
            [label, _f(metric_value(m.metrics, name), digits),
             f"[{_f(interval.low, digits)}, {_f(interval.high, digits)}]"]
        )  # fmt: skip
    return [
        "## Test metrics",
        "",
        f"On {m.metrics['n_test']} held-out test rows (default rate "
        f"{_f(m.metrics['bad_rate'])}), with {share} bootstrap intervals of the test rows.",
        "",
        *_table(["metric", "value", f"{share} interval"], rows),
    ]


def calibration_section(m: Measured) -> list[str]:
    rows = [[_f(p["prob_pred"]), _f(p["prob_true"])] for p in m.calibration]
    return [
        "## Calibration",
        "",
        f"Brier score {_f(m.metrics['brier'])}. By bin of predicted p_default on the test rows: "
        "a calibrated model's observed default rate equals its mean prediction.",
        "",
        *_table(["mean predicted p_default", "observed default rate"], rows),
    ]


def threshold_section(m: Measured) -> list[str]:
    b = m.metrics["business"]
    return [
        "## Threshold and business value",
        "",
        f"An application is rejected when p_default is at least **{_f(m.metrics['threshold'])}**"
        f", the threshold that maximises business value on out-of-fold training predictions. An "
        f"approved repaid loan earns {m.margin:g} x amount; an approved default loses "
        f"{m.loss_given_default:g} x amount.",
        "",
        *_table(
            ["decisions", "value per application"],
            [
                ["this model", _f(b["value_per_application"], 2)],
                ["approve all", _f(b["approve_all_per_application"], 2)],
                ["perfect model", _f(b["perfect_per_application"], 2)],
                ["uplift over approving all", _f(b["uplift_per_application"], 2)],
            ],
        ),
        f"Approval rate {_f(b['approval_rate'])}.",
        "",
    ]


def segments_section(m: Measured) -> list[str]:
    lines = [
        "## Segments",
        "",
        f"Segments with fewer than {m.min_segment_rows} test rows are marked (too small to judge).",
        "",
    ]
    header = ["segment", "n", "default rate", "ROC AUC", "recall", "approval rate", "value/appl."]
    for column, groups in m.segments.items():
        rows = [
            [name + (" (too small)" if s["n"] < m.min_segment_rows else ""), str(s["n"]),
             _f(s["bad_rate"]), _f(s["roc_auc"]), _f(s["recall"]), _f(s["approval_rate"]),
             _f(s["value_per_application"], 2)]
            for name, s in groups.items()
        ]  # fmt: skip
        lines += [f"**{column}**", "", *_table(header, rows)]
    return lines


def fairness_section(m: Measured) -> list[str]:
    rule = m.fairness.age_rule
    if rule is None:
        age = "No age rule: the fairness policy sets no `no_negative_factor`."
    else:
        verdict = "passed" if rule.passed else "**failed**"
        unread = (
            f" {rule.attribute} is not among the model's features, so it cannot move it."
            if rule.attribute not in m.fairness.features.used
            else ""
        )
        age = (
            f"Age rule (Regulation B, 12 CFR 1002.6(b)(2)) {verdict}: moving {rule.attribute} "
            f"from {rule.from_age:g} to any age from {rule.to[0]:g} to {rule.to[1]:g} raised "
            f"p_default for {rule.rows_raised} of {rule.rows} test rows (largest increase "
            f"{_f(rule.max_increase)}).{unread}"
        )
    lines = [
        "## Fairness",
        "",
        age,
        "",
        "Ratios and gaps are against the most-approved judged group; n/a where a group is too "
        "small to judge.",
        "",
    ]
    header = [
        "group", "n", "approval rate", "approval ratio", "approval rate (repaid)",
        "equal opportunity gap", "mean p_default", "default rate", "calibration gap",
    ]  # fmt: skip
    for attribute, groups in m.fairness.groups.items():
        rows = [
            [name + ("" if g.judged else " (not judged)"), str(g.n), _f(g.approval_rate),
             _f(g.approval_ratio), _f(g.approval_rate_repaid), _f(g.equal_opportunity_gap),
             _f(g.mean_p_default), _f(g.bad_rate), _f(g.calibration_gap)]
            for name, g in groups.items()
        ]  # fmt: skip
        lines += [f"**{attribute}**", "", *_table(header, rows)]
    return lines


def importance_section(m: Measured) -> list[str]:
    rows = [[r["feature"], _f(r["importance"]), _f(r["std"])] for r in m.importance]
    return [
        "## Feature importance",
        "",
        "Permutation importance: the drop in test ROC AUC when a feature's values are shuffled.",
        "",
        *_table(["feature", "importance", "std"], rows),
    ]


def limitations_section(text: CardText, m: Measured) -> list[str]:
    lines = [
        "## Limitations",
        "",
        "Stated by the product manager (docs/model_card.yaml):",
        "",
        *_bullets(text.known_limitations),
    ]
    lines += ["Found by the pipeline in this model's figures:", ""]
    lines += _bullets(m.limitations) if m.limitations else ["- None found.", ""]
    return lines


def build_card(text: CardText, measured: Measured) -> str:
    """The whole card: written sections first (what the model is for), then the evidence."""
    lines = [
        f"# Model card: {measured.artifact}",
        "",
        "<!-- Generated by `modelops card` (dvc.yaml stage card): edit docs/model_card.yaml "
        "for the written sections; every figure comes from the pipeline's reports. -->",
        "",
        *written_sections(text),
        *model_section(measured),
        *data_section(measured),
        *features_section(measured),
        *metrics_section(measured),
        *calibration_section(measured),
        *threshold_section(measured),
        *segments_section(measured),
        *fairness_section(measured),
        *importance_section(measured),
        *limitations_section(text, measured),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
