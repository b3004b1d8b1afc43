"""The default model, trained once per session on the real train split with the project's params."""

import pandas as pd
import pytest

from modelops import params
from modelops.split import split_dataset
from modelops.train import TrainedModel, train_model


@pytest.fixture(scope="session")
def train_params(raw_params) -> params.TrainParams:
    return params.train_params(raw_params)


@pytest.fixture(scope="session")
def split(sample, raw_params, data_params) -> tuple[pd.DataFrame, pd.DataFrame]:
    settings = params.split_params(raw_params)
    return split_dataset(sample, data_params.target, settings.test_size, settings.seed)


@pytest.fixture(scope="session")
def held_out(split) -> pd.DataFrame:
    """The held-out rows, as the serving side would see them (with id and source columns)."""
    return split[1].assign(source="modeldata")


@pytest.fixture(scope="session")
def trained(split, data_params, train_params, business_params) -> TrainedModel:
    return train_model(split[0], data_params, train_params, business_params)
