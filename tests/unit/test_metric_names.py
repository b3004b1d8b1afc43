"""Protects the agreement behind gate rules: evaluate reports exactly the metric names that
modelops.config.metrics declares (and gate rules may use), overall and per segment."""

import json

import pytest

from modelops.config.metrics import METRICS, SEGMENT_METRICS
from modelops.files import json_safe
from modelops.model.evaluate import evaluate_model


def dotted_keys(report: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, value in report.items():
        name = f"{prefix}{key}"
        keys += dotted_keys(value, f"{name}.") if isinstance(value, dict) else [name]
    return keys


@pytest.fixture(scope="module")
def result(small_models, small_holdout, target, sample_params):
    model = small_models["logistic_regression"]
    return evaluate_model(
        model, small_holdout, target, sample_params.business, sample_params.evaluate
    )


def test_metrics_report_exactly_the_declared_names(result):
    assert sorted(dotted_keys(json_safe(result["metrics"]))) == sorted(METRICS)


def test_every_segment_reports_exactly_the_declared_names(result, sample_params):
    segments = json_safe(result["segments"])
    assert list(segments) == list(sample_params.evaluate.segments)
    for column, groups in segments.items():
        assert groups, column
        for name, metrics in groups.items():
            assert sorted(metrics) == sorted(SEGMENT_METRICS), (column, name)


def test_the_written_reports_hold_the_same_names(stage_run):
    """The files evaluate writes (run for real on the sample) hold those names too."""
    metrics = json.loads((stage_run / "reports" / "metrics.json").read_text(encoding="utf-8"))
    segments = json.loads((stage_run / "reports" / "segments.json").read_text(encoding="utf-8"))
    assert sorted(dotted_keys(metrics)) == sorted(METRICS)
    names = {name for groups in segments.values() for m in groups.values() for name in m}
    assert names == set(SEGMENT_METRICS)
