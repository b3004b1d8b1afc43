"""The Typer application and the options every command shares."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Credit-risk model lifecycle: ingest, validate, split, train, evaluate, summarise.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ParamsFile = Annotated[Path, typer.Option("--params", help="The params file to read.")]
DEFAULT_PARAMS = Path("params.yaml")


def gate_settings(params_file: Path):
    """The gate section of params (the artifact's name, its stages and the rules)."""
    from modelops import params

    return params.gate_params(params.read_params(params_file))
