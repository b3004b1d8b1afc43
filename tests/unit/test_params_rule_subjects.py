"""Protects the fairness and segment rules' subjects beyond the params corpus
(test_params_corpus.py, SUBJECTS): the age rule on the attribute it is for is accepted, and a
column the contract lets the data leave out is refused as a rule's or a feature's subject,
before any model is written.
"""

import pytest

# The age rule as the sample's policy states it.
AGE_RULE = {"fairness.no_negative_factor": {"attribute": "Age", "from": 61, "to": [62, 90]}}


def test_the_age_rule_on_the_attribute_it_is_for_is_accepted(
    tmp_path, cli, params_with, stage_run, contract_file
):
    params_with(tmp_path, AGE_RULE)
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
