"""pandera models of the report.* tables (spec report.md "Output tables"; built by
`sql/report_*.sql`): the figures and tables of the integration note.

Belongs here: each report table's columns, types, value domains (figure names, age bands,
cohorts, statuses) and keys. Sums that must match other figures or tables are
great-expectations suites in `checks/expectations.py`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import DataFrame, Series

from .base import CODE4, ISO_WEEK_LABEL, MONTH, STATUSES, ReportTable, count_field

# figure names of report.key_figures (part of the contract, spec report.md)
KEY_FIGURES = [
    "refugees_received", "refugees_received_men", "refugees_received_women", "refugees_adults",
    "immigrants_lived_here", "immigrants_still_resident", "immigrants_moved_away",
    "immigrants_family_reunified", "immigrants_direct_from_abroad",
    "immigrants_from_other_municipality", "residents_direct_from_abroad",
    "residents_from_other_municipality", "residents_women", "residents_men",
    "residents_adults_at_status_date", "top15_share_pct",
]
AGE_BANDS = ["0-17", "18-24", "25-29", "30-39", "40-49", "50-59", "60-65", "66+"]
FOLLOWUP_BANDS = ["0-11 mdr.", "12-23 mdr.", "24-35 mdr.", "36-47 mdr.", "48+ mdr."]
MONTHS_SHOWN = 12               # deliveries in report.month_over_month
COHORTS = ["refugees", "immigrants"]

CITIZENSHIP_CODE_DESC = ("Citizenship on the residence date, 4-digit CPR country code; empty "
                         "for persons CPR gives no citizenship.")
CITIZENSHIP_NAME_DESC = ("Danish name of the citizenship (name_da of ref.country, as the note "
                         "prints it, e.g. 'Tyskland,Forb.Rep'); 'Ukendt land (<code>)' for a "
                         "code not in the table.")


class Parameters(ReportTable):
    period_start: Series[pd.Timestamp] = pa.Field(
        description="First arrival/immigration date counted ('siden 2013'; default 2013-01-01).")
    residence_date: Series[pd.Timestamp] = pa.Field(
        description="Date of 'bor her fortsat': by default the CPR extract's production date "
                    "(PRODDTO).")
    status_week: Series[str] = pa.Field(
        str_matches=ISO_WEEK_LABEL,
        description="ISO week of the status tables, 'YYYY-Www': by default the first ISO week "
                    "whose Thursday falls in the latest month DREAM covers with grad_ columns.")
    status_date: Series[pd.Timestamp] = pa.Field(
        description="Monday of the status week: the reference date for age in the status "
                    "tables.")

    @pa.dataframe_check(
        name="status_date_is_monday_of_status_week",
        description="status_date is the Monday of status_week")
    def _status_date(cls, df: DataFrame) -> Series[bool]:
        iso = df["status_date"].dt.isocalendar()
        label = (iso["year"].astype(str) + "-W"
                 + iso["week"].astype(str).str.zfill(2))
        return (label == df["status_week"]) & (iso["day"] == 1)

    class Config:
        name = "report.parameters"
        description = ("The parameters the month's report tables were computed with, one row "
                       "per month.")
        unique = ["delivery_month"]


class KeyFigures(ReportTable):
    figure: Series[str] = pa.Field(
        isin=KEY_FIGURES,
        description="Name of the figure (part of the contract): refugees_received(_men/_women), "
                    "refugees_adults, immigrants_lived_here / _still_resident / _moved_away / "
                    "_family_reunified / _direct_from_abroad / _from_other_municipality, "
                    "residents_direct_from_abroad / _from_other_municipality / _women / _men / "
                    "_adults_at_status_date, top15_share_pct.")
    value: Series[float] = pa.Field(
        ge=0,
        description="Value of the figure: a head count, or for top15_share_pct the percentage "
                    "(one decimal) of current immigrant residents in the top-15 citizenships.")

    @pa.dataframe_check(
        name="all_figures_present",
        description="all 16 figures of the contract are present")
    def _all_figures(cls, df: DataFrame) -> bool:
        return set(df["figure"]) == set(KEY_FIGURES) or df.empty

    @pa.dataframe_check(
        name="pct_at_most_100",
        description="top15_share_pct <= 100")
    def _pct(cls, df: DataFrame) -> Series[bool]:
        return (df["figure"] != "top15_share_pct") | (df["value"] <= 100)

    class Config:
        name = "report.key_figures"
        description = ("The note's text figures as (figure, value) rows: refugees received, "
                       "immigrants who lived here, still resident, moved away, and so on.")
        unique = ["delivery_month", "municipality_code", "figure"]


class RefugeesByCitizenship(ReportTable):
    citizenship_code: Series[str] = pa.Field(
        nullable=True, str_matches=CODE4,
        description=CITIZENSHIP_CODE_DESC + " The dead are counted under their last "
                                            "citizenship.")
    citizenship_name: Series[str] = pa.Field(description=CITIZENSHIP_NAME_DESC)
    women: Series[pd.Int64Dtype] = count_field("Refugees received who are women.")
    men: Series[pd.Int64Dtype] = count_field("Refugees received who are men.")
    persons: Series[pd.Int64Dtype] = count_field(
        "Refugees received with this citizenship (women + men).", minimum=1)

    class Config:
        name = "report.refugees_by_citizenship"
        description = ("Refugees received by citizenship on the residence date, one row per "
                       "country, largest first.")
        unique = ["delivery_month", "municipality_code", "citizenship_code"]


class RefugeesByArrivalYear(ReportTable):
    arrival_year: Series[pd.Int32Dtype] = pa.Field(
        in_range={"min_value": 1900, "max_value": 2099},
        description="Year the refugee's first municipality spell here started.")
    persons: Series[pd.Int64Dtype] = count_field("Refugees received that year.", minimum=1)
    adults: Series[pd.Int64Dtype] = count_field(
        "Of those, adults (18+) alive on the status date.")
    self_supporting_job_or_education: Series[pd.Int64Dtype] = count_field(
        "Of the adults, those with status 'job' or 'education' at the status week "
        "('selvforsørgende gennem arbejde eller uddannelse'); censored adults are left out.")

    @pa.dataframe_check(
        name="nested_counts",
        description="self_supporting_job_or_education <= adults <= persons")
    def _nested(cls, df: DataFrame) -> Series[bool]:
        return (df["self_supporting_job_or_education"] <= df["adults"]) & (
            df["adults"] <= df["persons"])

    class Config:
        name = "report.refugees_by_arrival_year"
        description = ("Refugees received by arrival year: persons, adults at the status date, "
                       "and adults in job or education at the status week.")
        unique = ["delivery_month", "municipality_code", "arrival_year"]


class ResidentsByAgeSex(ReportTable):
    age_band: Series[str] = pa.Field(
        isin=AGE_BANDS,
        description="Age band by age on the residence date: 0-17, 18-24, 25-29, 30-39, 40-49, "
                    "50-59, 60-65, 66+ (all eight, zeros included).")
    sort_order: Series[pd.Int32Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": 8},
        description="Position of the band, 1 (0-17) to 8 (66+).")
    women: Series[pd.Int64Dtype] = count_field("Current immigrant residents who are women.")
    men: Series[pd.Int64Dtype] = count_field("Current immigrant residents who are men.")
    total: Series[pd.Int64Dtype] = count_field("Current immigrant residents in the band.")
    pct_of_total: Series[float] = pa.Field(
        in_range={"min_value": 0, "max_value": 100},
        description="Band total as a percentage of all current immigrant residents, one "
                    "decimal (0 when there are none).")

    @pa.dataframe_check(
        name="band_matches_sort_order",
        description="sort_order is the band's position (0-17 = 1 ... 66+ = 8)")
    def _band_order(cls, df: DataFrame) -> Series[bool]:
        return df["sort_order"] == df["age_band"].map(
            {b: i for i, b in enumerate(AGE_BANDS, start=1)})

    class Config:
        name = "report.residents_by_age_sex"
        description = ("Current immigrant residents (immigrants who lived here and still do) by "
                       "age band on the residence date and sex.")
        unique = ["delivery_month", "municipality_code", "age_band"]


class ResidentsTopCitizenships(ReportTable):
    rank: Series[pd.Int32Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": 15},
        description="Rank 1-15 by persons; ties by Danish name in Danish alphabetical order "
                    "(case-insensitive, æ ø å after z), then by code.")
    citizenship_code: Series[str] = pa.Field(
        nullable=True, str_matches=CODE4, description=CITIZENSHIP_CODE_DESC)
    citizenship_name: Series[str] = pa.Field(description=CITIZENSHIP_NAME_DESC)
    persons: Series[pd.Int64Dtype] = count_field(
        "Current immigrant residents with this citizenship.", minimum=1)

    @pa.dataframe_check(
        name="persons_not_increasing_with_rank",
        description="persons never increase with rank")
    def _ranked(cls, df: DataFrame) -> Series[bool]:
        ordered = df.sort_values("rank")
        ok = ordered["persons"].diff().fillna(0) <= 0
        return ok.reindex(df.index)

    class Config:
        name = "report.residents_top_citizenships"
        description = "Top 15 citizenships (on the residence date) of current immigrant residents."
        unique = ["delivery_month", "municipality_code", "rank"]


class AdultStatus(ReportTable):
    cohort: Series[str] = pa.Field(
        isin=COHORTS,
        description="'refugees' (adult refugees received) or 'immigrants' (adult current "
                    "immigrant residents); adult = 18+ on the status date.")
    status: Series[str] = pa.Field(
        isin=STATUSES,
        description="Status at the status week: 'job' (i job), 'education' (i uddannelse), "
                    "'self_supporting_no_income' (selvforsørgende uden indkomst), "
                    "'public_support' (modtog offentlig forsørgelse). All four per cohort, zeros "
                    "included; censored persons are left out.")
    persons: Series[pd.Int64Dtype] = count_field("Adults of the cohort with the status.")

    class Config:
        name = "report.adult_status"
        description = ("Status at the status week of adult refugees received and adult current "
                       "immigrant residents (censored left out and counted in the asset's "
                       "metadata).")
        unique = ["delivery_month", "municipality_code", "cohort", "status"]


class RefugeeFollowup(ReportTable):
    months_since_arrival_band: Series[str] = pa.Field(
        isin=FOLLOWUP_BANDS,
        description="Whole months from arrival (start of the first spell here) to the status "
                    "date: '0-11 mdr.', '12-23 mdr.', '24-35 mdr.', '36-47 mdr.', '48+ mdr.' "
                    "(all five, zeros included).")
    sort_order: Series[pd.Int32Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": len(FOLLOWUP_BANDS)},
        description="Position of the band, 1 (0-11 months) to 5 (48+ months).")
    persons: Series[pd.Int64Dtype] = count_field(
        "Adult refugees received, alive on the status date and not censored, in the band.")
    job_or_education: Series[pd.Int64Dtype] = count_field(
        "Of those, persons with status 'job' or 'education' at the status week.")
    share_pct: Series[float] = pa.Field(
        in_range={"min_value": 0, "max_value": 100},
        description="job_or_education as a percentage of persons, one decimal (0 when the band "
                    "is empty).")

    @pa.dataframe_check(
        name="band_matches_sort_order",
        description="sort_order is the band's position (0-11 mdr. = 1 ... 48+ mdr. = 5)")
    def _band_order(cls, df: DataFrame) -> Series[bool]:
        return df["sort_order"] == df["months_since_arrival_band"].map(
            {b: i for i, b in enumerate(FOLLOWUP_BANDS, start=1)})

    @pa.dataframe_check(
        name="all_bands_present",
        description="all five bands are present (zeros included)")
    def _all_bands(cls, df: DataFrame) -> bool:
        return set(df["months_since_arrival_band"]) == set(FOLLOWUP_BANDS) or df.empty

    @pa.dataframe_check(
        name="job_or_education_within_persons",
        description="job_or_education <= persons")
    def _nested(cls, df: DataFrame) -> Series[bool]:
        return df["job_or_education"] <= df["persons"]

    class Config:
        name = "report.refugee_followup"
        description = ("Beyond the note: adult refugees received (alive at the status date, "
                       "censored left out) by whole months since arrival, and the share in job "
                       "or education at the status week.")
        unique = ["delivery_month", "municipality_code", "months_since_arrival_band"]


class MonthOverMonth(ReportTable):
    source_month: Series[str] = pa.Field(
        str_matches=MONTH,
        description="Delivery month the figures of the row come from, 'YYYY-MM': the last 12 "
                    "deliveries up to this one that are in the warehouse.")
    residents: Series[pd.Int64Dtype] = count_field(
        "Current immigrant residents (immigrants_still_resident) of that delivery.")
    arrivals: Series[pd.Int64Dtype] = count_field(
        "Immigrants whose immigration date, and refugees whose first spell here, fall in the "
        "source month itself.")
    refugees_received: Series[pd.Int64Dtype] = count_field(
        "Refugees received since the period start, as of that delivery.")
    job: Series[pd.Int64Dtype] = count_field(
        "Adult current immigrant residents with status 'job' in that delivery.")
    education: Series[pd.Int64Dtype] = count_field(
        "Adult current immigrant residents with status 'education' in that delivery.")
    self_supporting_no_income: Series[pd.Int64Dtype] = count_field(
        "Adult current immigrant residents with status 'self_supporting_no_income' in that "
        "delivery.")
    public_support: Series[pd.Int64Dtype] = count_field(
        "Adult current immigrant residents with status 'public_support' in that delivery.")

    @pa.dataframe_check(
        name="source_month_not_after_delivery_month",
        description="source_month <= delivery_month")
    def _not_future(cls, df: DataFrame) -> Series[bool]:
        return df["source_month"] <= df["delivery_month"]

    @pa.dataframe_check(
        name="at_most_12_months",
        description="at most 12 source months per delivery month")
    def _at_most_12(cls, df: DataFrame) -> bool:
        return bool((df.groupby("delivery_month").size() <= MONTHS_SHOWN).all())

    class Config:
        name = "report.month_over_month"
        description = ("Beyond the note: residents, arrivals, refugees received and the "
                       "statuses of adult immigrant residents for the last 12 deliveries in the "
                       "warehouse, one row per source delivery month.")
        unique = ["delivery_month", "municipality_code", "source_month"]


REPORT_MODELS: dict[str, type[pa.DataFrameModel]] = {
    m.Config.name: m for m in (
        Parameters, KeyFigures, RefugeesByCitizenship, RefugeesByArrivalYear,
        ResidentsByAgeSex, ResidentsTopCitizenships, AdultStatus, RefugeeFollowup,
        MonthOverMonth)
}
