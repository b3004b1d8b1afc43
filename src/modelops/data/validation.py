"""Validate a table against the data contract: correct, quarantine, then judge the data set.

Row-level rules (pandera) send breaking rows to quarantine with the rules they broke;
data-set rules (size, duplicates, missing shares, class balance, quarantine share, schema
drift) decide whether the data may go on to training.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from modelops.config.contract import Contract
from modelops.data.corrections import apply_corrections
from modelops.data.rules import as_numbers, as_timestamps, pandera_schema, provenance_schema
from modelops.errors import SHOWN_EXAMPLES, ConfigError, shown_text

QUARANTINE_REASON = "quarantine_reason"

# pandera's names for its built-in checks, as the contract's rule suffixes.
PANDERA_CHECKS = {"not_nullable": "not_null", "field_uniqueness": "unique"}


@dataclass(frozen=True)
class RuleResult:
    """One data-set rule: what was measured, the limit, and the rows and values behind it."""

    rule: str
    column: str | None
    value: float | int | str | None
    limit: str
    passed: bool
    severity: str = "error"  # "error" fails the run; "warning" is only reported
    rows: int = 0
    examples: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One line: rule, column, measured value against its limit, rows, example values."""
        if not self.column:
            where = ""
        elif "," in self.column:
            where = f" columns {self.column},"
        else:
            where = f" column '{self.column}',"
        if self.severity == "quarantine":
            text = f"{self.rule}:{where} {self.rows} rows quarantined"
        else:
            text = f"{self.rule}:{where} {self.value} (limit {self.limit})"
            if self.rows:
                text += f", {self.rows} rows"
        if any(e is not None for e in self.examples):
            # Examples were cut when collected (_example): cutting them again would hide
            # how long the value was.
            text += f", e.g. {', '.join(repr(e) for e in self.examples)}"
        return text


@dataclass(frozen=True)
class Validation:
    validated: pd.DataFrame
    quarantine: pd.DataFrame
    report: dict
    rules: list[RuleResult]
    failures: list[RuleResult]
    warnings: list[RuleResult]

    @property
    def passed(self) -> bool:
        return not self.failures

    def quarantine_rules(self) -> list[RuleResult]:
        return [r for r in self.rules if r.severity == "quarantine"]


def validate_against_contract(
    df: pd.DataFrame, contract: Contract, source_column: str | None = None
) -> Validation:
    """Correct df, quarantine rows that break row rules, and judge the data-set rules."""
    rules: list[RuleResult] = list(_schema_drift(df, contract, source_column))
    if any(r.rule == "schema.required_column" and not r.passed for r in rules):
        empty = df.iloc[0:0]
        return _result(empty, empty.assign(**{QUARANTINE_REASON: ""}), len(df), None, {}, rules)

    corrected = apply_corrections(df, contract, source_column)
    data = corrected.data
    reasons = _row_failures(data, contract, source_column)
    broken = reasons.notna().to_numpy()
    quarantine = data[broken].assign(**{QUARANTINE_REASON: reasons[broken]})
    known = [*contract.columns, *(contract.provenance.columns if contract.provenance else ())]
    validated = _typed(data[~broken][[c for c in known if c in data]], contract)

    rules += _row_rule_counts(reasons[broken], data[broken], contract)
    rules += _dataset_rules(len(df), corrected, data, validated, broken, contract)
    return _result(validated, quarantine, len(df), corrected, _by_rule(reasons[broken]), rules)


def _schema_drift(
    df: pd.DataFrame, contract: Contract, source_column: str | None
) -> list[RuleResult]:
    missing = [name for name, c in contract.columns.items() if c.required and name not in df]
    provenance = contract.provenance.columns if contract.provenance else {}
    # Provenance columns are required as soon as a row of the provenance source is there.
    if provenance and _provenance_rows(df, contract, source_column).any():
        missing += [name for name in provenance if name not in df]
    known = {**contract.columns, **provenance}
    unknown = [shown_text(str(c)) for c in df.columns if c not in known]
    results = [
        RuleResult("schema.required_column", name, "missing", "present", False) for name in missing
    ]
    severity = "error" if contract.dataset.unknown_columns == "fail" else "warning"
    results += [
        RuleResult("schema.unknown_column", name, "not in contract", "known", False, severity)
        for name in unknown
    ]
    return results


