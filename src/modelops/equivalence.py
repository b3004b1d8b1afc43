"""Is this the model a commit recorded? Bytes first, behaviour second.

Bytes are reproducible on one machine only: another CPU's BLAS adds in another order and the
rebuilt model's floats differ in their last bits (its md5 with them). Across machines a model
is the same model when it gives the same answers: on the commit's committed golden answers
(reports/golden.json) every p_default within `gate.equivalence.p_default` and every decision
the same, and on the commit's test rows every committed metric within
`gate.equivalence.metrics`. Identity stays the md5; equivalence is judged, never assumed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from modelops.config import paths
from modelops.config.contract import Contract
from modelops.config.metrics import METRICS, metric_value
from modelops.config.params import Equivalence
from modelops.config.reading import load_yaml, parse
from modelops.data.split import reference_part
from modelops.errors import InputError
from modelops.git import file_at

# Metrics a model's answers alone decide (no business params): recomputed on the test rows.
_RESCORED = tuple(name for name in METRICS if not name.startswith("business."))


@dataclass(frozen=True)
class Behaviour:
    """How far a model's answers are from the answers a commit recorded."""

    tolerance: Equivalence
    answers: int  # golden answers compared
    largest_delta: float  # largest |Δp_default| on them
    decisions_changed: int
    metric_gaps: dict[str, float] = field(default_factory=dict)  # |rescored - recorded|

    @property
    def equivalent(self) -> bool:
        return (
            self.answers > 0
            and self.largest_delta <= self.tolerance.p_default
            and self.decisions_changed == 0
            and all(gap <= self.tolerance.metrics for gap in self.metric_gaps.values())
        )

    def summary(self) -> str:
        """`equivalent (largest |Δp_default| 3e-16 on 20 golden answers)`, or what differs."""
        measured = f"largest |Δp_default| {self.largest_delta:.1g} on {self.answers} golden answers"
        if self.equivalent:
            return f"equivalent ({measured})"
        differs = [f"{measured}, tolerance {self.tolerance.p_default:g}"]
        if self.decisions_changed:
            differs.append(f"{self.decisions_changed} decisions changed")
        worst = max(self.metric_gaps.items(), key=lambda item: item[1], default=None)
        if worst and worst[1] > self.tolerance.metrics:
            differs.append(
                f"{worst[0]} off by {worst[1]:.2g} (tolerance {self.tolerance.metrics:g})"
            )
        return f"not equivalent ({'; '.join(differs)})"


def answer_gaps(answers: list[tuple[float, str]], golden: list[dict]) -> tuple[float, list[int]]:
    """(largest |Δp_default|, indices whose decision differs) between (p_default, decision)
    answers and the golden ones, in order; a non-finite difference counts as infinite."""
    if len(answers) != len(golden):
        raise InputError(f"{len(answers)} answers for {len(golden)} golden applications")
    largest, changed = 0.0, []
    for i, ((p, decision), want) in enumerate(zip(answers, golden, strict=True)):
        delta = abs(float(p) - float(want["p_default"]))
        largest = max(largest, delta if math.isfinite(delta) else math.inf)
        if decision != want["decision"]:
            changed.append(i)
    return largest, changed


def model_answers(model, applications: list[dict]) -> list[tuple[float, str]]:
    """(p_default, decision) the model gives each application, as evaluate recorded them."""
    from modelops.model.pipeline import model_features, p_bad_of

    frame = pd.DataFrame(applications)
    missing = [c for c in model_features(model) if c not in frame.columns]
    if missing:
        raise InputError(f"the golden applications lack the model's feature {missing[0]!r}")
    X = frame[model_features(model)]
    p = p_bad_of(model, X)
    predicted = model.predict(X)
    return [
        (float(pi), "reject" if yi == model.pos_label else "approve")
        for pi, yi in zip(p, predicted, strict=True)
    ]


