"""DuckDB plumbing shared by every layer: SQL files, schema creation, transactions,
month-partition replacement and the reference tables.

DuckDB 2.0 auto-commits each statement of a multi-statement string, so every load that writes
more than one statement runs inside `transaction()`.
"""

from __future__ import annotations

import contextlib
import os
import signal
from importlib import resources

import duckdb
import numpy as np
import pandas as pd

from . import reference


def sql(name: str) -> str:
    """Text of `integration_pipeline/sql/<name>.sql`."""
    return resources.files("integration_pipeline").joinpath("sql", f"{name}.sql").read_text(
        encoding="utf-8")


def sql_statements(name: str) -> list[str]:
    """The statements of `sql/<name>.sql` (comment lines dropped), to run one by one."""
    return _statements(sql(name))


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        migrated = _migrate(con)
        keyed = [t for t in KEYED_BEFORE if _has_column(con, t, "person_key")]
        for stmt in _statements(sql("warehouse_ddl")):
            con.execute(stmt)
        if migrated:
            keyed.append("migrate_benefit_runs")
        if keyed:
            _move_dream_keys(con, keyed)
        if migrated:
            con.execute("INSERT INTO raw.dream__benefit_weeks BY NAME "
                        "SELECT * FROM migrate_benefit_runs")
            con.execute("DROP TABLE migrate_benefit_runs")


# DREAM long tables that carried the person key on every row before it moved to
# raw.dream__persons (issue 8)
KEYED_BEFORE = ("raw.dream__benefit_weeks", "raw.dream__employment_months")


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    schema, name = table.split(".")
    return con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? "
                       "AND table_name = ? AND column_name = ?",
                       [schema, name, column]).fetchall()[0][0] > 0


def _migrate(con: duckdb.DuckDBPyConnection) -> bool:
    """Take the rows of a table an older version wrote into a temporary table of the current
    layout and drop the old table (ensure_schema recreates it); True if it did."""
    old = _has_column(con, "raw.dream__benefit_weeks", "iso_year")
    if old:  # one row per person-week (before issue 8) -> runs
        for stmt in sql_statements("migrate_dream_benefit_runs"):
            con.execute(stmt)
    return old


def _move_dream_keys(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Move the person keys of older DREAM rows into raw.dream__persons (one row per delivery
    month and DREAM line) and drop them from `tables`; the view over them is recreated."""
    rows = " UNION ALL ".join(f"SELECT delivery_month, person_key, source_line FROM {t}"
                              for t in tables)
    con.execute(f"INSERT INTO raw.dream__persons SELECT DISTINCT * FROM ({rows})")
    for t in tables:
        con.execute(f"ALTER TABLE {t} DROP COLUMN person_key")
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'core' AND "
                   "view_name = 'employment_month'").fetchall()[0][0]:
        con.execute(f"CREATE OR REPLACE VIEW core.employment_month AS "
                    f"{sql('core_employment_month')}")


def _statements(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


_OPEN: dict[int, int] = {}  # id(connection) -> nesting depth of transaction()


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    return _OPEN.get(id(con), 0) > 0


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN … COMMIT, ROLLBACK on any error. Nested use joins the outer transaction, so a
    whole month (raw, core and report) can commit as one unit."""
    depth = _OPEN.get(id(con), 0)
    _OPEN[id(con)] = depth + 1
    try:
        if depth:
            yield con
            return
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        if depth:
            _OPEN[id(con)] = depth
        else:
            _OPEN.pop(id(con), None)


def execute_with_frame(con: duckdb.DuckDBPyConnection, query: str,
                       frame: pd.DataFrame | dict[str, np.ndarray],
                       params: dict | list | None = None) -> duckdb.DuckDBPyConnection:
    """Execute `query`, which reads `frame` (a pandas frame or a dict of equally long numpy
    columns: no pandas block copies) as the table `v_frame`.

    DuckDB finds the frame by a replacement scan of this function's local variable. Unlike
    `register()`, that leaves no catalog entry behind: a registered frame stays referenced until
    the transaction ends, so inside a monthly load every frame ever registered stayed in memory
    (~2 GiB at 1M persons)."""
    v_frame = frame  # noqa: F841 - read by DuckDB's replacement scan
    return con.execute(query, params or {})


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame,
                 exclude: tuple[str, ...] = (), **constants) -> int:
    """INSERT … BY NAME from a pandas frame (column order never matters), without the columns
    `exclude` and with `constants` as columns of every row (no copy of the frame)."""
    cols = "*" + (f" EXCLUDE ({', '.join(exclude)})" if exclude else "")
    extra = "".join(f", ${k} AS {k}" for k in constants)
    execute_with_frame(con, f"INSERT INTO {table} BY NAME SELECT {cols}{extra} FROM v_frame", df,
                       constants)
    return len(df)


