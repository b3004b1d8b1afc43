"""Measure contract validation on 1,000,000 rows: the sample resampled with noise.

Prints time and peak memory of correcting, checking (pandera) and quarantining; targets on a
2-core machine: at most 10 s and 2 GB. Run from the project root: python benchmarks/validation.py
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pandas as pd
from resample import noisy_resample

from modelops.config.contract import load_contract
from modelops.data.validation import validate_against_contract

# The suite's own sample and its contract: the benchmark measures the same thing in any fork.
SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "sample"


def main() -> None:
    contract = load_contract(SAMPLE / "contract.yaml")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000  # read here: scale.py imports
    data = noisy_resample(pd.read_csv(SAMPLE / "credit.csv"), rows)
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = validate_against_contract(data, contract, "source")
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    r = result.report
    print(
        f"rows in {r['rows_in']:,}, corrected {r['rows_corrected']:,}, "
        f"quarantined {r['rows_quarantined']:,}, out {r['rows_out']:,}, passed {r['passed']}"
    )
    print(f"validation time           : {seconds:6.2f} s   (target <= 10 s)")
    print(
        f"peak memory of the process: {peak_mb:6.0f} MB (target <= 2048 MB; "
        f"{before_mb:.0f} MB before validating)"
    )


if __name__ == "__main__":
    main()
