"""The pandera models on tiny inline frames: for every table a valid frame passes, and frames that
break its main rules fail with the expected check. Plus the conventions: every table the loads
write has a model, every column a description, and the generic contract (strict columns,
nullability, unique key) holds for every model."""

import subprocess
import sys

import pandas as pd
import pandera.pandas as pa
import pytest

from integration_pipeline.load.core import CORE_TABLES
from integration_pipeline.load.raw import RAW_TABLES
from integration_pipeline.load.report import REPORT_TABLES
from integration_pipeline.schemas import MODELS, column_schema, schema_of, unique_key
from integration_pipeline.schemas.report import AGE_BANDS, FOLLOWUP_BANDS, KEY_FIGURES

M = "2017-06"
PK = "0123456789abcdef0123456789abcdef"
PK2 = "fedcba9876543210fedcba9876543210"
MC = "0151"


def _figures() -> list[dict]:
    return [dict(delivery_month=M, municipality_code=MC, figure=f, value=1.0)
            for f in KEY_FIGURES]


def _followup() -> list[dict]:
    return [dict(delivery_month=M, municipality_code=MC, months_since_arrival_band=b,
                 sort_order=i, persons=2, job_or_education=1, share_pct=50.0)
            for i, b in enumerate(FOLLOWUP_BANDS, start=1)]


