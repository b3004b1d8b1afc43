"""A change where the model does not look: from CHANGE_PERIOD on, part-time applicants (Job
"partime", whom model v0 approves about 3% of the time) almost stop defaulting: their true
probability of default becomes RISK_LEFT of the fair truth model's. The applications do not
change (no drift to see); only outcomes from that segment can tell, and v0 makes few loans
there, so only exploration brings them back."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "rejected_region"
CHANGE_PERIOD = 3
COLUMN, VALUE = "Job", "partime"
RISK_LEFT = 0.1  # the share of their fair probability of default they keep


def describe() -> str:
    return (
        f"rejected region: from period {CHANGE_PERIOD} {COLUMN} == {VALUE!r} applicants default "
        f"at {RISK_LEFT:.0%} of their fair probability"
    )


def applications(base: pd.DataFrame, period: int, rng: np.random.Generator) -> pd.DataFrame:
    """The applicants as drawn: nothing the service sees changes."""
    return base.copy()


def in_region(applications: pd.DataFrame) -> np.ndarray:
    """The segment that changes (part-time applicants)."""
    return (applications[COLUMN] == VALUE).to_numpy()


def p_default(fair: np.ndarray, base: pd.DataFrame, seen: pd.DataFrame, period: int) -> np.ndarray:
    """The fair probability, times RISK_LEFT in the segment from CHANGE_PERIOD on."""
    fair = np.asarray(fair, dtype=float)
    if period < CHANGE_PERIOD:
        return fair.copy()
    return np.where(in_region(seen), fair * RISK_LEFT, fair)
