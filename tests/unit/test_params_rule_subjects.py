"""Protects the fairness and segment rules against a subject they cannot judge: the age rule
moved onto a column the model never reads (it would pass and Age would go unchecked), onto a
category, or to values the contract does not allow; bands or segment edges beside the
column's range; segment rules with no segment listed. Each is exit 2 with one line naming the
file, the key and what the rule can judge, and `modelops train` leaves its last model and
report as they were.
"""

import pytest
from support.config import file_named


def age_rule(attribute: str = "Age", start: int = 61, to: tuple[int, int] = (62, 90)) -> dict:
    return {"fairness.no_negative_factor": {"attribute": attribute, "from": start, "to": list(to)}}


# (name, edits to the sample params: dotted key -> value, what the one line names)
CASES = [
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
def test_one_error_line_names_the_key_and_what_can_be_judged(
    runs, name, words, given_params, one_line_error
):
    expected = file_named(dict((n, p) for n, p, _ in CASES)[name], given_params)
    one_line_error(runs[name].result, f"error: {expected}: ", *words)


@EACH
def test_last_model_and_report_stay_as_they_were(runs, name, words, stage_run):
    folder = runs[name].folder
    assert all((folder / f).read_bytes() == (stage_run / f).read_bytes() for f in KEPT)


def test_the_age_rule_on_the_attribute_it_is_for_is_accepted(
    tmp_path, cli, params_with, stage_run, contract_file
):
    params_with(tmp_path, age_rule())
    for name in ("train.parquet", "test.parquet", "model.skops", "training.json"):
        (tmp_path / name).write_bytes((stage_run / name).read_bytes())
    done = cli(tmp_path, "train", "--train", "train.parquet",
               "--test", "test.parquet", "--model", "model.skops",
               "--report", "training.json", "--params", "params.yaml",
               "--contract", contract_file)  # fmt: skip
    assert done.returncode == 0, done.stderr


# (a column made optional in the contract, the params key that names it first)
OPTIONAL = [("Income", "data.features[4]"), ("Marital", "evaluate.segments[2]"),
            ("Home", "data.features[9]")]  # fmt: skip


@pytest.mark.parametrize(("column", "key"), OPTIONAL, ids=[c for c, _ in OPTIONAL])
def test_a_column_the_data_may_leave_out_is_refused_as_a_subject(
    tmp_path, cli, params_with, stage_run, contract_file, one_line_error, column, key
):
    import yaml

    params_with(tmp_path, {})
    contract = yaml.safe_load(contract_file.read_text(encoding="utf-8"))
    contract["columns"][column]["required"] = False
    (tmp_path / "contract.yaml").write_text(yaml.safe_dump(contract), encoding="utf-8")
    for name in ("train.parquet", "test.parquet"):
        (tmp_path / name).write_bytes((stage_run / name).read_bytes())
    done = cli(tmp_path, "train", "--train", "train.parquet",
               "--test", "test.parquet", "--model", "model.skops",
               "--report", "training.json", "--params", "params.yaml",
               "--contract", "contract.yaml")  # fmt: skip
    one_line_error(done, f"'{key}' '{column}' is optional in contract.yaml (required: false)")
    assert not (tmp_path / "model.skops").exists()