# one valid frame (as records) per table
VALID: dict[str, list[dict]] = {
    "raw.cpr__persons": [dict(
        delivery_month=M, person_key=PK, status="01", status_date="2016-03-01", sex="M",
        birth_date="1985-03-03", is_birth_date_uncertain=False, is_mod11_valid=True,
        has_changed_number=False, start_date="2016-03-01", end_date=None, source_line=2)],
    "raw.cpr__addresses": [dict(
        delivery_month=M, person_key=PK, record_type="023", municipality_code="0151",
        road_code="0491", moved_in_date="2014-01-01", moved_out_date="2016-03-01",
        moved_to_municipality_date=None, from_municipality_code=None,
        from_municipality_date=None, source_line=3)],
    "raw.cpr__migrations": [dict(
        delivery_month=M, person_key=PK, record_type="024", migration_type="first_immigration",
        emigration_country_code=None, emigration_date=None, immigration_country_code="5404",
        immigration_date="2016-03-01", source_line=5)],
    "raw.cpr__citizenships": [dict(
        delivery_month=M, person_key=PK, record_type="010", country_code="5404",
        valid_from="2016-03-01", valid_to=None, source_line=4)],
    "raw.cpr__extract_info": [dict(
        delivery_month=M, extract_date="2017-06-30", previous_extract_date="2017-05-31",
        task_number="174803", dropped_persons=1, ignored_history_rows=0, skipped_records=4)],
    "raw.permits__residence_permits": [dict(
        delivery_month=M, person_key=PK, permit_date="2016-02-01", category="Asyl mv.",
        grundlag=11, forklar=1101, citizenship_code="5404", source_line=4)],
    "raw.dream__persons": [dict(delivery_month=M, person_key=PK, source_line=2),
                           dict(delivery_month=M, person_key=PK2, source_line=3)],
    "raw.dream__benefit_weeks": [dict(
        delivery_month=M, first_iso_year=2015, first_iso_week=53, weeks=2,
        benefit_code="111", source_line=2)],
    "raw.dream__employment_months": [dict(
        delivery_month=M, year=2017, month=4, industry_code="471100",
        employment_degree=0.5, source_line=2)],
    "raw.dream__coverage": [dict(
        delivery_month=M, first_week="2012-W01", last_week="2017-W20",
        last_grad_month="2017-04", weeks=281, months=64, extra_columns="koen")],
    "core.citizenship_spell": [dict(
        delivery_month=M, person_key=PK, record_type="027", country_code="5103",
        valid_from="2017-01-05", valid_to="2017-03-01", is_current=False, source_line=22)],
    "core.person": [dict(
        delivery_month=M, person_key=PK, sex="K", birth_date="1970-03-03",
        is_birth_date_uncertain=True, is_mod11_valid=True, has_changed_number=False,
        cpr_status="90", cpr_status_date="2016-03-15", death_date="2016-03-15",
        emigration_date=None, citizenship_code="5289", current_municipality_code=None,
        extract_date="2017-06-30")],
    "core.migration": [dict(
        delivery_month=M, person_key=PK, record_type="024", migration_type="emigration_reentry",
        emigration_country_code="5120", emigration_date="2011-08-01",
        immigration_country_code="5120", immigration_date="2014-02-01",
        citizenship_at_immigration="5100", source_line=40)],
    "core.residence_spell": [dict(
        delivery_month=M, person_key=PK, spell_no=2.0, municipality_code="0151",
        start_date="2014-09-01", end_date="2016-07-01", is_current=False, addresses=1,
        origin="other_municipality", from_municipality_code="0101", immigration_date=None)],
    "core.residence_permit": [dict(
        delivery_month=M, person_key=PK, permit_date="2014-03-01", category="Asyl mv.",
        residence_group="refugee", grundlag=11, forklar=1101, citizenship_code="5486",
        permit_no=1, source_line=2)],
    "core.benefit_spell": [dict(
        delivery_month=M, person_key=PK, benefit_code="111", benefit_group="public_support",
        first_iso_week="2014-W12", last_iso_week="2014-W38", first_week_start="2014-03-17",
        last_week_end="2014-09-21", weeks=27)],
    "core.employment_month": [dict(
        delivery_month=M, person_key=PK, year=2013, month=1, month_start="2013-01-01",
        employment_degree=0.37, industry_code="471100", is_employed=True)],
    "core.refugee_received": [dict(
        delivery_month=M, municipality_code=MC, person_key=PK, first_asylum_date="2015-06-10",
        arrival_date="2015-07-01", arrival_year=2015, sex="K", birth_date="1992-02-10",
        death_date=None, citizenship_code="5216", age_at_status_date=25,
        is_alive_at_status_date=True, is_adult_at_status_date=True, is_still_resident=True,
        status_week_benefit_code=None, status_at_status_week="job", status_date="2017-04-03",
        residence_date="2017-06-30")],
    "core.immigrant": [dict(
        delivery_month=M, municipality_code=MC, person_key=PK, immigration_date="2014-09-01",
        immigration_country_code="5154", citizenship_at_immigration="5154",
        is_direct_from_abroad=True, is_still_resident=True, is_family_reunified=False, sex="M",
        birth_date="1985-03-03", death_date=None, citizenship_code="5154",
        age_at_residence_date=32, age_at_status_date=32, is_adult_at_status_date=True,
        status_week_benefit_code="111", status_at_status_week="public_support",
        status_date="2017-04-03", residence_date="2017-06-30")],
    "report.parameters": [dict(
        delivery_month=M, municipality_code=MC, period_start="2013-01-01",
        residence_date="2017-06-30", status_week="2017-W14", status_date="2017-04-03")],
    "report.key_figures": _figures(),
    "report.refugees_by_citizenship": [dict(
        delivery_month=M, municipality_code=MC, citizenship_code="5486",
        citizenship_name="Syrien", women=1, men=2, persons=3)],
    "report.refugees_by_arrival_year": [dict(
        delivery_month=M, municipality_code=MC, arrival_year=2016, persons=24, adults=20,
        self_supporting_job_or_education=7)],
    "report.residents_by_age_sex": [dict(
        delivery_month=M, municipality_code=MC, age_band="18-24", sort_order=2, women=1, men=1,
        total=2, pct_of_total=40.0)],
    "report.residents_top_citizenships": [
        dict(delivery_month=M, municipality_code=MC, rank=1, citizenship_code="5128",
             citizenship_name="Bulgarien", persons=5),
        dict(delivery_month=M, municipality_code=MC, rank=2, citizenship_code="5154",
             citizenship_name="Polen", persons=3)],
    "report.adult_status": [dict(
        delivery_month=M, municipality_code=MC, cohort="refugees", status="job", persons=10)],
    "report.refugee_followup": _followup(),
    "report.month_over_month": [dict(
        delivery_month=M, municipality_code=MC, source_month="2017-05", residents=5,
        arrivals=0, refugees_received=6, job=1, education=1, self_supporting_no_income=1,
        public_support=1)],
}

