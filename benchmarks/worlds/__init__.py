"""The simulation's worlds, one module each (stable, downturn, rejected_region): how the
period's applications change and what each application's true probability of default is.

A world module holds documented pure functions and two constants:

- NAME: the name --world selects; CHANGE_PERIOD: the first period (from 1) in which the world
  differs from period 1's (the stable world names the period the others change in, so that
  "after the change" means the same periods in every world);
- describe() -> str: the world in one line, for the report;
- applications(base, period, rng) -> DataFrame: the period's applications as the service
  sees them, from `base` (that period's applicants as they would be with nothing changed:
  drawn from the original rows, money columns jittered) and the period; rng is the world's
  own generator for the period, seeded by (seed, period), for a world that needs chance;
- p_default(fair, base, seen, period) -> ndarray: each application's true probability of
  default in that period, given `fair`, the fair truth model's probability for the unchanged
  applicant (truth.py: a logistic regression fitted on every original row), the applicant
  before (base) and after (seen) the world changed it.

Outcomes are drawn from p_default afresh for every application (truth.py), never replayed.
"""

from __future__ import annotations

import importlib
from types import ModuleType

WORLDS = ("stable", "downturn", "rejected_region")


def load_world(name: str) -> ModuleType:
    """The world module called name; an unknown name is a SystemExit naming the worlds."""
    if name not in WORLDS:
        raise SystemExit(f"error: --world {name}: no such world (worlds: {', '.join(WORLDS)})")
    return importlib.import_module(f"worlds.{name}")
