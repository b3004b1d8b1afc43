"""Protects params loading of sources and files: bad sources and unreadable files name the cause."""

import pytest

from modelops import params
from modelops.errors import ConfigError


def test_unknown_source_kind_names_the_key_and_the_kind():
    raw = {"ingest": {"sources": [{"name": "old", "kind": "excel", "path": "a.xlsx"}]}}
    with pytest.raises(ConfigError, match=r"ingest\.sources\[0\]\.kind.*excel"):
        params.sources(raw)


def test_sql_source_without_query_names_the_missing_key():
    source = {"name": "core", "kind": "sql", "url": "sqlite:///core.db"}
    with pytest.raises(ConfigError, match=r"ingest\.sources\[1\]\.query' is missing"):
        params.sources({"ingest": {"sources": [{"name": "a", "kind": "csv", "path": "a"}, source]}})


def test_sql_source_with_query_is_read():
    source = {"name": "core", "kind": "sql", "url": "sqlite:///c.db", "query": "SELECT 1"}
    (read,) = params.sources({"ingest": {"sources": [source]}})
    assert (read.kind, read.url, read.query, read.path) == (
        "sql",
        "sqlite:///c.db",
        "SELECT 1",
        None,
    )


def test_duplicate_source_names_are_refused():
    entry = {"name": "same", "kind": "csv", "path": "a.csv"}
    with pytest.raises(ConfigError, match="unique"):
        params.sources({"ingest": {"sources": [entry, dict(entry, path="b.csv")]}})


def test_missing_params_file_names_the_path(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ConfigError, match="params file not found") as caught:
        params.read_params(path)
    assert str(path) in str(caught.value)
    assert caught.value.exit_code == 2


def test_invalid_yaml_is_a_config_error(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("split:\n  test_size: [0.2\n  seed: 42\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        params.read_params(path)


def test_yaml_that_is_not_a_mapping_is_a_config_error(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping"):
        params.read_params(path)
