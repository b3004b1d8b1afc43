"""One window of served traffic, read from the prediction store chunk by chunk: each feature
counted into its reference bins as it streams by (the applications themselves are not kept),
and per prediction only what performance needs (score, decision, outcome, amount, times).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from modelops.config.contract import Contract
from modelops.data.corrections import category_text
from modelops.monitor.profile import BinCounts
from modelops.monitor.reference import Reference
from modelops.store import PredictionStore

CHUNK_ROWS = 20_000


@dataclass
class Window:
    """What the monitor needs of a window's predictions (one model version)."""

    features: dict[str, BinCounts]
    score: BinCounts
    p_bad: np.ndarray
    rejected: np.ndarray
    explored: np.ndarray  # approved by exploration although the model would reject
    is_bad: np.ndarray  # float: 1 bad, 0 good, NaN no outcome yet
    amount: np.ndarray
    predicted_at: np.ndarray  # datetime64[ns], UTC
    delay_days: np.ndarray  # outcome observed after the prediction (NaN: no outcome)
    # Per prediction, the values of the columns exploration targets (serve.exploration)
    segments: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def predictions(self) -> int:
        return len(self.p_bad)


def read_window(
    store: PredictionStore,
    reference: Reference,
    contract: Contract,
    amount_column: str,
    since: datetime,
    until: datetime,
    version: str | None,
    chunk_rows: int = CHUNK_ROWS,
    segment_columns: tuple[str, ...] = (),
) -> Window:
    features = {name: BinCounts(profile) for name, profile in reference.features.items()}
    score = BinCounts(reference.score)
    columns = list(dict.fromkeys([*features, amount_column, *segment_columns]))
    positive = contract.target.positive
    parts: dict[str, list[np.ndarray]] = {k: [] for k in Window.__annotations__ if k not in
                                          ("features", "score", "segments")}  # fmt: skip
    held: dict[str, list[np.ndarray]] = {name: [] for name in segment_columns}
    for chunk in store.window(since, until, version, chunk_rows):
        at, _, received, p_bad, decision, _, _, explored, outcome, observed = zip(
            *chunk, strict=True
        )
        applications = _normalised(
            pd.DataFrame.from_records([json.loads(text) for text in received], columns=columns),
            contract,
        )
        for name, counts in features.items():
            counts.add(applications[name])
        p = np.asarray(p_bad, dtype=float)
        score.add(p)
        at_ns = pd.to_datetime(pd.Series(at), utc=True)
        observed_ns = pd.to_datetime(pd.Series(observed), utc=True)
        for name, values in held.items():
            values.append(applications[name].to_numpy(dtype=object))
        parts["p_bad"].append(p)
        parts["rejected"].append(np.asarray(decision) == "reject")
        parts["explored"].append(np.asarray(explored, dtype=bool))
        parts["is_bad"].append(
            np.array([np.nan if o is None else float(o == positive) for o in outcome])
        )
        parts["amount"].append(applications[amount_column].to_numpy(dtype=float))
        parts["predicted_at"].append(at_ns.dt.tz_localize(None).to_numpy())
        parts["delay_days"].append(((observed_ns - at_ns).dt.total_seconds() / 86400).to_numpy())
    empty = {
        "p_bad": float,
        "rejected": bool,
        "explored": bool,
        "is_bad": float,
        "amount": float,
        "predicted_at": "datetime64[ns]",
        "delay_days": float,
    }
    arrays = {k: np.concatenate(v) if v else np.array([], dtype=empty[k]) for k, v in parts.items()}
    segments = {k: np.concatenate(v) if v else np.array([], dtype=object) for k, v in held.items()}
    return Window(features, score, **arrays, segments=segments)


def _normalised(applications: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """The applications as the service read them: categories trimmed, lower-cased and their
    synonyms mapped as the contract says (they were stored as received), numbers as numbers."""
    out = {}
    for name in applications.columns:
        rule, column = contract.columns.get(name), applications[name]
        if rule is None or rule.numeric:
            out[name] = pd.to_numeric(column, errors="coerce")
            continue
        text = category_text(column).astype("string")
        if contract.corrections.normalize_categories:
            text = text.str.strip().str.lower()
        if rule.synonyms:
            text = text.replace(rule.synonyms)
        out[name] = text.astype(object).where(text.notna(), None)
    return pd.DataFrame(out)
