"""Protects what params.yaml says about columns against the contract: a feature, amount,
segment or protected-attribute column that does not exist there, or cannot serve, and a
feature the fairness policy prohibits, is exit 2 naming the key and the column, and
`modelops train` leaves its last model and report as they were.
"""

import pytest
from support.config import file_named

# (name, edits to the sample params: dotted key -> value, what the one line names)
CASES = [
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
def test_one_error_line_names_the_key_and_the_column(
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
