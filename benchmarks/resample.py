"""Applications drawn from a sample with replacement, their money columns jittered: more rows
than the sample holds that still look like it (validation.py, feedback_loop.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

JITTERED = ("Expenses", "Income", "Assets", "Debt")


def jittered_resample(
    sample: pd.DataFrame,
    rows: int,
    seed: int,
    rng: np.random.Generator,
    scale: float = 0.05,
    columns: tuple[str, ...] = JITTERED,
) -> pd.DataFrame:
    """rows drawn with replacement (random_state=seed), each of columns multiplied by
    N(1, scale) from rng and rounded; missing values stay missing."""
    df = sample.sample(rows, replace=True, random_state=seed).reset_index(drop=True)
    for column in columns:
        df[column] = (df[column] * rng.normal(1.0, scale, rows)).round()
    return df
