"""Core assets: the month's core.* tables (spells, migrations, permits, benefit spells,
cohorts) built from raw.* by the SQL in `sql/core_*.sql` through `load.core.build_core`, in one
transaction. One asset per table; they materialise together."""


import dagster as dg

from ..load.core import CORE_TABLES, build_core
from ..params import resolve_params
from ..partitions import monthly_partitions
from ..resources import PipelineSettings, WarehouseResource
from ..settings import ConfigError
from .common import CODE_VERSION, POOL, PipelineFailure, key, table_metadata

R = "raw."
DEPS = {
    "core.citizenship_spell": [R + "cpr__citizenships"],
    "core.person": [R + "cpr__persons", R + "cpr__addresses", R + "cpr__extract_info",
                    "core.citizenship_spell"],
    "core.migration": [R + "cpr__migrations", "core.citizenship_spell"],
    "core.residence_spell": [R + "cpr__addresses", R + "cpr__migrations", R + "cpr__persons"],
    "core.residence_permit": [R + "permits__residence_permits", "ref.permit_category"],
    "core.benefit_spell": [R + "dream__benefit_weeks", "ref.dream_code"],
    "core.employment_month": [R + "dream__employment_months"],
    "core.refugee_received": ["core.residence_permit", "core.residence_spell", "core.person",
                              "core.citizenship_spell", "core.benefit_spell",
                              "core.employment_month", R + "dream__coverage"],
    "core.immigrant": ["core.residence_permit", "core.residence_spell", "core.person",
                       "core.migration", "core.citizenship_spell", "core.benefit_spell",
                       "core.employment_month", R + "dream__coverage"],
}
DESCRIPTIONS = {
    "core.citizenship_spell": "Citizenship periods per person [valid_from, valid_to).",
    "core.person": "One row per person of the delivery: sex, birth date, CPR status, death "
                   "date, citizenship on the extract date, current municipality.",
    "core.migration": "Immigrations and emigrations with the citizenship in effect on the "
                      "immigration date.",
    "core.residence_spell": "Municipality spells: consecutive addresses in one municipality "
                            "with no emigration between them, and how each spell began.",
    "core.residence_permit": "First-time residence permits with their residence group.",
    "core.benefit_spell": "DREAM weekly codes collapsed to spells of consecutive ISO weeks.",
    "core.employment_month": "DREAM monthly employment degree and industry.",
    "core.refugee_received": "Cohort: refugees received by the municipality since the period "
                             "start, with age, citizenship and status at the status week.",
    "core.immigrant": "Cohort: immigrants (not refugees) who lived in the municipality since the "
                      "period start, with direct/other-municipality, still-resident and "
                      "family-reunified flags and status at the status week.",
}


def _spec(table: str) -> dg.AssetSpec:
    return dg.AssetSpec(key(table), description=DESCRIPTIONS[table], group_name="core",
                        kinds={"duckdb", "sql"}, code_version=CODE_VERSION,
                        deps=[key(d) for d in DEPS[table]])


@dg.multi_asset(specs=[_spec(t) for t in CORE_TABLES], partitions_def=monthly_partitions,
                pool=POOL)
def core_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                settings: PipelineSettings):
    month = context.partition_key
    with warehouse.get_connection() as con:
        try:
            params = resolve_params(con, month, settings.municipality_code(),
                                    settings.period_start, settings.residence_date or None,
                                    settings.status_week or None)
        except ConfigError as e:
            raise PipelineFailure(description=str(e)) from None
        rows = build_core(con, params, log=context.log.info)
    for table in CORE_TABLES:
        md = table_metadata(table, rows[table], warehouse.path())
        md.update({f"param_{k}": v for k, v in params.as_metadata().items()})
        yield dg.MaterializeResult(asset_key=key(table), metadata=md)
