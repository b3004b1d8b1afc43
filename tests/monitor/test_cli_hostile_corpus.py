"""Protects `modelops monitor` (and the other readers of the prediction store) against
mistaken options: a store that is not there is refused before anything is created (SQLite
would make an empty database, and its folders, of any mistyped path); a window past the
calendar, a version that never served, are one line naming the option and value, exit 2,
never a traceback (issue 22, classes 7, 8 and 9).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.cli import console, in_process
from support.repos import config_only

from modelops.store import Decision, PredictionStore

MISSING_STORES = {
    # The example, with and without a bundle (the bundle used to make a 4 KB database).
    "missing_file": (["--store", "sqlite:///does/not/exist.db"], "does/not/exist.db not found"),
    "missing_file_with_bundle": (
        ["--store", "sqlite:///does/not/exist.db", "--bundle", "dist/nowhere"],
        "does/not/exist.db not found",
    ),
    "missing_in_existing_folder": (["--store", "sqlite:///data/typo.db"], "data/typo.db not found"),
    "a_folder_not_a_file": (["--store", "sqlite:///data"], "data is not a file"),
    "missing_with_version": (
        ["--store", "sqlite:///var/predictions.db", "--version", "v0.1.0"],
        "var/predictions.db not found",
    ),
}

WINDOWS = {
    # The example: OverflowError from timedelta.
    "last_too_long": (["--last", "999999999999d"], "--last '999999999999d'"),
    "last_past_timedelta_in_weeks": (["--last", "99999999999999999999w"], "--last"),
    "last_of_5000_digits": (["--last", "9" * 5000 + "d"], "--last '99999"),
    "last_a_century_and_a_day": (["--last", "36526d"], "--last '36526d'"),
    "until_year_one": (["--until", "0001-01-01"], "--until '0001-01-01'"),  # start overflows
    "since_year_one_east_of_utc": (
        ["--since", "0001-01-01T00:00:00+05:00", "--until", "2026-01-01"],
        "--since '0001-01-01T00:00:00+05:00'",
    ),
    "until_year_9999_west_of_utc": (
        ["--until", "9999-12-31T23:59:59-05:00"],
        "--until '9999-12-31T23:59:59-05:00'",
    ),
    "since_before_the_epoch": (["--since", "1900-01-01", "--until", "2026-01-01"], "--since"),
}


def files_under(folder) -> set[str]:
    """Every file and folder under folder, by relative name."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def folder(tmp_path):
    return config_only(tmp_path)


@pytest.mark.parametrize(("options", "words"), MISSING_STORES.values(), ids=MISSING_STORES)
def test_monitor_refuses_a_missing_store_and_creates_nothing(folder, error_line, options, words):
    before = files_under(folder)
    result = in_process(folder, "monitor", *options, "--last", "7d")
    assert result.returncode == 2, result.stdout + result.stderr
    line = error_line(result)
    assert words in line and "store sqlite:///" in line, line
    assert files_under(folder) == before


@pytest.mark.parametrize(("options", "words"), MISSING_STORES.values(), ids=MISSING_STORES)
def test_feedback_export_refuses_a_missing_store_and_creates_nothing(
    folder, error_line, options, words
):
    store = options[: options.index("--store") + 2]  # export takes the store, not the rest
    before = files_under(folder)
    result = in_process(folder, "feedback", "export", *store, "--output", "out")
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in error_line(result)
    assert files_under(folder) == before


@pytest.mark.parametrize(("options", "words"), WINDOWS.values(), ids=WINDOWS)
def test_a_window_past_the_calendar_is_one_line(folder, error_line, options, words):
    result = in_process(folder, "monitor", "--store", "sqlite:///x.db", *options)
    assert result.returncode == 2, result.stdout + result.stderr
    line = error_line(result)
    assert words in line, line
    assert len(line) < 300, line  # a 5,000-digit value is cut, not echoed
    assert not (folder / "x.db").exists()


@pytest.mark.parametrize("as_of", ["0001-01-01", "0001-01-01T00:00:00+01:00", "9999-12-31"])
def test_feedback_export_as_of_past_the_calendar_is_one_line(folder, error_line, as_of):
    result = in_process(folder, "feedback", "export", "--as-of", as_of)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"--as-of '{as_of}'" in error_line(result)


@pytest.fixture
def served(folder):
    """folder with a store in which v0.1.0 answered three applications an hour ago."""
    url = f"sqlite:///{folder / 'served.db'}"
    store = PredictionStore(url)
    store.create_schema()
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    store.record(
        [
            Decision(f"id-{i}", hour_ago, "v0.1.0", {"Age": 30 + i}, 0.1, "approve", 0.2)
            for i in range(3)
        ]
    )
    store.dispose()
    return folder, url


@pytest.mark.parametrize("version", ["v9.9.9", "v0.1.1", "workspace-00000000", "V0.1.0"])
def test_monitor_of_a_version_that_never_served_is_exit_2(served, error_line, version):
    folder, url = served
    result = in_process(
        folder, "monitor", "--store", url, "--version", version, "--bundle", "dist/nowhere"
    )
    assert result.returncode == 2, result.stdout + result.stderr
    line = error_line(result)
    assert f"--version {version}: no predictions of it" in line, line
    assert "versions served: v0.1.0" in line, line


def test_a_reader_leaves_the_store_byte_identical(served):
    """The export reads through a connection that cannot write (PRAGMA query_only)."""
    folder, url = served
    before = (folder / "served.db").read_bytes()
    result = in_process(folder, "feedback", "export", "--store", url, "--output", "out")
    assert result.returncode == 0, result.stderr
    assert (folder / "served.db").read_bytes() == before
    assert not (folder / "served.db-wal").exists()


@pytest.mark.parametrize(
    "options", [["--store", "sqlite:///does/not/exist.db"], ["--last", "999999999999d"]], ids=str
)
def test_the_console_script_answers_alike(folder, options):
    by_script, in_this_process = (
        console(folder, "monitor", *options),
        in_process(folder, "monitor", *options),
    )
    assert by_script.returncode == in_this_process.returncode == 2
    assert by_script.stderr == in_this_process.stderr
    assert not (folder / "does").exists()
