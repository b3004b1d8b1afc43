"""A starting data contract drafted from a sample, for a data engineer to review and tighten.

Every rule is read off the sample and widened by a stated margin, so the sample keeps the
draft by construction; what the sample cannot tell (what a value means, what the product
allows) is left for people, with the observed figures in a comment beside each rule.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import yaml

from modelops.config.contract import normalize_category
from modelops.data.corrections import category_text
from modelops.errors import InputError, shown_text

TARGET_NAMES = ("status", "target", "default", "label", "class", "outcome", "y")


@dataclass(frozen=True)
class DraftSettings:
    """How far the draft widens what it saw."""

    margin: float = 0.1  # ranges widened by this share of the observed range on each side
    max_categories: int = 30  # a text column with more distinct values is a string column
    numeric_share: float = 0.99  # a text column this much readable as numbers is numeric


def require_rows(df: pd.DataFrame, source: str) -> None:
    """A sample with no rows (a CSV of its header alone, an empty folder) drafts nothing: said
    first, naming the file, before any guess about its columns could fail for that reason."""
    if df.empty:
        raise InputError(
            f"{source}: has no rows (a header alone, or nothing) to draft a contract from"
        )


def guess_target(df: pd.DataFrame, source: str = "the file") -> str:
    """The one column with two values whose name says target; else an InputError."""
    candidates = [
        c for c in df.columns if str(c).lower() in TARGET_NAMES and _labels(df[c]).nunique() == 2
    ]
    if len(candidates) != 1:
        found = "none" if not candidates else ", ".join(map(str, candidates))
        raise InputError(
            f"{source}: cannot tell the target column (two-valued columns named like one: "
            f"{found}): name it with --target COLUMN"
        )
    return str(candidates[0])


def draft_contract(
    df: pd.DataFrame, target: str, source_column: str, settings: DraftSettings = DraftSettings()
) -> str:
    """The contract as YAML text with a comment of what was observed beside each rule."""
    if target not in df.columns:
        raise InputError(f"--target: no column {shown_text(target)!r} in the file")
    if df.empty:
        raise InputError("the file has no rows to draft a contract from")
    counts = _labels(df[target]).value_counts()
    if len(counts) != 2:
        seen = ", ".join(shown_text(str(v)) for v in counts.index[:5])
        raise InputError(
            f"--target {target!r} has {len(counts)} values ({seen}): the model predicts one of two"
        )
    columns, notes, id_column = {}, {}, None
    for name in df.columns:
        if name == source_column:
            continue
        rule, note = _column_rule(df[name], settings, is_target=name == target)
        columns[str(name)] = rule
        notes[str(name)] = note
        if id_column is None and rule.get("unique"):
            id_column = str(name)
    columns[source_column] = {"type": "string", "max_missing": 0}
    notes[source_column] = "added by ingest: the source a row came from"

    positive = str(counts.index[-1])  # the rarer value: defaults are the event to predict
    share = float(counts[positive] / counts.sum())
    band = [_round(share * 0.5, 3, math.floor), _round(min(1.0, share * 1.5), 3, math.ceil)]
    duplicates = float(df.drop(columns=[source_column], errors="ignore").duplicated().mean())
    document = {
        "dataset": {
            **({"id_column": id_column} if id_column else {}),
            "min_rows": max(1, len(df) // 2),
            "max_duplicate_share": _round(duplicates + 0.01, 3, math.ceil),
            "max_quarantine_share": 0.02,
            "unknown_columns": "warn",
        },
        "target": {
            "column": target,
            "allowed": [str(counts.index[0]), positive],
            "positive": positive,
            "positive_share": band,
        },
        "corrections": {
            "normalize_categories": True,
            "coerce_numeric_text": True,
            "missing_codes": [],
            "drop_exact_duplicates": True,
        },
    }
    return _as_yaml(document, columns, notes, len(df), share, positive, settings)


def _labels(values: pd.Series) -> pd.Series:
    """The target's values as validation will see them: text, normalised, none missing."""
    return category_text(values).dropna().map(lambda v: normalize_category(str(v)))


