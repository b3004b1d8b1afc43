"""The data contract's own commands: draft one from a sample."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelops.cli.app import ParamsFile, app, read_params
from modelops.config import paths

contract_app = typer.Typer(help="The data contract (data/contract.yaml).", no_args_is_help=True)
app.add_typer(contract_app, name="contract")


@contract_app.command("draft")
def contract_draft(
    input: Annotated[Path, typer.Option(help="A sample of the data (CSV or Parquet).")],
    target: Annotated[
        str | None, typer.Option(help="The column to predict (guessed from its name if unset).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="Where to write the draft (default: print it).")
    ] = None,
    margin: Annotated[
        float,
        # Bounded: an infinite margin (inf, 1e308) would draft an unbounded range, not a rule.
        typer.Option(
            help="Widen observed ranges by this share of their span (0 to 10).", min=0, max=10
        ),
    ] = 0.1,
    params_file: ParamsFile = paths.PARAMS,
) -> None:
    """Draft a contract from a sample, check the sample keeps it, and write or print it."""

    from modelops.config.contract import Contract
    from modelops.config.reading import load_yaml, parse
    from modelops.data.draft import DraftSettings, draft_contract, guess_target, require_rows
    from modelops.data.ingest import read_table_file
    from modelops.data.validation import validate_against_contract
    from modelops.errors import CheckFailed
    from modelops.files import write_text

    source_column = read_params(params_file).data.source_column
    table = read_table_file(input, source_column)
    require_rows(table, str(input))
    text = draft_contract(
        table,
        target or guess_target(table, str(input)),
        source_column,
        DraftSettings(margin=margin),
    )
    # The draft is read back as `modelops validate` would read it from the file.
    contract = parse(Contract, load_yaml(text, "the draft"), "the draft")
    result = validate_against_contract(table, contract, source_column)
    if not result.passed:  # a draft its own sample breaks would be a bug: say so, write nothing
        raise CheckFailed(
            f"the draft does not validate {input}: "
            + "; ".join(rule.describe() for rule in result.failures)
        )
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text(text, output)
    r = result.report
    typer.echo(
        f"contract draft: {r['rows_in']} rows of {input} keep it ({r['rows_out']} out, "
        f"{r['rows_quarantined']} quarantined)" + (f" -> {output}" if output else ""),
        err=output is None,
    )
