"""The month asset: every raw.*, audit.*, core.* and report.* table of a delivery month,
materialised by one step that commits them in one transaction (`load.month.load_month`).
Each table is its own asset (spec) with its own lineage and metadata."""

import dagster as dg

from ..extract.common import DeliveryError
from ..load.core import CORE_TABLES
from ..load.month import load_month
from ..load.raw import RAW_TABLES
from ..load.report import REPORT_TABLES
from ..partitions import monthly_partitions
from ..resources import PipelineSettings, WarehouseResource
from ..settings import ConfigError
from .common import POOL, PipelineFailure, key
from .core import core_metadata, core_specs
from .raw import AUDIT_TABLES, raw_metadata, raw_specs
from .report import report_metadata, report_specs


@dg.multi_asset(
    name="month_tables",
    specs=raw_specs() + core_specs() + report_specs(),
    partitions_def=monthly_partitions,
    pool=POOL,
    description="Load <data_raw>/<YYYY-MM>/: parse, validate, pseudonymise, build core and "
                "report tables; one transaction for the whole month.",
)
def month_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                 settings: PipelineSettings):
    month = context.partition_key
    delivery = settings.data_raw_path() / month
    try:
        key_bytes = settings.pseudonym_key()
        municipality = settings.municipality_code()
    except ConfigError as e:
        raise PipelineFailure(description=str(e)) from None
    with warehouse.get_connection() as con:
        try:
            result = load_month(
                con, delivery, month, key_bytes, municipality,
                period_start=settings.period_start,
                residence_date=settings.residence_date or None,
                status_week=settings.status_week or None,
                max_share=settings.quarantine_max_share,
                max_count=settings.quarantine_max_count, log=context.log.info)
        except DeliveryError as e:
            raise PipelineFailure(
                description=f"Delivery {month} rejected: {e}. The warehouse is unchanged; the "
                            "attempt is recorded in audit.load_ledger.",
                metadata={"file": e.file, "line": e.line or -1, "field": e.field or ""},
            ) from None
        except ConfigError as e:
            raise PipelineFailure(description=f"{month}: {e}") from None
        audit_rows = {t: con.execute(f"SELECT count(*) FROM {t} WHERE delivery_month = ?",
                                     [month]).fetchall()[0][0] for t in AUDIT_TABLES}
    path = warehouse.path()
    for table in RAW_TABLES + AUDIT_TABLES:
        yield dg.MaterializeResult(asset_key=key(table), metadata=raw_metadata(
            table, result.raw, audit_rows, delivery, path))
    for table in CORE_TABLES:
        yield dg.MaterializeResult(asset_key=key(table), metadata=core_metadata(
            table, result.core_rows[table], result.params, path))
    for table in REPORT_TABLES:
        yield dg.MaterializeResult(asset_key=key(table), metadata=report_metadata(
            table, result.report_rows[table], result.params, result.censored, path))
    context.log.info(f"{month}: {result.raw.quarantined} records quarantined, "
                     f"{result.raw.warnings} warnings")
