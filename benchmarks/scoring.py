"""Measure `modelops score` on 1M and 10M applications: the sample resampled with noise (as
validation.py makes them, with its dirt: ~1% of the rows break the contract).

Prints rows/s and peak memory of each run, each in a fresh process, against a baseline
measured in the same run: one predict_proba of the same model on the 1M rows held in memory
(no contract check, no file written). Goals on a 2-core machine: at least 100,000 rows/s, and
10M rows' peak memory within 10% of 1M rows'. Uses the workspace's model (models/model.skops:
`dvc checkout` or `make run` first). Run from the project root:
    python benchmarks/scoring.py [ROWS,ROWS...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from resample import noisy_resample

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sample"
SIZES = [int(n) for n in (sys.argv[1] if len(sys.argv) > 1 else "1000000,10000000").split(",")]
CHUNK = 1_000_000  # rows generated and written at a time

SCORE = """
import json, resource, sys, time
from pathlib import Path
from modelops.score.batch import load_scorer
from modelops.score.files import score_file
scorer = load_scorer(None, Path.cwd())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
summary = score_file(scorer, Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "before_mb": before,
                  "rows": summary.rows, "rejected": summary.rejected}))
"""

BASELINE = """
import json, resource, sys, time
from pathlib import Path
import pandas as pd
from modelops.serve.served import load_served
served = load_served(None, Path.cwd())
frame = pd.read_parquet(sys.argv[1], columns=served.features)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
served.model.predict_proba(frame)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "before_mb": before, "rows": len(frame)}))
"""


def write_applications(path: Path, rows: int) -> None:
    """rows applications in row groups of at most CHUNK rows, generated a chunk at a time."""
    sample = pd.read_csv(SAMPLE / "credit.csv").drop(columns=["Status"])
    writer = None
    for seed, start in enumerate(range(0, rows, CHUNK)):
        chunk = noisy_resample(sample, min(CHUNK, rows - start), seed)
        chunk["applicant_id"] = [f"B{start + i:09d}" for i in range(len(chunk))]
        table = pa.Table.from_pandas(chunk, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def measure(script: str, *args: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="modelops-scoring-") as folder:
        folder = Path(folder)
        results = {}
        for rows in SIZES:
            started = time.perf_counter()
            source = folder / f"applications-{rows}.parquet"
            write_applications(source, rows)
            print(f"{rows:>11,} rows generated in {time.perf_counter() - started:.0f} s")
            results[rows] = measure(
                SCORE, source, folder / "scored.parquet", folder / "rejects.csv"
            )
            if rows == SIZES[0]:
                baseline = measure(BASELINE, source)
            source.unlink()
        print(
            f"baseline: predict_proba on {baseline['rows']:,} rows in memory: "
            f"{baseline['rows'] / baseline['seconds']:,.0f} rows/s, peak {baseline['peak_mb']:,.0f}"
            f" MB ({baseline['before_mb']:,.0f} MB holding the frame)"
        )
        for rows, r in results.items():
            print(
                f"modelops score {rows:>11,} rows: {r['seconds']:7.1f} s, "
                f"{r['rows'] / r['seconds']:>9,.0f} rows/s (goal >= 100,000), peak "
                f"{r['peak_mb']:,.0f} MB ({r['before_mb']:,.0f} MB with the model loaded: "
                f"+{r['peak_mb'] - r['before_mb']:,.0f} MB scoring), "
                f"{r['rejected']:,} rejected"
            )
        first, last = results[SIZES[0]], results[SIZES[-1]]
        print(
            f"peak memory {SIZES[-1]:,} vs {SIZES[0]:,} rows: "
            f"{100 * (last['peak_mb'] / first['peak_mb'] - 1):+.1f}% (goal within 10%); "
            f"scoring's own increase {last['peak_mb'] - last['before_mb']:,.0f} MB vs "
            f"{first['peak_mb'] - first['before_mb']:,.0f} MB"
        )
        print(
            f"{SIZES[0]:,} rows against the baseline: "
            f"{first['seconds'] * baseline['rows'] / (baseline['seconds'] * first['rows']):.2f}x "
            "the time of predict_proba alone"
        )
        print(f"load average at the end {os.getloadavg()[0]:.1f} (2 cores shared with others)")


if __name__ == "__main__":
    main()
