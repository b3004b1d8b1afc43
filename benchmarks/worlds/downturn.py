"""A downturn (feedback_world.py's), from CHANGE_PERIOD on, reaching full strength over
RAMP_PERIODS: incomes fall by INCOME_FALL (the inputs drift), and an applicant in debt who
would have repaid defaults with a probability rising with Debt / Income after the fall, up to
MAX_FLIP, half of it at HALF_RATIO (the truth changes). An applicant without debt, or whose
income is unknown, is not affected."""

from __future__ import annotations

import numpy as np
import pandas as pd
from feedback_world import Downturn, default_flip_probability, downturn_applications, strength

NAME = "downturn"
CHANGE_PERIOD = 3
RAMP_PERIODS = 2
INCOME_FALL = 0.30
MAX_FLIP = 0.6
HALF_RATIO = 4.0
DOWNTURN = Downturn(CHANGE_PERIOD, RAMP_PERIODS, INCOME_FALL, MAX_FLIP, HALF_RATIO)


def describe() -> str:
    return (
        f"downturn from period {CHANGE_PERIOD} over {RAMP_PERIODS} periods: incomes "
        f"-{INCOME_FALL:.0%}, an indebted applicant who would repay defaults with probability "
        f"up to {MAX_FLIP} (half at Debt/Income {HALF_RATIO:g})"
    )


def applications(base: pd.DataFrame, period: int, rng: np.random.Generator) -> pd.DataFrame:
    """Incomes fallen by INCOME_FALL x the downturn's strength in the period (rounded)."""
    return downturn_applications(base, INCOME_FALL * strength(DOWNTURN, period))


def p_default(fair: np.ndarray, base: pd.DataFrame, seen: pd.DataFrame, period: int) -> np.ndarray:
    """fair + (1 - fair) x flip: a would-be repayer defaults with the flip probability of
    their Debt / Income after the fall (feedback_world.default_flip_probability)."""
    flip = default_flip_probability(
        seen["Debt"].to_numpy(float), seen["Income"].to_numpy(float), DOWNTURN,
        strength(DOWNTURN, period),
    )  # fmt: skip
    fair = np.asarray(fair, dtype=float)
    return fair + (1.0 - fair) * flip
