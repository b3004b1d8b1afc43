"""The simulated world of feedback_loop.py, as pure functions: the stream of applications, the
downturn that changes it, the truth the lender learns, when outcomes arrive, what decisions
are worth. Deterministic given a seed; no service, no files.

The downturn, from Downturn.start_period on (reaching full strength over ramp_periods):
- incomes fall by income_fall (the service sees it: the inputs drift);
- a good applicant in debt turns bad with a probability rising with Debt / Income (after the
  fall), up to max_flip, half of it at half_ratio (the truth changes: concept drift). An
  applicant without debt, or whose income is unknown, is not affected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from resample import jittered_resample

from modelops.model.business import business_value


@dataclass(frozen=True)
class Downturn:
    start_period: int = 3  # the first period (counted from 1) of the downturn
    ramp_periods: int = 2  # periods until full strength (1: all at once)
    income_fall: float = 0.30  # share of income lost at full strength
    max_flip: float = 0.6  # largest probability that a good indebted applicant defaults
    half_ratio: float = 4.0  # Debt / Income at which that probability is half of max_flip


def strength(downturn: Downturn, period: int) -> float:
    """0 before the downturn, then rising by 1 / ramp_periods a period up to 1."""
    if period < downturn.start_period:
        return 0.0
    return min(1.0, (period - downturn.start_period + 1) / downturn.ramp_periods)


# Expenses is not jittered: applicants state it in a few round steps (35, 45, 60, 75...), and
# 5% of noise alone moved it across the reference's bin edges (PSI 0.30: a false drift alert).
JITTERED = ("Income", "Assets", "Debt")


def period_applications(held_out: pd.DataFrame, rows: int, seed: int, period: int) -> pd.DataFrame:
    """The period's applications before any downturn: held-out rows drawn with replacement,
    Income, Assets and Debt jittered by 5%; the same for every arm (seeded by seed and
    period)."""
    rng = np.random.default_rng([seed, period])
    drawn = jittered_resample(held_out, rows, seed * 1000 + period, rng, columns=JITTERED)
    drawn["sim_id"] = [f"SIM-p{period:02d}-{i:05d}" for i in range(rows)]
    return drawn


def downturn_applications(applications: pd.DataFrame, income_fall: float) -> pd.DataFrame:
    """The applications with incomes fallen by the share income_fall (rounded, as applicants
    state them); a copy."""
    fallen = applications.copy()
    fallen["Income"] = (fallen["Income"] * (1.0 - income_fall)).round()
    return fallen


def default_flip_probability(
    debt: np.ndarray, income: np.ndarray, downturn: Downturn, power: float
) -> np.ndarray:
    """The probability that a good applicant defaults in the downturn at strength power:
    power * max_flip * r / (r + half_ratio) with r = Debt / Income; 0 without debt or with an
    unknown debt or income; an income of 0 with debt counts as the largest ratio."""
    debt = np.asarray(debt, dtype=float)
    income = np.asarray(income, dtype=float)
    indebted = np.nan_to_num(debt, nan=0.0) > 0
    known = ~np.isnan(income)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(income > 0, debt / income, np.inf)
        share = np.where(np.isinf(ratio), 1.0, ratio / (ratio + downturn.half_ratio))
    return np.where(indebted & known, power * downturn.max_flip * share, 0.0)


def true_defaults(
    was_bad: np.ndarray, flip_probability: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Who defaults: the bad ones, and each good one with its flip probability. One draw per
    application whatever its status, so the truth of a row does not depend on the others."""
    draws = rng.random(len(was_bad))
    return np.asarray(was_bad, dtype=bool) | (draws < np.asarray(flip_probability))


def outcomes_due(period_of: np.ndarray, lent: np.ndarray, period: int, delay: int) -> np.ndarray:
    """Which applications' outcomes arrive at the end of period: the loans made delay periods
    before (a rejected applicant's outcome is never known)."""
    return np.asarray(lent, dtype=bool) & (np.asarray(period_of) == period - delay)


def value_per_application(
    is_bad: np.ndarray, lent: np.ndarray, amount: np.ndarray, margin: float, loss: float
) -> float:
    """Money per application: margin x Amount for a repaid loan, -loss x Amount for a default,
    0 for a rejection (the project's business value, on the simulated truth)."""
    return business_value(is_bad, lent, amount, margin, loss)
