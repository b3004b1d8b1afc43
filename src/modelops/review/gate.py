"""The metric gate: absolute floors and ceilings, the largest allowed drop against each
baseline, fairness across segments, the data contract and the fairness policy. Pure:
reports in, verdict out.

It never passes by omission: a metric the change does not report fails its rule, a segment
column that is not reported fails, a segment rule with no segment large enough to judge fails
as not judged, and a missing data-quality report fails.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from pydantic import BaseModel, ConfigDict

from modelops.config.metrics import LOWER_IS_BETTER, metric_value
from modelops.config.params import FairnessParams, GateParams
from modelops.config.reading import read_artifact
from modelops.errors import InputError
from modelops.review.baselines import Baseline
from modelops.review.champion import COMPARED, NO_MODEL, NOT_COMPARABLE, SameRows

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
    interval: list[float] | None = None  # the drop's bootstrap interval, for a drop rule

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
    # How the model under review was had, when it is not the bytes its dvc.lock records.
    notes: tuple[str, ...] = ()

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
            "notes": list(self.notes),
            "baselines": [
                {
                    "name": b.name,
                    "ref": b.ref,
                    "commit": b.commit,
                    "found": b.found,
                    "note": b.note,
                    "metrics": b.reports.get("metrics"),
                    "features": features_used(b.reports),
                    "same_rows": b.same_rows.as_dict() if b.same_rows else None,
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
    interval: list[float] | None = None


class SameRowsRecord(_Record):
    status: str
    note: str
    equivalence: str | None = None  # older verdicts have none
    metrics: dict | None
    segments: dict | None
    drops: dict[str, dict[str, float]]
    compared_on: str | None = None  # older verdicts compared on every test row
    challenger_metrics: dict | None = None
    champion_metrics: dict | None = None


class BaselineRecord(_Record):
    name: str
    ref: str
    commit: str | None
    found: bool
    note: str
    metrics: dict | None
    features: list[str] | None = None  # the baseline model's, from its training/fairness report
    same_rows: SameRowsRecord | None = None


class VerdictRecord(_Record):
    """reports/gate.json as `modelops gate` writes it."""

    passed: bool
    failed_rules: list[str]
    rules: list[RuleRecord]
    baselines: list[BaselineRecord]
    notes: list[str] = []  # older verdicts have none


def read_verdict(data: object, source: str) -> dict:
    """A gate verdict read from a file, checked; anything else is an InputError."""
    what = "a gate verdict of modelops gate"
    if not isinstance(data, dict):
        raise InputError(f"{source}: not {what} (not a JSON object)")
    return read_artifact(VerdictRecord, data, source, what).model_dump()


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


def _champion_too(
    outcomes: list[RuleOutcome], baselines: list[Baseline], params: GateParams
) -> list[RuleOutcome]:
    """A floor or ceiling the challenger fails is said with how each baseline's model does on
    the same reference rows: one it fails too is reported, never waived (a rule the champion
    cannot keep either is a rule to review, not a pass)."""
    said = []
    for outcome in outcomes:
        name = outcome.rule.rsplit(" ", 2)[0]
        notes = [
            f"{b.name}'s model {value:.4f} there"
            + (" fails it too" if not _keeps(name, value, params) else "")
            for b in baselines
            if not outcome.passed
            and b.same_rows is not None
            and b.same_rows.status == COMPARED
            and (value := metric_value(b.same_rows.metrics, name)) is not None
        ]
        note = "; ".join(([outcome.note] if outcome.note else []) + notes)
        said.append(replace(outcome, note=note) if notes else outcome)
    return said


def _keeps(name: str, value: float, params: GateParams) -> bool:
    if name in params.floors:
        return value >= params.floors[name] - TOLERANCE
    return value <= params.ceilings[name] + TOLERANCE


def candidate_rules(candidate: dict | None, params: GateParams) -> list[RuleOutcome]:
    """The floors and ceilings for the candidate too, where the served model is its refit:
    the candidate is what the drop rules judged, the refit what is registered; both must keep
    the compliance rules on the reference rows."""
    if not isinstance(candidate, dict) or candidate.get("refit") is not True:
        return []
    reference = candidate.get("reference_metrics")
    if not isinstance(reference, dict):
        return [_missing("candidate before refit", "its reference metrics", "not reported")]
    return [
        replace(outcome, rule=f"candidate before refit: {outcome.rule}")
        for outcome in absolute_rules(reference, params)
    ]


def _unjudged(same: SameRows | None, baseline: Baseline, params: GateParams):
    """(passed, note) when a comparison with baseline cannot be made; None when it can."""
    if baseline.commit is None:
        return True, f"no baseline: {baseline.note}"
    if same is None:
        return False, "baseline model not compared"
    if same.status == NO_MODEL:
        return True, f"no baseline: {same.note}"
    if same.status == NOT_COMPARABLE:
        if params.new_baseline:
            return True, f"new baseline declared (gate.new_baseline); not comparable: {same.note}"
        return False, f"not comparable: {same.note}"
    if same.status != COMPARED:
        return False, f"{same.status}: {same.note}"
    return None


def drop_rules(metrics: dict, baseline: Baseline, params: GateParams) -> list[RuleOutcome]:
    """Against one baseline: how much each metric may worsen, the baseline's model scored on
    this change's test rows (its stored metrics came from other rows).

    No baseline passes, saying why (no version in the stage; a ref from before the model);
    a baseline model that cannot be had, or cannot score these rows, fails, saying why.
    """
    outcomes = []
    same = baseline.same_rows
    comparison = params.comparison
    for name, allowed in params.max_drop.items():
        rule = f"{name} drop vs {baseline.name}"
        threshold = f"drop <= {allowed}"
        value = metric_value(metrics, name)
        if value is None:
            outcomes.append(_missing(rule, threshold))
            continue
        unjudged = _unjudged(same, baseline, params)
        if unjudged is not None:
            outcomes.append(RuleOutcome(rule, value, threshold, unjudged[0], note=unjudged[1]))
            continue
        drop = same.drops.get(name)
        if drop is None:
            outcomes.append(_missing(rule, threshold, f"not measured for {baseline.name}"))
            continue
        judged = drop.point if comparison.decide_on == "point" else drop.low
        note = (
            f"{same.compared_on or 'same rows'}: drop {drop.point:+.4f}, "
            f"{comparison.confidence:.0%} interval [{drop.low:+.4f}, {drop.high:+.4f}]"
            + (" (a real difference)" if drop.significant else " (within noise)")
        )
        mine, theirs = same.challenger_metrics or metrics, same.champion_metrics or same.metrics
        outcomes.append(
            RuleOutcome(
                rule,
                metric_value(mine, name),
                threshold,
                judged <= allowed + TOLERANCE,
                baseline=metric_value(theirs, name),
                note=note,
                interval=[drop.low, drop.high],
            )
        )
    return outcomes


def segment_drop_rules(
    segments: dict | None, baseline: Baseline, columns: list[str], params: GateParams
) -> list[RuleOutcome]:
    """Against one baseline's model on the same rows: how much any large-enough segment may
    worsen, so that a fairness regression is a comparison too, not only a floor."""
    rules = params.segments
    outcomes = []
    same = baseline.same_rows
    for column in columns:
        for metric, limit in rules.max_drop.items():
            rule = f"{column} segments {metric} drop vs {baseline.name}"
            threshold = f"drop <= {limit}"
            unjudged = _unjudged(same, baseline, params)
            if unjudged is not None:
                outcomes.append(RuleOutcome(rule, None, threshold, unjudged[0], note=unjudged[1]))
                continue
            mine = (segments or {}).get(column)
            theirs = (same.segments or {}).get(column)
            if not isinstance(mine, dict) or not isinstance(theirs, dict):
                outcomes.append(_missing(rule, threshold, "segment column not reported"))
                continue
            sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
            found = {}
            for name, group in mine.items():
                after, before = metric_value(group, metric), metric_value(theirs.get(name), metric)
                if after is not None and before is not None and group.get("n", 0) >= rules.min_rows:
                    found[name] = sign * (before - after)
            if not found:
                outcomes.append(_missing(rule, threshold, _not_judged(rules.min_rows)))
                continue
            worst = max(found, key=found.get)
            outcomes.append(
                RuleOutcome(
                    rule,
                    found[worst],
                    threshold,
                    found[worst] <= limit + TOLERANCE,
                    note=f"largest drop: {worst}, same rows, n >= {rules.min_rows}",
                )
            )
    return outcomes


def new_baseline_rule(baselines: list[Baseline], params: GateParams) -> list[RuleOutcome]:
    """gate.new_baseline only where a baseline cannot score the rows: never a standing bypass."""
    if not params.new_baseline:
        return []
    needed = [b.name for b in baselines if b.same_rows and b.same_rows.status == NOT_COMPARABLE]
    note = (
        f"not comparable with {', '.join(needed)}"
        if needed
        else "every baseline can score these rows: remove gate.new_baseline"
    )
    return [
        RuleOutcome("gate.new_baseline declared", None, "only when needed", bool(needed), note=note)
    ]


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
        not_judged = _not_judged(rules.min_rows)
        for metric, floor in rules.floors.items():
            rule = f"{column} segments {metric} >= floor"
            values = _segment_values(sized, metric)
            if not values:
                outcomes.append(_missing(rule, f">= {floor}", not_judged))
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
                outcomes.append(_missing(rule, f"<= {limit}", _not_judged(rules.min_rows, 2)))
                continue
            high, low = max(values, key=values.get), min(values, key=values.get)
            gap = values[high] - values[low]
            outcomes.append(
                RuleOutcome(
                    rule, gap, f"<= {limit}", gap <= limit + TOLERANCE, note=f"{high} vs {low}"
                )
            )
    return outcomes


def _not_judged(min_rows: int, needed: int = 1) -> str:
    # A rule with nothing to judge is not a rule kept: it fails, saying so (gate.segments.
    # min_rows above every segment's size would otherwise switch every segment rule off).
    which = "no segment" if needed == 1 else f"fewer than {needed} segments"
    return f"not judged: {which} with n >= {min_rows} and a value to judge"


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


# The fairness policy (fairness.* in the policy, compliance's). Never a pass by omission: a
# missing fairness report, age rule or attribute fails, a feature list that cannot be read
# fails, and a group too small to judge is stated as not judged.
GROUP_RULES = (
    # (report key, limit field, at least?)
    ("approval_ratio", "min_approval_ratio", True),
    ("equal_opportunity_gap", "max_equal_opportunity_gap", False),
    ("calibration_gap", "max_calibration_gap", False),
)


def features_used(reports: dict) -> list[str] | None:
    """The model's features as its reports state them: fairness.json's and training.json's
    lists together (either may be the only one), None when neither says."""
    lists = [
        ((reports.get("fairness") or {}).get("features") or {}).get("used"),
        (reports.get("training") or {}).get("features"),
    ]
    found = [x for x in lists if isinstance(x, list)]
    return None if not found else sorted({str(f) for x in found for f in x})


def prohibited_rules(reports: dict, policy: FairnessParams) -> list[RuleOutcome]:
    """No prohibited attribute among the model's features."""
    used = features_used(reports)
    outcomes = []
    for name in policy.prohibited:
        rule, threshold = f"fairness.{name} not a feature", "prohibited basis"
        if used is None:
            outcomes.append(_missing(rule, threshold, "the model's features are not reported"))
            continue
        passed = name not in used
        note = "not among the features" if passed else "the model reads it"
        outcomes.append(RuleOutcome(rule, None, threshold, passed, note=note))
    return outcomes


