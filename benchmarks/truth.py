"""The simulated truth: the fair truth model, each period's applications, and outcomes drawn
afresh from the world's probabilities (never the replayed real labels).

The fair truth model is a logistic regression fitted on every original row (all of them,
train and test alike) on the model's features plus the columns the world reads: a known,
smooth truth that no model of the project has seen whole. Each period's applicants are drawn
with replacement from the original rows (Income, Assets and Debt jittered by 5%, as
feedback_world.period_applications draws them), the world changes them (worlds/), and each
application's outcome is one uniform draw against the world's probability of default. Every
draw is seeded by (seed, period) and taken in the order of the applications, so an
application's outcome is fixed by (seed, period, index), the same for every arm.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pandas as pd
from feedback_world import period_applications
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# Streams of the per-period generators (np.random.default_rng([seed, period, stream])).
WORLD_STREAM, OUTCOME_STREAM = 1, 2


@dataclass(frozen=True)
class FairTruth:
    """The fitted truth model and the columns it reads."""

    model: object
    columns: list[str]

    def p_default(self, applications: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(applications[self.columns])[:, 1]


def fit_fair_truth(
    originals: pd.DataFrame, columns: list[str], target: str, positive: str
) -> FairTruth:
    """A logistic regression (C 1, missing numbers as the median, categories one-hot) of
    target == positive on columns, fitted on every original row."""
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(originals[c])]
    categorical = [c for c in columns if c not in numeric]
    prepare = ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("categorical", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                      OneHotEncoder(handle_unknown="ignore")), categorical),
    ])  # fmt: skip
    model = make_pipeline(prepare, LogisticRegression(C=1.0, max_iter=5000))
    model.fit(originals[columns], (originals[target] == positive).to_numpy())
    return FairTruth(model, list(columns))


@dataclass(frozen=True)
class Period:
    """One period's applications, the same for every arm."""

    period: int
    seen: pd.DataFrame  # as the service sees them (the world's change applied), with sim_id
    p_true: np.ndarray  # each application's true probability of default
    is_bad: np.ndarray  # who defaults if lent to (one draw each against p_true)

    @property
    def ids(self) -> list[str]:
        return self.seen["sim_id"].tolist()


def sim_id(seed: int, period: int, index: int) -> str:
    """An application's id (and the prediction's, in the fast mode): fixed by seed, period and
    its index, so that every arm's exploration draws the same for it."""
    return f"sim-s{seed}-p{period:02d}-{index:05d}"


def draw_period(
    world: ModuleType,
    truth: FairTruth,
    originals: pd.DataFrame,
    rows: int,
    seed: int,
    period: int,
    target: str,
    labels: tuple[str, str],
) -> Period:
    """The period's applications in the world, their true probabilities and outcomes; the
    target column of `seen` holds the drawn outcome (labels: (bad, good))."""
    base = period_applications(originals, rows, seed, period)
    base["sim_id"] = [sim_id(seed, period, i) for i in range(rows)]
    fair = truth.p_default(base)
    seen = world.applications(base, period, np.random.default_rng([seed, period, WORLD_STREAM]))
    p_true = np.clip(world.p_default(fair, base, seen, period), 0.0, 1.0)
    draws = np.random.default_rng([seed, period, OUTCOME_STREAM]).random(rows)
    is_bad = draws < p_true
    seen = seen.copy()
    seen[target] = np.where(is_bad, labels[0], labels[1])
    return Period(period, seen.reset_index(drop=True), p_true, is_bad)
