"""The simulation's pure parts live beside the benchmark that runs them (benchmarks/), which
is not a package: its folder goes on the path, as when the script runs."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))
