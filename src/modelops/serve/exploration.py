"""Exploration: a share of the applications the model would reject is approved at random, so
that outcomes come back from the region the model rejects (serve.exploration, a business
decision). It is off by default. When on it is targeted and budgeted:

- targeted: only a rejection in the region is eligible: p_default below threshold + band (the
  model is least sure there; no band: any rejection) and, when segments are listed, the
  application in one of them (e.g. Job "partime", a group the model rarely approves);
- budgeted: at most max_per_day explored approvals and/or max_expected_loss_per_day of their
  expected loss, amount x (p_default x loss_given_default - (1 - p_default) x margin), per UTC
  day. Once spent, no more exploration that day.

An eligible rejection with budget left is approved when its draw falls below rate: propensity
rate if explored, 1 - rate if kept. Every other decision could not have gone otherwise and has
propensity 1. So the propensity is exactly the probability the decision had, given the budget
at the moment it was taken (what inverse propensity weighting needs).

The draw is a function of the prediction id alone, so anyone can recompute why an application
was approved (an audit needs only the id, the decision's p_default, and the settings in force):

    int.from_bytes(hashlib.sha256(prediction_id.encode()).digest()[:8], "big") / 2**64

is uniform on [0, 1) for the service's ids (random UUIDs), and the application is explored
when it falls below the rate. The id is drawn by the service, not chosen by the applicant.

The functions here are pure (plain arguments); `DailyBudget` keeps what one process has spent.
With several workers (serve.workers) each process counts its own and holds an equal share of
each cap, so together they never pass it (a cap of 5 over 2 workers: 2 each). At start a
process counts what the store recorded as explored since the day began (all workers) as its
own, which never overspends and is exact for one worker.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from modelops.config.contract import Contract
from modelops.config.params import BusinessParams, ExplorationParams
from modelops.errors import ConfigError, shown


@dataclass(frozen=True)
class Taken:
    """The decision answered, with the probability it had and whether exploration made it."""

    decision: str
    propensity: float
    explored: bool


def exploration_draw(prediction_id: str) -> float:
    """A number in [0, 1) fixed by the prediction id (see the module's docstring)."""
    digest = hashlib.sha256(prediction_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def expected_loss(
    amount: float, p_default: float, margin: float, loss_given_default: float
) -> float:
    """What approving the application is expected to lose (negative: to earn), at p_default."""
    return float(amount) * (p_default * loss_given_default - (1.0 - p_default) * margin)


def in_segments(application: Mapping, segments: Mapping[str, Sequence[str]]) -> bool:
    """True when no segment is listed, or the application's value of a listed column is one
    of its listed values (the application's categories as the model reads them)."""
    if not segments:
        return True
    return any(application.get(column) in values for column, values in segments.items())


def take_decision(
    p_default: float,
    threshold: float,
    draw: float,
    rate: float,
    *,
    band: float | None = None,
    in_segment: bool = True,
    approvals_left: float = math.inf,
    loss_left: float = math.inf,
    loss: float = 0.0,
) -> Taken:
    """The decision taken. The model approves below threshold (propensity 1). A rejection is
    eligible when rate > 0, p_default < threshold + band (band None: any), in_segment, at
    least one approval left and its expected loss within loss_left (a loss that cannot be
    computed, NaN, is not within a finite loss_left); an eligible one is approved when draw <
    rate (propensity rate, explored) and kept otherwise (propensity 1 - rate); any other
    rejection has propensity 1."""
    if p_default < threshold:
        return Taken("approve", 1.0, False)
    eligible = (
        rate > 0
        and in_segment
        and (band is None or p_default < threshold + band)
        and approvals_left >= 1
        and (loss_left == math.inf or loss <= loss_left)
    )
    if not eligible:
        return Taken("reject", 1.0, False)
    if draw < rate:
        return Taken("approve", rate, True)
    return Taken("reject", 1.0 - rate, False)


def explored_decision(
    prediction_id: str,
    p_default: float,
    threshold: float,
    application: Mapping,
    amount: float,
    explore: ExplorationParams,
    business: BusinessParams,
    budget_at: Callable[[datetime], DailyBudget],
    now: datetime,
) -> Taken:
    """The service's decision for one application under serve.exploration, its exploration
    charged to the budget of now's day (budget_at gives it, made on first need): the one rule
    the service and the loop's simulation both apply."""
    if explore.rate == 0 or p_default < threshold:
        return take_decision(p_default, threshold, 1.0, 0.0)
    budget = budget_at(now)
    approvals_left, loss_left = budget.left(now)
    loss = expected_loss(amount, p_default, business.margin, business.loss_given_default)
    taken = take_decision(
        p_default,
        threshold,
        exploration_draw(prediction_id),
        explore.rate,
        band=explore.band,
        in_segment=in_segments(application, explore.segments),
        approvals_left=approvals_left,
        loss_left=loss_left,
        loss=loss,
    )
    if taken.explored:
        budget.spend(now, loss)
    return taken


class DailyBudget:
    """What one process may still spend on exploration on the current UTC day: its share
    (1/workers) of serve.exploration's caps, less what it spent. Thread-safe."""

    def __init__(
        self,
        max_per_day: int | None,
        max_expected_loss_per_day: float | None,
        workers: int,
        today: date,
        used: tuple[int, float] = (0, 0.0),
    ) -> None:
        self.max_approvals = math.inf if max_per_day is None else max_per_day // workers
        self.max_loss = (
            math.inf if max_expected_loss_per_day is None else max_expected_loss_per_day / workers
        )
        self._lock = threading.Lock()
        self._day = today
        self._approvals, self._loss = used

    def left(self, at: datetime) -> tuple[float, float]:
        """(approvals, expected loss) still allowed on at's UTC day (a new day starts at 0)."""
        with self._lock:
            self._roll(at)
            return self.max_approvals - self._approvals, self.max_loss - self._loss

    def spend(self, at: datetime, loss: float) -> None:
        """Count one explored approval of expected loss loss on at's UTC day."""
        with self._lock:
            self._roll(at)
            self._approvals += 1
            self._loss += loss

    def _roll(self, at: datetime) -> None:
        if at.date() != self._day:
            self._day, self._approvals, self._loss = at.date(), 0, 0.0


def check_targeting(
    segments: Mapping[str, Sequence[str]],
    features: Sequence[str],
    categories: Mapping[str, Sequence[str] | None],
    prohibited: Sequence[str],
    where: str,
) -> None:
    """serve.exploration.segments names category features of the served model and values
    they can take (categories: column -> allowed values, None when the contract lists none);
    a prohibited basis is never a reason to approve. Else a ConfigError naming the key."""
    for column, values in segments.items():
        key = f"serve.exploration.segments.{column}"
        if column in prohibited:
            raise ConfigError(
                f"{where}: '{key}': {shown(column)} is a prohibited basis under "
                "fairness.attributes: exploration may not target by it"
            )
        if column not in features:
            raise ConfigError(
                f"{where}: '{key}': {shown(column)} is not a feature of the served model "
                f"(features: {', '.join(features)})"
            )
        if column not in categories:
            raise ConfigError(f"{where}: '{key}': {shown(column)} is not a category column")
        allowed = categories[column]
        unknown = [v for v in values if allowed is not None and v not in allowed]
        if unknown:
            raise ConfigError(
                f"{where}: '{key}': {shown(unknown[0])} is not a value of {column} "
                f"(allowed: {', '.join(map(str, allowed))})"
            )


def segment_categories(contract: Contract) -> dict[str, list[str] | None]:
    """Each category column's allowed values as the service reads them (normalised when the
    contract normalises categories)."""
    normalise = contract.corrections.normalize_categories
    return {
        name: (rule.normalized() if normalise else rule).allowed
        for name, rule in contract.columns.items()
        if rule.type == "category"
    }
