"""Protects the upgrade of a schema-2 store (before exploration) and of a schema-3 store (before
reasons) to schema 4: create_schema adds predictions.propensity and .explored with their
defaults and predictions.reasons empty, old cases read as decided without exploration
(propensity 1, not explored) and with reasons unknown (None), new ones keep what the service
decided and told, and the upgrade is idempotent. PostgreSQL: tests/serve/test_postgres.py."""

from __future__ import annotations

import sqlite3

import pytest
from serve.old_store import upgraded_store_reads_old_and_new

from modelops.errors import InputError
from modelops.store import SCHEMA_VERSION, PredictionStore


@pytest.mark.parametrize("old", [2, 3])
def test_an_older_sqlite_file_is_upgraded(tmp_path, old):
    path = tmp_path / f"v{old}.db"
    store = upgraded_store_reads_old_and_new(f"sqlite:///{path}", old)
    store.dispose()
    with sqlite3.connect(path) as db:
        columns = {row[1]: row for row in db.execute("PRAGMA table_info(predictions)")}
        [(version,)] = db.execute("SELECT value FROM store_info WHERE key='schema_version'")
    assert version == SCHEMA_VERSION == 4
    assert columns["propensity"][3] == 1 and columns["explored"][3] == 1  # NOT NULL
    assert columns["reasons"][3] == 0  # NULL: not known for the cases before


def test_a_store_newer_than_this_modelops_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'v5.db'}"
    PredictionStore(url).create_schema()
    with sqlite3.connect(tmp_path / "v5.db") as db:
        db.execute("UPDATE store_info SET value = 5")
    with pytest.raises(InputError, match="has schema 5; this modelops knows up to 4"):
        PredictionStore(url).create_schema()
