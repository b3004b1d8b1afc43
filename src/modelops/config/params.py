"""The config files as one strict model: one section per concern, checked on load.

params.yaml (data science) holds data, split, train and evaluate; the other sections live in
the files of the roles that own them, beside it (config/layout.py: policy.yaml, business.yaml,
serve.yaml, data/sources.yaml). Unknown keys, wrong types, values scikit-learn would refuse and
contradictions are a ConfigError naming the file the key is in, the key path and the value.
`check_against_contract` checks what params say about columns against what data/contract.yaml
says they are. Each dvc.yaml stage
lists exactly the keys it uses, so a change re-runs only the stages it affects.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from modelops.config.contract import Contract
from modelops.config.layout import file_of, read_sections
from modelops.config.metrics import METRICS, SEGMENT_METRICS, limit_problem
from modelops.config.reading import Strict, describe, first_problem
from modelops.errors import ConfigError, shown

Seed = Field(ge=0, le=2**32 - 1)  # numpy's range for a random seed
# A count of rows no data set here reaches: a size or depth above it is a typo, and numbers
# past 2**31 overflow scikit-learn's compiled trees.
MAX_ROWS = 1_000_000_000
MAX_DEPTH = 10_000
Metric = Literal[METRICS]
SegmentMetric = Literal[SEGMENT_METRICS]


def _repeated(values: list[str]) -> str | None:
    return next((v for v in values if values.count(v) > 1), None)


class DataParams(Strict):
    """Which columns the model learns from, and the column ingest adds to name each source."""

    source_column: str = Field(min_length=1)
    features: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> DataParams:
        if (twice := _repeated(self.features)) is not None:
            raise ValueError(f"features lists {shown(twice)} twice")
        return self


class Source(Strict):
    """One place applications come from: a CSV or Parquet file, or a SQL query."""

    name: str = Field(min_length=1)
    kind: Literal["csv", "parquet", "sql"]
    path: str | None = None
    url: str | None = None
    query: str | None = None

    @model_validator(mode="after")
    def _keys_fit_kind(self) -> Source:
        needed, unused = (("url", "query"), ("path",)) if self.kind == "sql" else (("path",), ())
        unused += ("url", "query") if self.kind != "sql" else ()
        for key in needed:
            if not getattr(self, key):
                raise ValueError(f"a {self.kind} source needs '{key}'")
        for key in unused:
            if getattr(self, key) is not None:
                raise ValueError(f"'{key}' does not apply to a {self.kind} source")
        return self


class IngestParams(Strict):
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> IngestParams:
        if (twice := _repeated([s.name for s in self.sources])) is not None:
            raise ValueError(f"two sources are named {shown(twice)}: names must be unique")
        return self


class SplitParams(Strict):
    test_size: float = Field(gt=0, lt=1)
    seed: int = Seed
    # The newest share of feedback rows (by predicted_at) that go to test, so that the gate
    # judges a retrained model on recent production applications; test_size of the rest.
    recent_test_share: float = Field(0.2, ge=0, le=1)


class LogisticRegressionParams(Strict):
    C: float = Field(1.0, gt=0)
    max_iter: int = Field(100, ge=1, le=1_000_000)
    class_weight: Literal["balanced"] | None = None


class RandomForestParams(Strict):
    n_estimators: int = Field(100, ge=1, le=100_000)
    min_samples_leaf: int = Field(1, ge=1, le=MAX_ROWS)
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    max_features: Literal["sqrt", "log2"] | None = "sqrt"
    class_weight: Literal["balanced", "balanced_subsample"] | None = None
    n_jobs: int = Field(1, ge=-1, le=1024)

    @model_validator(mode="after")
    def _jobs(self) -> RandomForestParams:
        if self.n_jobs == 0:
            raise ValueError(
                f"n_jobs must be 1 or more processes, or -1 for every core, got {self.n_jobs}"
            )
        return self


class HistGradientBoostingParams(Strict):
    learning_rate: float = Field(0.1, gt=0, le=10)
    max_iter: int = Field(100, ge=1, le=100_000)
    max_leaf_nodes: int = Field(31, ge=2, le=MAX_ROWS)
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    min_samples_leaf: int = Field(20, ge=1, le=MAX_ROWS)
    l2_regularization: float = Field(0.0, ge=0)
    class_weight: Literal["balanced"] | None = None


ModelKind = Literal["logistic_regression", "random_forest", "hist_gradient_boosting"]
MODEL_KINDS: tuple[str, ...] = ModelKind.__args__


class TrainParams(Strict):
    """The estimator to fit, the hyper-parameters of each kind, and the threshold's folds."""

    model: ModelKind
    seed: int = Seed
    cv_folds: int = Field(ge=2, le=50)
    # Feedback rows have outcomes only where a loan was granted: inverse_propensity weights
    # each by 1/propensity (an explored approval stands for the rejections it was drawn
    # from); original rows weigh 1.
    feedback_weighting: Literal["none", "inverse_propensity"] = "none"
    # An original row's weight against a feedback row's 1 (the fit and the threshold): below 1
    # the model leans to the present, the outcomes of the loans it made; 1 weighs all alike.
    original_weight: float = Field(1.0, gt=0, le=1)
    # A feedback row's weight halves for every this many days its decision is older than the
    # newest feedback row's: the newest outcomes describe the world the model will serve.
    # null: every feedback row weighs alike.
    feedback_half_life_days: float | None = Field(None, gt=0, le=3650)
    # Fit the served model again on the newest outcomes too, once they have judged the
    # candidate fitted without them (models/model.skops; the candidate's answers in
    # reports/candidate.json): the newest outcomes are the most informative rows there are.
    refit: bool = True
    # Data scientist: the out-of-fold predictions the threshold is chosen on come from at most
    # this many training rows (a seeded random sample; the final fit uses every row): they
    # cost cv_folds fits, and 100,000 rows already pin value per application and ROC AUC to a
    # standard error near 0.0015. A training set this size or smaller is used whole.
    threshold_rows: int = Field(100_000, ge=1_000, le=100_000_000)
    logistic_regression: LogisticRegressionParams = LogisticRegressionParams()
    random_forest: RandomForestParams = RandomForestParams()
    hist_gradient_boosting: HistGradientBoostingParams = HistGradientBoostingParams()

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The chosen estimator's keyword arguments."""
        return getattr(self, self.model).model_dump()


