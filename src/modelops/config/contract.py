"""The data contract (data/contract.yaml) as a strict model: what every column must be, what
the target is, and what the whole data set must keep. Loaded once, checked on load.

A contract that cannot be applied as written (an unknown key, min above max, an empty list
of categories, a synonym pointing outside the allowed values) is a ConfigError naming the
key, so that a typo never switches a rule off and a contradiction is never blamed on data.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from modelops.config.reading import Strict, parse, read_yaml_mapping
from modelops.errors import shown

ColumnType = Literal["string", "category", "integer", "number"]
NUMERIC_TYPES = ("integer", "number")
ROW_RULE = re.compile(r"^\s*(\w+)\s*(<=|>=|==|!=|<|>)\s*(-?[\w.]+)\s*$")
RULE_SUFFIXES = ("type", "integer", "range", "allowed", "not_null", "unique", "max_missing",
                 "feedback_only")  # fmt: skip
# Provenance columns whose role the code relies on: the split sends the newest predictions to
# test, training weights rows by propensity, and no prediction is in both train and test.
PREDICTION_ID, PREDICTED_AT, PROPENSITY = "prediction_id", "predicted_at", "propensity"
PROVENANCE_ROLES = {PREDICTION_ID: "string", PREDICTED_AT: "timestamp", PROPENSITY: "number"}


def normalize_category(value: str) -> str:
    """A category value as the normalize_categories correction makes it: trimmed, lower-case."""
    return value.strip().lower()


class ColumnRule(Strict):
    """What one column must be: type, missing share, range or categories, uniqueness."""

    type: ColumnType
    max_missing: float = Field(0.0, ge=0, le=1)
    required: bool = True
    unique: bool = False
    min: float | None = None
    max: float | None = None
    allowed: list[str] | None = Field(None, min_length=1)
    synonyms: dict[str, str] = Field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @model_validator(mode="after")
    def _coherent(self) -> ColumnRule:
        if (self.min is not None or self.max is not None) and not self.numeric:
            raise ValueError(f"min and max apply to integer and number columns, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}: no value can pass")
        if (self.allowed is not None or self.synonyms) and self.type != "category":
            raise ValueError(f"allowed and synonyms apply to category columns, not {self.type}")
        if self.allowed is not None:
            repeated = sorted({v for v in self.allowed if self.allowed.count(v) > 1})
            if repeated:
                raise ValueError(f"allowed lists {shown(repeated[0])} twice")
        return self

    def check_synonyms(self) -> None:
        """Every synonym maps to an allowed value (compared as the data will be: normalised
        or not, so checked on the contract as applied)."""
        if self.allowed is None:
            return
        outside = [v for v in self.synonyms.values() if v not in self.allowed]
        if outside:
            raise ValueError(f"synonyms map to {shown(outside[0])}, which is not an allowed value")

    def normalized(self) -> ColumnRule:
        """The rule with categories written the way normalize_categories writes the data."""
        allowed = None
        if self.allowed is not None:
            allowed = [normalize_category(v) for v in self.allowed]
            for value, norm in zip(self.allowed, allowed, strict=True):
                if allowed.count(norm) > 1:
                    raise ValueError(
                        f"allowed value {shown(value)} is {shown(norm)} once normalised "
                        "(trimmed, lower-case), like another allowed value"
                    )
        synonyms = {normalize_category(k): normalize_category(v) for k, v in self.synonyms.items()}
        return self.model_copy(update={"allowed": allowed, "synonyms": synonyms})


class RowRule(Strict):
    """A comparison between two columns, or a column and a number, that every row obeys."""

    name: str = Field(pattern=r"^[A-Za-z_][\w.]*$")
    rule: str

    @field_validator("rule")
    @classmethod
    def _readable(cls, rule: str) -> str:
        match = ROW_RULE.match(rule)
        if not match:
            raise ValueError(
                f"cannot read {shown(rule)}: write COLUMN OP COLUMN or COLUMN OP NUMBER "
                "with OP one of <= >= == != < >"
            )
        # `Amount <= inf` (or 1e400, which reads as inf) holds for every row, `Age != nan`
        # too: a rule that can never fail is not a rule.
        sides = (match.group(1), match.group(3))
        odd = next((s for s in sides if is_number(s) and not math.isfinite(float(s))), None)
        if odd is not None:
            raise ValueError(f"{shown(rule)} compares with {odd}, not a finite number")
        return rule

    @property
    def parts(self) -> tuple[str, str, str]:
        left, op, right = ROW_RULE.match(self.rule).groups()
        return left, op, right

    @property
    def columns(self) -> tuple[str, ...]:
        left, _, right = self.parts
        return tuple(side for side in (left, right) if not is_number(side))


class Dataset(Strict):
    """Rules on the whole data set."""

    id_column: str | None = None
    min_rows: int = Field(ge=1)
    max_duplicate_share: float = Field(ge=0, le=1)
    max_quarantine_share: float = Field(ge=0, le=1)
    unknown_columns: Literal["warn", "fail"] = "warn"


class Target(Strict):
    """The column the model predicts, its two values, and which one is the event (default)."""

    column: str
    allowed: list[str] = Field(min_length=2, max_length=2)
    positive: str
    positive_share: list[float] = Field(min_length=2, max_length=2)

    @model_validator(mode="after")
    def _coherent(self) -> Target:
        if self.allowed[0] == self.allowed[1]:
            raise ValueError(f"allowed lists {shown(self.allowed[0])} twice")
        if self.positive not in self.allowed:
            raise ValueError(
                f"positive {shown(self.positive)} is not one of allowed {self.allowed}"
            )
        low, high = self.positive_share
        if not 0 <= low <= high <= 1:
            raise ValueError(
                f"positive_share must be [low, high] with 0 <= low <= high <= 1, "
                f"got {self.positive_share}"
            )
        return self


class Corrections(Strict):
    """The unambiguous repairs applied before the rules, each counted in the report."""

    normalize_categories: bool = False
    coerce_numeric_text: bool = False
    missing_codes: list[float] = Field(default_factory=list)
    drop_exact_duplicates: bool = False
    # A provenance timestamp column: of the rows sharing an id, the one observed last is kept.
    keep_newest_per_id: str | None = None


class ProvenanceColumn(Strict):
    """A column that rows returning from production carry: present on each of them, on no
    other row, and never a feature."""

    type: Literal["string", "category", "number", "timestamp"]
    unique: bool = False
    min: float | None = None
    max: float | None = None
    allowed: list[str] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> ProvenanceColumn:
        if (self.min is not None or self.max is not None) and self.type != "number":
            raise ValueError(f"min and max apply to number columns, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}: no value can pass")
        if self.allowed is not None and self.type != "category":
            raise ValueError(f"allowed applies to category columns, not {self.type}")
        return self

    def as_column_rule(self) -> ColumnRule:
        """The rule a row of the provenance source is checked with (never missing there);
        a timestamp is checked as text by its own type check."""
        kind = "string" if self.type == "timestamp" else self.type
        fields = self.model_dump(exclude={"type"})
        return ColumnRule(type=kind, max_missing=0.0, **fields)


class Provenance(Strict):
    """Which ingest source holds the rows that return from production, and the provenance
    columns they carry. On that source's rows a provenance column must be there and valid
    (a row breaking it is quarantined); on every other row it must be absent or empty. There
    is no missing share: it would only measure how much of the data is feedback."""

    source: str = Field(min_length=1)
    columns: dict[str, ProvenanceColumn] = Field(min_length=1)

    @model_validator(mode="after")
    def _roles(self) -> Provenance:
        for name, kind in PROVENANCE_ROLES.items():
            column = self.columns.get(name)
            if column is None or column.type != kind:
                raise ValueError(f"columns.{name} must be declared, of type {kind}")
        propensity = self.columns[PROPENSITY]
        if propensity.min is None or propensity.min < 0 or propensity.max is None:
            raise ValueError(f"columns.{PROPENSITY} needs min >= 0 and max (a probability)")
        if propensity.max > 1:
            raise ValueError(f"columns.{PROPENSITY}.max must be at most 1 (a probability)")
        if not self.columns[PREDICTION_ID].unique:
            raise ValueError(f"columns.{PREDICTION_ID} needs unique: true")
        return self

    def rules(self, normalize: bool) -> dict[str, ColumnRule]:
        """The column rules a row of the provenance source is checked with."""
        rules = {name: c.as_column_rule() for name, c in self.columns.items()}
        return {
            n: r.normalized() if normalize and r.type == "category" else r for n, r in rules.items()
        }

    @property
    def timestamps(self) -> list[str]:
        return [name for name, c in self.columns.items() if c.type == "timestamp"]


class Contract(Strict):
    """The whole contract; category values already normalised when the data will be."""

    dataset: Dataset
    target: Target
    corrections: Corrections = Corrections()
    columns: dict[str, ColumnRule] = Field(min_length=1)
    row_rules: list[RowRule] = Field(default_factory=list)
    provenance: Provenance | None = None

    @property
    def positive(self) -> str:
        return self.target.positive

    @model_validator(mode="after")
    def _coherent(self) -> Contract:
        target = self.target.column
        if target not in self.columns:
            raise ValueError(f"target.column {shown(target)} is not under columns")
        target_rule = self.columns[target]
        if target_rule.type != "category":
            raise ValueError(f"columns.{target} must be of type category (it is the target)")
        if not target_rule.required:
            raise ValueError(
                f"columns.{target} cannot be optional (required: false): it is the target"
            )
        if target_rule.max_missing != 0:
            raise ValueError(
                f"columns.{target}.max_missing must be 0: a row without its target can "
                "neither train nor test a model"
            )
        if target_rule.allowed not in (None, self.target.allowed):
            raise ValueError(f"columns.{target}.allowed differs from target.allowed")
        id_column = self.dataset.id_column
        if id_column is not None:
            rule = self.columns.get(id_column)
            if rule is None:
                raise ValueError(f"dataset.id_column {shown(id_column)} is not under columns")
            if not rule.unique or rule.max_missing != 0 or not rule.required:
                raise ValueError(
                    f"columns.{id_column} is the id column: it needs unique: true and "
                    "max_missing: 0, and cannot be optional"
                )
        self._check_row_rules()
        self._check_provenance()
        contract = self._normalized() if self.corrections.normalize_categories else self
        # The target's values live under target:; its column rule takes them from there.
        columns = dict(contract.columns)
        columns[target] = columns[target].model_copy(
            update={"allowed": list(contract.target.allowed)}
        )
        for name, rule in columns.items():
            try:
                rule.check_synonyms()
            except ValueError as err:
                raise ValueError(f"columns.{name}: {err}") from None
        return contract.model_copy(update={"columns": columns})

    def _check_row_rules(self) -> None:
        names = [rule.name for rule in self.row_rules]
        for rule in self.row_rules:
            if names.count(rule.name) > 1:
                raise ValueError(f"row_rules: the name {shown(rule.name)} is used twice")
            if rule.name.split(".")[-1] in RULE_SUFFIXES and "." in rule.name:
                raise ValueError(f"row_rules: {shown(rule.name)} looks like a column rule's name")
            left, _, right = rule.parts
            if is_number(left) and is_number(right):
                raise ValueError(f"row rule {shown(rule.name)} compares two numbers")
            for side in rule.columns:
                if side not in self.columns:
                    raise ValueError(f"row rule {shown(rule.name)}: {side!r} is not under columns")
                if not self.columns[side].numeric:
                    raise ValueError(
                        f"row rule {shown(rule.name)}: column {side!r} is not a number column"
                    )
                if not self.columns[side].required:
                    raise ValueError(
                        f"row rule {shown(rule.name)}: column {side!r} is optional "
                        "(required: false): the rule could not be judged where it is absent"
                    )

    def _check_provenance(self) -> None:
        names = self.provenance.columns if self.provenance else {}
        both = next((name for name in names if name in self.columns), None)
        if both is not None:
            raise ValueError(f"provenance.columns.{both} is also under columns: name it once")
        newest = self.corrections.keep_newest_per_id
        if newest is None:
            return
        if self.dataset.id_column is None:
            raise ValueError("corrections.keep_newest_per_id needs dataset.id_column")
        if newest not in names or names[newest].type != "timestamp":
            raise ValueError(
                f"corrections.keep_newest_per_id {shown(newest)} must be a timestamp column "
                "under provenance.columns"
            )

    def _normalized(self) -> Contract:
        columns = {}
        for name, rule in self.columns.items():
            try:
                columns[name] = rule.normalized() if rule.type == "category" else rule
            except ValueError as err:
                raise ValueError(f"columns.{name}: {err}") from None
        allowed = [normalize_category(v) for v in self.target.allowed]
        if allowed[0] == allowed[1]:
            raise ValueError(f"target.allowed {self.target.allowed} are one value once normalised")
        target = self.target.model_copy(
            update={"allowed": allowed, "positive": normalize_category(self.target.positive)}
        )
        return self.model_copy(update={"columns": columns, "target": target})


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_contract(path: str | Path) -> Contract:
    """Read and check the contract; anything malformed is a ConfigError naming the key."""
    return parse(Contract, read_yaml_mapping(path, "contract"), path)