def replace_month(con: duckdb.DuckDBPyConnection, table: str, query: str, params: dict,
                  month: str) -> int:
    """Replace `table`'s rows of `month` by the rows of `query` (call inside a transaction).

    The table is created from the query's own column types the first time."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM ({query}) LIMIT 0", params)
    con.execute(f"DELETE FROM {table} WHERE delivery_month = ?", [month])
    con.execute(f"INSERT INTO {table} BY NAME {query}", params)
    return con.execute(f"SELECT count(*) FROM {table} WHERE delivery_month = ?",
                       [month]).fetchall()[0][0]


def replace_view(con: duckdb.DuckDBPyConnection, view: str, query: str, month: str,
                 rows_of: str | None = None) -> int:
    """(Re)create `view` as `query` (all months) and count its rows of `month`: in the table
    `rows_of` when the view shows that table's rows one for one (counting through the view
    would compute every row of the month), else in the view. A table of the view's name (from a
    version that copied the rows) is dropped first."""
    schema, name = view.split(".")
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND "
                   "table_name = ? AND NOT temporary", [schema, name]).fetchall()[0][0]:
        con.execute(f"DROP TABLE {view}")
    con.execute(f"CREATE OR REPLACE VIEW {view} AS {query}")
    return con.execute(f"SELECT count(*) FROM {rows_of or view} WHERE delivery_month = ?",
                       [month]).fetchall()[0][0]


REFERENCE_TABLES = {
    "ref.country": reference.countries,
    "ref.municipality": reference.municipalities,
    "ref.dream_code": reference.dream_codes,
    "ref.permit_category": reference.permit_categories,
}


def load_reference(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)create the ref.* tables from the shipped CSV files, atomically."""
    counts = {}
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    with transaction(con):
        for table, loader in REFERENCE_TABLES.items():
            df = loader()
            execute_with_frame(con, f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM v_frame",
                               df)
            counts[table] = len(df)
    return counts


def fault_point(name: str) -> None:
    """Fault injection for the atomicity tests: with INTEGRATION_FAULT_AT=<name> the process
    kills itself (SIGKILL) here, as a crash or an operator's kill -9 would."""
    if os.environ.get("INTEGRATION_FAULT_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def table_checksums(con: duckdb.DuckDBPyConnection, month: str | None = None,
                    ) -> dict[str, tuple[int, int]]:
    """(rows, order-independent content hash) of every table, or of one month's rows."""
    out = {}
    tables = con.execute("SELECT table_schema || '.' || table_name, "
                         "list_contains(list(column_name), 'delivery_month') "
                         "FROM information_schema.columns GROUP BY ALL ORDER BY 1").fetchall()
    for table, has_month in tables:
        if month is not None and not has_month:
            continue
        where = " WHERE delivery_month = ?" if month is not None else ""
        n, h = con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t{where}",
                           [month] if month is not None else []).fetchall()[0]
        out[table] = (int(n), int(h))
    return out


def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_schema = ? AND table_name = ?",
                            [schema, name]).fetchall()[0][0])
