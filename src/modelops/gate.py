"""The metric gate: absolute floors and ceilings, the largest allowed drop against each
baseline, fairness across segments, and data quality. Pure: reports in, verdict out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from modelops.baselines import Baseline
from modelops.params import GateParams

# Metrics where a smaller value is better; every other metric is better when larger.
LOWER_IS_BETTER = frozenset({"brier", "log_loss"})
# Metrics are floats rounded nowhere: a drop of exactly the limit must not fail by 1e-17.
TOLERANCE = 1e-9


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


def _missing(rule: str, threshold: str) -> RuleOutcome:
    # A rule whose metric is not reported fails: a gate must never pass by omission.
    return RuleOutcome(rule, None, threshold, False, note="metric not reported")


def absolute_rules(metrics: dict, params: GateParams) -> list[RuleOutcome]:
    outcomes = []
    for name, floor in params.floors.items():
        value, rule = metric_value(metrics, name), f"{name} >= floor"
        outcomes.append(
            _missing(rule, f">= {floor}")
            if value is None
            else RuleOutcome(rule, value, f">= {floor}", value >= floor)
        )
    for name, ceiling in params.ceilings.items():
        value, rule = metric_value(metrics, name), f"{name} <= ceiling"
        outcomes.append(
            _missing(rule, f"<= {ceiling}")
            if value is None
            else RuleOutcome(rule, value, f"<= {ceiling}", value <= ceiling)
        )
    return outcomes


def drop_rules(metrics: dict, baseline: Baseline, params: GateParams) -> list[RuleOutcome]:
    """Against one baseline: how much each metric may worsen. No baseline is not a failure."""
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
                RuleOutcome(rule, value, threshold, True, note=f"not reported at {baseline.ref}")
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


def segment_rules(segments: dict | None, params: GateParams) -> list[RuleOutcome]:
    """Every large-enough segment above the floors; gaps between segments within limits."""
    if not params.segment_floors and not params.segment_max_gap:
        return []
    if not segments:
        return [_missing("segments", "reports/segments.json")]
    outcomes = []
    for column, groups in segments.items():
        sized = {k: v for k, v in groups.items() if v.get("n", 0) >= params.segment_min_rows}
        for metric, floor in params.segment_floors.items():
            values = {k: v.get(metric) for k, v in sized.items() if v.get(metric) is not None}
            if not values:
                continue
            worst = min(values, key=values.get)
            outcomes.append(
                RuleOutcome(
                    f"{column} segments {metric} >= floor",
                    values[worst],
                    f">= {floor}",
                    values[worst] >= floor,
                    note=f"lowest: {worst}, n >= {params.segment_min_rows}",
                )
            )
        for metric, limit in params.segment_max_gap.items():
            values = {k: v.get(metric) for k, v in sized.items() if v.get(metric) is not None}
            if len(values) < 2:
                continue
            high, low = max(values, key=values.get), min(values, key=values.get)
            gap = values[high] - values[low]
            outcomes.append(
                RuleOutcome(
                    f"{column} segments {metric} gap",
                    gap,
                    f"<= {limit}",
                    gap <= limit,
                    note=f"{high} vs {low}",
                )
            )
    return outcomes


def data_quality_rules(quality: dict | None, params: GateParams) -> list[RuleOutcome]:
    if params.max_quarantine_share is None:
        return []
    rule, threshold = "data quarantine share", f"<= {params.max_quarantine_share}"
    if not quality or not quality.get("rows_in"):
        return [_missing(rule, threshold)]
    share = quality["rows_quarantined"] / quality["rows_in"]
    passed = share <= params.max_quarantine_share and bool(quality.get("passed", False))
    note = "" if quality.get("passed", False) else "the data contract failed"
    return [RuleOutcome(rule, share, threshold, passed, note=note)]


def evaluate_gate(reports: dict, baselines: list[Baseline], params: GateParams) -> Verdict:
    """Apply every rule of params to the current reports and each baseline."""
    metrics = reports.get("metrics") or {}
    rules = absolute_rules(metrics, params)
    for baseline in baselines:
        rules += drop_rules(metrics, baseline, params)
    rules += segment_rules(reports.get("segments"), params)
    rules += data_quality_rules(reports.get("data_quality"), params)
    return Verdict(rules, baselines)
