"""Hold out a test set that keeps the share of defaults of the whole data, and the newest
production feedback, so that a retrained model is judged on recent applications."""

from __future__ import annotations

import numpy as np
import pandas as pd

from modelops.config.contract import PREDICTED_AT, PREDICTION_ID
from modelops.errors import InputError, ParamsError


def split_dataset(
    df: pd.DataFrame,
    target: str,
    test_size: float,
    seed: int,
    id_column: str | None = None,
    recent_test_share: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (train, test), reproducible for a given seed.

    The newest recent_test_share of feedback rows (those with a predicted_at), by time of
    prediction, go to test; all other rows are split stratified on the target, test_size of
    them to test. Both sets hold every target value, and no id or prediction is in both.
    """
    recent = newest_feedback(df, recent_test_share)
    # Without recent rows the table goes in unchanged: the split is the one it always was.
    train, test = _stratified(df[~recent] if recent.any() else df, target, test_size, seed)
    if recent.any():
        test = pd.concat([test, df[recent]])
    for column in (id_column, PREDICTION_ID):
        if column is not None and column in df.columns:
            shared = set(train[column].dropna()) & set(test[column].dropna())
            if shared:
                raise InputError(
                    f"split: {len(shared)} {column} values are in both train and test "
                    "(the contract's uniqueness rule should have stopped this)"
                )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def newest_feedback(df: pd.DataFrame, share: float) -> np.ndarray:
    """Which rows are the newest share of feedback rows by predicted_at (rounded to whole
    rows; of rows predicted at the same time, the larger prediction_id counts as newer)."""
    if PREDICTED_AT not in df.columns or share == 0:
        return np.zeros(len(df), dtype=bool)
    feedback = df[df[PREDICTED_AT].notna()]
    order = [PREDICTED_AT, *([PREDICTION_ID] if PREDICTION_ID in df.columns else [])]
    newest = feedback.sort_values(order, kind="stable").index[
        len(feedback) - round(share * len(feedback)) :
    ]
    return df.index.isin(newest)


def _stratified(df: pd.DataFrame, target: str, test_size: float, seed: int):
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
        return train_test_split(df, test_size=test_size, random_state=seed, stratify=df[target])
    except ValueError as err:
        raise ParamsError("split.test_size", test_size, f"cannot split the data: {err}") from None
