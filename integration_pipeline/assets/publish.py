"""Publish assets: the rendered Danish report of the month (HTML, Markdown, CSV; disclosure
control applied) and the analysts' read-only snapshot of the warehouse."""

from pathlib import Path

import dagster as dg

from ..load.core import CORE_TABLES
from ..load.raw import RAW_TABLES
from ..load.report import REPORT_TABLES
from ..partitions import monthly_partitions
from ..publish import publish_snapshot, render_month
from ..resources import PipelineSettings, WarehouseResource
from .common import CODE_VERSION, POOL, key


@dg.asset(
    key=key("report.published"), group_name="publish", kinds={"html", "csv"},
    partitions_def=monthly_partitions, pool=POOL, code_version=CODE_VERSION,
    # every month table: a failing blocking check on any of them stops publishing
    deps=[key(t) for t in RAW_TABLES + CORE_TABLES + REPORT_TABLES],
    description="The month's published report: report.html (self-contained, Danish), "
                "report.md and a CSV per table in <reports>/<YYYY-MM>/, with disclosure "
                "control (counts 1..N-1 shown as <N, secondary suppression).")
def published_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                     settings: PipelineSettings) -> dg.MaterializeResult:
    month = context.partition_key
    out_dir = settings.reports_path(warehouse.path()) / month
    with warehouse.get_connection() as con:
        files = render_month(con, month, settings.municipality_code(),
                             settings.disclosure_threshold, out_dir)
    html = files.get("report.html")
    return dg.MaterializeResult(metadata={
        "report_html": dg.MetadataValue.path(str(html)) if html else "",
        "files": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in files.values())),
        "disclosure_threshold": settings.disclosure_threshold,
    })


@dg.asset(
    key=key("audit.analyst_snapshot"), group_name="publish", kinds={"duckdb"},
    partitions_def=monthly_partitions, pool=POOL, code_version=CODE_VERSION,
    deps=[key("report.published")],
    description="Read-only copy of the whole warehouse for analysts, "
                "<warehouse>.analyst.duckdb, replaced atomically after each successful load "
                "(readable by DuckDB >= 1.5 clients).")
def analyst_snapshot(context: dg.AssetExecutionContext,
                     warehouse: WarehouseResource) -> dg.MaterializeResult:
    if warehouse.path() == ":memory:":
        return dg.MaterializeResult(metadata={"skipped": "in-memory warehouse"})
    with warehouse.get_connection() as con:
        path = publish_snapshot(con, warehouse.path())
    context.log.info(f"analyst snapshot published at {path}")
    return dg.MaterializeResult(metadata={"snapshot": dg.MetadataValue.path(str(path)),
                                          "size_bytes": Path(path).stat().st_size})