class BusinessParams(Strict):
    """Money per unit of loan amount: earned on a repaid loan, lost on a defaulted one.

    Both are shares of the amount, at most 1: a loan does not lose more than was lent, and one
    earning more than its whole amount is a percentage written for a share (15 for 0.15),
    which would move the threshold until the model approves nearly everyone."""

    amount_column: str
    margin: float = Field(gt=0, le=1)
    loss_given_default: float = Field(gt=0, le=1)


class EvaluateParams(Strict):
    segments: list[str] = Field(default_factory=list)
    segment_edges: dict[str, list[float]] = Field(default_factory=dict)
    permutation_repeats: int = Field(ge=1, le=100)
    # Data scientist: permutation importance is measured on at most this many test rows (a
    # seeded random sample): it costs features x repeats predictions, and at 20,000 rows the
    # ROC AUC it shuffles has a standard error near 0.0035 (an importance, a paired difference
    # on those rows, less).
    # A test set this size or smaller is used whole.
    importance_rows: int = Field(20_000, ge=1_000, le=100_000_000)
    seed: int = Seed

    @model_validator(mode="after")
    def _edges(self) -> EvaluateParams:
        if (twice := _repeated(self.segments)) is not None:
            raise ValueError(f"segments lists {shown(twice)} twice")
        for column, edges in self.segment_edges.items():
            if column not in self.segments:
                raise ValueError(f"segment_edges.{column}: {column!r} is not under segments")
            if len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges)):
                raise ValueError(
                    f"segment_edges.{column} must list at least two strictly increasing "
                    f"edges, got {edges}"
                )
        return self


class SegmentRules(Strict):
    min_rows: int = Field(1, ge=1, le=MAX_ROWS)
    floors: dict[SegmentMetric, float] = Field(default_factory=dict)
    max_gap: dict[SegmentMetric, float] = Field(default_factory=dict)
    # Against each baseline's model on the same rows: how much a segment may worsen.
    max_drop: dict[SegmentMetric, float] = Field(default_factory=dict)


class Comparison(Strict):
    """How a challenger's drop against a baseline model on the same rows is judged."""

    # point: the drop measured on the test rows must be within the limit. interval: only a
    # drop whose whole bootstrap interval is above the limit fails (fewer false alarms, more
    # real drops let through on a small test set).
    decide_on: Literal["point", "interval"] = "point"
    resamples: int = Field(1000, ge=100, le=100_000)
    confidence: float = Field(0.9, gt=0.5, lt=1)
    seed: int = Field(0, ge=0, le=2**32 - 1)


