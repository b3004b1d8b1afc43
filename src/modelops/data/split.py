"""Hold out two kinds of test rows: the reference rows, a stratified share of the original
sources that stays the same while feedback grows (the compliance rules judge every model on
them, so retrains are compared on rows that do not move), and the newest outcomes, the newest
share of production feedback (where a challenger and the champion are compared on the present,
and which the refit then learns from)."""

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

    Rows without a predicted_at (the original sources) are split among themselves, stratified
    on the target, test_size of them to test: the reference rows, unchanged by any feedback.
    Of the feedback rows, the newest recent_test_share by time of prediction go to test, every
    older one to train. No id or prediction is in both sets.
    """
    feedback = is_feedback(df)
    recent = newest_feedback(df, recent_test_share)
    # Without feedback the table goes in unchanged: the split is the one it always was.
    original = df[~feedback] if feedback.any() else df
    train, test = _stratified(original, target, test_size, seed)
    if feedback.any():
        train = pd.concat([train, df[feedback & ~recent]])
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


def is_feedback(df: pd.DataFrame) -> np.ndarray:
    """Which rows came back from production (they carry the time of their prediction)."""
    if PREDICTED_AT not in df.columns:
        return np.zeros(len(df), dtype=bool)
    return df[PREDICTED_AT].notna().to_numpy()


def reference_rows(test: pd.DataFrame) -> np.ndarray:
    """Which test rows are the reference rows: from the original sources, never trained on by
    any model of this pipeline, the same for every retrain while those sources stay."""
    return ~is_feedback(test)


def reference_part(test: pd.DataFrame) -> pd.DataFrame:
    """The reference rows of a test set (what metrics.json, the card and the gate's compliance
    rules describe): the refit learnt from the others."""
    kept = reference_rows(test)
    return test if kept.all() else test[kept].reset_index(drop=True)


def newest_outcome_rows(test: pd.DataFrame) -> np.ndarray:
    """Which test rows are the newest outcomes (feedback held out of the candidate's fit)."""
    return is_feedback(test)


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
