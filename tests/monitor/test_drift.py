"""Protects the drift levels: no false alarms on streams that did not drift, whatever their
size; a real shift in two features flagged on those two alone; and the level rule itself (PSI
and distance must agree, a moved missing share warns, too few rows are never called ok).

Streams are the sample's held-out rows drawn with replacement; the reference is the profile of
its training rows, as the monitor profiles the data the model learned from."""

import numpy as np
import pandas as pd
import pytest

from modelops.config.params import MonitorParams
from modelops.data.split import split_dataset
from modelops.model.pipeline import feature_kinds, p_bad_of
from modelops.model.train import train_model
from modelops.monitor.drift import distance, feature_drift, psi, score_drift
from modelops.monitor.profile import BinCounts, profile_feature, score_profile

PARAMS = MonitorParams()
SIZES = (1_000, 10_000, 100_000)
SEEDS = range(20)
CHUNK = 25_000  # rows counted at a time, as the monitor reads the prediction store


@pytest.fixture(scope="module")
def split(sample, sample_params, sample_contract, target):
    settings = sample_params.split
    id_column = sample_contract.dataset.id_column
    return split_dataset(sample, target.column, settings.test_size, settings.seed, id_column)


@pytest.fixture(scope="module")
def reference(split, features):
    """Each feature's profile on the training rows."""
    train = split[0]
    numeric, _ = feature_kinds(train, features)
    kind = {f: "number" if f in numeric else "category" for f in features}
    return {f: profile_feature(train[f], kind[f], PARAMS.bins) for f in features}


@pytest.fixture(scope="module")
def scores(split, features, target, sample_params):
    """The model's scores: its training rows' (the reference) and its held-out rows'."""
    train, test = split
    model = train_model(train, features, target, sample_params.train, sample_params.business)
    return p_bad_of(model.classifier, train[features]), p_bad_of(model.classifier, test[features])


def drifts(reference, stream: dict[str, np.ndarray]) -> dict:
    """Each feature's drift, its stream's values counted a chunk at a time."""
    levels = {}
    for name, profile in reference.items():
        counts, values = BinCounts(profile), stream[name]
        for start in range(0, len(values), CHUNK):
            counts.add(values[start : start + CHUNK])
        levels[name] = feature_drift(name, profile, counts, PARAMS)
    return levels


@pytest.fixture(scope="module")
def held_out(split, features) -> dict[str, np.ndarray]:
    """The held-out rows' values by feature (drawn from by row number)."""
    return {name: split[1][name].to_numpy() for name in features}


@pytest.fixture(scope="module")
def no_drift_runs(held_out, reference, scores):
    """Size -> one run per seed: (feature drifts, score drift) of held-out rows drawn again."""
    score_reference = score_profile(scores[0], PARAMS.bins)
    runs = {}
    for size in SIZES:
        runs[size] = []
        for seed in SEEDS:
            rows = np.random.default_rng(seed).integers(0, len(scores[1]), size)
            counts = BinCounts(score_reference)
            counts.add(scores[1][rows])
            score = score_drift(score_reference, counts, PARAMS)
            stream = {name: values[rows] for name, values in held_out.items()}
            runs[size].append((drifts(reference, stream), score))
    return runs


def test_no_drift_raises_no_alert_in_19_of_20_seeds_at_any_size(no_drift_runs):
    for size, runs in no_drift_runs.items():
        alerts = sum(any(d.level == "alert" for d in (*f.values(), s)) for f, s in runs)
        warns = sum(any(d.level != "ok" for d in (*f.values(), s)) for f, s in runs)
        highest = max(max(d.psi for d in (*f.values(), s)) for f, s in runs)
        farthest = max(max(d.distance for d in (*f.values(), s)) for f, s in runs)
        print(
            f"\nno drift, {size:>7,} rows: {alerts}/{len(runs)} seeds with an alert, "
            f"{warns}/{len(runs)} with a warn or worse; highest PSI {highest:.3f}, "
            f"distance {farthest:.3f}"
        )
        assert alerts <= 1, f"{alerts} of {len(runs)} seeds alerted at {size} rows"


def test_income_down_a_third_and_age_up_ten_years_alert_on_those_two_alone(held_out, reference):
    rows = np.random.default_rng(0).integers(0, len(held_out["Age"]), 10_000)
    stream = {name: values[rows] for name, values in held_out.items()}
    stream["Income"] = stream["Income"] * 2 / 3
    stream["Age"] = stream["Age"] + 10
    found = drifts(reference, stream)
    for name in ("Income", "Age"):
        print(f"\ndrift {name}: PSI {found[name].psi:.3f}, distance {found[name].distance:.3f}")
    assert {n: d.level for n, d in found.items() if d.level != "ok"} == {
        "Income": "alert",
        "Age": "alert",
    }


def test_psi_and_distance_of_known_shares():
    assert psi(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0
    # (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5)
    assert psi(np.array([0.5, 0.5]), np.array([0.25, 0.75])) == pytest.approx(0.2747, abs=1e-4)
    # A bin empty in the reference adds a finite amount, capped by the floor.
    assert psi(np.array([1.0, 0.0]), np.array([0.9, 0.1])) == pytest.approx(
        (0.9 - 1) * np.log(0.9) + (0.1 - 1e-4) * np.log(0.1 / 1e-4)
    )
    assert distance(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0
    assert distance(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(1.0)
    a, b = np.array([0.2, 0.3, 0.5]), np.array([0.4, 0.4, 0.2])
    assert distance(a, b) == pytest.approx(distance(b, a))


REFERENCE = profile_feature(pd.Series(np.repeat([1.0, 2.0], 500), name="x"), "number", 2)


@pytest.mark.parametrize(
    ("ones", "twos", "missing", "limits", "level"),
    [
        (500, 500, 0, {}, "ok"),
        (600, 400, 0, {}, "ok"),  # PSI 0.041, distance 0.085
        (700, 300, 0, {}, "warn"),  # PSI 0.169, distance 0.174
        (800, 200, 0, {}, "alert"),  # PSI 0.416, distance 0.270
        (800, 200, 0, {"distance_alert": 0.9}, "warn"),  # PSI alone does not alert
        (800, 200, 0, {"distance_warn": 0.8, "distance_alert": 0.9}, "ok"),
        (500, 500, 100, {}, "warn"),  # the missing share moved from 0 to 9% (limit 5%)
        (300, 199, 0, {}, "insufficient"),  # 499 rows, min_rows 500: even this shift
        (100, 100, 900, {}, "warn"),  # mostly missing: shape not judged, the gap warns
    ],
)
def test_the_level_rule(ones, twos, missing, limits, level):
    counts = BinCounts(REFERENCE)
    counts.add(pd.Series([1.0] * ones + [2.0] * twos + [None] * missing))
    found = feature_drift("x", REFERENCE, counts, PARAMS.model_copy(update=limits))
    assert found.level == level, found