class Equivalence(Strict):
    """When a model rebuilt on another machine (other float last bits, another md5) is the
    model a commit recorded: its answers on the recorded golden applications and its metrics
    on the recorded test rows are this close (and every decision is the same)."""

    # Another CPU's BLAS moves p_default by ~1e-16; a real change of model moves it by far
    # more than 1e-9. Both are absolute differences.
    p_default: float = Field(1e-9, ge=0, le=1e-3)
    metrics: float = Field(1e-9, ge=0, le=1e-3)


class GateRows(Strict):
    """Which test rows the drop rules compare a challenger and the champion on. The compliance
    rules (floors, ceilings, segments, fairness) always judge the reference rows: the test
    share of the original sources, the same rows for every retrain, never trained on."""

    # newest_outcomes: the candidate (fitted without them) against the champion on the newest
    # labelled outcomes, the present the model will serve; they are loans the champion made,
    # so only a clearly worse challenger should fail there (decide_on: interval).
    # reference: on the reference rows, which stop moving but stop describing a changed world.
    drops: Literal["newest_outcomes", "reference"] = "newest_outcomes"
    # Fewer newest outcomes than this: the drops are judged on the reference rows, said so.
    min_newest_outcomes: int = Field(100, ge=1, le=10_000_000)


class GateParams(Strict):
    """The rules a model must keep to be merged, registered or promoted (compliance and the
    data science manager)."""

    artifact: str = Field(min_length=1)
    baseline_stages: list[str] = Field(default_factory=list)
    floors: dict[Metric, float] = Field(default_factory=dict)
    ceilings: dict[Metric, float] = Field(default_factory=dict)
    max_drop: dict[Metric, float] = Field(default_factory=dict)
    segments: SegmentRules = SegmentRules()
    comparison: Comparison = Comparison()
    rows: GateRows = GateRows()
    equivalence: Equivalence = Equivalence()
    # A change whose data or features make the baseline models unable to score its rows
    # (a fork's first model, a new target) declares it here, in a reviewed line of the diff.
    new_baseline: bool = False

    @model_validator(mode="after")
    def _limits(self) -> GateParams:
        for key, limits in (
            ("max_drop", self.max_drop),
            ("segments.max_drop", self.segments.max_drop),
        ):
            negative = next((k for k, v in limits.items() if v < 0), None)
            if negative is not None:
                raise ValueError(f"{key}.{negative} must be 0 or more, got {limits[negative]}")
        segments = self.segments
        for prefix, kind, limits in (
            ("", "floors", self.floors),
            ("", "ceilings", self.ceilings),
            ("", "max_drop", self.max_drop),
            ("segments.", "floors", segments.floors),
            ("segments.", "max_gap", segments.max_gap),
            ("segments.", "max_drop", segments.max_drop),
        ):
            for metric, limit in limits.items():
                if (problem := limit_problem(kind, metric, limit)) is not None:
                    raise ValueError(prefix + problem)
        return self


class GroupLimits(Strict):
    """How protected groups are judged (compliance). A key left out: the policy-wide limit
    applies; a rule limit set to null: that rule is off for the attribute (reported, not gated).
    """

    # A group with fewer test rows is reported as not judged: its rates are noise (at 50 rows
    # and a 30 % bad rate the standard error of a rate is about 0.065).
    min_rows: int | None = Field(None, ge=1, le=MAX_ROWS)
    # The four-fifths rule: a group's approval rate over the most-approved group's.
    min_approval_ratio: float | None = Field(None, gt=0, le=1)
    # Equal opportunity: |approval rate among applicants who repaid, minus the most-approved
    # group's|.
    max_equal_opportunity_gap: float | None = Field(None, gt=0, le=1)
    # Calibration by group: |mean p_default - observed bad rate| within the group.
    max_calibration_gap: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _min_rows_not_off(self) -> GroupLimits:
        # Every attribute needs a size below which a group is not judged: it cannot be off.
        if "min_rows" in self.model_fields_set and self.min_rows is None:
            raise ValueError("min_rows cannot be null (leave it out to use the policy's)")
        return self


class PolicyLimits(GroupLimits):
    """The limits every protected attribute is judged by unless it sets its own (null: the
    rule is off)."""

    min_rows: int = Field(50, ge=1, le=MAX_ROWS)
    min_approval_ratio: float | None = Field(0.8, gt=0, le=1)
    max_equal_opportunity_gap: float | None = Field(0.1, gt=0, le=1)
    max_calibration_gap: float | None = Field(0.1, gt=0, le=1)


class ProtectedAttribute(GroupLimits):
    """One protected attribute: whether the model may read it, why, and its groups."""

    feature: bool  # false: a prohibited basis, kept in the data only to measure fairness
    basis: str = Field(min_length=1)  # the law or rule behind it, quoted in reports
    bands: list[float] | None = None  # numeric attributes: group edges, [lo, hi)

    @model_validator(mode="after")
    def _bands(self) -> ProtectedAttribute:
        edges = self.bands
        if edges is not None and (
            len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges))
        ):
            raise ValueError(f"bands must list at least two strictly increasing edges, got {edges}")
        return self


