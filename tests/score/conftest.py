"""Batch scoring fixtures: the sample's model trained once per session and saved in a small
workspace (models/model.skops, data/contract.yaml) that `modelops score` loads like any."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from modelops.config import paths
from modelops.data.split import split_dataset
from modelops.model.persistence import save_model
from modelops.model.train import train_model


@pytest.fixture(scope="session")
def held_out(sample, sample_params, sample_contract) -> pd.DataFrame:
    """The sample's test rows (copy before changing)."""
    settings = sample_params.split
    return split_dataset(
        sample,
        sample_contract.target.column,
        settings.test_size,
        settings.seed,
        sample_contract.dataset.id_column,
    )[1].reset_index(drop=True)


@pytest.fixture(scope="session")
def workspace(
    tmp_path_factory, sample, sample_params, sample_contract, features, target, contract_file
) -> Path:
    """A folder holding a trained model and the contract: what `modelops score` reads."""
    settings = sample_params.split
    train = split_dataset(
        sample,
        target.column,
        settings.test_size,
        settings.seed,
        sample_contract.dataset.id_column,
    )[0]
    trained = train_model(train, features, target, sample_params.train, sample_params.business)
    folder = tmp_path_factory.mktemp("score-workspace")
    save_model(trained.classifier, folder / paths.MODEL)
    (folder / paths.CONTRACT).parent.mkdir(parents=True)
    shutil.copy2(contract_file, folder / paths.CONTRACT)
    return folder


@pytest.fixture(scope="session")
def scorer(workspace):
    from modelops.score.batch import load_scorer

    return load_scorer(None, workspace)
