"""Hold out a test set that keeps the share of defaults of the whole data."""

from __future__ import annotations

import pandas as pd

from modelops.errors import InputError, ParamsError


def split_dataset(
    df: pd.DataFrame, target: str, test_size: float, seed: int, id_column: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (train, test), stratified on the target and reproducible for a given seed.

    Both sets hold every target value, and no id is in both.
    """
    from sklearn.model_selection import train_test_split

    if target not in df.columns:
        raise InputError(f"split: target column '{target}' not in the data")
    if df[target].isna().any():
        raise InputError(f"split: target column '{target}' has {df[target].isna().sum()} missing")
    counts = df[target].value_counts()
    if len(counts) < 2:
        raise InputError(
            f"split: target column '{target}' has one value only: {list(counts.index)}"
        )
    rarest = int(counts.min())
    test_rows = round(test_size * len(df))
    if min(test_rows, len(df) - test_rows) < len(counts) or rarest < 2:
        raise ParamsError(
            "split.test_size",
            test_size,
            f"cannot hold every {target} value in both sets of {len(df)} rows "
            f"(the rarest value has {rarest} rows)",
        )
    try:
        train, test = train_test_split(
            df, test_size=test_size, random_state=seed, stratify=df[target]
        )
    except ValueError as err:
        raise ParamsError("split.test_size", test_size, f"cannot split the data: {err}") from None
    if id_column is not None and id_column in df.columns:
        shared = set(train[id_column]) & set(test[id_column])
        if shared:
            raise InputError(
                f"split: {len(shared)} {id_column} values are in both train and test "
                "(the contract's uniqueness rule should have stopped this)"
            )
    return train.reset_index(drop=True), test.reset_index(drop=True)
