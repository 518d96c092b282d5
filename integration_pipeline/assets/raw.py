"""Raw assets: the month's delivery parsed, validated, pseudonymised and written to raw.* (and
its quarantine, warnings and ledger rows to audit.*) in one transaction by
`load.raw.load_delivery`. One asset per table; they materialise together."""


import dagster as dg
import duckdb

from ..extract.common import DeliveryError
from ..load.raw import RAW_TABLES, load_delivery, record_attempt
from ..partitions import monthly_partitions
from ..resources import PipelineSettings, WarehouseResource
from ..settings import ConfigError
from ..warehouse import ensure_schema
from .common import CODE_VERSION, POOL, PipelineFailure, key, table_metadata

DESCRIPTIONS = {
    "raw.cpr__persons": "CPR 001 person records: pseudonymised person key, status, sex, birth "
                        "date, modulus-11 flag. Status 30/50 dropped.",
    "raw.cpr__addresses": "CPR addresses: current (002) and valid historic (023) records.",
    "raw.cpr__migrations": "CPR emigrations/immigrations: 024 history and 005 current "
                           "emigration, typed first_immigration / emigration_reentry / "
                           "emigration / current_emigration.",
    "raw.cpr__citizenships": "CPR citizenship: current (010) and valid historic (027) records.",
    "raw.cpr__extract_info": "CPR extract header (PRODDTO = extract date) and load counts.",
    "raw.permits__residence_permits": "First-time residence permits (Udlændingeregister).",
    "raw.dream__benefit_weeks": "DREAM weekly benefit codes, long (one row per non-empty week).",
    "raw.dream__employment_months": "DREAM monthly employment degree and industry, long.",
    "raw.dream__coverage": "Period covered by the month's DREAM extract (inferred from its "
                           "header).",
    "audit.quarantine": "Records set aside by the load, with file, line, rule and reason.",
    "audit.warnings": "Records kept but flagged by the load (e.g. modulus-11 failures).",
    "audit.load_ledger": "Every load attempt: file, size, sha256, records, status.",
}
AUDIT_TABLES = ["audit.quarantine", "audit.warnings", "audit.load_ledger"]


@dg.multi_asset(
    specs=[dg.AssetSpec(key(t), description=DESCRIPTIONS[t],
                        group_name="audit" if t.startswith("audit.") else "raw",
                        kinds={"duckdb"}, code_version=CODE_VERSION)
           for t in RAW_TABLES + AUDIT_TABLES],
    partitions_def=monthly_partitions,
    pool=POOL,
)
def raw_delivery(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                 settings: PipelineSettings):
    """Load the delivery folder `<data_raw>/<YYYY-MM>/`."""
    month = context.partition_key
    delivery = settings.data_raw_path() / month
    try:
        key_bytes = settings.pseudonym_key()
        municipality = settings.municipality_code()
    except ConfigError as e:
        raise PipelineFailure(description=str(e)) from None
    with warehouse.get_connection() as con:
        try:
            result = load_delivery(
                con, delivery, month, key_bytes, municipality,
                max_share=settings.quarantine_max_share,
                max_count=settings.quarantine_max_count, log=context.log.info)
        except DeliveryError as e:
            raise PipelineFailure(
                description=f"Delivery {month} rejected: {e}. The warehouse is unchanged; the "
                            "attempt is recorded in audit.load_ledger.",
                metadata={"file": e.file, "line": e.line or -1, "field": e.field or ""},
            ) from None
        except duckdb.Error:
            ensure_schema(con)
            record_attempt(con, month, municipality, {}, "failed", "database error", "n/a")
            raise
        audit_rows = {t: con.execute(f"SELECT count(*) FROM {t} WHERE delivery_month = ?",
                                     [month]).fetchall()[0][0] for t in AUDIT_TABLES}
    files_md = "| file | bytes | sha256 | encoding | loaded | quarantined | warnings |\n" \
               "|---|---|---|---|---|---|---|\n" + "\n".join(
                   f"| {f.name} | {f.size_bytes:,} | `{f.sha256}` | {f.encoding} | "
                   f"{f.rows_loaded:,} | {f.rows_quarantined} | {f.rows_warned} |"
                   for f in result.files.values())
    for table in RAW_TABLES:
        md = table_metadata(table, result.rows[table], warehouse.path())
        md["load_id"] = result.load_id
        if table.startswith("raw.cpr__"):
            f = result.files["cpr_extract.txt"]
            md.update({"source_file": str(delivery / f.name), "sha256": f.sha256,
                       "records_by_type": f.records_by_type,
                       "dropped_persons_status_30_50_60": result.dropped_persons})
        elif table.startswith("raw.permits__"):
            f = result.files["residence_permits.csv"]
            md.update({"source_file": str(delivery / f.name), "sha256": f.sha256})
        else:
            f = next(v for k, v in result.files.items() if k.startswith("dream"))
            md.update({"source_file": str(delivery / f.name), "sha256": f.sha256,
                       "dream_last_week": result.dream_last_week,
                       "dream_last_grad_month": result.dream_last_grad_month or ""})
        yield dg.MaterializeResult(asset_key=key(table), metadata=md)
    for table in AUDIT_TABLES:
        md = table_metadata(table, audit_rows[table], warehouse.path())
        if table == "audit.load_ledger":
            md["files"] = dg.MetadataValue.md(files_md)
        yield dg.MaterializeResult(asset_key=key(table), metadata=md)
    context.log.info(f"{month}: {result.quarantined} records quarantined, "
                     f"{result.warnings} warnings")