# Each value of no_negative_factor.to is one prediction of every test row.
MAX_RULE_VALUES = 200


class NoNegativeFactor(Strict):
    """Reg B 12 CFR 1002.6(b)(2): applicants aged 62 or older get no negative factor. Checked
    behaviourally: moving the attribute from `from` to any value in `to` never raises
    p_default."""

    attribute: str = Field(min_length=1)
    from_: int = Field(alias="from")
    to: list[int] = Field(min_length=2, max_length=2)

    @model_validator(mode="after")
    def _range(self) -> NoNegativeFactor:
        low, high = self.to
        if not self.from_ < low <= high:
            raise ValueError(f"to must be [low, high] above from ({self.from_}), got {[low, high]}")
        if high - low >= MAX_RULE_VALUES:
            raise ValueError(
                f"to {[low, high]} spans {high - low + 1} values: at most {MAX_RULE_VALUES} "
                "(each is a prediction of every test row)"
            )
        return self


class FairnessParams(Strict):
    """The fairness policy (compliance; policy.yaml): protected attributes, whether each may
    be a feature, and the limits the gate holds each group to."""

    attributes: dict[str, ProtectedAttribute] = Field(min_length=1)
    limits: PolicyLimits = PolicyLimits()
    no_negative_factor: NoNegativeFactor | None = None
    # The four-fifths rule's own qualification (EEOC Uniform Guidelines, 29 CFR 1607.4(D)):
    # a difference based on small numbers that is not statistically significant may not be
    # adverse impact. interval: a group's rule fails only when its whole bootstrap interval is
    # past the limit; point: the value measured on the test rows decides.
    decide_on: Literal["point", "interval"] = "interval"
    resamples: int = Field(1000, ge=100, le=100_000)  # bootstrap resamples of the test rows
    confidence: float = Field(0.9, gt=0.5, lt=1)
    seed: int = Field(0, ge=0, le=2**32 - 1)

    @property
    def prohibited(self) -> list[str]:
        """Attributes that must never be a feature."""
        return [name for name, a in self.attributes.items() if not a.feature]

    def limits_for(self, attribute: str) -> PolicyLimits:
        """The policy's limits with the attribute's own where it sets them (null: off)."""
        given = self.attributes[attribute]
        # Only the keys the attribute writes: an explicit null switches that rule off.
        own = {
            k: getattr(given, k) for k in GroupLimits.model_fields if k in given.model_fields_set
        }
        return self.limits.model_copy(update=own)

    @property
    def movable(self) -> list[str]:
        """The attributes no_negative_factor can judge: numeric ones (with bands) that the
        model may read. Moving a prohibited one, which the model never reads, would raise
        nothing and the rule would pass while the attribute it is meant for goes unchecked."""
        return [n for n, a in self.attributes.items() if a.feature and a.bands is not None]

    @model_validator(mode="after")
    def _rule_attribute(self) -> FairnessParams:
        rule = self.no_negative_factor
        if rule is None or rule.attribute in self.movable:
            return self
        judged = ", ".join(self.movable) or "none here"
        if rule.attribute not in self.attributes:
            why = "is not under attributes"
        elif not self.attributes[rule.attribute].feature:
            why = "is a prohibited basis (feature: false): the model never reads it"
        else:
            why = "is not numeric (no bands): it cannot be moved from one value to another"
        raise ValueError(
            f"no_negative_factor.attribute {rule.attribute!r} {why}; the rule can judge "
            f"a numeric protected attribute with feature: true ({judged})"
        )


