"""Typed view of params.yaml: one frozen dataclass per section, checked on load.

Each stage reads only its own sections, and dvc.yaml lists exactly those keys, so a
change re-runs only the stages it affects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from modelops.errors import ConfigError

MODEL_KINDS = ("logistic_regression", "random_forest", "hist_gradient_boosting")
SOURCE_KINDS = ("csv", "parquet", "sql")


@dataclass(frozen=True)
class DataParams:
    """What the columns mean: identifier, target, positive class and features."""

    id_column: str
    target: str
    positive_class: str
    source_column: str
    numeric_features: tuple[str, ...]
    categorical_features: tuple[str, ...]

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric_features + self.categorical_features


@dataclass(frozen=True)
class Source:
    """One place applications come from: a CSV or Parquet file, or a SQL query."""

    name: str
    kind: str
    path: str | None = None
    url: str | None = None
    query: str | None = None


@dataclass(frozen=True)
class SplitParams:
    test_size: float
    seed: int


@dataclass(frozen=True)
class TrainParams:
    """The estimator to fit, its hyper-parameters and the folds used to pick the threshold."""

    model: str
    seed: int
    cv_folds: int
    hyperparameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BusinessParams:
    """Money per unit of loan amount: earned on a good loan, lost on a defaulted one."""

    amount_column: str
    margin: float
    loss_given_default: float


@dataclass(frozen=True)
class EvaluateParams:
    segments: tuple[str, ...]
    segment_edges: dict[str, tuple[float, ...]]
    permutation_repeats: int
    seed: int


def read_config_yaml(path: str | Path, what: str) -> Any:
    """A YAML configuration file's content; missing or malformed is a ConfigError."""
    path = Path(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err})") from None


def read_params(path: str | Path = "params.yaml") -> dict[str, Any]:
    """Read params.yaml as a mapping; a missing or malformed file is a ConfigError."""
    raw = read_config_yaml(path, "params file")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections, got {type(raw).__name__}")
    return raw


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    section = raw.get(name)
    if not isinstance(section, dict):
        raise ConfigError(f"params.yaml: section '{name}' is missing or not a mapping")
    return section


def _get(section: dict[str, Any], prefix: str, key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in section:
        raise ConfigError(f"params.yaml: '{prefix}.{key}' is missing")
    value = section[key]
    # bool is an int in Python; a flag where a number belongs is a mistake.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(
            f"params.yaml: '{prefix}.{key}' must be {_kind_name(kind)}, got {value!r}"
        )
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _names(section: dict[str, Any], prefix: str, key: str) -> tuple[str, ...]:
    names = _get(section, prefix, key, list)
    if not all(isinstance(name, str) for name in names):
        raise ConfigError(f"params.yaml: '{prefix}.{key}' must be a list of column names")
    return tuple(names)


def data_params(raw: dict[str, Any]) -> DataParams:
    s = _section(raw, "data")
    return DataParams(
        id_column=_get(s, "data", "id_column", str),
        target=_get(s, "data", "target", str),
        positive_class=_get(s, "data", "positive_class", str),
        source_column=_get(s, "data", "source_column", str),
        numeric_features=_names(s, "data", "numeric_features"),
        categorical_features=_names(s, "data", "categorical_features"),
    )


def sources(raw: dict[str, Any]) -> tuple[Source, ...]:
    listed = _get(_section(raw, "ingest"), "ingest", "sources", list)
    if not listed:
        raise ConfigError("params.yaml: 'ingest.sources' lists no source")
    result = []
    for i, entry in enumerate(listed):
        prefix = f"ingest.sources[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"params.yaml: '{prefix}' must be a mapping")
        kind = _get(entry, prefix, "kind", str)
        if kind not in SOURCE_KINDS:
            raise ConfigError(
                f"params.yaml: '{prefix}.kind' is {kind!r}; "
                f"expected one of {', '.join(SOURCE_KINDS)}"
            )
        if kind == "sql":
            source = Source(
                name=_get(entry, prefix, "name", str),
                kind=kind,
                url=_get(entry, prefix, "url", str),
                query=_get(entry, prefix, "query", str),
            )
        else:
            source = Source(
                name=_get(entry, prefix, "name", str),
                kind=kind,
                path=_get(entry, prefix, "path", str),
            )
        result.append(source)
    names = [s.name for s in result]
    if len(set(names)) != len(names):
        raise ConfigError(f"params.yaml: 'ingest.sources' names must be unique, got {names}")
    return tuple(result)


def split_params(raw: dict[str, Any]) -> SplitParams:
    s = _section(raw, "split")
    test_size = _get(s, "split", "test_size", (int, float))
    if not 0 < test_size < 1:
        raise ConfigError(
            f"params.yaml: 'split.test_size' must be between 0 and 1, got {test_size}"
        )
    return SplitParams(test_size=float(test_size), seed=_get(s, "split", "seed", int))


