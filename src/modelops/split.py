"""Hold out a test set that keeps the share of defaults of the whole data."""

from __future__ import annotations

import pandas as pd

from modelops.errors import InputError


def split_dataset(
    df: pd.DataFrame, target: str, test_size: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (train, test), stratified on the target and reproducible for a given seed."""
    from sklearn.model_selection import train_test_split

    if target not in df.columns:
        raise InputError(f"split: target column '{target}' not in the data")
    if df[target].isna().any():
        raise InputError(f"split: target column '{target}' has {df[target].isna().sum()} missing")
    try:
        train, test = train_test_split(
            df, test_size=test_size, random_state=seed, stratify=df[target]
        )
    except ValueError as err:
        raise InputError(f"split: cannot stratify on '{target}': {err}") from None
    return train.reset_index(drop=True), test.reset_index(drop=True)