class ExplorationParams(Strict):
    """Approvals at random among the applications the model rejects, so outcomes come back
    from there (the business's decision; serve/exploration.py). Off at rate 0. When on, a
    budget is required and the propensity of every decision is recorded."""

    # Share of the eligible rejections approved at random; capped at half, beyond which it
    # is no model. Its cost: the expected loss on those loans; what it buys: their outcomes.
    rate: float = Field(0.0, ge=0, le=0.5)
    # Budget per UTC day, over all workers (each holds 1/serve.workers of it): explored
    # approvals, and the sum of their expected loss in currency (business.yaml's margin and
    # loss_given_default at their p_default). None: no such cap; at rate > 0 one is needed.
    max_per_day: int | None = Field(None, ge=1, le=MAX_ROWS)
    max_expected_loss_per_day: float | None = Field(None, gt=0, le=1e12)
    # Targeting: only rejections with p_default below threshold + band (None: any rejection),
    # and, when segments are listed, only applications in one of them (a category feature ->
    # its values as the model reads them, e.g. {Job: [partime]}); both must hold.
    band: float | None = Field(None, gt=0, le=1)
    segments: dict[str, list[Annotated[str, Field(min_length=1)]]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _budgeted(self) -> ExplorationParams:
        if self.rate > 0 and self.max_per_day is None and self.max_expected_loss_per_day is None:
            raise ValueError(
                f"rate {self.rate:g} needs a budget: set max_per_day and/or "
                "max_expected_loss_per_day (exploration's cost per UTC day)"
            )
        for column, values in self.segments.items():
            if not values:
                raise ValueError(f"segments.{column} lists no value: it would target nothing")
        return self


class ServeParams(Strict):
    """The prediction service (support): where it listens, its store, how it batches."""

    # A name or an address to bind (127.0.0.1, 0.0.0.0, ::1, localhost): never empty, no spaces.
    host: str = Field("127.0.0.1", pattern=r"^[A-Za-z0-9_.:%\-]+$")
    port: int = Field(8000, ge=1, le=65535)
    # Overridden by the environment variable MODELOPS_STORE_URL (a password stays out of git).
    store_url: str = Field("sqlite:///var/predictions.db", min_length=1)
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    workers: int = Field(1, ge=1, le=64)
    max_rows_per_request: int = Field(1000, ge=1, le=100_000)
    max_body_bytes: int = Field(2_000_000, ge=1_000, le=1_000_000_000)  # 1 GB: not a request
    max_batch_size: int = Field(128, ge=1, le=100_000)
    max_wait_ms: float = Field(2.0, ge=0, le=1000)  # waited only while requests keep arriving
    # serve-check: how far a served p_default may be from the golden one (another CPU's
    # BLAS moves it by ~1e-16, so 0 would fail a released model on another machine).
    golden_tolerance: float = Field(1e-9, ge=0, le=0.01)
    # The business's: approvals at random among the rejections (serve/exploration.py).
    exploration: ExplorationParams = ExplorationParams()
    # How far into the future (by this service's clock) an outcome's observed_at may be: the
    # client's clock may run ahead. Beyond, or before its prediction, the outcome is refused
    # (422): outcomes are final, so an impossible time could never be put right.
    outcome_clock_skew_seconds: float = Field(300.0, gt=0, le=86_400, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_old_exploration_rate(cls, data: Any) -> Any:
        if isinstance(data, dict) and "exploration_rate" in data:
            raise ValueError(
                f"exploration_rate ({shown(data['exploration_rate'])}) is no longer a key: "
                "exploration is the section serve.exploration (rate, max_per_day, "
                "max_expected_loss_per_day, band, segments; serve.yaml documents each)"
            )
        return data


class MonitorParams(Strict):
    """When live traffic has moved far enough from the reference to warn or to alert (the data
    science manager's retrain policy). Every limit has a warn and an alert level."""

    bins: int = Field(10, ge=2, le=100)  # quantile bins of each number feature and the score
    min_rows: int = Field(
        500, ge=1, le=MAX_ROWS
    )  # fewer predictions (or outcomes) than this are not judged
    # Drift of an input feature: both measures must agree (see monitor/drift.py).
    # Population stability index: 0.1 shifting, 0.25 shifted. Its bins' 1e-4 floor caps it near
    # 18.4 (every row moved into a bin that was empty): a limit above 10 would never fire.
    psi_warn: float = Field(0.1, gt=0, le=10)
    psi_alert: float = Field(0.25, gt=0, le=10)
    # Jensen-Shannon distance (base 2, 0 to 1). Measured on the sample (held-out rows resampled
    # against the training rows' profile, 20 seeds at each of 1k, 10k, 100k rows): with no drift
    # no feature passed 0.09 (nor PSI 0.045); Income down a third gave 0.35 (PSI 0.70), Age up
    # 10 years 0.43 (PSI 2.0).
    distance_warn: float = Field(0.1, gt=0, le=1)
    distance_alert: float = Field(0.2, gt=0, le=1)
    max_missing_change: float = Field(0.05, gt=0, le=1)  # missing share moved by more: warn
    score_psi_warn: float = Field(0.1, gt=0, le=10)  # the same for the model's score
    score_psi_alert: float = Field(0.25, gt=0, le=10)
    # The approval rate moved from the reference test set's by more, in share points
    # (at 1,000 predictions its standard error is about 0.016).
    approval_change_warn: float = Field(0.08, gt=0, le=1)
    approval_change_alert: float = Field(0.15, gt=0, le=1)
    # Share of requests the service refused as invalid input.
    refused_warn: float = Field(0.01, gt=0, le=1)
    refused_alert: float = Field(0.05, gt=0, le=1)
    # Live ROC AUC among the model's approvals with an outcome, judged against the same figure
    # on the reference's approved test rows (0.69 for a healthy model: the all-rows 0.85 is not
    # comparable): warn (alert) when the shortfall is beyond the limit with its whole interval,
    # the noise of both counted (~500 outcomes and ~470 approved test rows: +-0.09 at 90%).
    # Healthy, a warn fires about 1 window in 60; a fall of 0.15 is found about half the time.
    live_auc_drop_warn: float = Field(0.03, gt=0, le=1)
    live_auc_drop_alert: float = Field(0.05, gt=0, le=1)
    # The same for business value per approved application (currency; ~74 on the reference,
    # its 90% interval +-17 on its approved test rows: only a large fall is told from noise).
    value_drop_warn: float = Field(5.0, gt=0)
    value_drop_alert: float = Field(10.0, gt=0)
    # Estimated ROC AUC (no outcomes yet) below the reference's by more: warn, never alert,
    # since the estimate assumes P(bad | score) has not changed.
    estimated_auc_drop_warn: float = Field(0.03, gt=0, le=1)
    calibration_bins: int = Field(10, ge=2, le=100)  # score bins of the estimate's calibration
    window_days: int = Field(7, ge=1, le=366)  # the window GET /dashboard shows
    resamples: int = Field(1000, ge=100, le=100_000)  # bootstrap of live performance
    confidence: float = Field(0.9, gt=0.5, lt=1)
    seed: int = Field(0, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _warn_before_alert(self) -> MonitorParams:
        pairs = ("psi", "distance", "score_psi", "approval_change", "refused", "live_auc_drop")
        for name in (*pairs, "value_drop"):
            warn, alert = getattr(self, f"{name}_warn"), getattr(self, f"{name}_alert")
            if warn > alert:
                raise ValueError(f"{name}_warn ({warn}) must not be above {name}_alert ({alert})")
        return self


class RetrainParams(Strict):
    """When to retrain the model on newer labelled data (the data science manager's retrain
    policy; `modelops retrain decide` applies it to monitoring.json). Any one rule that fires
    means retrain. A limit set to null switches its rule off, and the decision says so."""

    # Live ROC AUC among the model's approvals with an outcome (min_labelled_rows in the
    # window, every version's) below the same figure on its reference's approved test rows by
    # more than this, the shortfall's whole interval beyond it (both figures' noise,
    # monitor.confidence). 0.05: a healthy model fires about 1 window in 200 (the monitor's
    # alert drop); a fall of 0.15 is found about half the time, 0.2 nearly always. No
    # absolute floor: ROC AUC among approvals depends on the threshold (0.69 for the healthy
    # model, 0.85 over all rows).
    live_auc_drop: float | None = Field(0.05, gt=0, le=0.5)
    # Estimated ROC AUC (from scores alone, no outcomes needed) below the reference test set's
    # by more than this: the monitor's live alert drop (monitor.live_auc_drop_alert).
    estimated_auc_drop: float | None = Field(0.05, gt=0, le=0.5)
    # Share of input features at drift level alert at least this (0.25: 4 of the 13 features),
    # and only with min_labelled_rows new outcomes: retraining on drifted inputs without
    # outcomes for them teaches the model nothing.
    drift_alert_share: float | None = Field(0.25, gt=0, le=1)
    # Labelled outcomes in the window, every version's, before live performance or drift can
    # call for a retrain: fewer leave a retrain little new to learn. 500: the monitor's own
    # min_rows; below 30 the monitor does not even measure live performance.
    min_labelled_rows: int = Field(500, ge=30, le=MAX_ROWS)
    # The model's age at the window's end, in days: its training commit's time to the window's
    # end. 180: credit behaviour moves with the economy, and defaults take months to be known,
    # so twice a year is as often as a retrain has new outcomes to learn from.
    max_model_age_days: int | None = Field(180, ge=1, le=3650)
    # A scheduled retrain, beside the degradation rules above (an alarm): at least this many
    # final outcomes the model did not train on (observed since it was trained, every version),
    # and the gate decides whether the retrained model is served. It costs a pipeline run and a
    # review per retrain; it buys a model that keeps up with a world that changes without any
    # alarm. 500: about a period's loans in the simulation, where it gains +2.35 per application
    # in a downturn and +0.02 in a stable world (README). null: off (retrain only on an alarm).
    schedule_min_outcomes: int | None = Field(500, ge=30, le=MAX_ROWS)


class CardParams(Strict):
    """How the model card measures its test metrics' uncertainty (data scientist)."""

    resamples: int = Field(1000, ge=100, le=100_000)  # bootstrap resamples of the test rows
    confidence: float = Field(0.95, gt=0.5, lt=1)  # the card states 95% intervals
    seed: int = Field(0, ge=0, le=2**32 - 1)  # the same rows give the same intervals
    # Larger test sets are resampled m-out-of-n with m this (uncertainty.metric_intervals): the
    # interval's error from m = 20,000 is far below its width, at a fraction of the cost.
    max_rows: int = Field(20_000, ge=1_000, le=10_000_000)


class FeedbackParams(Strict):
    """Which production outcomes `modelops feedback export` writes as training rows."""

    # Days after its observed_at before an outcome counts as final and is exported: a loan
    # reported repaid so far may still default, and a row once exported trains models. 90: a
    # quarter of repayments (loans here run 6 to 72 months); 0 exports every outcome at once.
    min_outcome_age_days: int = Field(90, ge=0, le=3650)


# One reason an applicant is sent: short enough for an adverse action notice.
ReasonText = Annotated[str, Field(min_length=1, max_length=200)]


class Params(Strict):
    data: DataParams
    ingest: IngestParams
    split: SplitParams
    train: TrainParams
    business: BusinessParams
    evaluate: EvaluateParams
    gate: GateParams
    fairness: FairnessParams
    serve: ServeParams = ServeParams()
    monitor: MonitorParams = MonitorParams()
    retrain: RetrainParams = RetrainParams()
    feedback: FeedbackParams = FeedbackParams()
    card: CardParams = CardParams()
    # Compliance's words, per feature, for a rejection's principal reasons (explain/reasons.py;
    # Regulation B 1002.9 adverse action notices): a loan officer sends them to the applicant
    # as /v1/predict gives them. Every feature needs one (a feature without words could not be
    # told); texts of columns that are not features are kept for when they are.
    reasons: dict[str, ReasonText]


def load_params(
    path: str | Path, contract: Contract | None = None, contract_file: str | Path | None = None
) -> Params:
    """Read params.yaml at path and the other config files beside it, and check them as one
    (and against the contract when one is given); any mistake is a ConfigError naming the file
    the key is in, the key and the value.

    A feature's root problem comes before its missing reason: `Salary` is not a column,
    `Marital` a prohibited basis, `Status` the target; writing their texts would fix nothing.
    """
    raw = read_sections(path)
    try:
        params = Params.model_validate(raw)
    except ValidationError as err:
        loc = first_problem(err)["loc"]
        where = file_of(str(loc[0]), path) if loc else path
        raise ConfigError(describe(err, Params, where)) from None
    if contract is not None:
        check_against_contract(params, contract, path, contract_file or "the contract")
    _check_no_prohibited_feature(params, path)
    # Checked here, not in Params, so the error names the file the texts are in.
    missing = next((f for f in params.data.features if f not in params.reasons), None)
    if missing is not None:
        raise ConfigError(
            f"{file_of('reasons', path)}: 'reasons.{missing}' is missing: every feature in "
            "data.features needs the text a rejected applicant is sent"
        )
    _check_segment_rules_have_segments(params, path)
    return params


def _check_segment_rules_have_segments(params: Params, path: str | Path) -> None:
    """gate.segments rules judge the columns under evaluate.segments: with none listed they
    would judge nothing and never fail."""
    rules = params.gate.segments
    named = [k for k in ("floors", "max_gap", "max_drop") if getattr(rules, k)]
    if named and not params.evaluate.segments:
        raise ConfigError(
            f"{file_of('gate', path)}: 'gate.segments.{named[0]}' has no segment to judge: "
            f"evaluate.segments in {file_of('evaluate', path)} lists no column"
        )


def _check_no_prohibited_feature(params: Params, params_file: str | Path) -> None:
    prohibited = params.fairness.prohibited
    for i, feature in enumerate(params.data.features):
        if feature in prohibited:
            basis = params.fairness.attributes[feature].basis
            raise ConfigError(
                f"{file_of('data', params_file)}: 'data.features[{i}]' {shown(feature)} is a "
                f"prohibited basis under fairness.attributes ({basis}): never a feature"
            )


def check_against_contract(
    params: Params, contract: Contract, params_file: str | Path, contract_file: str | Path
) -> None:
    """The columns params name exist in the contract and are of a kind that can serve there."""

    def fail(key: str, value: object, reason: str) -> None:
        where = file_of(key.split(".")[0], params_file)
        raise ConfigError(f"{where}: '{key}' {shown(value)} {reason}")

    columns = contract.columns
    not_there = f"is not a column of {contract_file}"
    if params.data.source_column not in columns:
        fail("data.source_column", params.data.source_column, not_there)
    excluded = {
        contract.target.column: "is the target",
        contract.dataset.id_column: "is the id column",
        params.data.source_column: "is the source column (where a row came from)",
    }
    provenance = contract.provenance
    for i, feature in enumerate(params.data.features):
        key = f"data.features[{i}]"
        if provenance is not None and feature in provenance.columns:
            fail(key, feature, "is a provenance column (feedback rows only): never a feature")
        if feature not in columns:
            fail(key, feature, not_there)
        if feature in excluded:
            fail(key, feature, f"{excluded[feature]}: it cannot be a feature")
        if columns[feature].type == "string":
            fail(key, feature, "is a string column: declare it category in the contract to use it")
    _check_no_prohibited_feature(params, params_file)
    for name, attribute in params.fairness.attributes.items():
        key = f"fairness.attributes.{name}"
        if name not in columns:
            fail(key, name, not_there)
        if columns[name].numeric != (attribute.bands is not None):
            fail(key, name, "needs bands when numeric, and only then")
        # Groups are compared with each other: two of them at least must hold possible values.
        _check_bands_meet_range(f"{key}.bands", attribute.bands, columns[name], 2, fail)
    _check_rule_values(params.fairness.no_negative_factor, columns, fail)
    amount = params.business.amount_column
    if amount not in columns:
        fail("business.amount_column", amount, not_there)
    if not columns[amount].numeric or columns[amount].max_missing > 0:
        fail(
            "business.amount_column",
            amount,
            "must be a number column that is never missing (max_missing: 0)",
        )
    for i, segment in enumerate(params.evaluate.segments):
        if segment not in columns:
            fail(f"evaluate.segments[{i}]", segment, not_there)
        has_edges = segment in params.evaluate.segment_edges
        if columns[segment].numeric and not has_edges:
            fail(f"evaluate.segments[{i}]", segment, "is numeric: give its bands in segment_edges")
        if not columns[segment].numeric and has_edges:
            fail(f"evaluate.segment_edges.{segment}", segment, "is not numeric: it has no bands")
        key = f"evaluate.segment_edges.{segment}"
        edges = params.evaluate.segment_edges.get(segment)
        _check_bands_meet_range(key, edges, columns[segment], 1, fail)
    # A column the contract lets the data leave out cannot be learnt from, measured or judged
    # on the rows without it.
    subjects = [
        *((f"data.features[{i}]", f) for i, f in enumerate(params.data.features)),
        ("business.amount_column", amount),
        *((f"evaluate.segments[{i}]", s) for i, s in enumerate(params.evaluate.segments)),
        *((f"fairness.attributes.{name}", name) for name in params.fairness.attributes),
    ]
    for key, name in subjects:
        if not columns[name].required:
            fail(
                key,
                name,
                f"is optional in {contract_file} (required: false): it must be on every row",
            )


def _check_rule_values(rule: NoNegativeFactor | None, columns: dict, fail) -> None:
    """no_negative_factor moves its attribute only to values the contract lets it hold: a row
    moved outside them is one the model never meets, judged on nothing real."""
    if rule is None:
        return
    column = columns[rule.attribute]
    low, high = min(rule.from_, *rule.to), max(rule.from_, *rule.to)
    if (column.min is not None and low < column.min) or (
        column.max is not None and high > column.max
    ):
        fail(
            "fairness.no_negative_factor",
            rule.attribute,
            f"is moved to {low}..{high}, outside its contract range "
            f"[{_edge(column.min)}, {_edge(column.max)}]",
        )


def _edge(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:g}"


def _check_bands_meet_range(key: str, edges, column, needed: int, fail) -> None:
    """At least `needed` of the bands [lo, hi) hold a value the contract allows the column:
    bands beside its range put every row in one group 'outside edges', judged against itself."""
    if edges is None:
        return
    low = -math.inf if column.min is None else column.min
    high = math.inf if column.max is None else column.max
    meeting = sum(1 for lo, hi in itertools.pairwise(edges) if lo <= high and hi > low)
    if meeting < needed:
        fail(
            key,
            list(edges),
            f"meets the column's contract range [{_edge(column.min)}, {_edge(column.max)}] "
            f"in {meeting} band{'s' * (meeting != 1)}: at least {needed} must hold its values",
        )
