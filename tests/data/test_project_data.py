"""Protects the project's own data, whatever a fork puts there: the sources its params.yaml
names keep its data/contract.yaml, and its params fit that contract."""

import pytest

from modelops.config import paths
from modelops.config.contract import load_contract
from modelops.config.params import check_against_contract, load_params
from modelops.data.ingest import ingest
from modelops.data.validation import validate_against_contract


@pytest.fixture(scope="module")
def project(project_root):
    """The project's params and contract, read strictly (a mistake fails here, naming it)."""
    params_file, contract_file = project_root / paths.PARAMS, project_root / paths.CONTRACT
    return load_params(params_file), load_contract(contract_file), params_file, contract_file


def test_project_params_fit_the_project_contract(project):
    check_against_contract(*project)


def test_project_sources_keep_the_project_contract(project, project_root, monkeypatch):
    params, contract, _, _ = project
    monkeypatch.chdir(project_root)  # source paths are relative to the project, as in dvc.yaml
    column = params.data.source_column
    validation = validate_against_contract(
        ingest(tuple(params.ingest.sources), column), contract, column
    )
    assert validation.passed, [rule.describe() for rule in validation.failures]
    assert set(params.data.features) <= set(validation.validated.columns)
