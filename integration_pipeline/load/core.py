"""Core build: the month's core.* tables from raw.*, by the SQL files in `sql/core_*.sql`, in one
transaction (all core tables of a month change together or not at all)."""

from __future__ import annotations

import re

import duckdb

from ..params import ReportParams
from ..warehouse import (
    REFERENCE_TABLES,
    load_reference,
    replace_month,
    replace_view,
    sql,
    table_exists,
    transaction,
)

# build order: each table only reads tables built before it; a macro is created once the
# tables it reads exist (DuckDB binds macro bodies at creation)
CORE_STEPS = [
    "core_macros", "core.citizenship_spell", "core_citizenship_on", "core.person",
    "core.migration", "core.residence_spell", "core.residence_permit", "core.benefit_spell",
    "core.employment_month", "core_status_at", "core.refugee_received", "core.immigrant",
]
CORE_TABLES = [s for s in CORE_STEPS if "." in s]
# core tables that are views over raw.* (all months): view -> the raw table whose rows it
# shows one for one (plus derived columns), so the month's rows are counted there
CORE_VIEWS = {"core.benefit_spell": "raw.dream__benefit_weeks",
              "core.employment_month": "raw.dream__employment_months"}
_PARAM = re.compile(r"\$([a-z_]+)")


def bind(query: str, params: dict) -> dict:
    """Only the named parameters the query uses (DuckDB rejects unused ones)."""
    return {k: params[k] for k in set(_PARAM.findall(query))}


def run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    text = "\n".join(ln for ln in sql(name).splitlines() if not ln.strip().startswith("--"))
    for stmt in text.split(";"):
        if stmt.strip():
            con.execute(stmt)


def build_core(con: duckdb.DuckDBPyConnection, params: ReportParams,
               log=print) -> dict[str, int]:
    p = params.sql_params()
    rows = {}
    if not all(table_exists(con, t) for t in REFERENCE_TABLES):
        load_reference(con)
    with transaction(con):
        for step in CORE_STEPS:
            if "." not in step:
                run_script(con, step)
                continue
            q = sql(step.replace(".", "_"))
            if step in CORE_VIEWS:
                rows[step] = replace_view(con, step, q, params.delivery_month,
                                         rows_of=CORE_VIEWS[step])
            else:
                rows[step] = replace_month(con, step, q, bind(q, p), params.delivery_month)
    log(f"[{params.delivery_month}] core built: " + ", ".join(
        f"{t.split('.')[1]}={n:,}" for t, n in rows.items()))
    return rows