def age_rule(fairness: dict | None, policy: FairnessParams) -> list[RuleOutcome]:
    """Reg B 1002.6(b)(2), as evaluate measured it: no test row's p_default rose."""
    rule_params = policy.no_negative_factor
    if rule_params is None:
        return []
    low, high = rule_params.to
    rule = f"fairness.age_rule.{rule_params.attribute} no rise from {rule_params.from_}"
    threshold = f"no p_default rise at {low}..{high} (tolerance {TOLERANCE})"
    found = (fairness or {}).get("age_rule")
    if not isinstance(found, dict):
        return [_missing(rule, threshold, "age rule not reported")]
    expected = (rule_params.attribute, rule_params.from_, [low, high])
    if (found.get("attribute"), found.get("from"), found.get("to")) != expected:
        note = f"reported for {found.get('attribute')} {found.get('from')}->{found.get('to')}"
        return [_missing(rule, threshold, f"{note}, not the policy's: stale report")]
    raised, rows = found.get("rows_raised"), found.get("rows")
    increase = found.get("max_increase")
    if not isinstance(raised, int) or not isinstance(rows, int) or rows == 0:
        return [_missing(rule, threshold, "no rows measured")]
    passed = raised == 0 and found.get("passed") is True
    note = f"{raised} of {rows} rows raised"
    used = (fairness.get("features") or {}).get("used")
    if isinstance(used, list) and rule_params.attribute not in used:
        # Not a vacuous pass: a model that does not read the attribute cannot be moved by it.
        note += f" (the model does not read {rule_params.attribute})"
    return [RuleOutcome(rule, increase, threshold, passed, note=note)]


