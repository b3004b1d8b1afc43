"""Nothing changes: every period's applications are drawn as period 1's, and the truth is the
fair truth model's. A policy that retrains here buys nothing; its alarms are false alarms."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "stable"
CHANGE_PERIOD = 3  # nothing changes; "after the change" means the same periods as elsewhere


def describe() -> str:
    return "stable: nothing changes (the fair truth model every period)"


def applications(base: pd.DataFrame, period: int, rng: np.random.Generator) -> pd.DataFrame:
    """The applicants as drawn: a copy, unchanged."""
    return base.copy()


def p_default(fair: np.ndarray, base: pd.DataFrame, seen: pd.DataFrame, period: int) -> np.ndarray:
    """The fair truth model's probability, unchanged."""
    return np.asarray(fair, dtype=float).copy()
