"""The scoring function: a batch of applications in, their p_default, decision and model
version out, rows that break the contract set apart with their reasons.

The same function serves `modelops score` on one machine, its Dask workers and a Spark
`mapInPandas`: load a Scorer once per process, then call it on each batch.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from modelops.explain.applicant import applicant_of
from modelops.explain.reasons import principal_reasons, require_texts
from modelops.score.checks import BatchCheck, problem_rows
from modelops.serve.served import ServedModel, load_served

SCORE_COLUMNS = ["p_default", "decision", "model_version"]
REASON = pa.struct([("feature", pa.string()), ("reason", pa.string())])


@dataclass(frozen=True)
class ScoredBatch:
    scored: pa.Table  # id column (if the contract has one), p_default, decision, model_version
    rejects: pd.DataFrame  # row, id, field, rule, value, message: one line per broken field


class Scorer:
    """A served model and its contract check, applied to batches exactly as the service
    applies them to a request (decision by the threshold; exploration is the service's)."""

    def __init__(self, served: ServedModel, texts: dict[str, str] | None = None) -> None:
        """texts: compliance's reason texts (policy.yaml `reasons:`); given, each rejection
        carries its principal reasons, as /v1/predict gives them."""
        self.served = served
        self.check = BatchCheck(served.contract, served.features)
        self.id_column = self.check.id_column
        self.texts = texts
        if texts is not None:
            require_texts(served.features, texts, "reasons")
            self.applicant = applicant_of(
                served.reference, served.features, f"model {served.version}"
            )

    @property
    def output_schema(self) -> pa.Schema:
        ids = [pa.field(self.id_column, pa.string())] if self.id_column else []
        scores = [
            pa.field("p_default", pa.float64()),
            pa.field("decision", pa.string()),
            pa.field("model_version", pa.string()),
        ]
        reasons = [pa.field("reasons", pa.list_(REASON))] if self.texts is not None else []
        return pa.schema([*ids, *scores, *reasons])

    def score(self, batch: pa.RecordBatch | pa.Table, first_row: int = 0) -> ScoredBatch:
        """Score the rows that keep the contract; first_row numbers the rejects in the file."""
        checked = self.check.check(batch)
        served = self.served
        if len(checked.features):
            p_default = served.model.predict_proba(checked.features)[:, served.positive_index]
        else:
            p_default = np.empty(0, dtype=np.float64)
        decision = np.where(p_default >= served.threshold, "reject", "approve")
        columns = {}
        ids = None
        if self.id_column:
            id_values = batch.column(self.id_column)
            if pa.types.is_dictionary(id_values.type):
                id_values = id_values.cast(id_values.type.value_type)
            id_values = id_values.cast(pa.string())
            columns[self.id_column] = id_values.filter(pa.array(checked.valid))
            if checked.problems:
                ids = id_values.to_pylist()
        columns["p_default"] = pa.array(p_default, pa.float64())
        columns["decision"] = pa.array(decision, pa.string())
        columns["model_version"] = pa.array(
            np.full(len(p_default), served.version, dtype=object), pa.string()
        )
        if self.texts is not None:
            explained = self._reasons(checked.features, decision)
            columns["reasons"] = pa.array(explained, pa.list_(REASON))
        scored = pa.table(columns, schema=self.output_schema)
        return ScoredBatch(scored, problem_rows(checked.problems, ids, first_row))

    def _reasons(self, features: pd.DataFrame, decision: np.ndarray) -> list[list[dict]]:
        """The service's reasons for the rejected rows (approvals: none). Only the rejected
        rows are explained: a batch of a million would otherwise score 14 million rows."""
        reasons: list[list[dict]] = [[] for _ in range(len(decision))]
        rejected = np.flatnonzero(decision == "reject")
        if len(rejected):
            found = principal_reasons(
                self.served.model,
                features.iloc[rejected].reset_index(drop=True),
                self.applicant,
                self.texts,
            )
            for row, why in zip(rejected, found, strict=True):
                reasons[row] = why
        return reasons

    def score_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """score() for pandas (Spark's mapInPandas hands over pandas frames): the scored rows;
        a missing value in the frame (None or NaN) counts as missing."""
        table = pa.Table.from_pandas(frame, preserve_index=False)
        return self.score(table).scored.to_pandas()


def load_scorer(
    bundle: Path | None, repo: Path, texts: tuple[tuple[str, str], ...] | None = None
) -> Scorer:
    """The bundle's model (else the workspace's), ready to score; texts: with reasons."""
    return Scorer(load_served(bundle, repo), None if texts is None else dict(texts))


@functools.lru_cache(maxsize=2)
def cached_scorer(
    bundle: str | None, repo: str, texts: tuple[tuple[str, str], ...] | None = None
) -> Scorer:
    """One Scorer per process and source: what a Dask worker or a Spark task reuses."""
    return load_scorer(None if bundle is None else Path(bundle), Path(repo), texts)
