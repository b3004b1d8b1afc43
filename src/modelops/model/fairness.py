"""The fairness policy measured on test rows: which protected attributes the model reads, the
Reg B age rule checked behaviourally, and approval, equal opportunity and calibration per
protected group (reports/fairness.json). Pure: model and rows in, report out; the gate judges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from modelops.config.params import FairnessParams, NoNegativeFactor
from modelops.errors import InputError
from modelops.model.evaluate import segment_labels
from modelops.model.pipeline import model_features, p_bad_of
from modelops.model.uncertainty import BLOCK_CELLS

# p_default is a float from the same computation: a rise below this is rounding, not a factor.
RISE_TOLERANCE = 1e-9
AGE_RULE_ROWS = 20_000  # test rows moved through the ages in one model call


def age_rule(model, X: pd.DataFrame, rule: NoNegativeFactor) -> dict:
    """For every row: p_default with the attribute at `from` and at each value of `to`, in one
    batched call; the rule passes when no value of `to` raises p_default above `from`'s.

    A model that does not read the attribute cannot be moved by it: nothing is raised.
    """
    low, high = rule.to
    report = {"attribute": rule.attribute, "from": rule.from_, "to": [low, high], "rows": len(X)}
    if rule.attribute not in X.columns:
        return {**report, "rows_raised": 0, "max_increase": 0.0, "passed": True}
    values = [rule.from_, *range(low, high + 1)]
    increase = np.zeros(0)
    # Rows a block at a time: a million test rows times 30 ages would not fit in one frame.
    for start in range(0, len(X), AGE_RULE_ROWS):
        rows = X.iloc[start : start + AGE_RULE_ROWS]
        moved = pd.concat([rows] * len(values), ignore_index=True)
        moved[rule.attribute] = np.repeat(np.asarray(values, dtype=float), len(rows))
        p_bad = p_bad_of(model, moved).reshape(len(values), len(rows))
        increase = np.concatenate([increase, (p_bad[1:] - p_bad[0]).max(axis=0)])
    raised = increase > RISE_TOLERANCE
    return {
        **report,
        "rows_raised": int(raised.sum()),
        "max_increase": float(max(increase.max(initial=0.0), 0.0)),
        "passed": not raised.any(),
    }


def group_table(
    labels: pd.Series,
    is_bad,
    p_bad,
    approved,
    min_rows: int,
    resamples: int = 1000,
    confidence: float = 0.9,
    seed: int = 0,
) -> dict:
    """Per group: size, approval rate (overall and among those who repaid), mean p_default and
    bad rate; ratios and gaps against the most-approved judged group, and null for a group too
    small to judge (fewer than min_rows rows). Each judged group's ratio and gaps also carry a
    bootstrap interval (`<measure>_interval`: [low, high]) over resamples of the test rows."""
    frame = pd.DataFrame(
        {
            "group": labels.to_numpy(),
            "is_bad": np.asarray(is_bad, dtype=bool),
            "p_bad": np.asarray(p_bad, dtype=float),
            "approved": np.asarray(approved, dtype=bool),
        }
    )
    groups = {}
    for name, rows in frame.groupby("group", sort=True):
        repaid = rows.loc[~rows["is_bad"], "approved"]
        groups[str(name)] = {
            "n": len(rows),
            "approval_rate": float(rows["approved"].mean()),
            "repaid_n": len(repaid),
            "approval_rate_repaid": float(repaid.mean()) if len(repaid) else None,
            "mean_p_default": float(rows["p_bad"].mean()),
            "bad_rate": float(rows["is_bad"].mean()),
            "judged": len(rows) >= min_rows,
        }
    judged = {k: g for k, g in groups.items() if g["judged"]}
    top = max(judged, key=lambda k: judged[k]["approval_rate"]) if judged else None
    for group in groups.values():
        ref = judged.get(top) if group["judged"] else None
        group["approval_ratio"] = (
            None if ref is None else _ratio(group["approval_rate"], ref["approval_rate"])
        )
        both = ref is not None and None not in (
            group["approval_rate_repaid"],
            ref["approval_rate_repaid"],
        )
        group["equal_opportunity_gap"] = (
            abs(ref["approval_rate_repaid"] - group["approval_rate_repaid"]) if both else None
        )
        group["calibration_gap"] = (
            abs(group["mean_p_default"] - group["bad_rate"]) if group["judged"] else None
        )
    intervals = (
        bootstrap_intervals(frame, list(judged), top, resamples, confidence, seed) if top else {}
    )
    for name, group in groups.items():
        for measure in MEASURES:
            group[f"{measure}_interval"] = intervals.get(name, {}).get(measure)
    return groups


MEASURES = ("approval_ratio", "equal_opportunity_gap", "calibration_gap")


def bootstrap_intervals(
    frame: pd.DataFrame, judged: list[str], top: str, resamples: int, confidence: float, seed: int
) -> dict:
    """Percentile intervals of each judged group's measures over bootstrap resamples of all
    test rows (group sizes vary as they would in another sample). The reference group stays
    the one most approved on the test rows, so an interval is about this group against that
    one. Vectorised: resample-index blocks, per-resample group sums by one bincount each.
    A resample in which a group (or its repaid rows) is empty adds nothing to that measure."""
    order = {name: k for k, name in enumerate(judged)}
    codes = frame["group"].astype(str).map(order).fillna(len(judged)).to_numpy(dtype=np.int64)
    width = len(judged) + 1  # the last column: rows of groups not judged
    bad = frame["is_bad"].to_numpy()
    approved = frame["approved"].to_numpy()
    weights = {
        "n": None,
        "repaid": ~bad,
        "approved": approved,
        "approved_repaid": approved & ~bad,
        "p_bad": frame["p_bad"].to_numpy(dtype=float),
        "bad": bad,
    }
    totals = _resampled_sums(codes, width, weights, resamples, seed)
    n, repaid = totals["n"], totals["repaid"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = totals["approved"] / n
        rate_repaid = totals["approved_repaid"] / repaid
        calibration = np.abs(totals["p_bad"] / n - totals["bad"] / n)
        ref = order[top]
        top_rate = rate[:, [ref]]
        # The most-approved group approving nobody: every group approves as often (ratio 1).
        ratio = np.where(top_rate == 0, 1.0, rate / top_rate)
        ratio[np.isnan(rate) | np.isnan(top_rate)] = np.nan
        gap = np.abs(rate_repaid[:, [ref]] - rate_repaid)
    tail = (1 - confidence) / 2
    measured = {
        "approval_ratio": ratio,
        "equal_opportunity_gap": gap,
        "calibration_gap": calibration,
    }
    out: dict = {}
    for name, k in order.items():
        out[name] = {}
        for measure, values in measured.items():
            column = values[:, k]
            column = column[~np.isnan(column)]
            out[name][measure] = (
                [float(np.quantile(column, tail)), float(np.quantile(column, 1 - tail))]
                if len(column)
                else None
            )
    return out


def _resampled_sums(
    codes: np.ndarray, width: int, weights: dict, resamples: int, seed: int
) -> dict[str, np.ndarray]:
    """Per resample (rows) and group code (columns), the sum of each weight (None: count)."""
    rng = np.random.default_rng(seed)
    step = max(1, BLOCK_CELLS // max(1, len(codes)))
    out = {name: np.empty((resamples, width)) for name in weights}
    for start in range(0, resamples, step):
        k = min(step, resamples - start)
        rows = rng.integers(0, len(codes), size=(k, len(codes)))
        cells = (codes[rows] + width * np.arange(k)[:, None]).ravel()
        for name, w in weights.items():
            values = None if w is None else np.asarray(w, dtype=float)[rows].ravel()
            out[name][start : start + k] = np.bincount(
                cells, weights=values, minlength=k * width
            ).reshape(k, width)
    return {name: sums[:, : width - 1] for name, sums in out.items()}


def _ratio(rate: float, reference: float) -> float:
    # The most-approved group approving nobody: every group approves as often (none at all).
    return 1.0 if reference == 0 else rate / reference


def fairness_report(
    model, test: pd.DataFrame, is_bad, p_bad, approved, policy: FairnessParams
) -> dict:
    """reports/fairness.json: features used and protected ones excluded, the age rule, and
    every protected attribute's group table."""
    used = model_features(model)
    missing = [c for c in policy.attributes if c not in test.columns]
    if missing:
        raise InputError(f"fairness: protected attribute '{missing[0]}' is not in the test set")
    excluded = {
        name: (
            f"prohibited basis: {a.basis}"
            if not a.feature
            else "allowed by the policy, not chosen in data.features"
        )
        for name, a in policy.attributes.items()
        if name not in used
    }
    rule = policy.no_negative_factor
    report: dict = {"features": {"used": used, "excluded": excluded}}
    if rule is not None:
        report["age_rule"] = age_rule(model, test[used], rule)
    # How the groups' intervals were drawn: the gate judges them only at the policy's settings.
    report["intervals"] = {
        "resamples": policy.resamples,
        "confidence": policy.confidence,
        "seed": policy.seed,
    }
    report["groups"] = {
        name: group_table(
            segment_labels(test[name], None if a.bands is None else tuple(a.bands)),
            is_bad,
            p_bad,
            approved,
            policy.limits_for(name).min_rows,
            policy.resamples,
            policy.confidence,
            policy.seed,
        )
        for name, a in policy.attributes.items()
    }
    return report
