"""The Typer application, the options every command shares, and reading the config once.

Heavy libraries are imported inside the commands so that `modelops --help` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from modelops.config import paths

app = typer.Typer(
    help="Credit-risk model lifecycle: pipeline stages, data contract, gate, report, registry.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ParamsFile = Annotated[Path, typer.Option("--params", help="The params file to read.")]
ContractFile = Annotated[Path, typer.Option("--contract", help="The data contract to read.")]
TrainSet = Annotated[Path, typer.Option("--train", help="The training set.")]
TestSet = Annotated[Path, typer.Option("--test", help="The test set.")]
ReportsFolder = Annotated[Path, typer.Option("--reports", help="The reports folder.")]

# The params file the running command read: errors that only the data reveal (ParamsError)
# name it, as every config error names its file.
params_file_in_use: Path = paths.PARAMS


def read_params(params_file: Path):
    """params.yaml and the config files beside it, strictly checked (every section, whatever
    the command uses)."""
    from modelops.config.params import load_params

    global params_file_in_use
    params_file_in_use = params_file
    return load_params(params_file)


def read_settings(params_file: Path, contract_file: Path):
    """(params, contract), each strictly checked, and checked against each other: a feature
    that is no column of the contract is named as such, not as a feature without a reason."""
    from modelops.config.contract import load_contract
    from modelops.config.params import load_params
    from modelops.errors import ConfigError, InputError

    global params_file_in_use
    params_file_in_use = params_file
    try:
        contract = load_contract(contract_file)  # first: params' columns are checked against it
    except (ConfigError, InputError):
        load_params(params_file)  # a broken params file is said first, as it always was
        raise
    return load_params(params_file, contract, contract_file), contract


def store_url(store: str | None, serve_settings, params_file: Path) -> str:
    """The prediction store's URL: --store (checked as serve.store_url is), else
    $MODELOPS_STORE_URL (a password stays out of git), else serve.store_url."""
    from modelops.config.options import with_options

    with_options(serve_settings, "serve", {"store_url": ("--store", store)}, params_file)
    if store is not None:
        return store
    return os.environ.get("MODELOPS_STORE_URL") or serve_settings.store_url
