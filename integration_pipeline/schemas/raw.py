"""pandera models of the raw.* tables (written by `load.raw.load_delivery`, DDL in
`sql/warehouse_ddl.sql`): the parsed, pseudonymised extracts, one row per delivered record.

Belongs here: the structural contract of each raw table (columns, types, nullability as in the
DDL, value domains of the spec extracts.md, unique keys). Business rules that need other tables
live in `checks/expectations.py`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import DataFrame, Series

from .base import (
    BENEFIT_CODE,
    CODE4,
    CPR_STATUSES,
    ISO_WEEK_LABEL,
    MIGRATION_TYPES,
    MONTH,
    PERMIT_CATEGORIES,
    SEXES,
    MonthTable,
    PersonTable,
    country_field,
    source_line_field,
)

CPR_FILE = "cpr_extract.txt"
PERMITS_FILE = "residence_permits.csv (header = line 1)"
DREAM_FILE = "dream.csv (header = line 1; the person's wide row)"


class CprPersons(PersonTable):
    status: Series[str] = pa.Field(
        isin=CPR_STATUSES,
        description="CPR status (STATUS): 01/03/05/07 active with an address, 20 tax-only (no "
                    "address), 60 changed number, 70 disappeared, 80 emigrated, 90 dead. "
                    "Persons with status 30 (annulled) or 50 (deleted) are not people and are "
                    "dropped at load.")
    status_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Date the status took effect (STATUSHAENSTART, date part): for status 90 the "
                    "date of death, for 80 the emigration date. Empty when CPR gives none.")
    sex: Series[str] = pa.Field(
        isin=SEXES,
        description="Sex: 'M' man, 'K' woman (KOEN; taken from the CPR number's last digit when "
                    "KOEN is blank or not M/K).")
    birth_date: Series[pd.Timestamp] = pa.Field(
        description="Birth date (FOED_DT; derived from the CPR number when FOED_DT is blank).")
    is_birth_date_uncertain: Series[pd.BooleanDtype] = pa.Field(
        description="True when CPR marks the birth date as uncertain (FOED_DT_UMRK = '*'); the "
                    "date is still used.")
    is_mod11_valid: Series[pd.BooleanDtype] = pa.Field(
        description="True when the CPR number passes the modulus-11 check. Numbers issued since "
                    "2007-10-01 may fail it legitimately: a failure is a load warning, never a "
                    "reject.")
    has_changed_number: Series[pd.BooleanDtype] = pa.Field(
        description="True when the record's CPR number differs from the person's current "
                    "number (PNRGAELD); the person key is made from the current number.")
    start_date: Series[pd.Timestamp] = pa.Field(
        nullable=True, description="Start date of the person record (START_DT-PERSON).")
    end_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="End date of the person record (SLUT_DT-PERSON); empty while it is open.")
    source_line: Series[pd.Int64Dtype] = source_line_field(CPR_FILE)

    class Config:
        name = "raw.cpr__persons"
        description = ("CPR 001 person records, one row per person of the extract (status "
                       "30/50 dropped): pseudonymised person key, status, sex, birth date and "
                       "check flags.")
        unique = ["delivery_month", "person_key"]


class CprAddresses(PersonTable):
    record_type: Series[str] = pa.Field(
        isin=["002", "023"],
        description="'002' current address (open-ended) or '023' historic address (valid rows "
                    "only; annulled 'A' and corrected 'K' rows are ignored at load).")
    municipality_code: Series[str] = pa.Field(
        str_matches=CODE4,
        description="Municipality of the address (KOMKOD), 4 digits, e.g. '0151' Ballerup; old "
                    "history may carry pre-2007 codes (see ref.municipality).")
    road_code: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": 4},
        description="Road code within the municipality (VEJKOD); informational.")
    moved_in_date: Series[pd.Timestamp] = pa.Field(
        description="Date the person moved into the address (TILFLYDTO).")
    moved_out_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Date the person moved out of the address (FRAFLYDTO); empty for the "
                    "current address (002).")
    moved_to_municipality_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Date the person moved into the municipality of the current address "
                    "(TILFLYKOMDTO); 002 records only.")
    from_municipality_code: Series[str] = pa.Field(
        nullable=True, str_matches=CODE4,
        description="Municipality moved from before the current address (FRAFLYKOMKOD); 002 "
                    "records only, empty when none ('0000' or blank).")
    from_municipality_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Date the person moved out of that previous municipality (FRAFLYKOMDTO); "
                    "002 records only.")
    source_line: Series[pd.Int64Dtype] = source_line_field(CPR_FILE)

    @pa.dataframe_check(
        name="moved_out_not_before_moved_in",
        description="moved_out_date is empty or on/after moved_in_date (reversed records are "
                    "quarantined at load)")
    def _out_after_in(cls, df: DataFrame) -> Series[bool]:
        # records with FRAFLYDTO < TILFLYDTO are quarantined at load
        return df["moved_out_date"].isna() | (df["moved_out_date"] >= df["moved_in_date"])

    @pa.dataframe_check(
        name="current_address_is_open",
        description="the current address (002) has no moved_out_date")
    def _current_open(cls, df: DataFrame) -> Series[bool]:
        return (df["record_type"] != "002") | df["moved_out_date"].isna()

    class Config:
        name = "raw.cpr__addresses"
        description = ("CPR addresses: the current address (002) and the valid historic "
                       "addresses (023) of every person, one row per record.")
        unique = ["delivery_month", "source_line"]


class CprMigrations(PersonTable):
    record_type: Series[str] = pa.Field(
        isin=["024", "005"],
        description="'024' historic emigration/immigration or '005' current emigration (not "
                    "yet followed by a re-entry).")
    migration_type: Series[str] = pa.Field(
        isin=MIGRATION_TYPES,
        description="'first_immigration' (024 with only an immigration), 'emigration_reentry' "
                    "(024 with an emigration and a later re-entry), 'emigration' (024 with only "
                    "an emigration) or 'current_emigration' (005).")
    emigration_country_code: Series[str] = country_field(
        "Country emigrated to (UDR_LANDEKOD), 4-digit CPR country code; empty when the record "
        "has no emigration or no country.")
    emigration_date: Series[pd.Timestamp] = pa.Field(
        nullable=True, description="Emigration date (UDRDTO); empty for first immigrations.")
    immigration_country_code: Series[str] = country_field(
        "Country immigrated from (INDR_LANDEKOD), 4-digit CPR country code; empty when the "
        "record has no immigration or no country.")
    immigration_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Immigration date (INDRDTO); empty for emigrations without a re-entry.")
    source_line: Series[pd.Int64Dtype] = source_line_field(CPR_FILE)

    @pa.dataframe_check(
        name="type_matches_dates",
        description="migration_type agrees with the dates present (immigration only: "
                    "first_immigration; both: emigration_reentry; 005: current_emigration) "
                    "and every row has a date")
    def _type_matches_dates(cls, df: DataFrame) -> Series[bool]:
        has_in, has_out = df["immigration_date"].notna(), df["emigration_date"].notna()
        expected = pd.Series("emigration", index=df.index)
        expected[has_in & ~has_out] = "first_immigration"
        expected[has_in & has_out] = "emigration_reentry"
        expected[df["record_type"] == "005"] = "current_emigration"
        return (df["migration_type"] == expected) & (has_in | has_out)

    class Config:
        name = "raw.cpr__migrations"
        description = ("CPR emigrations and immigrations: 024 history and the 005 current "
                       "emigration, one row per record, typed by which dates it carries.")
        unique = ["delivery_month", "source_line"]


class CprCitizenships(PersonTable):
    record_type: Series[str] = pa.Field(
        isin=["010", "027"],
        description="'010' current citizenship or '027' historic citizenship (valid rows only).")
    country_code: Series[str] = country_field(
        "Citizenship (LANDEKOD), 4-digit CPR country code; 5100 = Danish.", nullable=False)
    valid_from: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Date the citizenship took effect (HAENSTART); may be empty.")
    valid_to: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Date the citizenship ended (HAENSLUT), exclusive: it applies on "
                    "[valid_from, valid_to). Empty for the current citizenship (010).")
    source_line: Series[pd.Int64Dtype] = source_line_field(CPR_FILE)

    @pa.dataframe_check(
        name="current_is_open",
        description="the current citizenship (010) has no valid_to")
    def _current_open(cls, df: DataFrame) -> Series[bool]:
        return (df["record_type"] != "010") | df["valid_to"].isna()

    class Config:
        name = "raw.cpr__citizenships"
        description = ("CPR citizenships: the current (010) and the valid historic (027) "
                       "records, one row per record.")
        unique = ["delivery_month", "source_line"]


class CprExtractInfo(MonthTable):
    extract_date: Series[pd.Timestamp] = pa.Field(
        description="Production date of the CPR extract (PRODDTO of record 000); the default "
                    "residence date of the report.")
    previous_extract_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Production date of the previous extract (PRODDTOFORRIG); empty if none.")
    task_number: Series[str] = pa.Field(
        nullable=True, description="CPR task number of the extract (OPGAVENR).")
    dropped_persons: Series[pd.Int32Dtype] = pa.Field(
        ge=0,
        description="Persons not loaded: status 30 (annulled) and 50 (deleted, double number), "
                    "and old numbers (status 60) whose current number has its own record.")
    ignored_history_rows: Series[pd.Int32Dtype] = pa.Field(
        ge=0,
        description="Historic records (023, 024, 027) ignored because they are annulled (ANNKOR "
                    "'A') or corrected (ANNKOR 'K').")
    skipped_records: Series[pd.Int32Dtype] = pa.Field(
        ge=0,
        description="Records of record types the pipeline does not use (e.g. 003, 004, 008), "
                    "skipped and counted.")

    class Config:
        name = "raw.cpr__extract_info"
        description = "The CPR extract's header (record 000) and load counts, one row per month."
        unique = ["delivery_month"]


class PermitsResidencePermits(PersonTable):
    permit_date: Series[pd.Timestamp] = pa.Field(
        description="Date the permit was granted (TILLADELSESDATO).")
    category: Series[str] = pa.Field(
        isin=PERMIT_CATEGORIES,
        description="Permit category (KATEGORI); 'Asyl mv.' makes the person a refugee. Rows with "
                    "an unknown category are quarantined at load.")
    grundlag: Series[pd.Int32Dtype] = pa.Field(
        nullable=True,
        description="Statistics Denmark level-2 permit code (GRUNDLAG), informational; empty "
                    "when not an integer.")
    forklar: Series[pd.Int32Dtype] = pa.Field(
        nullable=True,
        description="Statistics Denmark level-3 permit code (FORKLAR), informational; empty "
                    "when not an integer.")
    citizenship_code: Series[str] = country_field(
        "Citizenship at the time of the permit (STATSB), 4-digit CPR country code; empty when "
        "not given.")
    source_line: Series[pd.Int64Dtype] = source_line_field(PERMITS_FILE)

    class Config:
        name = "raw.permits__residence_permits"
        description = ("First-time residence permits (Udlændingeregister), one row per permit; "
                       "a change of permit type is a new row, renewals are not delivered.")
        unique = ["delivery_month", "source_line"]


def _has_iso_week(year: pd.Series, week: pd.Series) -> pd.Series:
    """True where (ISO year, week) exists: week 53 only in years whose 28 December is in it."""
    weeks = {y: dt.date(int(y), 12, 28).isocalendar()[1] for y in year.dropna().unique()}
    return week <= year.map(weeks)


class DreamPersons(PersonTable):
    source_line: Series[pd.Int64Dtype] = source_line_field(DREAM_FILE)

    class Config:
        name = "raw.dream__persons"
        description = ("The kept rows of the DREAM file, one per person: the person key of each "
                       "line, stored once. raw.dream__benefit_weeks and "
                       "raw.dream__employment_months name their row by (delivery_month, "
                       "source_line); join here for the person key. Quarantined lines are in "
                       "audit.quarantine instead.")
        unique = ["delivery_month", "person_key"]

    @pa.dataframe_check(name="one_row_per_line", description="source_line unique in the month")
    def _line_unique(cls, df: DataFrame) -> Series[bool]:
        return ~df.duplicated(["delivery_month", "source_line"], keep=False)


class DreamBenefitWeeks(MonthTable):
    first_iso_year: Series[pd.Int16Dtype] = pa.Field(
        in_range={"min_value": 1900, "max_value": 2099},
        description="ISO year of the run's first week (from the column name y_YYWW: 20YY for "
                    "YY < 90, else 19YY).")
    first_iso_week: Series[pd.Int8Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": 53},
        description="ISO week number 1-53 of the run's first week (WW of y_YYWW).")
    weeks: Series[pd.Int16Dtype] = pa.Field(
        ge=1, description="Number of consecutive ISO weeks in the run, all with this code "
                          "(the run's last week is first week + weeks - 1).")
    benefit_code: Series[str] = pa.Field(
        str_matches=BENEFIT_CODE,
        description="DREAM benefit code (ydelseskode, 3 digits) of every week of the run; "
                    "DREAM keeps one code per week (the highest-priority benefit). Labels and "
                    "groups in ref.dream_code.")
    source_line: Series[pd.Int64Dtype] = source_line_field(DREAM_FILE)

    @pa.dataframe_check(
        name="iso_week_exists",
        description="week 53 only in ISO years that have one (28 December in week 53)")
    def _week_exists(cls, df: DataFrame) -> Series[bool]:
        return _has_iso_week(df["first_iso_year"], df["first_iso_week"])

    class Config:
        name = "raw.dream__benefit_weeks"
        description = ("DREAM weekly benefit codes, run-length encoded: one row per DREAM line "
                       "(person) and run of consecutive ISO weeks with the same code (empty "
                       "weeks are not stored; a run ends where the code changes or a week is "
                       "empty). The weeks are exactly those of the file's y_YYWW cells. The "
                       "person key is in raw.dream__persons (same delivery_month and "
                       "source_line).")
        unique = ["delivery_month", "source_line", "first_iso_year", "first_iso_week"]


class DreamEmploymentMonths(MonthTable):
    year: Series[pd.Int16Dtype] = pa.Field(
        in_range={"min_value": 1900, "max_value": 2099},
        description="Calendar year (from the column names grad_YYYY_MM / branche_YYYY_MM).")
    month: Series[pd.Int8Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": 12}, description="Calendar month 1-12.")
    industry_code: Series[str] = pa.Field(
        nullable=True, str_length={"min_value": 1},
        description="Industry (DB07) of the month's main employment (branche_YYYY_MM); empty = "
                    "no employment recorded.")
    employment_degree: Series[float] = pa.Field(
        nullable=True, ge=0,
        description="Employment degree in the month as a fraction of full time (grad_YYYY_MM); "
                    "empty or 0 = no employment. A non-numeric value quarantines that month.")
    source_line: Series[pd.Int64Dtype] = source_line_field(DREAM_FILE)

    class Config:
        name = "raw.dream__employment_months"
        description = ("DREAM monthly employment in long form: one row per DREAM line (person) "
                       "and month with a degree or an industry code. The person key is in "
                       "raw.dream__persons (same delivery_month and source_line).")
        unique = ["delivery_month", "source_line", "year", "month"]


class DreamCoverage(MonthTable):
    first_week: Series[str] = pa.Field(
        str_matches=ISO_WEEK_LABEL,
        description="First ISO week with a y_ column in the DREAM file, 'YYYY-Www'.")
    last_week: Series[str] = pa.Field(
        str_matches=ISO_WEEK_LABEL,
        description="Last ISO week with a y_ column, 'YYYY-Www' (lags the delivery month by about "
                    "two months).")
    last_grad_month: Series[str] = pa.Field(
        nullable=True, str_matches=MONTH,
        description="Latest month with a grad_ column, 'YYYY-MM'; the status week is the first "
                    "ISO week whose Thursday falls in it. Empty when the file has no grad_ "
                    "columns.")
    weeks: Series[pd.Int32Dtype] = pa.Field(
        ge=1, description="Number of week (y_) columns; consecutive ISO weeks by validation.")
    months: Series[pd.Int32Dtype] = pa.Field(
        ge=0, description="Number of distinct months with a grad_ or branche_ column.")
    extra_columns: Series[str] = pa.Field(
        nullable=True,
        description="Comma-separated names of the other columns present (e.g. koen, alder, "
                    "bopkom), carried as metadata and not used; empty when none.")

    @pa.dataframe_check(
        name="first_week_not_after_last",
        description="first_week <= last_week")
    def _week_order(cls, df: DataFrame) -> Series[bool]:
        return df["first_week"] <= df["last_week"]

    class Config:
        name = "raw.dream__coverage"
        description = ("Period covered by the month's DREAM extract, inferred from its column "
                       "names; one row per month.")
        unique = ["delivery_month"]


RAW_MODELS: dict[str, type[pa.DataFrameModel]] = {
    m.Config.name: m for m in (
        CprPersons, CprAddresses, CprMigrations, CprCitizenships, CprExtractInfo,
        PermitsResidencePermits, DreamPersons, DreamBenefitWeeks, DreamEmploymentMonths,
        DreamCoverage)
}
