"""Applications drawn from a sample with replacement, their money columns jittered: more rows
than the sample holds that still look like it (validation.py, scoring.py, feedback_loop.py)."""

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


def noisy_resample(sample: pd.DataFrame, rows: int, seed: int = 0) -> pd.DataFrame:
    """The sample drawn with replacement, numbers jittered, and a little realistic dirt."""
    rng = np.random.default_rng(seed)
    df = jittered_resample(sample, rows, seed, rng)
    df["applicant_id"] = [f"B{i:07d}" for i in range(rows)]
    dirt = rng.random(rows)
    df.loc[dirt < 0.01, "Home"] = df.loc[dirt < 0.01, "Home"].str.upper() + " "  # corrected
    df.loc[(dirt >= 0.01) & (dirt < 0.012), "Income"] = 99999999  # sentinel -> missing
    df.loc[(dirt >= 0.012) & (dirt < 0.013), "Age"] = 150  # out of range -> quarantine
    df["source"] = "benchmark"
    return df
