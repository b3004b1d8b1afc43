"""Protects params.yaml against values scikit-learn, the gate or the service cannot use: a wrong
type, a value out of range, an unknown model or metric, a feature without its rejection reason's
text is exit 2 naming the key and the value, and `modelops train` leaves its last model and
report as they were.
"""

import pytest
from support.config import file_named

# (name, edits to the sample params: dotted key -> value, what the one line names)
CASES = [
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
def test_one_error_line_names_the_key_and_the_value(
    runs, name, words, given_params, one_line_error
):
    expected = file_named(dict((n, p) for n, p, _ in CASES)[name], given_params)
    one_line_error(runs[name].result, expected, *words)


@EACH
def test_last_model_and_report_stay_as_they_were(runs, name, words, stage_run):
    folder = runs[name].folder
    assert all((folder / f).read_bytes() == (stage_run / f).read_bytes() for f in KEPT)


def test_the_console_script_answers_alike(runs, console):
    run = runs[CASES[0][0]]
    again = console(run.folder, *run.args)
    assert (again.returncode, again.stderr) == (run.result.returncode, run.result.stderr)
