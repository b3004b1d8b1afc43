"""The metric gate: absolute floors and ceilings, the largest allowed drop against each
baseline, fairness across segments, and the data contract. Pure: reports in, verdict out.

It never passes by omission: a metric the change does not report fails its rule, a segment
column that is not reported fails, and a missing data-quality report fails.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from modelops.config.metrics import LOWER_IS_BETTER
from modelops.config.params import GateParams
from modelops.config.reading import dotted
from modelops.errors import InputError
from modelops.review.baselines import Baseline

# Metrics are floats rounded nowhere: a drop of exactly the limit must not fail by 1e-17.
TOLERANCE = 1e-9
QUARANTINE_RULE = "dataset.quarantine_share"


@dataclass(frozen=True)
class RuleOutcome:
    """One gate rule: the value, its threshold, the baseline it is compared with, pass/fail."""

    rule: str
    value: float | None
    threshold: str
    passed: bool
    baseline: float | None = None
    note: str = ""

    def line(self) -> str:
        value = "missing" if self.value is None else f"{self.value:.4f}"
        base = "" if self.baseline is None else f"  baseline {self.baseline:.4f}"
        note = f"  ({self.note})" if self.note else ""
        verdict = "pass" if self.passed else "FAIL"
        return f"{verdict:4}  {self.rule:48} {value:>10}  {self.threshold}{base}{note}"

    def summary(self) -> str:
        """The rule, its value and what it needed, for a refusal message."""
        value = "missing" if self.value is None else f"{self.value:.4f}"
        note = f"{self.note}, " if self.note else ""
        return f"{self.rule}: {value} ({note}needs {self.threshold})"


@dataclass(frozen=True)
class Verdict:
    rules: list[RuleOutcome]
    baselines: list[Baseline]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rules)

    @property
    def failed(self) -> list[RuleOutcome]:
        return [r for r in self.rules if not r.passed]

    def as_dict(self) -> dict:
        return {
            "passed": self.passed,
            "failed_rules": [r.rule for r in self.failed],
            "rules": [asdict(r) for r in self.rules],
            "baselines": [
                {
                    "name": b.name,
                    "ref": b.ref,
                    "commit": b.commit,
                    "found": b.found,
                    "note": b.note,
                    "metrics": b.reports.get("metrics"),
                }
                for b in self.baselines
            ],
        }


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleRecord(_Record):
    rule: str
    value: float | None
    threshold: str
    passed: bool
    baseline: float | None
    note: str


class BaselineRecord(_Record):
    name: str
    ref: str
    commit: str | None
    found: bool
    note: str
    metrics: dict | None


class VerdictRecord(_Record):
    """reports/gate.json as `modelops gate` writes it."""

    passed: bool
    failed_rules: list[str]
    rules: list[RuleRecord]
    baselines: list[BaselineRecord]


def read_verdict(data: object, source: str) -> dict:
    """A gate verdict read from a file, checked; anything else is an InputError."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: not a gate verdict of modelops gate (not a JSON object)")
    try:
        return VerdictRecord.model_validate(data).model_dump()
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise InputError(
            f"{source}: not a gate verdict of modelops gate: '{dotted(tuple(first['loc']))}' "
            f"{first['msg'].lower()}"
        ) from None


def metric_value(metrics: dict | None, name: str) -> float | None:
    """A metric by dotted path (`business.value_per_application`); None when absent or when
    the path names something that is not a number (a section, a text)."""
    value = metrics
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _missing(rule: str, threshold: str, note: str = "metric not reported") -> RuleOutcome:
    # A rule that cannot be evaluated fails: a gate must never pass by omission.
    return RuleOutcome(rule, None, threshold, False, note=note)


def absolute_rules(metrics: dict, params: GateParams) -> list[RuleOutcome]:
    outcomes = []
    for name, floor in params.floors.items():
        value, rule = metric_value(metrics, name), f"{name} >= floor"
        outcomes.append(
            _missing(rule, f">= {floor}")
            if value is None
            else RuleOutcome(rule, value, f">= {floor}", value >= floor - TOLERANCE)
        )
    for name, ceiling in params.ceilings.items():
        value, rule = metric_value(metrics, name), f"{name} <= ceiling"
        outcomes.append(
            _missing(rule, f"<= {ceiling}")
            if value is None
            else RuleOutcome(rule, value, f"<= {ceiling}", value <= ceiling + TOLERANCE)
        )
    return outcomes


