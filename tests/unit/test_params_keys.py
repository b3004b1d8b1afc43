"""Protects the config files against typos: an unknown key in any section is exit 2 naming the
file it is in (params.yaml, or its owner's file beside it), the key and the nearest known one,
and `modelops train` leaves its last model and report as they were.
"""

import pytest
from support.config import file_named

# (name, edits to the sample params: dotted key -> value, `...` deletes, what the line names)
CASES = [
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
def test_one_error_line_names_the_file_and_the_key(runs, name, words, given_params, one_line_error):
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
