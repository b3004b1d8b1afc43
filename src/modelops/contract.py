"""The data contract (data/contract.yaml): typed, checked on load, and turned into pandera.

Row-level rules become a pandera schema whose check names are the contract's rule names
(`Age.range`, `Home.allowed`, `amount_within_price`, ...); data-set rules are evaluated in
modelops.quality on what the schema leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from modelops.errors import ConfigError
from modelops.params import read_config_yaml

COLUMN_TYPES = ("string", "category", "integer", "number")
NUMERIC_TYPES = ("integer", "number")
ROW_RULE = re.compile(r"^\s*(\w+)\s*(<=|>=|==|!=|<|>)\s*(\w+)\s*$")


@dataclass(frozen=True)
class ColumnRule:
    """What one column must be: type, missing share, range or categories, uniqueness."""

    name: str
    type: str
    max_missing: float = 0.0
    required: bool = True
    unique: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    synonyms: dict[str, str] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class RowRule:
    """A comparison between two columns (or a column and a number) that every row obeys."""

    name: str
    left: str
    op: str
    right: str

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(side for side in (self.left, self.right) if not _is_number(side))


@dataclass(frozen=True)
class Contract:
    columns: dict[str, ColumnRule]
    row_rules: tuple[RowRule, ...]
    target: str
    target_allowed: tuple[str, ...]
    positive: str
    positive_share: tuple[float, float]
    min_rows: int
    max_duplicate_share: float
    max_quarantine_share: float
    unknown_columns: str
    normalize_categories: bool
    coerce_numeric_text: bool
    missing_codes: tuple[float, ...]
    drop_exact_duplicates: bool


def load_contract(path: str | Path = "data/contract.yaml") -> Contract:
    """Read and check the contract; anything malformed is a ConfigError naming the key."""
    raw = read_config_yaml(path, "contract")
    try:
        return _parse(raw or {})
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(f"{path}: {err}") from None


def _number(spec: dict[str, Any], key: str, where: str, default=None) -> float | None:
    value = spec.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}.{key} must be a number, got {value!r}")
    return float(value)


def _parse(raw: dict[str, Any]) -> Contract:
    dataset, target = raw["dataset"], raw["target"]
    corrections = raw.get("corrections") or {}
    allowed_target = tuple(str(v) for v in target["allowed"])
    columns = {name: _column(name, spec or {}) for name, spec in raw["columns"].items()}
    if target["column"] not in columns:
        raise ValueError(f"target.column '{target['column']}' is not under columns")
    # The target's allowed values live under target:; the column rule takes them from there.
    target_rule = columns[target["column"]]
    if target_rule.allowed not in (None, allowed_target):
        raise ValueError(f"columns.{target_rule.name}.allowed differs from target.allowed")
    columns[target_rule.name] = replace(target_rule, allowed=allowed_target)
    if str(target["positive"]) not in allowed_target:
        raise ValueError(f"target.positive {target['positive']!r} is not in target.allowed")
    unknown = dataset.get("unknown_columns", "warn")
    if unknown not in ("warn", "fail"):
        raise ValueError(f"dataset.unknown_columns must be warn or fail, got {unknown!r}")
    share = target["positive_share"]
    if not isinstance(share, list) or len(share) != 2:
        raise ValueError(f"target.positive_share must be [low, high], got {share!r}")
    low, high = (_number({"v": v}, "v", "target.positive_share") for v in share)
    return Contract(
        columns=columns,
        row_rules=tuple(_row_rule(rule, columns) for rule in raw.get("row_rules") or []),
        target=target["column"],
        target_allowed=allowed_target,
        positive=str(target["positive"]),
        positive_share=(low, high),
        min_rows=int(_number(dataset, "min_rows", "dataset")),
        max_duplicate_share=_number(dataset, "max_duplicate_share", "dataset"),
        max_quarantine_share=_number(dataset, "max_quarantine_share", "dataset"),
        unknown_columns=unknown,
        normalize_categories=bool(corrections.get("normalize_categories", False)),
        coerce_numeric_text=bool(corrections.get("coerce_numeric_text", False)),
        missing_codes=tuple(
            _number({"v": c}, "v", "corrections.missing_codes")
            for c in corrections.get("missing_codes") or []
        ),
        drop_exact_duplicates=bool(corrections.get("drop_exact_duplicates", False)),
    )


def _column(name: str, spec: dict[str, Any]) -> ColumnRule:
    where = f"columns.{name}"
    kind = spec.get("type")
    if kind not in COLUMN_TYPES:
        raise ValueError(f"{where}.type must be one of {', '.join(COLUMN_TYPES)}, got {kind!r}")
    allowed = spec.get("allowed")
    if allowed is not None and not isinstance(allowed, list):
        raise ValueError(f"{where}.allowed must be a list of categories")
    if (spec.get("min") is not None or spec.get("max") is not None) and kind not in NUMERIC_TYPES:
        raise ValueError(f"{where}: min and max apply to integer and number columns only")
    max_missing = _number(spec, "max_missing", where, 0.0)
    if not 0 <= max_missing <= 1:
        raise ValueError(f"{where}.max_missing must be a share between 0 and 1")
    return ColumnRule(
        name=name,
        type=kind,
        max_missing=max_missing,
        required=bool(spec.get("required", True)),
        unique=bool(spec.get("unique", False)),
        min=_number(spec, "min", where),
        max=_number(spec, "max", where),
        allowed=None if allowed is None else tuple(str(v) for v in allowed),
        synonyms={str(k): str(v) for k, v in (spec.get("synonyms") or {}).items()},
    )


def _row_rule(spec: dict[str, Any], columns: dict[str, ColumnRule]) -> RowRule:
    match = ROW_RULE.match(str(spec["rule"]))
    if not match:
        raise ValueError(f"row rule '{spec.get('name')}': cannot read {spec['rule']!r}")
    left, op, right = match.groups()
    for side in (left, right):
        if side not in columns and not _is_number(side):
            raise ValueError(f"row rule '{spec['name']}': '{side}' is not under columns")
    return RowRule(name=str(spec["name"]), left=left, op=op, right=right)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def as_numbers(values):
    """Numbers where a value reads as one, NaN elsewhere (the type rule reports those)."""
    import pandas as pd

    return pd.to_numeric(values, errors="coerce")


def pandera_schema(contract: Contract):
    """The row-level rules as a pandera DataFrameSchema; check names are rule names."""
    import pandera.pandas as pa

    columns = {}
    for rule in contract.columns.values():
        checks = []
        if rule.numeric:
            checks.append(pa.Check(lambda s: as_numbers(s).notna(), name="type"))
            if rule.type == "integer":
                checks.append(pa.Check(lambda s: ~(as_numbers(s) % 1 > 0), name="integer"))
            if rule.min is not None or rule.max is not None:
                low = -float("inf") if rule.min is None else rule.min
                high = float("inf") if rule.max is None else rule.max
                # A value that is not a number fails `type` only, not `range` as well.
                checks.append(
                    pa.Check(
                        lambda s, lo=low, hi=high: ~(as_numbers(s) < lo) & ~(as_numbers(s) > hi),
                        name="range",
                    )
                )
        if rule.allowed is not None:
            allowed = set(rule.allowed)
            checks.append(pa.Check(lambda s, a=allowed: s.isin(a), name="allowed"))
        columns[rule.name] = pa.Column(
            checks=checks,
            nullable=rule.max_missing > 0,
            unique=rule.unique,
            report_duplicates="all",
            required=False,  # missing columns are schema drift, reported before this runs
            coerce=False,
        )
    return pa.DataFrameSchema(
        columns, checks=[_row_check(r) for r in contract.row_rules], strict=False
    )


def _row_check(rule: RowRule):
    import operator

    import pandera.pandas as pa

    compare = {
        "<=": operator.le,
        ">=": operator.ge,
        "==": operator.eq,
        "!=": operator.ne,
        "<": operator.lt,
        ">": operator.gt,
    }[rule.op]

    def check(df):
        left = as_numbers(df[rule.left])
        right = float(rule.right) if _is_number(rule.right) else as_numbers(df[rule.right])
        # Rows where either side is missing or not a number are judged by the column rules.
        unknown = left.isna() | (right.isna() if hasattr(right, "isna") else False)
        return unknown | compare(left, right)

    return pa.Check(check, name=rule.name)
