"""Protects params.yaml and the config files beside it against every mistake `modelops train`
must refuse before it trains: each case is exit 2 with one line naming the file (params.yaml,
or its owner's file beside it), the key path and the value or column, and `modelops train`
leaves its last model and report as they were. The classes, one list each:

- KEYS: typos, an unknown key in any section, answered with the nearest known one;
- VALUES: what scikit-learn, the gate or the service cannot use (a wrong type, out of range,
  an unknown model or metric, a feature without its rejection reason's text);
- COLUMNS: a feature, amount, segment or protected attribute that is no contract column or
  cannot serve, and a feature the fairness policy prohibits (the root problem named first);
- NUMBERS: NaN (it compares false with everything), an infinity (a limit nothing reaches) and
  magnitudes no setting can mean (a margin of 1e308, a floor of roc_auc 80);
- SUBJECTS: a fairness or segment rule aimed at a subject it cannot judge (the age rule on a
  column the model never reads would pass, and Age would go unchecked).
"""

import pytest
from support.config import file_named

INF, NAN = float("inf"), float("nan")


def age_rule(attribute: str = "Age", start: int = 61, to: tuple[int, int] = (62, 90)) -> dict:
    return {"fairness.no_negative_factor": {"attribute": attribute, "from": start, "to": list(to)}}