# (table, changes to the first row, the check expected to fail)
BROKEN = [
    ("raw.cpr__persons", {"sex": "X"}, "isin"),
    ("raw.cpr__persons", {"status": "30"}, "isin"),
    ("raw.cpr__persons", {"person_key": PK.upper()}, "str_matches"),
    ("raw.cpr__addresses", {"moved_out_date": "2013-01-01"}, "moved_out_not_before_moved_in"),
    ("raw.cpr__addresses", {"municipality_code": "151"}, "str_matches"),
    ("raw.cpr__addresses", {"record_type": "002"}, "current_address_is_open"),
    ("raw.cpr__migrations", {"migration_type": "emigration"}, "type_matches_dates"),
    ("raw.cpr__migrations", {"immigration_country_code": "DK"}, "str_matches"),
    ("raw.cpr__citizenships", {"valid_to": "2017-01-01"}, "current_is_open"),
    ("raw.cpr__extract_info", {"dropped_persons": -1}, "greater_than_or_equal_to"),
    ("raw.permits__residence_permits", {"category": "Asyl"}, "isin"),
    ("raw.dream__persons", {"source_line": 3}, "one_row_per_line"),
    ("raw.dream__persons", {"person_key": PK2}, "multiple_fields_uniqueness"),
    ("raw.dream__benefit_weeks", {"first_iso_year": 2016}, "iso_week_exists"),
    ("raw.dream__benefit_weeks", {"first_iso_week": 54}, "in_range"),
    ("raw.dream__benefit_weeks", {"weeks": 0}, "greater_than_or_equal_to"),
    ("raw.dream__benefit_weeks", {"benefit_code": "11"}, "str_matches"),
    ("raw.dream__employment_months", {"month": 13}, "in_range"),
    ("raw.dream__employment_months", {"employment_degree": -0.1}, "greater_than_or_equal_to"),
    ("raw.dream__coverage", {"first_week": "2018-W01"}, "first_week_not_after_last"),
    ("raw.dream__coverage", {"last_grad_month": "2017-13"}, "str_matches"),
    ("core.citizenship_spell", {"is_current": True}, "is_current_matches_record_type"),
    ("core.person", {"cpr_status": "01"}, "death_only_for_status_90"),
    ("core.person", {"emigration_date": "2016-01-01"}, "emigration_only_for_status_80"),
    ("core.migration", {"migration_type": "emigration"}, "immigration_has_date"),
    ("core.residence_spell", {"is_current": True}, "is_current_iff_open"),
    ("core.residence_spell", {"origin": "abroad"}, "origin_matches_columns"),
    ("core.residence_spell", {"spell_no": 0}, "greater_than_or_equal_to"),
    ("core.residence_permit", {"residence_group": "asylum"}, "isin"),
    ("core.residence_permit", {"permit_no": 0}, "greater_than_or_equal_to"),
    ("core.benefit_spell", {"weeks": 26}, "weeks_match_dates"),
    ("core.benefit_spell", {"benefit_group": None}, "not_nullable"),
    ("core.employment_month", {"is_employed": False}, "is_employed_matches_degree"),
    ("core.employment_month", {"month_start": "2013-02-01"}, "month_start_matches"),
    ("core.refugee_received", {"arrival_date": "2015-01-01"}, "arrival_on_or_after_asylum"),
    ("core.refugee_received", {"status_at_status_week": "working"}, "isin"),
    ("core.refugee_received", {"is_alive_at_status_date": False}, "adult_means_18_and_alive"),
    ("core.immigrant", {"citizenship_at_immigration": "5100"}, "notin"),
    ("core.immigrant", {"age_at_status_date": 17}, "adult_means_18_and_alive"),
    ("report.parameters", {"status_date": "2017-04-04"}, "status_date_is_monday_of_status_week"),
    ("report.key_figures", {"figure": "refugees"}, "isin"),
    ("report.key_figures", {"value": -1.0}, "greater_than_or_equal_to"),
    ("report.refugees_by_citizenship", {"persons": 0}, "greater_than_or_equal_to"),
    ("report.refugees_by_citizenship", {"citizenship_code": "54861"}, "str_matches"),
    ("report.refugees_by_arrival_year", {"adults": 25}, "nested_counts"),
    ("report.residents_by_age_sex", {"age_band": "18-25"}, "isin"),
    ("report.residents_by_age_sex", {"sort_order": 3}, "band_matches_sort_order"),
    ("report.residents_by_age_sex", {"pct_of_total": 100.5}, "in_range"),
    ("report.residents_top_citizenships", {"persons": 2}, "persons_not_increasing_with_rank"),
    ("report.residents_top_citizenships", {"rank": 16}, "in_range"),
    ("report.adult_status", {"status": "censored"}, "isin"),
    ("report.adult_status", {"cohort": "adults"}, "isin"),
    ("report.refugee_followup", {"job_or_education": 3}, "job_or_education_within_persons"),
    ("report.refugee_followup", {"months_since_arrival_band": "0-6 mdr."}, "isin"),
    ("report.month_over_month", {"source_month": "2017-07"},
     "source_month_not_after_delivery_month"),
]


def frame(table: str, **changes) -> pd.DataFrame:
    rows = [dict(r) for r in VALID[table]]
    rows[0].update(changes)
    return pd.DataFrame(rows)


