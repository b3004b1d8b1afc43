"""Protects the upgrade of a schema-2 store (before exploration) to schema 3: create_schema adds
predictions.propensity and .explored with their defaults, old cases read as decided without
exploration (propensity 1, not explored), new ones keep what the service decided, and the
upgrade is idempotent. PostgreSQL: tests/serve/test_postgres.py."""

from __future__ import annotations

import sqlite3

import pytest
from serve.old_store import upgraded_store_reads_old_and_new

from modelops.errors import InputError
from modelops.store import SCHEMA_VERSION, PredictionStore


def test_a_schema_2_sqlite_file_is_upgraded(tmp_path):
    path = tmp_path / "v2.db"
    store = upgraded_store_reads_old_and_new(f"sqlite:///{path}")
    store.dispose()
    with sqlite3.connect(path) as db:
        columns = {row[1]: row for row in db.execute("PRAGMA table_info(predictions)")}
        [(version,)] = db.execute("SELECT value FROM store_info WHERE key='schema_version'")
    assert version == SCHEMA_VERSION == 3
    assert columns["propensity"][3] == 1 and columns["explored"][3] == 1  # NOT NULL


def test_a_store_newer_than_this_modelops_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'v4.db'}"
    PredictionStore(url).create_schema()
    with sqlite3.connect(tmp_path / "v4.db") as db:
        db.execute("UPDATE store_info SET value = 4")
    with pytest.raises(InputError, match="has schema 4; this modelops knows up to 3"):
        PredictionStore(url).create_schema()