# Each case: (name, edits to the sample params: dotted key -> value, `...` deletes the key,
# what the one line names).
KEYS = [
    ("section", {"splitt": {"test_size": 0.2, "seed": 42}, "split": ...},
     ("unknown section 'splitt'", "did you mean 'split'")),
    ("data", {"data.featurs": ["Age"], "data.features": ...},
     ("unknown key 'data.featurs'", "did you mean 'features'")),
    ("ingest_source", {"ingest.sources[0].paht": "a.csv", "ingest.sources[0].path": ...},
     ("unknown key 'ingest.sources[0].paht'", "did you mean 'path'")),
    ("split", {"split.test_sise": 0.2, "split.test_size": ...},
     ("unknown key 'split.test_sise'", "did you mean 'test_size'")),
    ("train", {"train.cv_fold": 5, "train.cv_folds": ...},
     ("unknown key 'train.cv_fold'", "did you mean 'cv_folds'")),
    ("train_model", {"train.logistic_regression.max_iters": 100},
     ("unknown key 'train.logistic_regression.max_iters'", "did you mean 'max_iter'")),
    ("business", {"business.margins": 0.15, "business.margin": ...},
     ("unknown key 'business.margins'", "did you mean 'margin'")),
    ("evaluate", {"evaluate.segment": ["Home"], "evaluate.segments": ...},
     ("unknown key 'evaluate.segment'", "did you mean 'segments'")),
    ("gate", {"gate.floor": {"roc_auc": 0.8}, "gate.floors": ...},
     ("unknown key 'gate.floor'", "did you mean 'floors'")),
    ("gate_segments", {"gate.segments.min_row": 50, "gate.segments.min_rows": ...},
     ("unknown key 'gate.segments.min_row'", "did you mean 'min_rows'")),
]  # fmt: skip
VALUES = [
    ("max_iter_text", {"train.logistic_regression.max_iter": "lots"},
     ("'train.logistic_regression.max_iter'", "valid integer", "got 'lots'")),
    ("c_bool", {"train.logistic_regression.C": True},
     ("'train.logistic_regression.C'", "valid number", "got True")),
    ("test_size_text", {"split.test_size": "0.2"}, ("'split.test_size'", "got '0.2'")),
    ("c_negative", {"train.logistic_regression.C": -1.0},
     ("'train.logistic_regression.C'", "greater than 0", "got -1.0")),
    ("seed_negative", {"split.seed": -1}, ("'split.seed'", "greater than or equal to 0", "got -1")),
    ("test_size_0", {"split.test_size": 0}, ("'split.test_size'", "greater than 0", "got 0")),
    ("test_size_1", {"split.test_size": 1}, ("'split.test_size'", "less than 1", "got 1")),
    ("cv_folds_1", {"train.cv_folds": 1}, ("'train.cv_folds'", "got 1")),
    ("cv_folds_100000", {"train.cv_folds": 100000}, ("'train.cv_folds'", "got 100000")),
    ("max_drop_negative", {"gate.max_drop.roc_auc": -0.1},
     ("'gate'", "max_drop.roc_auc", "got -0.1")),
    ("unknown_model", {"train.model": "xgboost"},
     ("'train.model'", "'logistic_regression'", "got 'xgboost'")),
    ("unknown_metric", {"gate.floors.auc": 0.8}, ("'gate.floors.auc'", "'roc_auc'", "got 'auc'")),
    ("unknown_segment_metric", {"gate.segments.floors.auc": 0.6},
     ("'gate.segments.floors.auc'", "'roc_auc'", "got 'auc'")),
    ("edges_decreasing", {"evaluate.segment_edges.Age": [18, 35, 25]},
     ("'evaluate'", "segment_edges.Age", "strictly increasing", "[18.0, 35.0, 25.0]")),
    # A rejection's reasons are told in compliance's words: a feature without them is refused.
    ("reason_text_missing", {"reasons.Income": ...},
     ("'reasons.Income' is missing", "every feature in data.features")),
    ("reason_text_empty", {"reasons.Records": ""},
     ("'reasons.Records'", "at least 1 character", "got ''")),
]  # fmt: skip
COLUMNS = [
    ("feature_not_in_contract", {"data.features[12]": "Salary", "reasons.Salary": "x"},
     ("'data.features[12]'", "'Salary'", "is not a column of", "contract.yaml")),
    ("feature_is_target", {"data.features[12]": "Status", "reasons.Status": "x"},
     ("'data.features[12]'", "'Status'", "is the target")),
    ("feature_is_id", {"data.features[12]": "applicant_id", "reasons.applicant_id": "x"},
     ("'data.features[12]'", "'applicant_id'", "is the id column")),
    ("feature_is_source", {"data.features[12]": "source", "reasons.source": "x"},
     ("'data.features[12]'", "'source'", "is the source column")),
    ("feature_is_prohibited", {"data.features[12]": "Marital", "reasons.Marital": "x"},
     ("'data.features[12]'", "'Marital'", "is a prohibited basis", "ECOA", "never a feature")),
    # The same features without a reason's text (issue 22, class 10): the root problem is
    # named, not "reasons.Salary is missing" (a text would not make Salary a column).
    ("unreasoned_feature_not_in_contract", {"data.features[12]": "Salary"},
     ("'data.features[12]'", "'Salary'", "is not a column of", "contract.yaml")),
    ("unreasoned_feature_is_target", {"data.features[12]": "Status"},
     ("'data.features[12]'", "'Status'", "is the target")),
    ("unreasoned_feature_is_prohibited", {"data.features[12]": "Marital"},
     ("'data.features[12]'", "'Marital'", "is a prohibited basis", "never a feature")),
    ("unreasoned_feature_is_id", {"data.features[12]": "applicant_id"},
     ("'data.features[12]'", "'applicant_id'", "is the id column")),
    ("unreasoned_feature_is_source", {"data.features[12]": "source"},
     ("'data.features[12]'", "'source'", "is the source column")),
    ("feature_misspelt_in_place", {"data.features[0]": "seniority"},
     ("'data.features[0]'", "'seniority'", "is not a column of")),
    ("protected_attribute_not_in_contract",
     {"fairness.attributes.Religion": {"feature": False, "basis": "ECOA"}},
     ("'fairness.attributes.Religion'", "'Religion'", "is not a column of")),
    ("numeric_attribute_without_bands",
     {"fairness.attributes.Age": {"feature": True, "basis": "Reg B"}},
     ("'fairness.attributes.Age'", "'Age'", "needs bands when numeric")),
    ("amount_not_in_contract", {"business.amount_column": "Amont"},
     ("'business.amount_column'", "'Amont'", "is not a column of")),
    ("amount_not_a_number", {"business.amount_column": "Home"},
     ("'business.amount_column'", "'Home'", "must be a number column")),
    ("numeric_segment_without_edges", {"evaluate.segment_edges": {}},
     ("'evaluate.segments[0]'", "'Age'", "is numeric", "segment_edges")),
    ("edges_of_no_segment", {"evaluate.segment_edges.Time": [6, 24, 72]},
     ("'evaluate'", "segment_edges.Time", "'Time' is not under segments")),
    ("edges_of_a_category", {"evaluate.segment_edges.Home": [0, 1]},
     ("'evaluate.segment_edges.Home'", "'Home'", "is not numeric")),
]  # fmt: skip
NUMBERS = [
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
    ("retrain_drop_nan", {"retrain": {"live_auc_drop": NAN}},
     ("'retrain.live_auc_drop'", "finite number", "got nan")),
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
SUBJECTS = [
    # The issue's: Marital is a prohibited basis, never read by the model.
    ("age_rule_on_a_prohibited_basis", age_rule("Marital"),
     ("'fairness'", "no_negative_factor.attribute 'Marital'", "the model never reads it",
      "can judge", "(Age)")),
    ("age_rule_on_no_attribute", age_rule("Salary"),
     ("no_negative_factor.attribute 'Salary'", "is not under attributes", "(Age)")),
    ("age_rule_on_a_category",
     {"fairness.attributes.Home": {"feature": True, "basis": "a test"}, **age_rule("Home")},
     ("no_negative_factor.attribute 'Home'", "is not numeric", "(Age)")),
    ("age_rule_above_the_contract", age_rule(to=(62, 150)),
     ("'fairness.no_negative_factor'", "'Age'", "61..150", "contract range [18, 100]")),
    ("age_rule_below_the_contract", age_rule(start=10),
     ("'fairness.no_negative_factor'", "'Age'", "10..90", "contract range [18, 100]")),
    ("age_rule_over_too_many_values", age_rule(to=(62, 100_000)),
     ("'fairness.no_negative_factor'", "[62, 100000]", "at most 200")),
    ("bands_beside_the_range", {"fairness.attributes.Age.bands": [200, 300]},
     ("'fairness.attributes.Age.bands'", "[200.0, 300.0]", "[18, 100] in 0 bands")),
    ("bands_below_the_youngest", {"fairness.attributes.Age.bands": [0, 10, 18]},
     ("'fairness.attributes.Age.bands'", "in 0 bands", "at least 2")),
    ("one_band_holds_every_age", {"fairness.attributes.Age.bands": [0, 18, 200]},
     ("'fairness.attributes.Age.bands'", "in 1 band:", "at least 2")),
    ("segment_edges_beside_the_range", {"evaluate.segment_edges.Age": [150, 200]},
     ("'evaluate.segment_edges.Age'", "[150.0, 200.0]", "in 0 bands")),
    # (the rule first: the line names policy.yaml, where the rule is)
    ("segment_rules_without_segments",
     {"gate.segments.floors.roc_auc": 0.65, "evaluate.segments": [], "evaluate.segment_edges": {}},
     ("'gate.segments.floors' has no segment to judge", "evaluate.segments")),
]  # fmt: skip
CASES = KEYS + VALUES + COLUMNS + NUMBERS + SUBJECTS
PARAMS = {name: params for name, params, _ in CASES}
EACH = pytest.mark.parametrize(("name", "words"), [(n, w) for n, _, w in CASES], ids=str)


@pytest.fixture(scope="module")
def runs(train_corpus):
    return train_corpus(CASES)


@EACH
def test_one_error_line_names_the_file_the_key_and_the_value(
    runs, name, words, given_params, one_line_error
):
    expected = file_named(PARAMS[name], given_params)
    one_line_error(runs[name].result, f"error: {expected}: ", *words)


@EACH
def test_last_model_and_report_stay_as_they_were(runs, name, words, train_outputs_kept):
    train_outputs_kept(runs[name])


def test_the_names_are_one_each():
    assert len(PARAMS) == len(CASES)


def test_the_console_script_answers_alike(runs, console):
    run = runs[CASES[0][0]]
    again = console(run.folder, *run.args)
    assert (again.returncode, again.stderr) == (run.result.returncode, run.result.stderr)