def _provenance_rows(df: pd.DataFrame, contract: Contract, source_column: str | None):
    """Which rows came from the provenance source (production feedback)."""
    if contract.provenance is None or source_column is None or source_column not in df:
        return pd.Series(False, index=df.index)
    return df[source_column] == contract.provenance.source


def _row_failures(data: pd.DataFrame, contract: Contract, source_column: str | None):
    """For each row, the row rules it breaks ('Age.range; Home.allowed'), or NA."""
    failures = [_broken_rules(pandera_schema(contract), data)]
    if contract.provenance is not None:
        feedback = _provenance_rows(data, contract, source_column).to_numpy()
        failures.append(_broken_rules(provenance_schema(contract), data[feedback]))
        # A provenance value on a row that did not return from production is not what it
        # claims to be: it would be weighted, or sent to test, as feedback.
        for name in contract.provenance.columns:
            if name in data:
                stray = data.index[~feedback & data[name].notna().to_numpy()]
                failures.append(pd.DataFrame({"index": stray, "rule": f"{name}.feedback_only"}))
    joined = (
        pd.concat(failures, ignore_index=True)
        .drop_duplicates()
        .sort_values(["index", "rule"])
        .groupby("index")["rule"]
        .agg("; ".join)
    )
    return joined.reindex(data.index).astype("string")


def _broken_rules(schema, data: pd.DataFrame) -> pd.DataFrame:
    """(index, rule) of every row rule a row of data breaks."""
    import pandera.errors

    try:
        schema.validate(data, lazy=True)
        return pd.DataFrame({"index": pd.Series(dtype=int), "rule": pd.Series(dtype=str)})
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    # A check that raised, rather than judged rows, comes back without a row index: the
    # contract cannot be applied, and carrying on would silently switch that rule off.
    crashed = cases[cases["index"].isna()]
    if not crashed.empty:
        first = crashed.iloc[0]
        raise ConfigError(
            f"contract rule '{first['column']}.{first['check']}' could not run: "
            f"{shown_text(str(first['failure_case']))}"
        )
    frame_level = cases["schema_context"] == "DataFrameSchema"
    check = cases["check"].astype(str).map(lambda c: PANDERA_CHECKS.get(c, c))
    rule = check.where(frame_level, cases["column"].astype(str) + "." + check)
    return pd.DataFrame({"index": cases["index"].astype(int), "rule": rule})


def _row_rule_counts(reasons: pd.Series, rows: pd.DataFrame, contract: Contract):
    """One report line per row rule that took rows into quarantine, with example values."""
    cross = {rule.name: rule.columns for rule in contract.row_rules}
    results = []
    for rule, count in _by_rule(reasons).items():
        hit = reasons.str.split("; ").map(lambda rs, r=rule: r in rs).to_numpy()
        columns = cross.get(rule) or (rule.split(".", 1)[0],)
        present = [c for c in columns if c in rows]
        values = rows.loc[hit, present].head(1000).drop_duplicates().head(SHOWN_EXAMPLES)
        if len(present) == 1:
            examples = [_example(v) for v in values[present[0]]]
        else:  # a rule across columns: show each example row's values of those columns
            examples = [
                ", ".join(f"{c}={_example(v)}" for c, v in zip(present, row, strict=True))
                for row in values.itertuples(index=False)
            ]
        # A row rule never fails the run by itself: the quarantine share does.
        results.append(
            RuleResult(
                rule, ", ".join(columns), count, "0 rows", False, "quarantine", count, examples
            )
        )
    return results


