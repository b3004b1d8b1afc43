"""Label coverage by decision: which of a window's predictions have an outcome, per kind of
decision. A lender learns whether an applicant repays only if it lent, so outcomes come from
approvals (and from exploration, serve.exploration, in the region the model rejects):
live performance describes the approved population, not every applicant. What exploration
cost and bought in the window: `exploration_cost`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from modelops.config.params import ExplorationParams
from modelops.feedback.groups import GROUPS, decision_groups

SELECTION_BIAS = (
    "Live performance is measured on the predictions with an outcome, which are approved "
    "applications: a rejected application has no outcome. It describes the applicants the "
    "model approves, not those it rejects (selection bias); only approvals by exploration "
    "bring outcomes from the region the model rejects."
)


def coverage_by_decision(
    rejected: np.ndarray, explored: np.ndarray, labelled: np.ndarray
) -> list[dict]:
    """Per group of GROUPS: predictions, with_outcome and share_labelled (None without
    predictions)."""
    rejected, explored = np.asarray(rejected, bool), np.asarray(explored, bool)
    labelled = np.asarray(labelled, bool)
    members = decision_groups(~rejected, explored, rejected)
    rows = []
    for group, member in zip(GROUPS, members, strict=True):
        predictions, with_outcome = int(member.sum()), int((member & labelled).sum())
        rows.append(
            {
                "decision": group,
                "predictions": predictions,
                "with_outcome": with_outcome,
                "share_labelled": with_outcome / predictions if predictions else None,
            }
        )
    return rows


def exploration_cost(
    explored: np.ndarray,
    rejected: np.ndarray,
    p_bad: np.ndarray,
    is_bad: np.ndarray,
    amount: np.ndarray,
    predicted_at: np.ndarray,
    segments: dict[str, np.ndarray],
    settings: ExplorationParams,
    margin: float,
    loss_given_default: float,
) -> dict:
    """What exploration cost in the window and what it bought (monitoring.json "exploration"):
    the approvals by exploration, the budget they used per UTC day (against serve.exploration's
    caps as configured now), their expected loss at decision time (p_default, amount and
    business.yaml), and, among those with an outcome, the realised value (negative: a cost)
    and the outcomes from the region the model rejects, per targeted segment too."""
    explored, rejected = np.asarray(explored, bool), np.asarray(rejected, bool)
    p_bad, is_bad = np.asarray(p_bad, float), np.asarray(is_bad, float)
    amount = np.asarray(amount, float)
    loss = amount * (p_bad * loss_given_default - (1 - p_bad) * margin)
    labelled = ~np.isnan(is_bad)
    value = np.where(is_bad == 1, -loss_given_default * amount, margin * amount)
    days = pd.Series(predicted_at[explored]).dt.strftime("%Y-%m-%d")
    by_day = []
    for day, index in days.groupby(days).groups.items():
        spent = float(np.nansum(loss[explored][np.asarray(index)]))
        count = len(index)
        by_day.append(
            {
                "day": day,
                "approvals": count,
                "expected_loss": spent,
                "share_of_max_per_day": _share(count, settings.max_per_day),
                "share_of_max_expected_loss": _share(spent, settings.max_expected_loss_per_day),
            }
        )

    def outcomes(member: np.ndarray) -> dict:
        known = member & labelled
        bad = known & (is_bad == 1)
        return {
            "explored_approvals": int(member.sum()),
            "expected_loss": float(np.nansum(loss[member])),
            "with_outcome": int(known.sum()),
            "bad": int(bad.sum()),
            "expected_bad_rate": float(p_bad[known].mean()) if known.any() else None,
            "bad_rate": float(bad.sum() / known.sum()) if known.any() else None,
            "realised_value": float(np.nansum(value[known])) if known.any() else None,
        }

    by_segment = []
    for column, values in settings.segments.items():
        held = segments.get(column)
        for category in values:
            in_it = np.zeros(len(p_bad), bool) if held is None else held == category
            by_segment.append(
                {
                    "column": column,
                    "value": category,
                    "predictions": int(in_it.sum()),
                    "approved_by_model": int((in_it & ~rejected & ~explored).sum()),
                    **outcomes(explored & in_it),
                }
            )
    return {
        "settings": settings.model_dump(),
        **outcomes(explored),
        "budget_by_day": by_day,
        "by_segment": by_segment,
    }


def _share(used: float, cap: float | None) -> float | None:
    return None if cap is None else used / cap


def _money(value: float) -> str:
    return f"{value:,.0f}"


def exploration_statement(cost: dict) -> list[str]:
    """The exploration section in sentences (the Markdown and the page both show them)."""
    settings = cost["settings"]
    if settings["rate"] == 0 and cost["explored_approvals"] == 0:
        return [
            "Exploration is off (serve.exploration.rate 0): no outcome comes back from the "
            "region the model rejects, and it costs nothing."
        ]
    targeted = []
    if settings["band"] is not None:
        targeted.append(f"p_default below threshold + {settings['band']:g}")
    for column, values in settings["segments"].items():
        targeted.append(f"{column} in {', '.join(values)}")
    caps = [f"{settings['max_per_day']} approvals" if settings["max_per_day"] else "",
            f"{_money(settings['max_expected_loss_per_day'])} of expected loss"
            if settings["max_expected_loss_per_day"] else ""]  # fmt: skip
    lines = [
        f"{cost['explored_approvals']} approvals by exploration (rate {settings['rate']:g}"
        + (f", targeted: {'; '.join(targeted)}" if targeted else ", any rejection")
        + f"; budget per UTC day: {' and '.join(c for c in caps if c) or 'none'}), "
        f"expected loss {_money(cost['expected_loss'])} at decision time."
    ]
    if cost["budget_by_day"]:
        busiest = max(cost["budget_by_day"], key=lambda d: d["approvals"])
        used = [
            f"{share:.0%} of {what}"
            for share, what in (
                (busiest["share_of_max_per_day"], "max_per_day"),
                (busiest["share_of_max_expected_loss"], "max_expected_loss_per_day"),
            )
            if share is not None
        ]
        lines.append(
            f"Budget used: {len(cost['budget_by_day'])} day(s) explored; the busiest, "
            f"{busiest['day']}, {busiest['approvals']} approvals and "
            f"{_money(busiest['expected_loss'])} of expected loss"
            + (f" ({', '.join(used)})." if used else ".")
        )
    if cost["with_outcome"]:
        realised = cost["realised_value"]
        lines.append(
            f"With an outcome: {cost['with_outcome']}, {cost['bad']} bad (bad rate "
            f"{cost['bad_rate']:.1%}, the model expected {cost['expected_bad_rate']:.1%}): "
            f"realised value {_money(realised)}"
            + (f" (a cost of {_money(-realised)})." if realised < 0 else ".")
            + " These are the outcomes from the region the model rejects."
        )
    elif cost["explored_approvals"]:
        lines.append("No outcome of an explored approval is known yet: its value is not.")
    return lines
