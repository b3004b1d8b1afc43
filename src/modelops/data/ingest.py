"""Extract applications from every configured source into one raw table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from modelops.config.params import Source
from modelops.errors import InputError, redact, shown_text


def read_source(source: Source) -> pd.DataFrame:
    """Read one source as it is; a missing file or failing query is an InputError.

    A csv or parquet source whose path is a folder reads every *.csv (or *.parquet) file in
    it, sorted by name, skipping dot-files (a write in progress stages `.name.tmp` beside its
    target): an empty folder is a source of 0 rows.
    """
    if source.kind == "sql":
        return _read_sql(source)
    path = Path(source.path or "")
    if path.is_dir():
        files = sorted(p for p in path.glob(f"*.{source.kind}") if not p.name.startswith("."))
        frames = [_read_file(source, file) for file in files]
        return pd.concat(frames, ignore_index=True, sort=False) if frames else pd.DataFrame()
    if not path.is_file():
        raise InputError(f"source '{source.name}': file {path} not found")
    return _read_file(source, path)


def _read_file(source: Source, path: Path) -> pd.DataFrame:
    try:
        if source.kind == "csv":
            return pd.read_csv(path, encoding="utf-8")
        return pd.read_parquet(path)
    except UnicodeDecodeError as err:
        raise InputError(
            f"source '{source.name}': file.encoding: {path} is not UTF-8 "
            f"(byte {err.object[err.start]:#04x} at offset {err.start})"
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"source '{source.name}': file.format: {path} is empty") from None
    except (pd.errors.ParserError, ValueError, OSError) as err:
        reason = shown_text(_first_line(err), 200)
        raise InputError(
            f"source '{source.name}': file.format: cannot read {path} as {source.kind}: {reason}"
        ) from None


def read_table_file(path: Path, source_column: str) -> pd.DataFrame:
    """A table to validate: the ingested table, or any extract, tagged by its file name."""
    kind = "parquet" if path.suffix == ".parquet" else "csv"
    frame = read_source(Source(name=path.stem, kind=kind, path=str(path)))
    if source_column in frame.columns:
        return frame
    return combine_sources({path.stem: frame}, source_column)


def _read_sql(source: Source) -> pd.DataFrame:
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(source.url)
    except (sqlalchemy.exc.ArgumentError, ImportError, ValueError) as err:
        raise InputError(
            f"source '{source.name}': bad SQLAlchemy URL {redact(source.url)!r}: "
            f"{redact(_first_line(err))}"
        ) from None
    # SQLite would silently create an empty database for a path that does not exist.
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not Path(database).is_file():
        raise InputError(f"source '{source.name}': SQLite file {database} not found")
    try:
        with engine.connect() as connection:
            return _read_in_chunks(connection, sqlalchemy.text(source.query), SQL_CHUNK_ROWS)
    # pandas wraps driver errors in its own DatabaseError.
    except (sqlalchemy.exc.SQLAlchemyError, pd.errors.DatabaseError) as err:
        url = engine.url.render_as_string(hide_password=True)
        reason = redact(shown_text(_first_line(err), 200))
        raise InputError(f"source '{source.name}': query on {url} failed: {reason}") from None
    finally:
        engine.dispose()


# Rows fetched and converted at a time: the driver's Python objects for one chunk at most.
SQL_CHUNK_ROWS = 50_000


def _read_in_chunks(connection, query, chunk_rows: int) -> pd.DataFrame:
    """The query's rows as one frame, read a chunk at a time with a server-side cursor
    (stream_results) and kept as compact Arrow columns until the end, so the whole result is
    never held as driver rows nor twice over: each chunk's frame is dropped once converted,
    and the Arrow columns are freed one by one as pandas takes them (self_destruct)."""
    import pyarrow as pa

    streaming = connection.execution_options(stream_results=True, max_row_buffer=chunk_rows)
    tables = []
    for chunk in pd.read_sql_query(query, streaming, chunksize=chunk_rows):
        tables.append(pa.Table.from_pandas(chunk, preserve_index=False))
        del chunk
    if len(tables) == 1:  # a result within one chunk: exactly what one read gives
        return tables[0].to_pandas()
    # A chunk where a column is all missing, or whole numbers only, types it narrower than
    # the whole result would: permissive promotion widens it (null -> any, int -> float).
    table = pa.concat_tables(tables, promote_options="permissive")
    del tables
    return table.to_pandas(self_destruct=True, split_blocks=True)


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def combine_sources(frames: dict[str, pd.DataFrame], source_column: str) -> pd.DataFrame:
    """Stack the sources' rows, each tagged with the name of the source it came from."""
    tagged = []
    for name, frame in frames.items():
        if source_column in frame.columns:
            raise InputError(f"source '{name}': already has a column named '{source_column}'")
        if len(frame.columns):  # a folder without files yet adds no rows and no columns
            tagged.append(frame.assign(**{source_column: name}))
    if not tagged:
        return pd.DataFrame({source_column: pd.Series(dtype="str")})
    combined = pd.concat(tagged, ignore_index=True, sort=False)
    # A column typed differently by two sources (numbers in one, text in another) is kept as
    # text: the contract's corrections and type rules judge it, and Parquet can store it.
    mixed = [c for c in combined.columns if combined[c].dtype == object]
    return combined.astype({column: "str" for column in mixed})


def ingest(sources: tuple[Source, ...], source_column: str) -> pd.DataFrame:
    """Read every source and combine them into the raw table."""
    return combine_sources({s.name: read_source(s) for s in sources}, source_column)