def drop_rules(metrics: dict, baseline: Baseline, params: GateParams) -> list[RuleOutcome]:
    """Against one baseline: how much each metric may worsen.

    No baseline passes, saying why (no version in the stage; a ref from before the reports);
    a baseline that exists but lacks the metric fails: the rule cannot be evaluated.
    """
    outcomes = []
    for name, allowed in params.max_drop.items():
        rule = f"{name} drop vs {baseline.name}"
        threshold = f"drop <= {allowed}"
        value = metric_value(metrics, name)
        if value is None:
            outcomes.append(_missing(rule, threshold))
            continue
        if not baseline.found:
            outcomes.append(
                RuleOutcome(rule, value, threshold, True, note=f"no baseline: {baseline.note}")
            )
            continue
        before = metric_value(baseline.reports["metrics"], name)
        if before is None:
            outcomes.append(
                RuleOutcome(rule, value, threshold, False, note=f"not reported at {baseline.ref}")
            )
            continue
        drop = value - before if name in LOWER_IS_BETTER else before - value
        outcomes.append(
            RuleOutcome(
                rule,
                value,
                threshold,
                drop <= allowed + TOLERANCE,
                baseline=before,
                note=f"drop {drop:+.4f}",
            )
        )
    return outcomes


def segment_rules(
    segments: dict | None, columns: list[str], params: GateParams
) -> list[RuleOutcome]:
    """Every large-enough segment above the floors; gaps between segments within limits.

    columns are the segment columns evaluate was asked for: each must be reported.
    """
    rules = params.segments
    if not rules.floors and not rules.max_gap:
        return []
    if segments is None:
        return [_missing("segments", "reports/segments.json", "segment report missing")]
    outcomes = []
    for column in columns:
        groups = segments.get(column)
        if not isinstance(groups, dict):
            outcomes.append(_missing(f"{column} segments", "reported", "column not reported"))
            continue
        sized = {
            k: v
            for k, v in groups.items()
            if isinstance(v, dict) and v.get("n", 0) >= rules.min_rows
        }
        not_judged = f"no segment with n >= {rules.min_rows} and a value to judge"
        for metric, floor in rules.floors.items():
            rule = f"{column} segments {metric} >= floor"
            values = _segment_values(sized, metric)
            if not values:
                outcomes.append(RuleOutcome(rule, None, f">= {floor}", True, note=not_judged))
                continue
            worst = min(values, key=values.get)
            outcomes.append(
                RuleOutcome(
                    rule,
                    values[worst],
                    f">= {floor}",
                    values[worst] >= floor - TOLERANCE,
                    note=f"lowest: {worst}, n >= {rules.min_rows}",
                )
            )
        for metric, limit in rules.max_gap.items():
            rule = f"{column} segments {metric} gap"
            values = _segment_values(sized, metric)
            if len(values) < 2:
                outcomes.append(RuleOutcome(rule, None, f"<= {limit}", True, note=not_judged))
                continue
            high, low = max(values, key=values.get), min(values, key=values.get)
            gap = values[high] - values[low]
            outcomes.append(
                RuleOutcome(
                    rule, gap, f"<= {limit}", gap <= limit + TOLERANCE, note=f"{high} vs {low}"
                )
            )
    return outcomes


def _segment_values(groups: dict, metric: str) -> dict[str, float]:
    values = {name: metric_value(group, metric) for name, group in groups.items()}
    return {name: v for name, v in values.items() if v is not None}


def data_contract_rule(quality: dict | None) -> RuleOutcome:
    """The data the model was trained on kept its contract (which sets the quarantine limit)."""
    rule, threshold = "data contract kept", "contract passed"
    if not quality:
        return _missing(rule, threshold, "data quality report missing")
    share = next(
        (r.get("value") for r in quality.get("rules", []) if r.get("rule") == QUARANTINE_RULE),
        None,
    )
    value = float(share) if isinstance(share, int | float) else None
    failed = quality.get("failed_rules") or []
    if quality.get("passed") is not True:
        return RuleOutcome(rule, value, threshold, False, note=f"failed: {', '.join(failed)}")
    return RuleOutcome(rule, value, threshold, True, note="value: quarantine share")


def evaluate_gate(
    reports: dict, baselines: list[Baseline], params: GateParams, segment_columns: list[str]
) -> Verdict:
    """Apply every rule of params to the current reports and each baseline."""
    metrics = reports.get("metrics") or {}
    rules = absolute_rules(metrics, params)
    for baseline in baselines:
        rules += drop_rules(metrics, baseline, params)
    rules += segment_rules(reports.get("segments"), segment_columns, params)
    rules.append(data_contract_rule(reports.get("data_quality")))
    return Verdict(rules, baselines)
