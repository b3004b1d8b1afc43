"""The money view of decisions: what approving or rejecting each application is worth.

An approved good loan earns margin x amount, an approved bad loan loses
loss_given_default x amount, and a rejected application earns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


def loan_values(is_bad: ArrayLike, amount: ArrayLike, margin: float, loss_given_default: float):
    """What approving each application would be worth."""
    is_bad = np.asarray(is_bad, dtype=bool)
    amount = np.asarray(amount, dtype=float)
    return np.where(is_bad, -loss_given_default * amount, margin * amount)


def business_value(
    is_bad: ArrayLike,
    approved: ArrayLike,
    amount: ArrayLike,
    margin: float,
    loss_given_default: float,
) -> float:
    """Value per application of the given approval decisions."""
    values = loan_values(is_bad, amount, margin, loss_given_default)
    approved = np.asarray(approved, dtype=bool)
    if len(values) == 0:
        return 0.0
    return float(values[approved].sum() / len(values))


@dataclass(frozen=True)
class BusinessReport:
    """Value per application of the model and of the two baselines that frame it."""

    model: float
    approve_all: float
    perfect: float
    approval_rate: float

    @property
    def uplift(self) -> float:
        """What the model earns per application over approving everyone."""
        return self.model - self.approve_all

    def as_dict(self) -> dict[str, float]:
        return {
            "value_per_application": self.model,
            "approve_all_per_application": self.approve_all,
            "perfect_per_application": self.perfect,
            "uplift_per_application": self.uplift,
            "approval_rate": self.approval_rate,
        }


def business_report(
    is_bad: ArrayLike,
    approved: ArrayLike,
    amount: ArrayLike,
    margin: float,
    loss_given_default: float,
) -> BusinessReport:
    """Compare the model's decisions with approving everyone and with a perfect model."""
    is_bad = np.asarray(is_bad, dtype=bool)
    approved = np.asarray(approved, dtype=bool)
    value = lambda decisions: business_value(is_bad, decisions, amount, margin, loss_given_default)  # noqa: E731
    return BusinessReport(
        model=value(approved),
        approve_all=value(np.ones_like(is_bad)),
        perfect=value(~is_bad),
        approval_rate=float(approved.mean()) if len(approved) else 0.0,
    )


def choose_threshold(
    p_bad: ArrayLike,
    is_bad: ArrayLike,
    amount: ArrayLike,
    margin: float,
    loss_given_default: float,
    weights: ArrayLike | None = None,
) -> float:
    """The probability of default at or above which to reject, maximising business value
    (each application's value times its weight, when the fit was weighted: the threshold must
    serve the population the model was fitted for).

    Every distinct cut between sorted probabilities is tried exactly (a cumulative sum, no
    grid); the threshold sits midway between the last approved and the first rejected
    probability so that unseen scores near the cut are treated evenly. Rejecting everyone
    returns 0.0; approving everyone returns a value above 1.0, so that every score passes.
    """
    p_bad = np.asarray(p_bad, dtype=float)
    values = loan_values(is_bad, amount, margin, loss_given_default)
    if weights is not None:
        values = values * np.asarray(weights, dtype=float)
    if len(p_bad) == 0:
        raise ValueError("choose_threshold needs at least one prediction")
    order = np.argsort(p_bad, kind="stable")
    p_sorted, v_sorted = p_bad[order], values[order]
    # Candidate k approves the k lowest-risk applications; ties must go together.
    cut_points = np.flatnonzero(np.diff(p_sorted) > 0) + 1
    candidates = np.concatenate(([0], cut_points, [len(p_sorted)]))
    gains = np.concatenate(([0.0], np.cumsum(v_sorted)))[candidates]
    best = int(candidates[np.argmax(gains)])
    if best == 0:
        return 0.0
    if best == len(p_sorted):
        return float(np.nextafter(max(p_sorted[-1], 1.0), np.inf))
    return float((p_sorted[best - 1] + p_sorted[best]) / 2)
