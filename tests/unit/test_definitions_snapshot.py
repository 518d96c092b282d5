"""Snapshot of every asset key, group and check name: renames show up in review.

Update EXPECTED deliberately when an asset is added or renamed."""

from integration_pipeline.definitions import build_defs

EXPECTED_ASSETS = {
    "audit/analyst_snapshot": "publish", "audit/load_ledger": "audit",
    "audit/quarantine": "audit", "audit/warnings": "audit",
    "core/benefit_spell": "core", "core/citizenship_spell": "core",
    "core/employment_month": "core", "core/immigrant": "core", "core/migration": "core",
    "core/person": "core", "core/refugee_received": "core", "core/residence_permit": "core",
    "core/residence_spell": "core",
    "raw/cpr__addresses": "raw", "raw/cpr__citizenships": "raw",
    "raw/cpr__extract_info": "raw", "raw/cpr__migrations": "raw", "raw/cpr__persons": "raw",
    "raw/dream__benefit_weeks": "raw", "raw/dream__coverage": "raw",
    "raw/dream__employment_months": "raw", "raw/dream__persons": "raw",
    "raw/permits__residence_permits": "raw",
    "ref/country": "reference", "ref/dream_code": "reference", "ref/municipality": "reference",
    "ref/permit_category": "reference",
    "report/adult_status": "report", "report/key_figures": "report",
    "report/month_over_month": "report", "report/parameters": "report",
    "report/published": "publish", "report/refugee_followup": "report",
    "report/refugees_by_arrival_year": "report", "report/refugees_by_citizenship": "report",
    "report/residents_by_age_sex": "report", "report/residents_top_citizenships": "report",
}


def _graph():
    defs = build_defs()
    return defs.resolve_asset_graph()


def test_asset_keys_and_groups():
    graph = _graph()
    got = {k.to_user_string(): graph.get(k).group_name
           for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert got == EXPECTED_ASSETS


def test_every_asset_has_a_description():
    graph = _graph()
    for k in graph.get_all_asset_keys():
        node = graph.get(k)
        if node.is_materializable:
            assert node.description, k.to_user_string()


def test_jobs_schedule_sensor():
    defs = build_defs()
    assert defs.resolve_job_def("monthly_load") is not None
    assert defs.resolve_schedule_def("monthly_load_schedule").cron_schedule == "0 3 2 * *"
    assert defs.resolve_sensor_def("delivery_sensor") is not None


MONTH_TABLES = [k for k, g in EXPECTED_ASSETS.items() if g in ("raw", "core", "report")]
EXPECTED_CHECKS = {(k, "pandera_schema") for k in MONTH_TABLES} | {
    ("core/benefit_spell", "ge_benefit_spell"), ("core/residence_spell", "ge_residence_spell"),
    ("report/key_figures", "ge_key_figures"),
    ("report/residents_by_age_sex", "ge_residents_by_age_sex"),
}


def test_check_names():
    graph = _graph()
    got = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert got == EXPECTED_CHECKS


def test_publishing_waits_for_every_month_table():
    graph = _graph()
    parents = {p.to_user_string() for p in graph.get(
        next(k for k in graph.get_all_asset_keys()
             if k.to_user_string() == "report/published")).parent_keys}
    assert set(MONTH_TABLES) <= parents
