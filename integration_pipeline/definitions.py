"""The one Dagster code location: `build_defs()` is used by production (`defs`), the CLI and
the tests (with resource overrides), so their graphs never diverge."""

from __future__ import annotations

import dagster as dg

from .assets.month import month_tables
from .assets.publish import analyst_snapshot, published_report
from .assets.reference import reference_tables
from .automation import build_automation
from .checks import expectation_checks, schema_checks
from .resources import PipelineSettings, WarehouseResource

ALL_ASSETS = [reference_tables, month_tables, published_report, analyst_snapshot]

monthly_load = dg.define_asset_job(
    "monthly_load",
    selection=dg.AssetSelection.all(),
    description="Load one delivery month: reference tables, raw, core and report.",
    tags={"warehouse": "duckdb"},
    config={"execution": {"config": {"multiprocess": {"max_concurrent": 1}}}},
)


def build_defs(resource_overrides: dict | None = None) -> dg.Definitions:
    resources = {"warehouse": WarehouseResource(), "settings": PipelineSettings()}
    resources.update(resource_overrides or {})
    schedule, sensor = build_automation(monthly_load)
    return dg.Definitions(assets=ALL_ASSETS, asset_checks=[*schema_checks(),
                                                           *expectation_checks()],
                          jobs=[monthly_load], schedules=[schedule], sensors=[sensor],
                          resources=resources)


defs = build_defs()