def _column_rule(values: pd.Series, settings: DraftSettings, is_target: bool):
    present = values.dropna()
    missing = 1 - len(present) / len(values)
    rule: dict = {}
    if is_target:
        # A row without its target can neither train nor test: such rows are quarantined.
        rule["type"], missing = "category", 0.0
        note = "the target: its values are under target"
    elif present.empty:
        rule["type"] = "string"
        note = "no value in the sample: say what it holds, or drop it"
    elif pd.api.types.is_bool_dtype(values):
        rule["type"] = "category"
        rule["allowed"] = ["true", "false"]
        note = "true/false"
    else:
        numbers = _as_numbers(present, settings)
        # inf is no observation to draw a range from: the contract's finite rule
        # quarantines it, like any value it does not allow.
        finite = None if numbers is None else numbers[np.isfinite(numbers)]
        if finite is not None and finite.empty:
            rule["type"] = "number"
            note = "no finite number in the sample: say what it holds"
        elif finite is not None:
            rule.update(_numeric_rule(finite, settings))
            note = f"observed {_plain(finite.min())} to {_plain(finite.max())}"
            if len(finite) < len(numbers):
                note += f"; {len(numbers) - len(finite)} not finite (inf), quarantined"
        else:
            text = present.astype(str).map(normalize_category)
            distinct = text.value_counts()
            if len(distinct) <= settings.max_categories and len(distinct) < len(present):
                rule["type"] = "category"
                rule["allowed"] = [str(v) for v in distinct.index]
                note = f"{len(distinct)} values, most common first"
            else:
                rule["type"] = "string"
                note = f"{len(distinct)} distinct values"
    identifies = rule["type"] == "string" or _names_an_id(str(values.name))
    if identifies and not is_target and len(present) == len(values) and present.is_unique:
        rule["unique"] = True
        note += "; every value distinct"
    rule["max_missing"] = (
        0
        if missing == 0
        else _round(min(1.0, missing * (1 + settings.margin) + 0.01), 3, math.ceil)
    )
    if missing:
        note += f"; {len(values) - len(present)} missing ({missing:.1%})"
    return rule, note


def _names_an_id(name: str) -> bool:
    """id, loan_id, "loan id", loanId; not paid or valid."""
    return bool(re.search(r"(?:^|[_\W])id$", name.lower()) or re.search(r"[a-z0-9]Id$", name))


def _as_numbers(present: pd.Series, settings: DraftSettings) -> pd.Series | None:
    if pd.api.types.is_numeric_dtype(present):
        return present.astype(float)
    numbers = pd.to_numeric(present.astype(str).str.strip(), errors="coerce")
    if len(present) and numbers.notna().mean() >= settings.numeric_share:
        return numbers.dropna().astype(float)
    return None


def _numeric_rule(numbers: pd.Series, settings: DraftSettings) -> dict:
    whole = bool(np.all(np.mod(numbers, 1) == 0))
    low, high = float(numbers.min()), float(numbers.max())
    pad = (high - low) * settings.margin
    floor_at_zero = low >= 0
    low, high = low - pad, high + pad
    if floor_at_zero:
        low = max(low, 0.0)
    if whole:
        return {"type": "integer", "min": math.floor(low), "max": math.ceil(high)}
    return {"type": "number", "min": _round(low, 4, math.floor), "max": _round(high, 4, math.ceil)}


def _round(value: float, digits: int, direction) -> float:
    """value rounded to `digits` significant digits, outward (direction floor or ceil)."""
    if value == 0:
        return 0.0
    scale = 10 ** (digits - 1 - math.floor(math.log10(abs(value))))
    # Rounded first, so that float noise (0.05 * 1.25 + 0.01 = 0.07250000000000001) does not
    # push a value that is already round one step outward.
    return direction(round(value * scale, 6)) / scale


def _plain(value: float):
    return int(value) if float(value).is_integer() else round(float(value), 4)


def _as_yaml(document, columns, notes, rows, share, positive, settings) -> str:
    def block(data) -> str:
        return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)

    width = max(len(name) for name in columns)
    lines = [
        f"# The data contract, drafted by `modelops contract draft` from a sample of {rows} rows.",
        f"# Ranges are the sample's, widened by {settings.margin:g} of their span on each side "
        "(not below 0 where",
        f"# the sample has no negative value); max_missing is the sample's share x "
        f"{1 + settings.margin:g}, plus 0.01;",
        "# min_rows is half the sample; positive_share is the sample's share x 0.5 to x 1.5.",
        "# Review every rule: tighten what the product promises, name what the values mean.",
        "",
        block({"dataset": document["dataset"]}).rstrip(),
        "",
        block({"target": document["target"]}).rstrip()
        + f"\n# {positive!r} is the rarer value ({share:.1%} of rows): check it is the event"
        " to predict.",
        "",
        block({"corrections": document["corrections"]}).rstrip(),
        "",
        "columns:",
    ]
    for name, rule in columns.items():
        flow = yaml.safe_dump(rule, default_flow_style=True, sort_keys=False, width=10_000)
        key = yaml.safe_dump({name: None}, width=10_000).rsplit(":", 1)[0]  # quoted if need be
        lines.append(f"  {key + ':':{width + 1}} {flow.strip()}  # {notes[name]}")
    lines += ["", "row_rules: []   # rules across columns, e.g. {name: x, rule: A <= B}", ""]
    return "\n".join(lines)
