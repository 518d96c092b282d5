"""Report build: the month's report.* tables (spec report.md "Output tables") from the core
cohorts, by `sql/report_*.sql`, in one transaction."""

from __future__ import annotations

import duckdb

from ..params import ReportParams
from ..warehouse import replace_month, sql, transaction
from .core import bind, run_script

# residents_top_citizenships before key_figures (top15_share_pct reads it); month_over_month
# last (it reads this month's key_figures and adult_status)
REPORT_TABLES = [
    "report.parameters", "report.refugees_by_citizenship", "report.refugees_by_arrival_year",
    "report.residents_by_age_sex", "report.residents_top_citizenships",
    "report.adult_status", "report.key_figures", "report.refugee_followup",
    "report.month_over_month",
]


def build_report(con: duckdb.DuckDBPyConnection, params: ReportParams,
                 log=print) -> dict[str, int]:
    p = params.sql_params()
    rows = {}
    with transaction(con):
        con.execute("CREATE SCHEMA IF NOT EXISTS report")
        run_script(con, "report_macros")
        for table in REPORT_TABLES:
            q = sql(table.replace(".", "_"))
            rows[table] = replace_month(con, table, q, bind(q, p), params.delivery_month)
    log(f"[{params.delivery_month}] report tables built")
    return rows


def censored_counts(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, int]:
    """Adults in the status populations left out because their status-week code is censored."""
    r = con.execute("""
        SELECT
          (SELECT count(*) FROM core.refugee_received WHERE delivery_month = $m
             AND is_adult_at_status_date AND status_at_status_week = 'censored'),
          (SELECT count(*) FROM core.immigrant WHERE delivery_month = $m AND is_still_resident
             AND is_adult_at_status_date AND status_at_status_week = 'censored')
    """, {"m": month}).fetchall()[0]
    return {"refugees": r[0], "immigrants": r[1]}
