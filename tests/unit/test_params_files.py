"""Protects reading the params file itself and its sources: missing, a folder, not YAML, not a
mapping, or sources that cannot be told apart is exit 2 naming the file (data/sources.yaml for
the sources), and `modelops ingest`
leaves its last raw table as it was.
"""

from pathlib import Path

import pytest


def folder(path: Path) -> None:
    path.mkdir()


ENTRY = {"name": "modeldata", "kind": "csv", "path": "a.csv"}
# (name, the params file: edits, its text, a callable making it, or None for none; words)
CASES = [
    ("missing_file", None, ("params file not found",)),
    ("a_folder", folder, ("is a folder, not a file",)),
    ("invalid_yaml", "split:\n  test_size: [0.2\n  seed: 42\n", ("not valid YAML at line",)),
    ("not_a_mapping", "- just\n- a list\n", ("must be a mapping", "['just', 'a list']")),
    ("duplicate_source_names", {"ingest.sources[1]": ENTRY},
     ("'ingest'", "two sources are named 'modeldata'")),
    ("unknown_source_kind", {"ingest.sources[0].kind": "excel"},
     ("'ingest.sources[0].kind'", "got 'excel'")),
    ("sql_source_without_query",
     {"ingest.sources[0]": {"name": "core", "kind": "sql", "url": "sqlite:///c.db"}},
     ("'ingest.sources[0]'", "needs 'query'")),
]  # fmt: skip
EACH = pytest.mark.parametrize(("name", "words"), [(n, w) for n, _, w in CASES], ids=str)


@pytest.fixture(scope="module")
def runs(run_params_corpus, stage_run):
    return run_params_corpus(CASES, "ingest", "--output", stage_run / "raw.parquet")


@EACH
def test_one_error_line_names_the_file_and_the_problem(
    runs, name, words, given_params, one_line_error
):
    # The sources are data engineering's file, beside the params file: its errors name it.
    edited = isinstance(dict(((n, p) for n, p, _ in CASES))[name], dict)
    one_line_error(runs[name].result, "data/sources.yaml" if edited else given_params, *words)


@EACH
def test_last_raw_table_stays_as_it_was(runs, name, words, stage_run):
    raw = "raw.parquet"
    assert (runs[name].folder / raw).read_bytes() == (stage_run / raw).read_bytes()


def test_the_console_script_answers_alike(runs, console):
    run = runs[CASES[0][0]]
    again = console(run.folder, *run.args)
    assert (again.returncode, again.stderr) == (run.result.returncode, run.result.stderr)