def behaviour_against(
    model, golden: list[dict], recorded: dict, test: pd.DataFrame, target, tolerance: Equivalence
) -> Behaviour:
    """The model's answers on the golden applications and its metrics on the test rows,
    against what was recorded for them."""
    from modelops.model.evaluate import classification_metrics
    from modelops.model.pipeline import model_features, p_bad_of

    answers = model_answers(model, [g["application"] for g in golden])
    largest, changed = answer_gaps(answers, golden)
    X = test[model_features(model)]
    is_bad = (test[target.column] == target.positive).to_numpy()
    p_bad = p_bad_of(model, X)
    predicted_bad = model.predict(X) == target.positive
    rescored = {
        **classification_metrics(is_bad, p_bad, predicted_bad),
        "threshold": float(model.threshold),
        "n_test": len(test),
        "bad_rate": float(is_bad.mean()),
    }
    gaps = {}
    for name in _RESCORED:
        now, before = metric_value(rescored, name), metric_value(recorded, name)
        if now is None or before is None:
            continue
        gaps[name] = abs(now - before) if math.isfinite(now - before) else math.inf
    if not gaps:
        raise InputError("the recorded metrics name none of the metrics a model is judged by")
    return Behaviour(tolerance, len(golden), largest, len(changed), gaps)


def recorded_judge(repo: Path, commit: str, tolerance: Equivalence) -> Callable[[Path], Behaviour]:
    """judge(model_file): the file's behaviour against what commit recorded (its golden
    answers, its metrics on its own test rows, its contract's target). What the commit lacks
    to be judged by is an InputError when asked: a rebuild is never accepted unjudged."""
    from modelops.files import read_table
    from modelops.model.persistence import load_model
    from modelops.model.train import Target
    from modelops.retrieve import retrieve_output

    at = commit[:8]

    def recorded(path: Path):
        text = file_at(repo, commit, str(path))
        if text is None:
            raise InputError(f"no {path} at {at}: a rebuilt model cannot be judged by behaviour")
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path} at {at} is not valid JSON ({err})") from None

    def judge(model_file: Path) -> Behaviour:
        golden, metrics = recorded(paths.GOLDEN), recorded(paths.METRICS)
        if not isinstance(golden, list) or not golden or not isinstance(metrics, dict):
            raise InputError(
                f"{paths.GOLDEN} or {paths.METRICS} at {at}: not a recorded answer set"
            )
        contract_text = file_at(repo, commit, str(paths.CONTRACT))
        if contract_text is None:
            raise InputError(f"no {paths.CONTRACT} at {at}")
        where = f"{paths.CONTRACT} at {at}"
        contract = parse(Contract, load_yaml(contract_text, where) or {}, where)
        test = retrieve_output(repo, commit, str(paths.TEST))  # data: bytes only, never judged
        target = Target(contract.target.column, contract.target.positive)
        rows = reference_part(read_table(test.path))  # what metrics.json describes
        return behaviour_against(load_model(model_file), golden, metrics, rows, target, tolerance)

    return judge


@dataclass(frozen=True)
class Sameness:
    """A model file against the one a commit recorded: identical bytes, or its behaviour."""

    out: str
    commit: str
    md5: str
    recorded: str
    behaviour: Behaviour | None  # None: the bytes are the recorded ones

    @property
    def same(self) -> bool:
        return self.behaviour is None or self.behaviour.equivalent

    def summary(self) -> str:
        at = self.commit[:8]
        if self.behaviour is None:
            return f"{self.out}: the bytes dvc.lock records at {at} (md5 {self.md5})"
        return (
            f"{self.out}: md5 {self.md5}, not dvc.lock's {self.recorded} at {at}; by behaviour "
            f"{self.behaviour.summary()}"
        )


def same_as_recorded(repo: Path, commit: str, out: str, tolerance: Equivalence) -> Sameness:
    """The working tree's out against commit's: bytes first, behaviour second."""
    from modelops.pipeline_state import output_hashes
    from modelops.retrieve import file_md5

    recorded = output_hashes(repo, commit).get(out)
    if recorded is None:
        raise InputError(f"dvc.lock at {commit[:8]} records no {out}")
    if not (repo / out).is_file():
        raise InputError(f"{out} not found (run dvc repro)")
    md5 = file_md5(repo / out)
    if md5 == recorded:
        return Sameness(out, commit, md5, recorded, None)
    return Sameness(out, commit, md5, recorded, recorded_judge(repo, commit, tolerance)(repo / out))
