"""The contract check of a batch of applications: the service's request check, column-wise.

Scoring a file and serving a request must refuse the same values with the same rule. The
service validates each application with the pydantic model generated from the contract
(serve/schema.py); doing that per row caps a batch at a few ten thousand rows a second. So a
vectorised fast path passes only values that model plainly accepts (a number that is finite,
within its bounds and whole where the contract says integer; a category value already seen in
the batch), and every other value is decided by the service's own field validator, once per
distinct value: the rule, field and value of a reject are the ones a 422 answer names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError, create_model

from modelops.config.contract import Contract
from modelops.errors import InputError
from modelops.serve.schema import Application, application_model, problems

PROBLEM_COLUMNS = ["row", "id", "field", "rule", "value", "message"]
ID_MAX_LENGTH = 128  # the schema's bound on the id; the validator judges any longer one


@dataclass(frozen=True)
class CheckedBatch:
    """The model's inputs for the rows that pass, and one problem per broken field."""

    valid: np.ndarray  # one bool per row of the batch
    features: pd.DataFrame  # the valid rows, as the service hands them to the model
    problems: list[dict]  # {"row": position in the batch, "field", "rule", "value", "message"}


class BatchCheck:
    """The request check of one contract and model, applied to Arrow batches."""

    def __init__(self, contract: Contract, features: list[str]) -> None:
        self.contract, self.features = contract, features
        self.id_column = contract.dataset.id_column
        schema = application_model(contract, features, self.id_column)
        # One single-field model per column: the service's own validator for that field.
        self._field_models = {
            name: create_model(
                f"Check_{name}", __base__=Application, **{name: (info.annotation, info)}
            )
            for name, info in schema.model_fields.items()
        }

    @property
    def columns(self) -> list[str]:
        """The columns a batch must have: the model's features and the id column."""
        return self.features + ([self.id_column] if self.id_column else [])

    def require_columns(self, schema: pa.Schema, source: str) -> None:
        """Every column there, of a type the service could accept: else InputError (exit 2)."""
        missing = [c for c in self.columns if c not in schema.names]
        if missing:
            raise InputError(f"{source}: missing columns {', '.join(missing)} (the contract's "
                             f"features{' and id column' if self.id_column else ''})")  # fmt: skip
        for name in self.columns:
            kind = schema.field(name).type
            if pa.types.is_dictionary(kind):
                kind = kind.value_type
            numeric = name != self.id_column and self.contract.columns[name].numeric
            fits = (
                pa.types.is_integer(kind) or pa.types.is_floating(kind)
                if numeric
                else pa.types.is_string(kind) or pa.types.is_large_string(kind)
            )
            if not (fits or pa.types.is_null(kind)):
                wanted = "numbers" if numeric else "text"
                raise InputError(
                    f"{source}: column {name} is of type {kind}, the contract wants {wanted}"
                )

    def check(self, batch: pa.RecordBatch | pa.Table) -> CheckedBatch:
        """Which rows pass, their model inputs, and the problems of the others."""
        rows = batch.num_rows
        valid = np.ones(rows, dtype=bool)
        found: list[dict] = []
        values: dict[str, Any] = {}
        for name in self.columns:
            column = batch.column(name)
            if isinstance(column, pa.ChunkedArray):
                column = column.combine_chunks()
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            numeric = name != self.id_column and self.contract.columns[name].numeric
            if pa.types.is_null(column.type):  # a column of nothing but nulls
                column = column.cast(pa.float64() if numeric else pa.string())
            if name == self.id_column:
                passes, model_values = self._text_passes(name, column), None
            elif numeric:
                passes, model_values = self._numbers(name, column)
            else:
                passes, model_values = self._categories(name, column)
            doubtful = np.flatnonzero(~passes)
            if len(doubtful):
                judged = self._judge(name, column, doubtful)
                for row, (problem, cleaned) in zip(doubtful, judged, strict=True):
                    if problem is not None:
                        valid[row] = False
                        found += [{"row": int(row), **p} for p in problem]
                    elif model_values is not None:
                        model_values[row] = cleaned
            values[name] = model_values
        frame = pd.DataFrame(
            {
                name: _as_model_column(values[name][valid], self.contract.columns[name].numeric)
                for name in self.features
            },
            columns=self.features,
        )
        found.sort(key=lambda p: p["row"])  # stable: a row's problems stay in field order
        return CheckedBatch(valid, frame, found)

    def _numbers(self, name: str, column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        rule = self.contract.columns[name]
        numbers = column.cast(pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        numbers = np.asarray(numbers, dtype=np.float64).copy()
        with np.errstate(invalid="ignore"):
            passes = np.isfinite(numbers)
            if rule.min is not None:
                passes &= numbers >= rule.min
            if rule.max is not None:
                passes &= numbers <= rule.max
            if rule.type == "integer":
                passes &= np.floor(numbers) == numbers
        nulls = column.is_null().to_numpy(zero_copy_only=False)
        if rule.max_missing > 0:
            passes |= nulls  # a missing value the contract allows: NaN for the model
        if pa.types.is_integer(column.type):
            # Past 2**53 an integer is not its float: let the validator judge it.
            with np.errstate(invalid="ignore"):
                passes &= ~(np.abs(numbers) > 2.0**53)
        numbers[nulls] = np.nan
        return passes, numbers

    def _categories(self, name: str, column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        # Each distinct value through the service's validator (normalised, synonyms, allowed).
        encoded = column.dictionary_encode()
        indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        cleaned = np.empty(len(encoded.dictionary) + 1, dtype=object)
        accepted = np.zeros(len(encoded.dictionary) + 1, dtype=bool)
        for i, value in enumerate(encoded.dictionary.to_pylist()):
            problem, text = self._validate(name, value)
            accepted[i], cleaned[i] = problem is None, text
        cleaned[-1] = np.nan  # a missing value: NaN for the model, as the service sends it
        accepted[-1] = self.contract.columns[name].max_missing > 0
        return accepted[indices], cleaned[indices]

    def _text_passes(self, name: str, column: pa.Array) -> np.ndarray:
        long = pc.greater(pc.utf8_length(column), ID_MAX_LENGTH).fill_null(False)
        return ~long.to_numpy(zero_copy_only=False)  # those: to the validator

    def _judge(self, name: str, column: pa.Array, rows: np.ndarray) -> list[tuple]:
        """(problems or None, the value for the model) for each doubtful row, each distinct
        value validated once."""
        seen: dict[tuple, tuple] = {}
        judged = []
        for value in column.take(pa.array(rows)).to_pylist():
            key = _key(value)
            if key not in seen:
                seen[key] = self._validate(name, value)
            judged.append(seen[key])
        return judged

    def _validate(self, name: str, value: Any) -> tuple[list[dict] | None, Any]:
        try:
            checked = self._field_models[name].model_validate({name: value})
        except ValidationError as err:
            return problems(err), None
        cleaned = getattr(checked, name)
        return None, (np.nan if cleaned is None else cleaned)


def _key(value: Any) -> tuple:
    # NaN is not equal to itself: keyed by its text so that the memo finds it.
    if isinstance(value, float) and math.isnan(value):
        return (float, "nan")
    return (type(value), value)


def _as_model_column(values: np.ndarray, numeric: bool) -> pd.Series:
    """A feature column as the service's frame holds it: float64, or pandas' text type."""
    if numeric:
        return pd.Series(values.astype(np.float64, copy=False))
    return pd.Series(values, dtype="str")


def problem_rows(found: list[dict], ids: list | None, first_row: int) -> pd.DataFrame:
    """The problems as the rejects file's rows: input row number, id, field, rule, value."""
    rows = [
        {
            "row": first_row + p["row"],
            "id": None if ids is None else ids[p["row"]],
            "field": p["field"],
            "rule": p["rule"],
            "value": p["value"],  # as the 422 answer shows it (long values cut)
            "message": p["message"],
        }
        for p in found
    ]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