def group_rules(fairness: dict | None, policy: FairnessParams) -> list[RuleOutcome]:
    """Per protected attribute and judged group: approval ratio, equal-opportunity gap and
    calibration gap against the policy's limits (the attribute's own where it sets them)."""
    groups_by_attribute = (fairness or {}).get("groups")
    drawn = _intervals_drawn(fairness or {}, policy) if policy.decide_on == "interval" else None
    outcomes = []
    for name in policy.attributes:
        limits = policy.limits_for(name)
        groups = (groups_by_attribute or {}).get(name)
        if not isinstance(groups, dict) or not groups:
            outcomes.append(_missing(f"fairness.{name}", "groups reported", "not reported"))
            continue
        sizes = {g: v.get("n") if isinstance(v, dict) else None for g, v in groups.items()}
        judged = [g for g, n in sizes.items() if isinstance(n, int) and n >= limits.min_rows]
        if not judged:
            outcomes.append(
                _missing(
                    f"fairness.{name}",
                    f"a group with n >= {limits.min_rows}",
                    "no group large enough to judge",
                )
            )
            continue
        for group, n in sizes.items():
            if group in judged:
                outcomes += _judged_group(name, group, groups[group], limits, policy, drawn)
                continue
            note = f"not judged: {n} rows < min_rows {limits.min_rows}"
            outcomes.append(
                RuleOutcome(f"fairness.{name}.{group} judged", n, "too few rows", True, note=note)
            )
    return outcomes


