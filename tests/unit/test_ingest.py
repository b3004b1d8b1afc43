"""Protects ingest: csv, parquet and SQL sources are read and stacked, each row tagged by source."""

import sqlite3

import pytest

from modelops.config.params import Source
from modelops.data.ingest import ingest, read_source, read_table_file
from modelops.errors import InputError


@pytest.fixture
def sources(sample, tmp_path) -> dict[str, Source]:
    """Rows 0-99 as CSV, 100-149 as Parquet and 150-179 in a SQLite table."""
    sample.iloc[:100].to_csv(tmp_path / "a.csv", index=False)
    sample.iloc[100:150].to_parquet(tmp_path / "b.parquet", index=False)
    with sqlite3.connect(tmp_path / "c.db") as connection:
        sample.iloc[150:180].to_sql("applications", connection, index=False)
    connection.close()
    return {
        "csv": Source(name="office", kind="csv", path=str(tmp_path / "a.csv")),
        "parquet": Source(name="branch", kind="parquet", path=str(tmp_path / "b.parquet")),
        "sql": Source(
            name="core",
            kind="sql",
            url=f"sqlite:///{tmp_path / 'c.db'}",
            query="SELECT * FROM applications",
        ),
    }


@pytest.mark.parametrize(
    ("kind", "rows"), [("csv", (0, 100)), ("parquet", (100, 150)), ("sql", (150, 180))]
)
def test_each_kind_of_source_is_read_as_it_is(sources, sample, kind, rows):
    table = read_source(sources[kind])
    expected = sample.iloc[slice(*rows)]
    assert list(table.columns) == list(sample.columns)
    assert table["applicant_id"].tolist() == expected["applicant_id"].tolist()
    assert table["Income"].isna().sum() == expected["Income"].isna().sum()


@pytest.mark.parametrize("chunk_rows", [1, 7, 30, 1000])
def test_sql_read_in_chunks_gives_the_frame_one_read_gives(sample, tmp_path, chunk_rows):
    """Chunks that differ in what they hold (a column missing throughout one chunk, whole
    numbers in one and missing values in another) still stack to the frame of one read."""
    import pandas as pd
    import sqlalchemy

    from modelops.data.ingest import _read_in_chunks

    rows = sample.iloc[:30].copy()
    rows.loc[rows.index[:10], ["Income", "Home"]] = None  # all missing in the first chunks
    rows["Count"] = pd.array([*range(29), None], dtype="Int64")  # whole numbers, then missing
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'chunks.db'}")
    rows.to_sql("applications", engine, index=False)
    query = sqlalchemy.text("SELECT * FROM applications")
    with engine.connect() as connection:
        whole = pd.read_sql_query(query, connection)
        chunked = _read_in_chunks(connection, query, chunk_rows)
    engine.dispose()
    assert len(whole) == 30 and whole["Count"].dtype == "float64"
    pd.testing.assert_frame_equal(chunked, whole)


def test_ingest_stacks_all_sources_tagged_by_name(sources, sample):
    table = ingest(tuple(sources.values()), "source")
    assert table["source"].value_counts().to_dict() == {"office": 100, "branch": 50, "core": 30}
    assert table["applicant_id"].tolist() == sample["applicant_id"].iloc[:180].tolist()
    assert list(table.index) == list(range(180))


def test_missing_file_names_the_source_and_the_path(tmp_path):
    path = tmp_path / "gone.csv"
    with pytest.raises(InputError, match="'office'") as caught:
        read_source(Source(name="office", kind="csv", path=str(path)))
    assert str(path) in str(caught.value)


def test_missing_sqlite_file_is_refused_without_creating_it(tmp_path):
    path = tmp_path / "gone.db"
    with pytest.raises(InputError, match=r"'core'.*not found"):
        read_source(Source(name="core", kind="sql", url=f"sqlite:///{path}", query="SELECT 1"))
    assert not path.exists()


def test_failing_query_names_the_source(sources):
    bad = sources["sql"].model_copy(update={"query": "SELECT * FROM no_such_table"})
    with pytest.raises(InputError, match=r"source 'core': query on sqlite:///.* failed"):
        read_source(bad)


def test_source_that_already_has_the_source_column_is_refused(sample, tmp_path):
    sample.iloc[:10].assign(source="elsewhere").to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(InputError, match=r"'office'.*'source'"):
        ingest((Source(name="office", kind="csv", path=str(tmp_path / "a.csv")),), "source")


def test_an_extract_without_a_source_column_is_tagged_by_its_file_name(sample, tmp_path):
    sample.iloc[:10].to_csv(tmp_path / "june_extract.csv", index=False)
    table = read_table_file(tmp_path / "june_extract.csv", "source")
    assert table["source"].unique().tolist() == ["june_extract"]
    assert table["applicant_id"].tolist() == sample["applicant_id"].iloc[:10].tolist()


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_folder_source_reads_its_files_by_name_skipping_dot_files(sample, tmp_path, kind):
    folder = tmp_path / "feedback"
    folder.mkdir()
    parts = {"2026-11": sample.iloc[10:20], "2026-10": sample.iloc[0:10]}
    for name, rows in parts.items():
        path = folder / f"{name}.{kind}"
        rows.to_csv(path, index=False) if kind == "csv" else rows.to_parquet(path, index=False)
    # A write in progress (output_set stages .X.tmp) and a file of the other kind are not read.
    sample.iloc[50:60].to_csv(folder / f".2026-12.{kind}", index=False)
    (folder / "notes.txt").write_text("not a table\n", encoding="utf-8")
    table = read_source(Source(name="feedback", kind=kind, path=str(folder)))
    assert table["applicant_id"].tolist() == sample["applicant_id"].iloc[:20].tolist()


def test_an_empty_folder_source_is_zero_rows_and_adds_no_columns(sources, tmp_path):
    (tmp_path / "feedback").mkdir()
    empty = Source(name="feedback", kind="csv", path=str(tmp_path / "feedback"))
    assert len(read_source(empty)) == 0
    alone = ingest((sources["csv"],), "source")
    with_empty = ingest((sources["csv"], empty), "source")
    assert with_empty.equals(alone)
    assert list(with_empty.dtypes) == list(alone.dtypes)


def test_a_missing_folder_source_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"'feedback': file .*gone not found"):
        read_source(Source(name="feedback", kind="csv", path=str(tmp_path / "gone")))
