"""Protects params loading: the project's file is valid, and every mistake names its key."""

import copy

import pytest

from modelops import params
from modelops.errors import ConfigError
from modelops.model import build_estimator


@pytest.fixture
def raw(raw_params) -> dict:
    """A private copy of params.yaml to break."""
    return copy.deepcopy(raw_params)


def config_error(loader, raw) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        loader(raw)
    assert caught.value.exit_code == 2
    return caught.value


def test_project_params_load_into_every_section(raw_params):
    data = params.data_params(raw_params)
    assert len(data.features) == 13
    assert params.sources(raw_params)
    assert 0 < params.split_params(raw_params).test_size < 1
    assert params.train_params(raw_params).model in params.MODEL_KINDS
    assert params.business_params(raw_params).amount_column == "Amount"
    assert params.evaluate_params(raw_params).segment_edges["Age"][0] == 18.0


def test_unknown_model_names_the_key_and_the_value(raw):
    raw["train"]["model"] = "xgboost"
    message = str(config_error(params.train_params, raw))
    assert "train.model" in message
    assert "xgboost" in message


def test_unknown_hyperparameter_names_its_full_key(raw):
    raw["train"]["model"] = "logistic_regression"
    raw["train"]["logistic_regression"] = {"C": 1.0, "learning_rat": 0.1}
    settings = params.train_params(raw)
    message = str(config_error(build_estimator, settings))
    assert "train.logistic_regression.learning_rat" in message


@pytest.mark.parametrize("test_size", [0, 1, 1.5, -0.2])
def test_test_size_outside_zero_one_is_refused(raw, test_size):
    raw["split"]["test_size"] = test_size
    assert "split.test_size" in str(config_error(params.split_params, raw))


@pytest.mark.parametrize(
    ("section", "key", "loader"),
    [
        ("split", "test_size", params.split_params),
        ("split", "seed", params.split_params),
        ("business", "margin", params.business_params),
        ("train", "cv_folds", params.train_params),
    ],
)
def test_bool_where_a_number_belongs_is_refused(raw, section, key, loader):
    raw[section][key] = True
    assert f"{section}.{key}" in str(config_error(loader, raw))


@pytest.mark.parametrize("section", ["data", "split", "train", "business", "evaluate"])
def test_missing_section_is_named(raw, section):
    loader = getattr(params, f"{section}_params")
    del raw[section]
    assert f"'{section}'" in str(config_error(loader, raw))


@pytest.mark.parametrize("edges", [[18, 35, 25], [18, 25, 25, 40]])
def test_segment_edges_must_increase_strictly(raw, edges):
    raw["evaluate"]["segment_edges"] = {"Age": edges}
    assert "evaluate.segment_edges.Age" in str(config_error(params.evaluate_params, raw))
