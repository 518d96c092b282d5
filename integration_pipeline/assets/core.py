"""Core asset specs and metadata: the month's core.* tables (spells, migrations, permits,
benefit spells, cohorts) built from raw.* by the SQL in `sql/core_*.sql`
(`load.core.build_core`). Materialised by `assets.month.month_tables`."""


import dagster as dg

from ..load.core import CORE_TABLES
from ..params import ReportParams
from .common import CODE_VERSION, key, schema_metadata, table_metadata

R = "raw."
DEPS = {
    "core.citizenship_spell": [R + "cpr__citizenships"],
    "core.person": [R + "cpr__persons", R + "cpr__addresses", R + "cpr__extract_info",
                    "core.citizenship_spell"],
    "core.migration": [R + "cpr__migrations", "core.citizenship_spell"],
    "core.residence_spell": [R + "cpr__addresses", R + "cpr__migrations", R + "cpr__persons"],
    "core.residence_permit": [R + "permits__residence_permits", "ref.permit_category"],
    "core.benefit_spell": [R + "dream__benefit_weeks", R + "dream__persons", "ref.dream_code"],
    "core.employment_month": [R + "dream__employment_months", R + "dream__persons"],
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
    "core.benefit_spell": "DREAM weekly codes collapsed to spells of consecutive ISO weeks (a "
                          "view over raw.dream__benefit_weeks).",
    "core.employment_month": "DREAM monthly employment degree and industry (a view over "
                             "raw.dream__employment_months).",
    "core.refugee_received": "Cohort: refugees received by the municipality since the period "
                             "start, with age, citizenship and status at the status week.",
    "core.immigrant": "Cohort: immigrants (not refugees) who lived in the municipality since the "
                      "period start, with direct/other-municipality, still-resident and "
                      "family-reunified flags and status at the status week.",
}


def core_specs() -> list[dg.AssetSpec]:
    return [dg.AssetSpec(key(t), description=DESCRIPTIONS[t], group_name="core",
                         kinds={"duckdb", "sql"}, code_version=CODE_VERSION,
                         metadata=schema_metadata(t), deps=[key(d) for d in DEPS[t]])
            for t in CORE_TABLES]


def core_metadata(table: str, rows: int, params: ReportParams, warehouse: str) -> dict:
    md = table_metadata(table, rows, warehouse)
    md.update({f"param_{k}": v for k, v in params.as_metadata().items()})
    return md
