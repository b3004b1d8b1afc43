"""Protects `modelops ingest` on bad sources: exit 2 and one line naming the source, no output."""

import sqlite3


def test_missing_source_file_is_named(cli, cli_params, one_line_error, tmp_path):
    source = {"name": "branch", "kind": "parquet", "path": "nowhere/branch.parquet"}
    cli_params(tmp_path, lambda raw: raw["ingest"]["sources"].append(source))
    result = cli(tmp_path, "ingest", "--output", "raw.parquet", "--params", "params.yaml")
    one_line_error(result, "'branch'", "nowhere/branch.parquet")
    assert not (tmp_path / "raw.parquet").exists()


def test_missing_params_file_is_named(cli, one_line_error, tmp_path):
    result = cli(tmp_path, "ingest", "--params", "elsewhere.yaml")
    one_line_error(result, "elsewhere.yaml")


def test_failing_query_names_the_source(cli, cli_params, one_line_error, tmp_path):
    source = {"name": "core", "kind": "sql", "url": "sqlite:///core.db", "query": "SELECT * FROM x"}
    cli_params(tmp_path, lambda raw: raw["ingest"].update(sources=[source]))
    sqlite3.connect(tmp_path / "core.db").close()  # an empty database: the table is missing
    result = cli(tmp_path, "ingest", "--output", "raw.parquet", "--params", "params.yaml")
    one_line_error(result, "'core'", "query failed")
