"""Protects `modelops ingest` on sources it cannot read: exit 2, one line naming the source,
no password shown, and no output written.
"""

import sqlite3

import pytest

PASSWORD = "s3cret-pw"


def ingest(cli, cli_params, folder, *sources):
    cli_params(folder, lambda raw: raw["ingest"].update(sources=list(sources)))
    return cli(folder, "ingest", "--output", "raw.parquet", "--params", "params.yaml")


def test_missing_source_file_is_named(cli, cli_params, one_line_error, tmp_path):
    source = {"name": "branch", "kind": "parquet", "path": "nowhere/branch.parquet"}
    result = ingest(cli, cli_params, tmp_path, source)
    one_line_error(result, "'branch'", "nowhere/branch.parquet", "not found")
    assert not (tmp_path / "raw.parquet").exists()


def test_failing_query_names_the_source(cli, cli_params, one_line_error, tmp_path):
    sqlite3.connect(tmp_path / "core.db").close()  # an empty database: the table is missing
    source = {"name": "core", "kind": "sql", "url": "sqlite:///core.db", "query": "SELECT * FROM x"}
    one_line_error(ingest(cli, cli_params, tmp_path, source), "'core'", "query on", "failed")
    assert not (tmp_path / "raw.parquet").exists()


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://analyst:{PASSWORD}@127.0.0.1:9/credit",  # driver not installed
        f"nosuchdb://analyst:{PASSWORD}@db.example/credit",  # no such dialect
        f"sqlite://analyst:{PASSWORD}@/core.db",  # SQLite takes no password
    ],
    ids=["no_driver", "no_dialect", "sqlite"],
)
def test_password_in_a_source_url_is_masked(cli, cli_params, one_line_error, tmp_path, url):
    source = {"name": "core", "kind": "sql", "url": url, "query": "SELECT 1"}
    result = ingest(cli, cli_params, tmp_path, source)
    one_line_error(result, "'core'", "analyst:***@")
    assert PASSWORD not in result.stderr + result.stdout
    assert not (tmp_path / "raw.parquet").exists()
