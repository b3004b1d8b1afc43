"""Protects the chunked read of the prediction store: reading a window four times as large
costs only the few numbers kept per prediction (score, decision, outcome, amount, times), not
the applications, which are counted into their bins chunk by chunk and let go."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from modelops.monitor.reference import Reference, build_reference
from modelops.monitor.window import read_window
from modelops.store import Decision, PredictionStore

SMALL, LARGE, CHUNK = 4_000, 16_000, 1_000
# Per prediction the window keeps 6 numbers and the explored flag (49 bytes); an application
# held as a dict of 13 features is about 1.5 kB.
KEPT_BYTES_PER_ROW = 49


@pytest.fixture(scope="module")
def store(tmp_path_factory, sample, features):
    """LARGE predictions of the sample's applications, the first SMALL an hour earlier."""
    url = f"sqlite:///{tmp_path_factory.mktemp('window') / 'predictions.db'}"
    prediction_store = PredictionStore(url)
    prediction_store.create_schema()
    rows = sample[features].sample(LARGE, replace=True, random_state=0)
    applications = rows.astype(object).where(rows.notna(), None).to_dict("records")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    prediction_store.record(
        [
            Decision(
                f"{i:036d}", start + timedelta(seconds=i), "v1", application, 0.3, "approve", 0.5
            )
            for i, application in enumerate(applications)
        ]
    )
    yield prediction_store, start
    prediction_store.dispose()


@pytest.fixture(scope="module")
def reference(sample, features, sample_contract, sample_params):
    p = np.linspace(0.01, 0.99, 200)
    reference = build_reference(
        sample, features, sample_contract, p, p > 0.5, p > 0.5, 0.5,
        {"roc_auc": 0.8, "brier": 0.1, "business": {"value_per_application": 1.0}},
        np.full(200, 1000.0), sample_params.business, sample_params.monitor,
    )  # fmt: skip
    return Reference(reference, "test")


def peak_bytes(store, reference, contract, rows: int) -> tuple[int, int]:
    prediction_store, start = store
    tracemalloc.start()
    window = read_window(prediction_store, reference, contract, "Amount", start,
                         start + timedelta(seconds=rows), "v1", chunk_rows=CHUNK)  # fmt: skip
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, window.predictions


def test_a_window_four_times_larger_costs_only_the_numbers_kept(store, reference, sample_contract):
    small, read_small = peak_bytes(store, reference, sample_contract, SMALL)
    large, read_large = peak_bytes(store, reference, sample_contract, LARGE)
    assert (read_small, read_large) == (SMALL, LARGE)
    growth_per_row = (large - small) / (LARGE - SMALL)
    # Kept numbers plus the arrays' concatenation copies; far below an application per row.
    assert growth_per_row < 4 * KEPT_BYTES_PER_ROW, growth_per_row