def _judged_group(
    attribute: str, group: str, values: dict, limits, policy: FairnessParams, drawn: str | None
) -> list[RuleOutcome]:
    """A judged group's three rules. interval (the policy's default): fails only when the whole
    bootstrap interval is past the limit, and a missing or stale interval fails; point: the
    value on the test rows decides. A limit the policy sets to null: off, stated, passing."""
    outcomes = []
    for key, field, at_least in GROUP_RULES:
        limit = getattr(limits, field)
        sign = ">=" if at_least else "<="
        if limit is None:
            rule = f"fairness.{attribute}.{group}.{key}"
            value = values.get(key)
            value = float(value) if isinstance(value, int | float) else None
            interval = _interval(values.get(f"{key}_interval"))
            shown = "" if interval is None else f", {_shown(interval)}"
            note = f"fairness.attributes.{attribute}.{field} is null: reported{shown}, not gated"
            outcomes.append(
                RuleOutcome(rule, value, "off by policy", True, note=note, interval=interval)
            )
            continue
        rule = f"fairness.{attribute}.{group}.{key} {sign} {limit}"
        threshold = f"{sign} {limit}"
        value = values.get(key)
        if not isinstance(value, int | float):
            outcomes.append(_missing(rule, threshold, "not measured"))
            continue
        interval = _interval(values.get(f"{key}_interval"))
        shown = "interval missing" if interval is None else _shown(interval)
        note = f"n {values.get('n')}, {shown}"
        if policy.decide_on == "point":
            passed = value >= limit - TOLERANCE if at_least else value <= limit + TOLERANCE
            note += ", decided on the point value"
        elif interval is None or drawn is not None:
            # Decided on an interval that is not there (or not the policy's): never a pass.
            why = drawn or "decided on the interval, none reported"
            outcomes.append(
                RuleOutcome(rule, float(value), threshold, False, note=f"{note}: {why}")
            )
            continue
        else:
            low, high = interval
            # Past the limit only when the whole interval is: otherwise within sampling noise.
            passed = high >= limit - TOLERANCE if at_least else low <= limit + TOLERANCE
            note += ", decided on the interval" + (
                "" if passed == _point_passes(value, limit, at_least) else " (point alone: FAIL)"
            )
        outcomes.append(
            RuleOutcome(rule, float(value), threshold, passed, note=note, interval=interval)
        )
    return outcomes


