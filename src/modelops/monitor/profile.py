"""The reference shape of each feature, and live rows counted into the same bins as they stream.

A number is cut at quantiles of the reference, so each bin held about the same share of the
reference rows; a category keeps every value the reference held plus one bin for values it
never saw. Missing values are counted apart: a feature going missing is a different fault
from its values moving.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

KINDS = ("number", "category")
UNSEEN = "(unseen)"  # label of the categories' last bin; "other" is a real value of Home
SHARE_TOLERANCE = 1e-6  # shares read back from JSON must still sum to 1


@dataclass(frozen=True)
class FeatureProfile:
    """One feature of the reference: its bins and the share of reference rows in each."""

    kind: str  # "number" | "category"
    # numbers: interior cut points; bins are (-inf, e1], (e1, e2], ..., (ek, inf)
    edges: tuple[float, ...]
    # categories: the reference's values; one more bin for values it never held
    categories: tuple[str, ...]
    shares: tuple[float, ...]  # of the non-missing reference rows, per bin (sums to 1)
    missing: float  # share of the reference rows that are missing

    @property
    def bins(self) -> int:
        return len(self.edges) + 1 if self.kind == "number" else len(self.categories) + 1

    def labels(self) -> list[str]:
        """A readable label per bin: "≤ 30", "30 to 45", "> 90", "rent", "(unseen)"."""
        if self.kind == "category":
            return [*self.categories, UNSEEN]
        if not self.edges:
            return ["all"]
        cuts = [f"{e:g}" for e in self.edges]
        middle = [f"{a} to {b}" for a, b in itertools.pairwise(cuts)]
        return [f"≤ {cuts[0]}", *middle, f"> {cuts[-1]}"]

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "edges": list(self.edges),
            "categories": list(self.categories),
            "shares": list(self.shares),
            "missing": self.missing,
        }

    @classmethod
    def from_dict(cls, d: dict) -> FeatureProfile:
        """The profile as_dict wrote; anything inconsistent is a ValueError saying what."""
        if not isinstance(d, dict):
            raise ValueError(f"a feature profile must be a mapping, got {type(d).__name__}")
        keys = {"kind", "edges", "categories", "shares", "missing"}
        if set(d) != keys:
            raise ValueError(
                f"a feature profile has exactly the keys {sorted(keys)}, got {sorted(d)}"
            )
        if d["kind"] not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {d['kind']!r}")
        edges = _numbers(d["edges"], "edges")
        if any(b <= a for a, b in itertools.pairwise(edges)):
            raise ValueError(f"edges must be strictly increasing, got {list(edges)}")
        categories = d["categories"]
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise ValueError("categories must be a list of texts")
        if len(set(categories)) != len(categories):
            raise ValueError("categories must not repeat")
        if (d["kind"] == "number" and categories) or (d["kind"] == "category" and edges):
            raise ValueError("a number has edges and no categories; a category the reverse")
        shares = _numbers(d["shares"], "shares")
        missing = _numbers([d["missing"]], "missing")[0]
        profile = cls(d["kind"], edges, tuple(categories), shares, missing)
        if len(shares) != profile.bins:
            raise ValueError(
                f"shares must hold one value per bin ({profile.bins}), got {len(shares)}"
            )
        if any(s < 0 for s in shares) or abs(sum(shares) - 1) > SHARE_TOLERANCE:
            raise ValueError(f"shares must be 0 or more and sum to 1, got {list(shares)}")
        if not 0 <= profile.missing <= 1:
            raise ValueError(f"missing must be a share between 0 and 1, got {profile.missing}")
        return profile


def _numbers(values, what: str) -> tuple[float, ...]:
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    ):
        raise ValueError(f"{what} must be a list of finite numbers, got {values!r}")
    return tuple(float(v) for v in values)


def profile_feature(values: pd.Series, kind: str, bins: int) -> FeatureProfile:
    """The reference profile of one feature. Numbers get up to `bins` bins cut at quantiles
    (fewer when values repeat: no bin is empty); categories one bin per value seen."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    present = values.dropna()
    if present.empty:
        raise ValueError(f"{values.name!r} has no values in the reference: nothing to profile")
    if kind == "number":
        numbers = present.to_numpy(dtype=float)
        # Cut points are values the reference holds, so each bin holds at least its cut point;
        # one at the maximum would leave the bin above it empty.
        cuts = np.unique(np.quantile(numbers, np.arange(1, bins) / bins, method="inverted_cdf"))
        edges = tuple(float(e) for e in cuts[cuts < numbers.max()])
        profile = FeatureProfile(kind, edges, (), (), 0.0)
    else:
        categories = tuple(sorted(present.astype(str).unique()))
        profile = FeatureProfile(kind, (), categories, (), 0.0)
    counts = BinCounts(profile)
    counts.add(values)
    return FeatureProfile(
        kind,
        profile.edges,
        profile.categories,
        tuple(float(s) for s in counts.shares()),
        counts.missing_share(),
    )


def score_profile(p_bad: np.ndarray, bins: int) -> FeatureProfile:
    """The reference profile of the model's probability of default."""
    return profile_feature(pd.Series(np.asarray(p_bad, dtype=float), name="score"), "number", bins)


class BinCounts:
    """Live rows of one feature counted into its profile's bins, chunk by chunk: memory stays
    the size of the bins whatever the number of rows."""

    def __init__(self, profile: FeatureProfile) -> None:
        self.profile = profile
        self.rows = 0
        self.missing = 0
        self.counts = np.zeros(profile.bins, dtype=np.int64)

    def add(self, values: pd.Series | np.ndarray) -> None:
        """Count a chunk: numbers as float, int or None; categories as text or None."""
        if self.profile.kind == "number":
            numbers = (
                values.to_numpy(dtype=float, na_value=np.nan)
                if isinstance(values, pd.Series)
                else np.asarray(values, dtype=float)
            )
            present = ~np.isnan(numbers)
            # side="left": a value equal to a cut point belongs to the bin it closes.
            index = np.searchsorted(np.asarray(self.profile.edges), numbers[present], side="left")
        else:
            # Each distinct value is looked up once, not each row: a chunk holds few of them.
            codes, distinct = pd.factorize(values)  # None and NaN: code -1
            present = codes >= 0
            known = pd.Index(self.profile.categories).get_indexer(pd.Index(distinct).astype(str))
            index = np.where(known < 0, len(self.profile.categories), known)[codes[present]]
        self.rows += len(present)
        self.missing += int(len(present) - present.sum())
        self.counts += np.bincount(index, minlength=self.profile.bins)

    def shares(self) -> np.ndarray:
        """Share of the non-missing rows in each bin (all 0 before any is counted)."""
        total = self.counts.sum()
        return self.counts / total if total else np.zeros(len(self.counts))

    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0
