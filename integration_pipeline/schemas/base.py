"""Building blocks shared by the pandera models: the base classes every table model derives from,
the value patterns of the spec (person key, month, codes) and the common fields.

Belongs here: what two or more layers repeat. A rule that only one table has lives in that
table's model (`raw.py`, `core.py`, `report.py`).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

# value patterns of the spec (extracts.md, report.md)
PERSON_KEY = r"^[0-9a-f]{32}$"          # first 32 hex chars of HMAC-SHA256, lowercase
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"      # 'YYYY-MM'
CODE4 = r"^\d{4}$"                      # municipality and CPR country codes
BENEFIT_CODE = r"^\d{3}$"               # DREAM ydelseskode
ISO_WEEK_LABEL = r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"   # 'YYYY-Www'

SEXES = ["M", "K"]
# CPR STATUS values a loaded person can have (30 annulled and 50 deleted are dropped at load)
CPR_STATUSES = ["01", "03", "05", "07", "20", "60", "70", "80", "90"]
PERMIT_CATEGORIES = ["Asyl mv.", "Familiesammenføring", "Erhverv", "Studie", "EU/EØS",
                     "Det øvrige opholdsområde"]
RESIDENCE_GROUPS = ["refugee", "family_reunification", "work", "study", "eu_eea", "other"]
BENEFIT_GROUPS = ["public_support", "education", "other", "censored"]
MIGRATION_TYPES = ["first_immigration", "emigration_reentry", "emigration", "current_emigration"]
# status at the status week (spec report.md); 'censored' = code 997/998 that week
STATUSES = ["job", "education", "self_supporting_no_income", "public_support"]
PERSON_STATUSES = [*STATUSES, "censored"]

DELIVERY_MONTH_DESC = (
    "Delivery month the row belongs to, 'YYYY-MM' (the Dagster partition key). Each delivery is a "
    "full snapshot: re-loading a month replaces exactly that month's rows.")
PERSON_KEY_DESC = (
    "Pseudonymised person: HMAC-SHA256 of the person's current CPR number (PNRGAELD) with the "
    "secret pseudonym key, first 32 lowercase hex characters. Stable across months and tables; "
    "the CPR number itself is never stored.")
MUNICIPALITY_DESC = (
    "Municipality the figures are for (4-digit kommunekode, e.g. '0151' Ballerup): the "
    "pipeline's municipality parameter.")


def country_field(description: str, nullable: bool = True):
    """A 4-digit CPR country code (landekode; 5100 = Denmark)."""
    return pa.Field(nullable=nullable, str_matches=CODE4, description=description)


def count_field(description: str, minimum: int = 0):
    """A head count (BIGINT, never negative)."""
    return pa.Field(ge=minimum, description=description)


def source_line_field(file_name: str):
    return pa.Field(ge=1, description=f"Line number (1-based) of the record in the delivery's "
                                      f"{file_name}, to trace a row back to the delivered file.")


def both_present(df: pd.DataFrame, a: str, b: str) -> pd.Series:
    return df[a].notna() & df[b].notna()


class Table(pa.DataFrameModel):
    """Base of every model: the frame must have exactly the model's columns (strict) and is
    coerced to the model's types (DuckDB returns DATE as datetime64[us], HUGEINT as float)."""

    class Config:
        strict = True
        coerce = True


class MonthTable(Table):
    """A table keyed by delivery month (every raw, core and report table)."""

    delivery_month: Series[str] = pa.Field(str_matches=MONTH, description=DELIVERY_MONTH_DESC)


class PersonTable(MonthTable):
    """A month table with one or more rows per pseudonymised person."""

    person_key: Series[str] = pa.Field(str_matches=PERSON_KEY, description=PERSON_KEY_DESC)


class ReportTable(MonthTable):
    """A report table (spec report.md): delivery_month and municipality_code come first."""

    municipality_code: Series[str] = pa.Field(str_matches=CODE4, description=MUNICIPALITY_DESC)


class CohortTable(ReportTable):
    """A core cohort table: one row per person of the cohort, for one municipality."""

    person_key: Series[str] = pa.Field(str_matches=PERSON_KEY, description=PERSON_KEY_DESC)