def _share_rule(
    rule: str, rows: int, total: int, limit: float, column: str | None = None
) -> RuleResult:
    """A data-set rule on a share of rows: at most limit of total (a share of nothing is 0)."""
    share = rows / total if total else 0.0
    return RuleResult(rule, column, round(share, 6), f"<= {limit}", share <= limit, rows=rows)


def _dataset_rules(rows_in, corrected, data, validated, broken, contract) -> list[RuleResult]:
    results = []
    rows_out = len(validated)
    results.append(
        RuleResult(
            "dataset.min_rows",
            None,
            rows_out,
            f">= {contract.dataset.min_rows}",
            rows_out >= contract.dataset.min_rows,
        )
    )
    duplicates = corrected.counts["exact_duplicates_dropped"]
    results.append(_share_rule("dataset.duplicate_share", duplicates, rows_in,
                               contract.dataset.max_duplicate_share))  # fmt: skip
    quarantined = int(broken.sum())
    results.append(_share_rule("dataset.quarantine_share", quarantined, len(data),
                               contract.dataset.max_quarantine_share))  # fmt: skip
    for name, rule in contract.columns.items():
        if rule.max_missing > 0 and name in data:
            missing = int(data[name].isna().sum())
            results.append(
                _share_rule(f"{name}.max_missing", missing, len(data), rule.max_missing, name)
            )
    if rows_out:
        share = float((validated[contract.target.column] == contract.positive).mean())
        low, high = contract.target.positive_share
        results.append(
            RuleResult(
                "dataset.positive_share",
                contract.target.column,
                round(share, 6),
                f"between {low} and {high}",
                low <= share <= high,
            )
        )
    return results


def _typed(validated: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Give every column the type the contract promises, now that all values conform."""
    provenance = contract.provenance.columns if contract.provenance else {}
    typed = {}
    for name in validated.columns:
        if name in provenance:  # missing on the original rows: kept missing
            kind = provenance[name].type
            values = validated[name]
            if kind == "timestamp":
                typed[name] = as_timestamps(values)
            elif kind == "number":
                typed[name] = as_numbers(values).astype("float64")
            else:
                typed[name] = (
                    values.astype(object).where(values.notna(), None).map(str, na_action="ignore")
                )
        elif contract.columns[name].numeric:
            typed[name] = as_numbers(validated[name]).astype("float64")
        else:
            typed[name] = validated[name].astype("str")
    return pd.DataFrame(typed, index=validated.index).reset_index(drop=True)


def _by_rule(reasons: pd.Series) -> dict[str, int]:
    if reasons.empty:
        return {}
    counts = reasons.str.split("; ").explode().value_counts()
    return {str(rule): int(n) for rule, n in sorted(counts.items())}


def _example(value):
    """An example value for the report and messages: plain, and text cut to a bounded size."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and np.isinf(value):
        return str(value)  # 'inf': JSON has no infinity, and null would hide what it was
    return shown_text(value) if isinstance(value, str) else value


def _result(validated, quarantine, rows_in, corrected, by_rule, rules):
    failures = [r for r in rules if not r.passed and r.severity == "error"]
    warnings = [r for r in rules if not r.passed and r.severity == "warning"]
    report = {
        "passed": not failures,
        "rows_in": rows_in,
        "exact_duplicates_dropped": corrected.counts["exact_duplicates_dropped"]
        if corrected
        else 0,
        "older_observations_dropped": corrected.counts["older_observations_dropped"]
        if corrected
        else 0,
        "rows_corrected": corrected.rows_corrected if corrected else 0,
        "rows_quarantined": len(quarantine),
        "rows_out": len(validated),
        "corrections": corrected.counts if corrected else {},
        "quarantined_by_rule": by_rule,
        "failed_rules": [r.rule for r in failures],
        "warnings": [r.rule for r in warnings],
        "rules": [r.as_dict() for r in rules],
    }
    return Validation(validated, quarantine, report, rules, failures, warnings)
