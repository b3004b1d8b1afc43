"""The reference applicant: the typical applicant who repaid, whom a rejected application is
compared with to name its principal reasons (explain/reasons.py).

Derived by the evaluate stage from the training rows whose outcome was not the positive class
(repaid): per number feature the lower median, per category feature the most frequent value
(the first in sorted order on a tie). The lower median is a value some repaid applicant had,
so the reference is itself an application the contract accepts; medians and modes are not
moved by the long tails of income, assets and debt. Regulation B's commentary
(12 CFR 1002.9(b)(2), comment 5) accepts comparing an applicant's factors with the average
of creditworthy applicants; a repaid applicant is the nearest thing the data record.
It travels in reports/reference.json (key "applicant"), released in the bundle with the
model it was derived for.
"""

from __future__ import annotations

import math

import pandas as pd

from modelops.errors import InputError


def reference_applicant(
    train: pd.DataFrame, features: list[str], target: str, positive: str
) -> dict[str, float | str]:
    """Lower medians of number features and modes of category features over repaid rows."""
    repaid = train[train[target].astype(str) != positive]
    applicant: dict[str, float | str] = {}
    for feature in features:
        values = repaid[feature].dropna()
        if values.empty:
            raise InputError(
                f"reference applicant: no repaid training row has a value of '{feature}'"
            )
        if pd.api.types.is_numeric_dtype(values):
            applicant[feature] = float(values.quantile(0.5, interpolation="lower"))
        else:
            counts = values.astype(str).value_counts()
            applicant[feature] = min(counts.index[counts == counts.max()])
    return applicant


def applicant_of(reference: dict | None, features: list[str], source: str) -> dict:
    """The reference applicant a monitoring reference carries, with a value for each feature;
    an older reference without one is an InputError naming the source."""
    applicant = (reference or {}).get("applicant")
    if not isinstance(applicant, dict):
        raise InputError(
            f"{source}: no reference applicant (reference.json 'applicant'), so rejections "
            "cannot be given their reasons: run the evaluate stage again (dvc repro) and release"
        )
    for feature in features:
        value = applicant.get(feature)
        usable = isinstance(value, str) or (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
        if not usable:
            raise InputError(f"{source}: the reference applicant has no usable '{feature}'")
    return {feature: applicant[feature] for feature in features}