def _point_passes(value: float, limit: float, at_least: bool) -> bool:
    return value >= limit - TOLERANCE if at_least else value <= limit + TOLERANCE


def _interval(found: object) -> list[float] | None:
    if (
        isinstance(found, list)
        and len(found) == 2
        and all(isinstance(x, int | float) and x == x for x in found)
        and found[0] <= found[1]
    ):
        return [float(found[0]), float(found[1])]
    return None


def _shown(interval: list[float]) -> str:
    return f"interval [{interval[0]:.4f}, {interval[1]:.4f}]"


def _intervals_drawn(fairness: dict, policy: FairnessParams) -> str | None:
    """None when the report's intervals were drawn as the policy says; otherwise why not (a
    stale report's intervals decide nothing)."""
    drawn = fairness.get("intervals")
    wanted = {"resamples": policy.resamples, "confidence": policy.confidence, "seed": policy.seed}
    if not isinstance(drawn, dict):
        return "intervals not reported"
    if {k: drawn.get(k) for k in wanted} != wanted:
        return f"intervals drawn with {drawn}, not the policy's {wanted}: stale report"
    return None


def fairness_rules(reports: dict, policy: FairnessParams) -> list[RuleOutcome]:
    """Every rule of the fairness policy on a change's (or a version's) reports."""
    fairness = reports.get("fairness")
    if fairness is None:
        return [
            *prohibited_rules(reports, policy),
            _missing("fairness report", "reports/fairness.json", "fairness report missing"),
        ]
    return [
        *prohibited_rules(reports, policy),
        *age_rule(fairness, policy),
        *group_rules(fairness, policy),
    ]


def _said_once(outcomes: list[RuleOutcome]) -> list[RuleOutcome]:
    """Rules against one baseline that fail for one reason (its model is unavailable): the
    first says why, the others refer to it, so a 300-character reason is not read six times."""
    first: dict[str, str] = {}
    said = []
    for outcome in outcomes:
        if outcome.passed or len(outcome.note) < 80:
            said.append(outcome)
        elif outcome.note in first:
            status = outcome.note.partition(":")[0]
            said.append(replace(outcome, note=f"{status}, as for {first[outcome.note]}"))
        else:
            first[outcome.note] = outcome.rule
            said.append(outcome)
    return said


def evaluate_gate(
    reports: dict,
    baselines: list[Baseline],
    params: GateParams,
    segment_columns: list[str],
    declared_here: bool = True,
    fairness: FairnessParams | None = None,
) -> Verdict:
    """Apply every rule of params to the current reports and each baseline.

    declared_here: the reports are a change under review, where gate.new_baseline is judged
    (a registered version's params said it when it was reviewed). fairness: the policy's
    fairness section, judged on reports["fairness"] and reports["training"].
    """
    metrics = reports.get("metrics") or {}
    rules = _champion_too(absolute_rules(metrics, params), baselines, params)
    rules += candidate_rules(reports.get("candidate"), params)
    for baseline in baselines:
        rules += _said_once(
            drop_rules(metrics, baseline, params)
            + segment_drop_rules(reports.get("segments"), baseline, segment_columns, params)
        )
    rules += segment_rules(reports.get("segments"), segment_columns, params)
    rules.append(data_contract_rule(reports.get("data_quality")))
    if fairness is not None:
        rules += fairness_rules(reports, fairness)
    if declared_here:
        rules += new_baseline_rule(baselines, params)
    return Verdict(rules, baselines)
