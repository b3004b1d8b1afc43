"""Default paths of the pipeline's inputs and outputs, shared by the command line's defaults,
the release bundle and the tests. dvc.yaml stays the pipeline's source of truth: a test
checks that every stage's command names these paths.
"""

from __future__ import annotations

from pathlib import Path

PARAMS = Path("params.yaml")  # the pipeline (data science); the other config files sit beside it
POLICY = Path("policy.yaml")  # gate, monitor and retrain rules (compliance, data science manager)
BUSINESS = Path("business.yaml")  # money per loan (business stakeholder)
SERVE = Path("serve.yaml")  # the prediction service (support)
SOURCES = Path("data/sources.yaml")  # where rows come from (data engineering)
CONTRACT = Path("data/contract.yaml")
DVC_YAML = Path("dvc.yaml")

RAW = Path("data/raw/applications.parquet")
VALIDATED = Path("data/validated/applications.parquet")
QUARANTINE = Path("data/quarantine/applications.csv")
TRAIN = Path("data/processed/train.parquet")
TEST = Path("data/processed/test.parquet")
MODEL = Path("models/model.skops")
MODEL_CARD = Path("models/model_card.md")  # written by `modelops card`, committed to git
CARD_TEXT = Path("docs/model_card.yaml")  # the card's written sections (product manager)

REPORTS = Path("reports")
DATA_QUALITY = REPORTS / "data_quality.json"
TRAINING = REPORTS / "training.json"
# The candidate (fitted without the newest outcomes): its answers on them, for the gate.
CANDIDATE = REPORTS / "candidate.json"
# Written by evaluate into its --reports folder, under these names.
METRICS = REPORTS / "metrics.json"
SEGMENTS = REPORTS / "segments.json"
IMPORTANCE = REPORTS / "importance.json"
LIVE = REPORTS / "live"
GOLDEN = REPORTS / "golden.json"  # test rows and the p_default the pipeline gave them
REFERENCE = REPORTS / "reference.json"  # what monitoring compares live traffic with
FAIRNESS = REPORTS / "fairness.json"  # features used and excluded, the age rule, group rates
CALIBRATION_POINTS = LIVE / "plots" / "sklearn" / "calibration.json"
# Written by `modelops monitor`.
MONITORING = REPORTS / "monitoring.json"
MONITORING_MD = REPORTS / "monitoring.md"
MONITORING_HTML = REPORTS / "monitoring.html"
ROC_POINTS = LIVE / "plots" / "sklearn" / "roc.json"
# Written per pull request by `modelops gate` and `modelops report`.
GATE = REPORTS / "gate.json"
REPORT = REPORTS / "report.md"

DIST = Path("dist")
STORE = Path("var/predictions.db")  # the embedded prediction store (outside git)
FEEDBACK = Path("data/feedback")  # written by `modelops feedback export`, a file a month
