"""Protects the config files against numbers that switch a rule off or distort it: NaN (which
compares false with everything), an infinity (a limit nothing reaches), and magnitudes no
setting can mean (a margin of 1e308, a floor of roc_auc 80). Each is exit 2 with one line
naming the file, the key path and the value, and `modelops train` leaves its last model and
report as they were.
"""

import pytest
from support.config import file_named

INF, NAN = float("inf"), float("nan")

# (name, edits to the sample params: dotted key -> value, what the one line names)
CASES = [
    # The issue's.
    ("brier_ceiling_inf", {"gate.ceilings.brier": INF},
     ("'gate.ceilings.brier'", "finite number", "got inf")),
    ("roc_auc_floor_nan", {"gate.floors.roc_auc": NAN},
     ("'gate.floors.roc_auc'", "finite number", "got nan")),
    ("margin_inf", {"business.margin": INF}, ("'business.margin'", "finite number", "got inf")),
    ("margin_1e308", {"business.margin": 1.0e308},
     ("'business.margin'", "less than or equal to 1", "got 1e+308")),
    # More of the same.
    ("margin_as_a_percentage", {"business.margin": 15.0},
     ("'business.margin'", "less than or equal to 1", "got 15.0")),
    ("loss_given_default_minus_inf", {"business.loss_given_default": -INF},
     ("'business.loss_given_default'", "finite number", "got -inf")),
    ("loss_above_the_loan", {"business.loss_given_default": 1.5},
     ("'business.loss_given_default'", "less than or equal to 1", "got 1.5")),
    ("max_drop_nan", {"gate.max_drop.roc_auc": NAN},
     ("'gate.max_drop.roc_auc'", "finite number", "got nan")),
    ("segment_floor_inf", {"gate.segments.floors.roc_auc": INF},
     ("'gate.segments.floors.roc_auc'", "finite number", "got inf")),
    ("fairness_limit_nan", {"fairness.limits.min_approval_ratio": NAN},
     ("'fairness.limits.min_approval_ratio'", "finite number", "got nan")),
    ("attribute_limit_inf", {"fairness.attributes.Age.max_calibration_gap": INF},
     ("'fairness.attributes.Age.max_calibration_gap'", "finite number", "got inf")),
    ("band_edge_inf", {"fairness.attributes.Age.bands": [18, 62, INF]},
     ("'fairness.attributes.Age.bands[2]'", "finite number", "got inf")),
    ("segment_edge_minus_inf", {"evaluate.segment_edges.Age": [-INF, 25, 100]},
     ("'evaluate.segment_edges.Age[0]'", "finite number", "got -inf")),
    ("psi_alert_inf", {"monitor.psi_alert": INF},
     ("'monitor.psi_alert'", "finite number", "got inf")),
    ("psi_alert_1e308", {"monitor.psi_alert": 1.0e308},
     ("'monitor.psi_alert'", "less than or equal to 10", "got 1e+308")),
    ("retrain_floor_nan", {"retrain": {"live_auc_floor": NAN}},
     ("'retrain.live_auc_floor'", "finite number", "got nan")),
    ("serve_wait_nan", {"serve.max_wait_ms": NAN},
     ("'serve.max_wait_ms'", "finite number", "got nan")),
    ("serve_body_a_terabyte", {"serve.max_body_bytes": 10**12},
     ("'serve.max_body_bytes'", "less than or equal to 1000000000", "got 1000000000000")),
    ("c_inf", {"train.logistic_regression.C": INF},
     ("'train.logistic_regression.C'", "finite number", "got inf")),
    ("l2_nan", {"train.hist_gradient_boosting.l2_regularization": NAN},
     ("'train.hist_gradient_boosting.l2_regularization'", "finite number", "got nan")),
    ("test_size_nan", {"split.test_size": NAN}, ("'split.test_size'", "finite number", "got nan")),
    ("leaf_nodes_past_int32", {"train.hist_gradient_boosting.max_leaf_nodes": 10**30},
     ("'train.hist_gradient_boosting.max_leaf_nodes'", "less than or equal to 1000000000")),
    ("forest_depth_huge", {"train.random_forest.max_depth": 10**9},
     ("'train.random_forest.max_depth'", "less than or equal to 10000", "got 1000000000")),
    ("segment_min_rows_huge", {"gate.segments.min_rows": 10**12},
     ("'gate.segments.min_rows'", "less than or equal to 1000000000", "got 1000000000000")),
    # A limit outside the values its metric takes can never fail (or never pass).
    ("floor_as_a_percentage", {"gate.floors.roc_auc": 80.0},
     ("'gate'", "floors.roc_auc 80.0", "outside the values roc_auc takes, [0, 1]")),
    ("ceiling_never_reached", {"gate.ceilings.brier": 17.0},
     ("'gate'", "ceilings.brier 17.0", "outside the values brier takes")),
    ("drop_larger_than_the_metric", {"gate.max_drop.roc_auc": 2.0},
     ("'gate'", "max_drop.roc_auc 2.0", "could never fail")),
    ("segment_gap_never_reached", {"gate.segments.max_gap.roc_auc": 5.0},
     ("'gate'", "segments.max_gap.roc_auc 5.0", "could never fail")),
]  # fmt: skip
KEPT = ("model.skops", "training.json")
EACH = pytest.mark.parametrize(("name", "words"), [(n, w) for n, _, w in CASES], ids=str)


@pytest.fixture(scope="module")
def runs(run_params_corpus, stage_run, contract_file):
    kept = [stage_run / name for name in KEPT]
    return run_params_corpus(CASES, "train", "--train", stage_run / "train.parquet",
                             "--test", stage_run / "test.parquet",
                             "--model", kept[0], "--report", kept[1],
                             "--contract", contract_file)  # fmt: skip


@EACH
def test_one_error_line_names_the_file_the_key_and_the_value(
    runs, name, words, given_params, one_line_error
):
    expected = file_named(dict((n, p) for n, p, _ in CASES)[name], given_params)
    one_line_error(runs[name].result, f"error: {expected}: ", *words)


@EACH
def test_last_model_and_report_stay_as_they_were(runs, name, words, stage_run):
    folder = runs[name].folder
    assert all((folder / f).read_bytes() == (stage_run / f).read_bytes() for f in KEPT)


def test_the_console_script_answers_alike(runs, console):
    run = runs[CASES[0][0]]
    again = console(run.folder, *run.args)
    assert (again.returncode, again.stderr) == (run.result.returncode, run.result.stderr)
