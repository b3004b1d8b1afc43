"""Fixtures shared by every test folder: the project's own files, read as they are."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from modelops import params

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = PROJECT_ROOT / "data" / "external" / "credit.csv"

# DVC, GTO and dvclive send usage data unless told not to.
os.environ["DO_NOT_TRACK"] = "1"


@pytest.fixture(scope="session")
def raw_params() -> dict:
    """params.yaml of the project, as a mapping (tests copy before changing it)."""
    return params.read_params(PROJECT_ROOT / "params.yaml")


@pytest.fixture(scope="session")
def data_params(raw_params) -> params.DataParams:
    return params.data_params(raw_params)


@pytest.fixture(scope="session")
def business_params(raw_params) -> params.BusinessParams:
    return params.business_params(raw_params)


@pytest.fixture(scope="session")
def sample() -> pd.DataFrame:
    """The bundled credit-scoring sample (do not modify: copy first)."""
    return pd.read_csv(SAMPLE_CSV)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT
