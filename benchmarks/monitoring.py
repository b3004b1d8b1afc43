"""Measure a monitoring run: N logged predictions x 13 features in a SQLite store (written
here through the store's own API, outcomes for a third), then the whole run (read, drift, live
and estimated performance, reports) and its parts, and the peak memory of the process.

Needs the workspace model and reports (make run). Prints figures only:
python benchmarks/monitoring.py [--rows 100000] [--chunk-rows 20000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def fill_store(url: str, rows: int) -> tuple[datetime, datetime]:
    """rows predictions over the last 7 days: the held-out applications resampled, scored by
    the workspace model, a third with their outcome."""
    from modelops.config.params import load_params
    from modelops.model.persistence import load_model
    from modelops.model.pipeline import p_bad_of
    from modelops.retrieve import file_md5
    from modelops.serve.served import workspace_version
    from modelops.store import Decision, Outcome, PredictionStore

    params = load_params(ROOT / "params.yaml")
    features = list(params.data.features)
    model = load_model(ROOT / "models/model.skops")
    version = workspace_version(file_md5(ROOT / "models/model.skops"))
    test = pd.read_parquet(ROOT / "data/processed/test.parquet")
    until = datetime.now(UTC)
    since = until - timedelta(days=7)
    rng = np.random.default_rng(0)
    times = since + (until - since) * np.sort(rng.random(rows))
    store = PredictionStore(url)
    store.create_schema()
    batch = 20_000  # written a batch at a time: the writer's memory stays small
    for start in range(0, rows, batch):
        end = min(start + batch, rows)
        sample = test.sample(end - start, replace=True, random_state=start).reset_index(drop=True)
        p_bad = p_bad_of(model, sample[features])
        records = sample[features].astype(object).where(sample[features].notna(), None)
        records = records.to_dict("records")
        store.record(
            [
                Decision(f"{start + i:036d}", times[start + i], version, records[i],
                         float(p_bad[i]), "reject" if p_bad[i] >= model.threshold else "approve",
                         model.threshold)
                for i in range(end - start)
            ]
        )  # fmt: skip
        with store.engine.begin() as connection:  # a third of them with their outcome
            connection.execute(
                Outcome.__table__.insert(),
                [
                    {"prediction_id": f"{start + i:036d}", "outcome": sample.Status[i],
                     "observed_at": until, "received_at": until}
                    for i in range(0, end - start, 3)
                ],
            )  # fmt: skip
    store.dispose()
    return since, until + timedelta(seconds=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chunk-rows", type=int, default=20_000)
    args = parser.parse_args()
    from modelops.config.contract import load_contract
    from modelops.config.params import load_params
    from modelops.files import json_text
    from modelops.monitor import window as window_module
    from modelops.monitor.markdown import render_markdown
    from modelops.monitor.page import render_page
    from modelops.monitor.reference import Reference
    from modelops.monitor.run import monitor_window
    from modelops.monitor.sources import _read
    from modelops.retrieve import file_md5
    from modelops.serve.served import workspace_version
    from modelops.store import PredictionStore

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='monitor-bench-')) / 'predictions.db'}"
    started = time.perf_counter()
    since, until = fill_store(url, args.rows)
    print(f"store: {args.rows} predictions x 13 features written in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    params = load_params(ROOT / "params.yaml")
    contract = load_contract(ROOT / "data/contract.yaml")
    version = workspace_version(file_md5(ROOT / "models/model.skops"))
    window_module.CHUNK_ROWS = args.chunk_rows
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    started = time.perf_counter()
    reference = Reference(_read(ROOT / "reports/reference.json"), "reports/reference.json")
    store = PredictionStore(url)
    read_started = time.perf_counter()
    window = window_module.read_window(
        store, reference, contract, params.business.amount_column, since, until, version
    )
    read = time.perf_counter() - read_started
    report = monitor_window(store, reference, contract, params, since, until, version)
    texts = [json_text(report), render_markdown(report), render_page(report)]
    total = time.perf_counter() - started
    # monitor_window reads the window itself: its statistics are its time less a read.
    statistics = total - 2 * read
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"monitor run (read, drift, live and estimated performance, three reports): "
          f"{total - read:.2f} s")  # fmt: skip
    print(f"  reading the store (chunks of {args.chunk_rows}): {read:.2f} s")
    print(f"  statistics and reports: {statistics:.2f} s")
    print(f"  verdict {report['verdict']}; {window.predictions} predictions, "
          f"{int((~np.isnan(window.is_bad)).sum())} with outcome; reports "
          f"{sum(len(t) for t in texts) / 1e3:.0f} kB")  # fmt: skip
    print(f"peak memory: {rss_after:.0f} MB (before the run {rss_before:.0f} MB)")
    store.dispose()


if __name__ == "__main__":
    main()
