"""The sample's model, trained once per session on the sample's train split with its params."""

import pandas as pd
import pytest

from modelops.data.split import split_dataset
from modelops.model.pipeline import build_pipeline, feature_kinds
from modelops.model.train import TrainedModel, train_model


@pytest.fixture(scope="session")
def train_params(sample_params):
    return sample_params.train


@pytest.fixture(scope="session")
def split(sample, sample_params, sample_contract, target) -> tuple[pd.DataFrame, pd.DataFrame]:
    settings = sample_params.split
    id_column = sample_contract.dataset.id_column
    return split_dataset(sample, target.column, settings.test_size, settings.seed, id_column)


@pytest.fixture(scope="session")
def held_out(split) -> pd.DataFrame:
    """The held-out rows, as the serving side would see them (with id and source columns)."""
    return split[1].assign(source="modeldata")


@pytest.fixture(scope="session")
def trained(split, features, target, train_params, business_params) -> TrainedModel:
    return train_model(split[0], features, target, train_params, business_params)


@pytest.fixture(scope="session")
def fresh_pipeline(split, features, train_params):
    """fresh_pipeline(): the unfitted pipeline train_model fits, for training on other labels."""
    kinds = feature_kinds(split[0], features)
    return lambda: build_pipeline(*kinds, train_params)