def failed_checks(table: str, df: pd.DataFrame) -> set[str]:
    try:
        MODELS[table].validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        return set(e.failure_cases["check"].astype(str).str.split("(").str[0])
    return set()


def test_every_loaded_table_has_a_model():
    missing = [t for t in RAW_TABLES + CORE_TABLES + REPORT_TABLES if t not in MODELS]
    assert not missing, f"tables written by the loads without a pandera model: {missing}"
    assert set(MODELS) == set(VALID), "every model needs a valid example in this test"


def test_every_model_and_column_is_described():
    for table in MODELS:
        schema = schema_of(table)
        assert schema.name == table
        assert schema.description, table
        assert schema.strict is True and schema.coerce is True, table
        assert unique_key(table), f"{table} declares no unique key"
        undescribed = [c for c, col in schema.columns.items() if not col.description]
        assert not undescribed, f"{table}: columns without description {undescribed}"


@pytest.mark.parametrize("table", list(VALID))
def test_valid_frame_passes(table):
    out = MODELS[table].validate(pd.DataFrame(VALID[table]), lazy=True)
    assert list(out.columns) == list(schema_of(table).columns)


@pytest.mark.parametrize(("table", "changes", "check"), BROKEN,
                         ids=[f"{t}-{c}" for t, _, c in BROKEN])
def test_broken_frame_fails(table, changes, check):
    assert check in failed_checks(table, frame(table, **changes))


def test_every_model_has_a_specific_failing_case():
    assert {t for t, _, _ in BROKEN} == set(MODELS)


@pytest.mark.parametrize("table", list(VALID))
def test_generic_contract(table):
    df = pd.DataFrame(VALID[table])
    # the unique key: the same rows twice
    twice = pd.concat([df, df], ignore_index=True)
    assert failed_checks(table, twice) & {"unique", "multiple_fields_uniqueness"}
    # strict: an unknown column, and a missing one
    assert "column_in_schema" in failed_checks(table, df.assign(extra_column=1))
    assert "column_in_dataframe" in failed_checks(table, df.drop(columns=df.columns[-1]))
    # a NULL in a non-nullable column
    required = [c for c, col in schema_of(table).columns.items() if not col.nullable]
    broken = df.copy()
    broken[required[-1]] = None
    assert failed_checks(table, broken), f"{table}.{required[-1]} accepted NULL"


def test_whole_table_rules():
    figures = pd.DataFrame(_figures()[:-1])
    assert "all_figures_present" in failed_checks("report.key_figures", figures)
    followup = pd.DataFrame(_followup()[:-1])
    assert "all_bands_present" in failed_checks("report.refugee_followup", followup)
    months = pd.DataFrame([dict(VALID["report.month_over_month"][0],
                                source_month=f"2016-{m:02d}") for m in range(1, 13)]
                          + VALID["report.month_over_month"])
    assert "at_most_12_months" in failed_checks("report.month_over_month", months)
    bands = pd.DataFrame([dict(VALID["report.residents_by_age_sex"][0], age_band=b,
                               sort_order=i) for i, b in enumerate(AGE_BANDS, start=1)])
    assert not failed_checks("report.residents_by_age_sex", bands)


def test_nullable_values_stay_null_after_coercion():
    df = frame("core.migration", citizenship_at_immigration=None)
    out = MODELS["core.migration"].validate(df)
    assert out["citizenship_at_immigration"].isna().all()


def test_column_schema_for_the_ui():
    ts = column_schema("core.immigrant")
    cols = {c.name: c for c in ts.columns}
    assert list(cols) == list(schema_of("core.immigrant").columns)
    assert cols["person_key"].type == "VARCHAR" and not cols["person_key"].constraints.nullable
    assert cols["death_date"].type == "DATE" and cols["death_date"].constraints.nullable
    assert cols["age_at_residence_date"].type == "BIGINT"
    assert "not: '5100'" in cols["citizenship_at_immigration"].constraints.other
    assert all(c.description for c in ts.columns)
    assert ts.constraints.other[0] == "unique (delivery_month, municipality_code, person_key)"


def test_importing_the_checks_does_not_import_great_expectations():
    code = ("import sys, integration_pipeline.checks, integration_pipeline.schemas; "
            "assert 'great_expectations' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_null_boolean_is_not_coerced_to_false():
    # pandas' astype(bool) turns None into False; the models use the nullable boolean dtype
    assert "not_nullable" in failed_checks("core.immigrant",
                                           frame("core.immigrant", is_still_resident=None))
