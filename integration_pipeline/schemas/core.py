"""pandera models of the core.* tables (built from raw.* by `sql/core_*.sql`; each table's final
SELECT defines its columns): spells, migrations, permits, benefit spells and the two cohorts.

Belongs here: the structural contract of each core table (columns, types, nullability where the
SQL can produce NULL, value domains, unique keys) and row-level consistency that needs no other
table. Rules across tables (spell overlaps, benefit weeks before birth, codes in ref.*) are
great-expectations suites in `checks/expectations.py`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import DataFrame, Series

from .base import (
    BENEFIT_CODE,
    BENEFIT_GROUPS,
    CODE4,
    CPR_STATUSES,
    ISO_WEEK_LABEL,
    MIGRATION_TYPES,
    PERMIT_CATEGORIES,
    PERSON_STATUSES,
    RESIDENCE_GROUPS,
    SEXES,
    CohortTable,
    PersonTable,
    country_field,
)

SEX_DESC = "Sex: 'M' man, 'K' woman (from CPR)."
BIRTH_DESC = "Birth date (from CPR)."
DEATH_DESC = ("Date of death: the status date of CPR status 90; empty for persons not dead "
              "according to the extract.")
STATUS_DATE_DESC = "Status date of the report: the Monday of the status week."
RESIDENCE_DATE_DESC = ("Residence date of the report ('bor her fortsat'): by default the CPR "
                       "extract's production date (PRODDTO).")
STATUS_CODE_DESC = ("DREAM benefit code of the status week; empty when the person had no code "
                    "that week.")
STATUS_DESC = ("Status at the status week, first matching rule: 'public_support' (code in group "
               "public_support), 'education' (code in group education), 'job' (employment "
               "degree > 0 in the month holding the week's Thursday), else "
               "'self_supporting_no_income'; 'censored' when the week's code is 997 emigrated or "
               "998 dead (left out of the status tables).")
CITIZENSHIP_RES_DESC = ("Citizenship on the residence date (for the dead: on the date of death, "
                        "i.e. their last citizenship), 4-digit CPR country code; empty when CPR "
                        "has no citizenship for the person.")
ADULT_DESC = "True when alive on the status date and age_at_status_date >= 18"


class CitizenshipSpell(PersonTable):
    record_type: Series[str] = pa.Field(
        isin=["010", "027"],
        description="'010' current citizenship (open-ended) or '027' historic citizenship.")
    country_code: Series[str] = country_field(
        "Citizenship, 4-digit CPR country code; 5100 = Danish.", nullable=False)
    valid_from: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="First day of the citizenship (HAENSTART); empty when CPR gives none (an "
                    "empty start counts as in effect).")
    valid_to: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Day the citizenship ended (HAENSLUT), exclusive: the period is "
                    "[valid_from, valid_to). Empty for the current citizenship.")
    is_current: Series[pd.BooleanDtype] = pa.Field(
        description="True for the current citizenship (record 010).")
    source_line: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Line number of the record in the delivery's cpr_extract.txt.")

    @pa.dataframe_check(
        name="is_current_matches_record_type",
        description="is_current is True exactly for record type 010")
    def _current(cls, df: DataFrame) -> Series[bool]:
        return df["is_current"] == (df["record_type"] == "010")

    class Config:
        name = "core.citizenship_spell"
        description = ("Citizenship periods per person, [valid_from, valid_to): the current "
                       "(010) and valid historic (027) CPR records.")
        unique = ["delivery_month", "source_line"]


class Person(PersonTable):
    sex: Series[str] = pa.Field(isin=SEXES, description=SEX_DESC)
    birth_date: Series[pd.Timestamp] = pa.Field(description=BIRTH_DESC)
    is_birth_date_uncertain: Series[pd.BooleanDtype] = pa.Field(
        description="True when CPR marks the birth date as uncertain (FOED_DT_UMRK = '*').")
    is_mod11_valid: Series[pd.BooleanDtype] = pa.Field(
        description="True when the CPR number passes the modulus-11 check (numbers issued since "
                    "2007-10-01 may fail it legitimately).")
    has_changed_number: Series[pd.BooleanDtype] = pa.Field(
        description="True when the person's 001 record was delivered under an old CPR number.")
    cpr_status: Series[str] = pa.Field(
        isin=CPR_STATUSES,
        description="CPR status: 01/03/05/07 active, 20 tax-only, 60 changed number, 70 "
                    "disappeared, 80 emigrated, 90 dead.")
    cpr_status_date: Series[pd.Timestamp] = pa.Field(
        nullable=True, description="Date the CPR status took effect (STATUSHAENSTART).")
    death_date: Series[pd.Timestamp] = pa.Field(nullable=True, description=DEATH_DESC)
    emigration_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Emigration date for CPR status 80 (emigrated): its status date; empty "
                    "otherwise.")
    citizenship_code: Series[str] = country_field(
        "Citizenship on the extract date (4-digit CPR country code); when CPR has none in effect "
        "then, the earliest registered after it, else the latest before it; empty when CPR has "
        "no citizenship for the person.")
    current_municipality_code: Series[str] = pa.Field(
        nullable=True, str_matches=CODE4,
        description="Municipality of the current address (002 record); empty for persons with "
                    "no current address (emigrated, dead, tax-only, disappeared).")
    extract_date: Series[pd.Timestamp] = pa.Field(
        description="Production date of the month's CPR extract (PRODDTO).")

    @pa.dataframe_check(
        name="death_only_for_status_90",
        description="a death date only for CPR status 90")
    def _death(cls, df: DataFrame) -> Series[bool]:
        return df["death_date"].isna() | (df["cpr_status"] == "90")

    @pa.dataframe_check(
        name="emigration_only_for_status_80",
        description="an emigration date only for CPR status 80")
    def _emigration(cls, df: DataFrame) -> Series[bool]:
        return df["emigration_date"].isna() | (df["cpr_status"] == "80")

    class Config:
        name = "core.person"
        description = ("One row per person of the month's CPR extract (status 30/50 dropped): "
                       "sex, birth date, CPR status, death date, citizenship on the extract date "
                       "and current municipality.")
        unique = ["delivery_month", "person_key"]


class Migration(PersonTable):
    record_type: Series[str] = pa.Field(
        isin=["024", "005"],
        description="'024' historic emigration/immigration or '005' current emigration.")
    migration_type: Series[str] = pa.Field(
        isin=MIGRATION_TYPES,
        description="'first_immigration' (024 with only an immigration), 'emigration_reentry' "
                    "(024 with an emigration and a later re-entry), 'emigration' (024 with only "
                    "an emigration) or 'current_emigration' (005).")
    emigration_country_code: Series[str] = country_field(
        "Country emigrated to, 4-digit CPR country code; empty when none.")
    emigration_date: Series[pd.Timestamp] = pa.Field(
        nullable=True, description="Emigration date (UDRDTO); empty for first immigrations.")
    immigration_country_code: Series[str] = country_field(
        "Country immigrated from, 4-digit CPR country code; empty when none.")
    immigration_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Immigration date (INDRDTO); empty for emigrations without a re-entry.")
    citizenship_at_immigration: Series[str] = country_field(
        "Citizenship in effect on the immigration date (4-digit CPR country code); empty for "
        "emigrations and when CPR has no citizenship for the person.")
    source_line: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Line number of the record in the delivery's cpr_extract.txt.")

    @pa.dataframe_check(
        name="immigration_has_date",
        description="immigration_date is present exactly for first_immigration and "
                    "emigration_reentry")
    def _immigration_date(cls, df: DataFrame) -> Series[bool]:
        immigrates = df["migration_type"].isin(["first_immigration", "emigration_reentry"])
        return immigrates == df["immigration_date"].notna()

    class Config:
        name = "core.migration"
        description = ("Immigrations and emigrations (CPR 024 history and 005 current "
                       "emigration) with the citizenship in effect on the immigration date.")
        unique = ["delivery_month", "source_line"]


class ResidenceSpell(PersonTable):
    spell_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1,
        description="Number of the spell within the person's address history, 1 = earliest.")
    municipality_code: Series[str] = pa.Field(
        str_matches=CODE4, description="Municipality of the spell (4-digit kommunekode).")
    start_date: Series[pd.Timestamp] = pa.Field(
        description="First day of the spell: move-in date (TILFLYDTO) of its first address.")
    end_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Move-out date (FRAFLYDTO) of the spell's last address; empty while the "
                    "spell is open (its last address is the current one). On a move between "
                    "municipalities it equals the next spell's start date.")
    is_current: Series[pd.BooleanDtype] = pa.Field(
        description="True when the spell ends at the current address (002), i.e. is open.")
    addresses: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Number of addresses (CPR records) in the spell.")
    origin: Series[str] = pa.Field(
        isin=["abroad", "other_municipality", "birth", "unknown"],
        description="How the spell began: 'abroad' (an immigration after the previous spell and "
                    "on or before this start), 'other_municipality' (moved from the previous "
                    "spell's municipality), 'birth' (starts on the birth date), else 'unknown'.")
    from_municipality_code: Series[str] = pa.Field(
        nullable=True, str_matches=CODE4,
        description="Municipality of the previous spell when origin is 'other_municipality'; "
                    "empty otherwise.")
    immigration_date: Series[pd.Timestamp] = pa.Field(
        nullable=True,
        description="Date of the immigration that led into the spell when origin is 'abroad'; "
                    "empty otherwise.")

    @pa.dataframe_check(
        name="is_current_iff_open",
        description="is_current is True exactly when end_date is empty")
    def _current_open(cls, df: DataFrame) -> Series[bool]:
        return df["is_current"] == df["end_date"].isna()

    @pa.dataframe_check(
        name="origin_matches_columns",
        description="immigration_date is present exactly for origin 'abroad', "
                    "from_municipality_code exactly for 'other_municipality'")
    def _origin(cls, df: DataFrame) -> Series[bool]:
        abroad = df["origin"] == "abroad"
        other = df["origin"] == "other_municipality"
        return ((abroad == df["immigration_date"].notna())
                & (other == df["from_municipality_code"].notna()))

    class Config:
        name = "core.residence_spell"
        description = ("Municipality spells: maximal runs of consecutive addresses in one "
                       "municipality with no emigration between them, and how each began.")
        unique = ["delivery_month", "person_key", "spell_no"]


class ResidencePermit(PersonTable):
    permit_date: Series[pd.Timestamp] = pa.Field(
        description="Date the permit was granted (TILLADELSESDATO).")
    category: Series[str] = pa.Field(
        isin=PERMIT_CATEGORIES,
        description="Permit category (KATEGORI); 'Asyl mv.' = refugee, 'Familiesammenføring' = "
                    "family reunification.")
    residence_group: Series[str] = pa.Field(
        isin=RESIDENCE_GROUPS,
        description="Residence group of the category (ref.permit_category): refugee, "
                    "family_reunification, work, study, eu_eea or other. Never empty: unknown "
                    "categories are quarantined at load.")
    grundlag: Series[pd.Int32Dtype] = pa.Field(
        nullable=True,
        description="Statistics Denmark level-2 permit code (GRUNDLAG), informational.")
    forklar: Series[pd.Int32Dtype] = pa.Field(
        nullable=True,
        description="Statistics Denmark level-3 permit code (FORKLAR), informational.")
    citizenship_code: Series[str] = country_field(
        "Citizenship at the time of the permit (STATSB), 4-digit CPR country code; empty when "
        "not given.")
    permit_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1,
        description="Order of the permit among the person's permits by date, 1 = first.")
    source_line: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Line number of the permit in the delivery's residence_permits.csv.")

    class Config:
        name = "core.residence_permit"
        description = "First-time residence permits with the residence group of their category."
        unique = ["delivery_month", "person_key", "permit_no"]


class BenefitSpell(PersonTable):
    benefit_code: Series[str] = pa.Field(
        str_matches=BENEFIT_CODE,
        description="DREAM benefit code (ydelseskode) of every week of the spell.")
    benefit_group: Series[str] = pa.Field(
        isin=BENEFIT_GROUPS,
        description="Report group of the code (ref.dream_code): public_support, education, "
                    "other or censored (997 emigrated, 998 dead). Never empty: a delivery with "
                    "an unknown code is rejected.")
    first_iso_week: Series[str] = pa.Field(
        str_matches=ISO_WEEK_LABEL, description="First ISO week of the spell, 'YYYY-Www'.")
    last_iso_week: Series[str] = pa.Field(
        str_matches=ISO_WEEK_LABEL, description="Last ISO week of the spell, 'YYYY-Www'.")
    first_week_start: Series[pd.Timestamp] = pa.Field(
        description="Monday of the spell's first week.")
    last_week_end: Series[pd.Timestamp] = pa.Field(
        description="Sunday of the spell's last week.")
    weeks: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Number of consecutive ISO weeks in the spell (at least 1).")

    @pa.dataframe_check(
        name="weeks_match_dates",
        description="first_week_start is a Monday and the spell spans exactly 7 x weeks days")
    def _weeks_match(cls, df: DataFrame) -> Series[bool]:
        days = (df["last_week_end"] - df["first_week_start"]).dt.days + 1
        return (days == 7 * df["weeks"]) & (df["first_week_start"].dt.dayofweek == 0)

    class Config:
        name = "core.benefit_spell"
        description = ("DREAM weekly benefit codes collapsed to spells: maximal runs of "
                       "consecutive ISO weeks with the same code (a view over "
                       "raw.dream__benefit_weeks and raw.dream__persons).")
        unique = ["delivery_month", "person_key", "first_week_start"]


class EmploymentMonth(PersonTable):
    year: Series[pd.Int16Dtype] = pa.Field(
        in_range={"min_value": 1900, "max_value": 2099}, description="Calendar year.")
    month: Series[pd.Int8Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": 12}, description="Calendar month 1-12.")
    month_start: Series[pd.Timestamp] = pa.Field(description="First day of the month.")
    employment_degree: Series[float] = pa.Field(
        nullable=True, ge=0,
        description="Employment degree in the month as a fraction of full time (DREAM grad_); "
                    "empty or 0 = no employment.")
    industry_code: Series[str] = pa.Field(
        nullable=True,
        description="Industry (DB07) of the month's main employment; empty = none recorded.")
    is_employed: Series[pd.BooleanDtype] = pa.Field(
        description="True when employment_degree > 0 (counts as 'job' in the status rules).")

    @pa.dataframe_check(
        name="is_employed_matches_degree",
        description="is_employed = employment_degree > 0")
    def _employed(cls, df: DataFrame) -> Series[bool]:
        return df["is_employed"] == (df["employment_degree"].fillna(0) > 0)

    @pa.dataframe_check(
        name="month_start_matches",
        description="month_start is the first day of year-month")
    def _month_start(cls, df: DataFrame) -> Series[bool]:
        return ((df["month_start"].dt.year == df["year"])
                & (df["month_start"].dt.month == df["month"])
                & (df["month_start"].dt.day == 1))

    class Config:
        name = "core.employment_month"
        description = ("DREAM monthly employment degree and industry, one row per person-month "
                       "(a view over raw.dream__employment_months).")
        unique = ["delivery_month", "person_key", "year", "month"]


class RefugeeReceived(CohortTable):
    first_asylum_date: Series[pd.Timestamp] = pa.Field(
        description="Date of the person's earliest 'Asyl mv.' permit.")
    arrival_date: Series[pd.Timestamp] = pa.Field(
        description="Start of the first municipality spell starting on or after the first "
                    "asylum permit date; it is in the municipality and within [period start, "
                    "residence date] (that is what makes the person a refugee received here).")
    arrival_year: Series[pd.Int32Dtype] = pa.Field(
        in_range={"min_value": 1900, "max_value": 2099},
        description="Year of arrival_date (the report's arrival year).")
    sex: Series[str] = pa.Field(isin=SEXES, description=SEX_DESC)
    birth_date: Series[pd.Timestamp] = pa.Field(description=BIRTH_DESC)
    death_date: Series[pd.Timestamp] = pa.Field(nullable=True, description=DEATH_DESC)
    citizenship_code: Series[str] = country_field(CITIZENSHIP_RES_DESC)
    age_at_status_date: Series[pd.Int64Dtype] = pa.Field(
        in_range={"min_value": -1, "max_value": 130},
        description="Age in completed years on the status date (a birthday counts on the day "
                    "itself); -1 for a person born after the status date.")
    is_alive_at_status_date: Series[pd.BooleanDtype] = pa.Field(
        description="True unless the person died on or before the status date.")
    is_adult_at_status_date: Series[pd.BooleanDtype] = pa.Field(
        description=ADULT_DESC + " and the person is alive on the status date.")
    is_still_resident: Series[pd.BooleanDtype] = pa.Field(
        description="True when alive on the residence date with a spell in the municipality "
                    "that covers it.")
    status_week_benefit_code: Series[str] = pa.Field(
        nullable=True, str_matches=BENEFIT_CODE, description=STATUS_CODE_DESC)
    status_at_status_week: Series[str] = pa.Field(isin=PERSON_STATUSES, description=STATUS_DESC)
    status_date: Series[pd.Timestamp] = pa.Field(description=STATUS_DATE_DESC)
    residence_date: Series[pd.Timestamp] = pa.Field(description=RESIDENCE_DATE_DESC)

    @pa.dataframe_check(
        name="arrival_on_or_after_asylum",
        description="first_asylum_date <= arrival_date <= residence_date and "
                    "arrival_year = year(arrival_date)")
    def _arrival(cls, df: DataFrame) -> Series[bool]:
        return ((df["arrival_date"] >= df["first_asylum_date"])
                & (df["arrival_year"] == df["arrival_date"].dt.year)
                & (df["arrival_date"] <= df["residence_date"]))

    @pa.dataframe_check(
        name="adult_means_18_and_alive",
        description="is_adult_at_status_date = age_at_status_date >= 18 and alive on the "
                    "status date")
    def _adult(cls, df: DataFrame) -> Series[bool]:
        expected = (df["age_at_status_date"] >= 18) & df["is_alive_at_status_date"]
        return df["is_adult_at_status_date"] == expected

    class Config:
        name = "core.refugee_received"
        description = ("Cohort 'refugees received' (spec report.md): persons with an 'Asyl mv.' "
                       "permit whose first municipality spell starting on or after the permit "
                       "is in the municipality and starts within [period start, residence "
                       "date]; with age, citizenship and status at the status week.")
        unique = ["delivery_month", "municipality_code", "person_key"]


class Immigrant(CohortTable):
    immigration_date: Series[pd.Timestamp] = pa.Field(
        description="The earliest qualifying immigration (024 with INDRDTO: first immigration "
                    "or re-entry) within [period start, residence date].")
    immigration_country_code: Series[str] = country_field(
        "Country immigrated from on that date (4-digit CPR country code); empty when none.")
    citizenship_at_immigration: Series[str] = pa.Field(
        nullable=True, str_matches=CODE4, notin=["5100"],
        description="Citizenship in effect on the immigration date, never Danish (5100); empty "
                    "when unknown (counts as not Danish).")
    is_direct_from_abroad: Series[pd.BooleanDtype] = pa.Field(
        description="True when the first municipality spell starting on or after the "
                    "immigration date is in the municipality ('uden forudgående kommune'); "
                    "False = from another municipality.")
    is_still_resident: Series[pd.BooleanDtype] = pa.Field(
        description="True when alive on the residence date with a spell in the municipality "
                    "that covers it ('bor her fortsat'); False = moved away, died or emigrated.")
    is_family_reunified: Series[pd.BooleanDtype] = pa.Field(
        description="True when the person has a 'Familiesammenføring' permit.")
    sex: Series[str] = pa.Field(isin=SEXES, description=SEX_DESC)
    birth_date: Series[pd.Timestamp] = pa.Field(description=BIRTH_DESC)
    death_date: Series[pd.Timestamp] = pa.Field(nullable=True, description=DEATH_DESC)
    citizenship_code: Series[str] = country_field(CITIZENSHIP_RES_DESC)
    age_at_residence_date: Series[pd.Int64Dtype] = pa.Field(
        in_range={"min_value": 0, "max_value": 130},
        description="Age in completed years on the residence date (the age of the age-sex "
                    "table).")
    age_at_status_date: Series[pd.Int64Dtype] = pa.Field(
        in_range={"min_value": -1, "max_value": 130},
        description="Age in completed years on the status date; -1 for a person born after the "
                    "status date.")
    is_adult_at_status_date: Series[pd.BooleanDtype] = pa.Field(description=ADULT_DESC + ".")
    status_week_benefit_code: Series[str] = pa.Field(
        nullable=True, str_matches=BENEFIT_CODE, description=STATUS_CODE_DESC)
    status_at_status_week: Series[str] = pa.Field(isin=PERSON_STATUSES, description=STATUS_DESC)
    status_date: Series[pd.Timestamp] = pa.Field(description=STATUS_DATE_DESC)
    residence_date: Series[pd.Timestamp] = pa.Field(description=RESIDENCE_DATE_DESC)

    @pa.dataframe_check(
        name="adult_means_18_and_alive",
        description="is_adult_at_status_date = age_at_status_date >= 18 and not dead on or "
                    "before the status date")
    def _adult(cls, df: DataFrame) -> Series[bool]:
        alive = df["death_date"].isna() | (df["death_date"] > df["status_date"])
        return df["is_adult_at_status_date"] == ((df["age_at_status_date"] >= 18) & alive)

    @pa.dataframe_check(
        name="immigration_not_after_residence_date",
        description="immigration_date <= residence_date")
    def _immigration(cls, df: DataFrame) -> Series[bool]:
        return df["immigration_date"] <= df["residence_date"]

    class Config:
        name = "core.immigrant"
        description = ("Cohort 'immigrants who lived here' (spec report.md): persons without an "
                       "'Asyl mv.' permit, not Danish on an immigration since the period start, "
                       "with a municipality spell here overlapping [immigration date, residence "
                       "date]; with direct/other-municipality, still-resident and "
                       "family-reunified flags and status at the status week.")
        unique = ["delivery_month", "municipality_code", "person_key"]


CORE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    m.Config.name: m for m in (
        CitizenshipSpell, Person, Migration, ResidenceSpell, ResidencePermit, BenefitSpell,
        EmploymentMonth, RefugeeReceived, Immigrant)
}
