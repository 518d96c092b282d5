"""Report asset specs, metadata and column lineage: the report.* tables of the spec, built by
`sql/report_*.sql` (`load.report.build_report`). Materialised by `assets.month.month_tables`."""


import dagster as dg

from ..load.report import REPORT_TABLES
from ..params import ReportParams
from .common import CODE_VERSION, key, schema_metadata, table_metadata

REF = "core.refugee_received"
IMM = "core.immigrant"
DEPS = {
    "report.parameters": ["raw.cpr__extract_info", "raw.dream__coverage"],
    "report.refugees_by_citizenship": [REF, "ref.country"],
    "report.refugees_by_arrival_year": [REF],
    "report.residents_by_age_sex": [IMM],
    "report.residents_top_citizenships": [IMM, "ref.country"],
    "report.adult_status": [REF, IMM],
    "report.key_figures": [REF, IMM, "report.residents_top_citizenships"],
    "report.refugee_followup": [REF],
    "report.month_over_month": ["report.key_figures", "report.adult_status", REF, IMM],
}
DESCRIPTIONS = {
    "report.parameters": "Parameters of the month's report: municipality, period start, "
                         "residence date, status week and date.",
    "report.key_figures": "The note's text figures (refugees received, immigrants who lived "
                          "here, still resident, …) as (figure, value).",
    "report.refugees_by_citizenship": "Refugees received by citizenship on the residence date.",
    "report.refugees_by_arrival_year": "Refugees received by arrival year: persons, adults at "
                                       "the status date, adults in job or education.",
    "report.residents_by_age_sex": "Current immigrant residents by age band and sex.",
    "report.residents_top_citizenships": "Top 15 citizenships of current immigrant residents.",
    "report.adult_status": "Status at the status week of adult refugees and adult immigrant "
                           "residents (censored left out).",
    "report.refugee_followup": "Beyond the note: adult refugees received by months since "
                               "arrival, and the share in job or education.",
    "report.month_over_month": "Beyond the note: residents, arrivals, refugees and immigrant "
                               "adults' status for the last 12 deliveries in the warehouse.",
}


# report column -> the core columns it is computed from (stored as dagster/column_lineage and
# shown as a markdown table, since the open-source UI does not draw column lineage)
_R = [(REF, "person_key")]
_I = [(IMM, "person_key"), (IMM, "is_still_resident")]
LINEAGE = {
    "report.key_figures": {"value": [(REF, "person_key"), (REF, "sex"),
                                     (REF, "is_adult_at_status_date"), (IMM, "person_key"),
                                     (IMM, "is_still_resident"), (IMM, "is_direct_from_abroad"),
                                     (IMM, "is_family_reunified"), (IMM, "sex"),
                                     (IMM, "is_adult_at_status_date")]},
    "report.refugees_by_citizenship": {
        "citizenship_code": [(REF, "citizenship_code")],
        "citizenship_name": [(REF, "citizenship_code"), ("ref.country", "name_da")],
        "women": _R + [(REF, "sex")], "men": _R + [(REF, "sex")], "persons": _R},
    "report.refugees_by_arrival_year": {
        "arrival_year": [(REF, "arrival_year")], "persons": _R,
        "adults": [(REF, "is_adult_at_status_date")],
        "self_supporting_job_or_education": [(REF, "is_adult_at_status_date"),
                                             (REF, "status_at_status_week")]},
    "report.residents_by_age_sex": {
        "age_band": [(IMM, "age_at_residence_date")], "women": _I + [(IMM, "sex")],
        "men": _I + [(IMM, "sex")], "total": _I, "pct_of_total": _I},
    "report.residents_top_citizenships": {
        "citizenship_code": [(IMM, "citizenship_code")],
        "citizenship_name": [(IMM, "citizenship_code"), ("ref.country", "name_da")],
        "persons": _I, "rank": _I},
    "report.adult_status": {
        "status": [(REF, "status_at_status_week"), (IMM, "status_at_status_week")],
        "persons": [(REF, "is_adult_at_status_date"), (IMM, "is_adult_at_status_date"),
                    (IMM, "is_still_resident")]},
    "report.refugee_followup": {
        "months_since_arrival_band": [(REF, "arrival_date"), (REF, "status_date")],
        "persons": [(REF, "is_adult_at_status_date")],
        "job_or_education": [(REF, "status_at_status_week")]},
    "report.month_over_month": {
        "residents": [("report.key_figures", "value")],
        "refugees_received": [("report.key_figures", "value")],
        "arrivals": [(IMM, "immigration_date"), (REF, "arrival_date")],
        "job": [("report.adult_status", "persons")]},
}


def lineage_metadata(table: str) -> dict:
    deps = LINEAGE.get(table)
    if not deps:
        return {}
    lineage = dg.TableColumnLineage(deps_by_column={
        col: [dg.TableColumnDep(asset_key=key(t), column_name=c) for t, c in srcs]
        for col, srcs in deps.items()})
    md = "| column | computed from |\n|---|---|\n" + "\n".join(
        f"| {col} | " + ", ".join(f"`{t}.{c}`" for t, c in srcs) + " |"
        for col, srcs in deps.items())
    return {"dagster/column_lineage": lineage, "column_lineage": dg.MetadataValue.md(md)}


def report_specs() -> list[dg.AssetSpec]:
    return [dg.AssetSpec(key(t), description=DESCRIPTIONS[t], group_name="report",
                         kinds={"duckdb", "sql"}, code_version=CODE_VERSION,
                         metadata=schema_metadata(t), deps=[key(d) for d in DEPS[t]])
            for t in REPORT_TABLES]


def report_metadata(table: str, rows: int, params: ReportParams, censored: dict[str, int],
                    warehouse: str) -> dict:
    md = table_metadata(table, rows, warehouse)
    md.update({f"param_{k}": v for k, v in params.as_metadata().items()})
    md.update(lineage_metadata(table))
    if table in ("report.adult_status", "report.refugees_by_arrival_year"):
        md["censored_left_out_refugees"] = censored["refugees"]
        md["censored_left_out_immigrants"] = censored["immigrants"]
    return md
