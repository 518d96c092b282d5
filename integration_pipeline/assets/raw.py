"""Raw asset specs and metadata: one asset per raw.* table (the month's delivery parsed,
validated and pseudonymised) and per audit.* table (quarantine, warnings, load ledger).
Materialised by `assets.month.month_tables`."""

from pathlib import Path

import dagster as dg

from ..load.raw import RAW_TABLES, RawLoadResult
from .common import CODE_VERSION, key, schema_metadata, table_metadata

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
    "raw.dream__persons": "The kept DREAM lines: person key of each line (stored once; the "
                          "DREAM long tables name their line).",
    "raw.dream__benefit_weeks": "DREAM weekly benefit codes, run-length encoded (one row per "
                                "run of consecutive weeks with one code).",
    "raw.dream__employment_months": "DREAM monthly employment degree and industry, long.",
    "raw.dream__coverage": "Period covered by the month's DREAM extract (inferred from its "
                           "header).",
    "audit.quarantine": "Records set aside by the load, with file, line, rule and reason.",
    "audit.warnings": "Records kept but flagged by the load (e.g. modulus-11 failures).",
    "audit.load_ledger": "Every load attempt: file, size, sha256, records, status.",
}
AUDIT_TABLES = ["audit.quarantine", "audit.warnings", "audit.load_ledger"]


def raw_specs() -> list[dg.AssetSpec]:
    return [dg.AssetSpec(key(t), description=DESCRIPTIONS[t],
                         group_name="audit" if t.startswith("audit.") else "raw",
                         kinds={"duckdb"}, code_version=CODE_VERSION,
                         metadata=schema_metadata(t))
            for t in RAW_TABLES + AUDIT_TABLES]


def raw_metadata(table: str, result: RawLoadResult, audit_rows: dict[str, int],
                 delivery: Path, warehouse: str) -> dict:
    if table in AUDIT_TABLES:
        md = table_metadata(table, audit_rows[table], warehouse)
        if table == "audit.load_ledger":
            md["files"] = dg.MetadataValue.md(
                "| file | bytes | sha256 | encoding | loaded | quarantined | warnings |\n"
                "|---|---|---|---|---|---|---|\n" + "\n".join(
                    f"| {f.name} | {f.size_bytes:,} | `{f.sha256}` | {f.encoding} | "
                    f"{f.rows_loaded:,} | {f.rows_quarantined} | {f.rows_warned} |"
                    for f in result.files.values()))
        return md
    md = table_metadata(table, result.rows[table], warehouse)
    md["load_id"] = result.load_id
    if table.startswith("raw.cpr__"):
        f = result.files["cpr_extract.txt"]
        md.update({"records_by_type": f.records_by_type,
                   "dropped_persons_by_status": result.dropped_persons})
    elif table.startswith("raw.permits__"):
        f = result.files["residence_permits.csv"]
    else:
        f = next(v for k, v in result.files.items() if k.startswith("dream"))
        md.update({"dream_last_week": result.dream_last_week,
                   "dream_last_grad_month": result.dream_last_grad_month or ""})
    md.update({"source_file": dg.MetadataValue.path(str(delivery / f.name)),
               "sha256": f.sha256, "quarantined_in_file": f.rows_quarantined,
               "warnings_in_file": f.rows_warned})
    return md
