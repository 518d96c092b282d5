"""Publishing after a successful load: the rendered report files and the analysts' read-only
snapshot of the warehouse.

Analysts cannot open the warehouse while a load writes it (DuckDB: one writer or many readers),
so each successful load publishes a copy, `<warehouse>.analyst.duckdb` beside it, written to a
temporary file and renamed into place (readers of the previous copy are not disturbed). The copy
is created with storage_compatibility_version v1.5.0, so DuckDB 1.5 clients can open it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from . import reference
from .report.render import render_report

REPORT_TABLE_NAMES = [
    "key_figures", "refugees_by_citizenship", "refugees_by_arrival_year",
    "residents_by_age_sex", "residents_top_citizenships", "adult_status",
    "month_over_month", "refugee_followup",
]
SNAPSHOT_SUFFIX = ".analyst.duckdb"


def snapshot_path(warehouse_path: str | Path) -> Path:
    p = Path(warehouse_path)
    return p.with_name(p.stem + SNAPSHOT_SUFFIX)


def publish_snapshot(con: duckdb.DuckDBPyConnection, warehouse_path: str | Path) -> Path:
    target = snapshot_path(warehouse_path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = con.execute("SELECT current_database()").fetchall()[0][0]
    con.execute("CHECKPOINT")
    con.execute("ATTACH ? AS analyst_snapshot (STORAGE_VERSION 'v1.5.0')", [str(tmp)])
    try:
        con.execute(f'COPY FROM DATABASE "{db}" TO analyst_snapshot')
    finally:
        con.execute("DETACH analyst_snapshot")
    os.chmod(tmp, 0o640)
    os.replace(tmp, target)
    return target


def read_report_tables(con: duckdb.DuckDBPyConnection, month: str,
                       municipality: str) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in REPORT_TABLE_NAMES:
        tables[name] = con.execute(
            f"SELECT * FROM report.{name} WHERE delivery_month = ? AND municipality_code = ?",
            [month, municipality]).df()
    if "source_month" in tables["month_over_month"]:
        # the renderer lists one row per delivery month
        tables["month_over_month"] = tables["month_over_month"].drop(
            columns=["delivery_month"]).rename(columns={"source_month": "delivery_month"})
    return tables


def report_params(con: duckdb.DuckDBPyConnection, month: str, municipality: str,
                  threshold: int) -> dict:
    rows = con.execute("SELECT * FROM report.parameters WHERE delivery_month = ? AND "
                       "municipality_code = ?", [month, municipality]).df()
    if rows.empty:
        raise ValueError(f"no report tables for {month} and municipality {municipality}: "
                         "run `integration-pipeline run` for that month first")
    r = rows.iloc[0]
    return {"municipality_code": municipality,
            "municipality_name": reference.municipality_name(municipality),
            "delivery_month": month, "residence_date": r["residence_date"].date(),
            "status_week": r["status_week"], "status_date": r["status_date"].date(),
            "period_start": r["period_start"].date(), "disclosure_threshold": threshold}


def render_month(con: duckdb.DuckDBPyConnection, month: str, municipality: str, threshold: int,
                 out_dir: Path, formats=("html", "md", "csv")) -> dict[str, Path]:
    tables = read_report_tables(con, month, municipality)
    params = report_params(con, month, municipality, threshold)
    return render_report(tables, params, out_dir, tuple(formats))


def publish_report(warehouse_path: str, month: str, municipality: str, threshold: int = 3,
                   formats=("html", "md", "csv"), out_root: Path | None = None,
                   ) -> dict[str, Path]:
    """CLI entry: render a loaded month from the warehouse (opened read-only)."""
    if not Path(warehouse_path).exists():
        raise FileNotFoundError(f"warehouse {warehouse_path} does not exist")
    out_root = Path(out_root) if out_root else Path(warehouse_path).parent / "reports"
    with duckdb.connect(warehouse_path, read_only=True) as con:
        return render_month(con, month, municipality, threshold, out_root / month, formats)
