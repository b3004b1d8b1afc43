"""Protects what params.yaml hands to the code: the chosen model's settings and seed reach the
estimator, the loaded params cannot be changed on the way, and the contradictions the corpora
leave out are still refused with the key named."""

import pytest
from pydantic import ValidationError

from modelops.config.layout import file_of
from modelops.config.params import MODEL_KINDS, check_against_contract, load_params
from modelops.errors import ConfigError
from modelops.model.pipeline import build_estimator


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_the_chosen_models_settings_and_seed_reach_the_estimator(sample_params, kind):
    settings = sample_params.train.model_copy(update={"model": kind, "seed": 7})
    given = build_estimator(settings).get_params()
    assert settings.hyperparameters == getattr(settings, kind).model_dump()
    assert {k: given[k] for k in settings.hyperparameters} == settings.hyperparameters
    assert given["random_state"] == 7


def test_loaded_params_are_read_only(sample_params):
    with pytest.raises(ValidationError, match="frozen"):
        sample_params.split.seed = 1


@pytest.mark.parametrize(
    ("edits", "words"),
    [
        ({"train.random_forest.n_jobs": 0}, ("'train.random_forest'", "n_jobs", "got 0")),
        ({"data.features[12]": "Age"}, ("'data'", "features lists 'Age' twice")),
        ({"evaluate.segments[3]": "Home"}, ("'evaluate'", "segments lists 'Home' twice")),
        ({"ingest.sources": []}, ("'ingest.sources'", "at least 1")),
        ({"train": ...}, ("'train' is missing",)),
        ({"split.shuffle": True}, ("unknown key 'split.shuffle'", "known keys: test_size, seed")),
    ],
    ids=["n_jobs_0", "feature_twice", "segment_twice", "no_source", "no_section", "extra_key"],
)
def test_refused_on_load_naming_the_file_and_key(params_with, tmp_path, edits, words):
    path = params_with(tmp_path, edits)
    with pytest.raises(ConfigError) as caught:
        load_params(path)
    assert caught.value.exit_code == 2
    where = file_of(next(iter(edits)).split(".")[0], path)  # the file that holds the section
    assert all(word in str(caught.value) for word in (f"{where}: ", *words)), caught.value


def test_segment_that_is_not_in_the_contract_is_named(
    params_with, tmp_path, sample_contract, contract_file
):
    path = params_with(tmp_path, {"evaluate.segments[3]": "Region"})
    with pytest.raises(ConfigError, match=r"'evaluate\.segments\[3\]' 'Region' is not a column"):
        check_against_contract(load_params(path), sample_contract, path, contract_file)


def test_sample_params_keep_the_sample_contract(sample_params, sample_contract):
    check_against_contract(sample_params, sample_contract, "params.yaml", "contract.yaml")
