"""Exploration: a share of the applications the model would reject is approved at random, so
that outcomes come back from the region the model rejects (serve.exploration_rate, a business
decision). Each decision carries its propensity, the probability with which it was taken, so
that training can weight the outcomes (inverse propensity) and the monitor can tell them apart.

The draw is a function of the prediction id alone, so anyone can recompute why an application
was approved (an audit needs only the id and the rate in force):

    int.from_bytes(hashlib.sha256(prediction_id.encode()).digest()[:8], "big") / 2**64

is uniform on [0, 1) for the service's ids (random UUIDs), and the application is explored
when it falls below the rate. The id is drawn by the service, not chosen by the applicant.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


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


def take_decision(prediction_id: str, model_decision: str, rate: float) -> Taken:
    """The decision taken: an approval by the model stands (propensity 1); a rejection is
    turned into an approval when the id's draw is below rate (propensity rate, explored),
    and kept otherwise (propensity 1 - rate)."""
    if model_decision == "approve":
        return Taken("approve", 1.0, False)
    if exploration_draw(prediction_id) < rate:
        return Taken("approve", rate, True)
    return Taken("reject", 1.0 - rate, False)