def train_params(raw: dict[str, Any]) -> TrainParams:
    s = _section(raw, "train")
    model = _get(s, "train", "model", str)
    if model not in MODEL_KINDS:
        raise ConfigError(
            f"params.yaml: 'train.model' is {model!r}; expected one of {', '.join(MODEL_KINDS)}"
        )
    hyperparameters = s.get(model) or {}
    if not isinstance(hyperparameters, dict):
        raise ConfigError(f"params.yaml: 'train.{model}' must be a mapping of hyper-parameters")
    cv_folds = _get(s, "train", "cv_folds", int)
    if cv_folds < 2:
        raise ConfigError(f"params.yaml: 'train.cv_folds' must be at least 2, got {cv_folds}")
    return TrainParams(
        model=model,
        seed=_get(s, "train", "seed", int),
        cv_folds=cv_folds,
        hyperparameters=dict(hyperparameters),
    )


def business_params(raw: dict[str, Any]) -> BusinessParams:
    s = _section(raw, "business")
    params = BusinessParams(
        amount_column=_get(s, "business", "amount_column", str),
        margin=float(_get(s, "business", "margin", (int, float))),
        loss_given_default=float(_get(s, "business", "loss_given_default", (int, float))),
    )
    for key in ("margin", "loss_given_default"):
        if getattr(params, key) < 0:
            raise ConfigError(f"params.yaml: 'business.{key}' must not be negative")
    return params


def evaluate_params(raw: dict[str, Any]) -> EvaluateParams:
    s = _section(raw, "evaluate")
    edges = s.get("segment_edges") or {}
    if not isinstance(edges, dict):
        raise ConfigError("params.yaml: 'evaluate.segment_edges' must map columns to edge lists")
    checked: dict[str, tuple[float, ...]] = {}
    for column, values in edges.items():
        key = f"evaluate.segment_edges.{column}"
        if not isinstance(values, list) or len(values) < 2:
            raise ConfigError(f"params.yaml: '{key}' must list at least two edges")
        if any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
            raise ConfigError(f"params.yaml: '{key}' must list numbers, got {values}")
        if sorted(values) != values or len(set(values)) != len(values):
            raise ConfigError(f"params.yaml: '{key}' must be strictly increasing, got {values}")
        checked[column] = tuple(float(v) for v in values)
    repeats = _get(s, "evaluate", "permutation_repeats", int)
    if repeats < 1:
        raise ConfigError("params.yaml: 'evaluate.permutation_repeats' must be at least 1")
    return EvaluateParams(
        segments=_names(s, "evaluate", "segments"),
        segment_edges=checked,
        permutation_repeats=repeats,
        seed=_get(s, "evaluate", "seed", int),
    )


@dataclass(frozen=True)
class GateParams:
    """The rules a model must keep to be merged or promoted (quality manager)."""

    artifact: str
    stages: tuple[str, ...]
    floors: dict[str, float]
    ceilings: dict[str, float]
    max_drop: dict[str, float]
    segment_min_rows: int
    segment_floors: dict[str, float]
    segment_max_gap: dict[str, float]
    max_quarantine_share: float | None


def _numbers(section: dict[str, Any], prefix: str, key: str) -> dict[str, float]:
    values = section.get(key) or {}
    if not isinstance(values, dict):
        raise ConfigError(f"params.yaml: '{prefix}.{key}' must map metric names to numbers")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"params.yaml: '{prefix}.{key}.{name}' must be a number")
    return {str(k): float(v) for k, v in values.items()}


def gate_params(raw: dict[str, Any]) -> GateParams:
    s = _section(raw, "gate")
    segments = s.get("segments") or {}
    quality = s.get("data_quality") or {}
    if not isinstance(segments, dict) or not isinstance(quality, dict):
        raise ConfigError("params.yaml: 'gate.segments' and 'gate.data_quality' must be mappings")
    share = quality.get("max_quarantine_share")
    if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)):
        raise ConfigError("params.yaml: 'gate.data_quality.max_quarantine_share' must be a number")
    return GateParams(
        artifact=_get(s, "gate", "artifact", str),
        stages=_names(s, "gate", "baseline_stages"),
        floors=_numbers(s, "gate", "floors"),
        ceilings=_numbers(s, "gate", "ceilings"),
        max_drop=_numbers(s, "gate", "max_drop"),
        segment_min_rows=int(segments.get("min_rows", 0)),
        segment_floors=_numbers(segments, "gate.segments", "floors"),
        segment_max_gap=_numbers(segments, "gate.segments", "max_gap"),
        max_quarantine_share=None if share is None else float(share),
    )
