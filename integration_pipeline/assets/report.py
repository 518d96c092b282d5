"""Report assets: the report.* tables of the spec (one asset each, built together by
`load.report.build_report`)."""


import dagster as dg

from ..load.report import REPORT_TABLES, build_report, censored_counts
from ..params import resolve_params
from ..partitions import monthly_partitions
from ..resources import PipelineSettings, WarehouseResource
from ..settings import ConfigError
from .common import CODE_VERSION, POOL, PipelineFailure, key, table_metadata

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


@dg.multi_asset(
    specs=[dg.AssetSpec(key(t), description=DESCRIPTIONS[t], group_name="report",
                        kinds={"duckdb", "sql"}, code_version=CODE_VERSION,
                        deps=[key(d) for d in DEPS[t]]) for t in REPORT_TABLES],
    partitions_def=monthly_partitions, pool=POOL)
def report_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                  settings: PipelineSettings):
    month = context.partition_key
    with warehouse.get_connection() as con:
        try:
            params = resolve_params(con, month, settings.municipality_code(),
                                    settings.period_start, settings.residence_date or None,
                                    settings.status_week or None)
        except ConfigError as e:
            raise PipelineFailure(description=str(e)) from None
        rows = build_report(con, params, log=context.log.info)
        censored = censored_counts(con, month)
    for table in REPORT_TABLES:
        md = table_metadata(table, rows[table], warehouse.path())
        md.update({f"param_{k}": v for k, v in params.as_metadata().items()})
        if table in ("report.adult_status", "report.refugees_by_arrival_year"):
            md["censored_left_out_refugees"] = censored["refugees"]
            md["censored_left_out_immigrants"] = censored["immigrants"]
        yield dg.MaterializeResult(asset_key=key(table), metadata=md)
