"""Report parameters (spec report.md "Parameters"): defaults derived from the delivery itself.

Belongs here: resolving municipality, period start, residence date (CPR PRODDTO) and status week
(first ISO week whose Thursday falls in the latest month DREAM covers with grad_ columns).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

import duckdb

from .settings import ConfigError

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class ReportParams:
    delivery_month: str
    municipality: str
    period_start: dt.date
    residence_date: dt.date
    status_year: int
    status_week: int

    @property
    def status_date(self) -> dt.date:
        return dt.date.fromisocalendar(self.status_year, self.status_week, 1)

    @property
    def status_week_label(self) -> str:
        return f"{self.status_year}-W{self.status_week:02d}"

    def sql_params(self) -> dict:
        return {"month": self.delivery_month, "municipality": self.municipality,
                "period_start": self.period_start, "residence_date": self.residence_date,
                "status_year": self.status_year, "status_week": self.status_week,
                "status_date": self.status_date}

    def as_metadata(self) -> dict:
        d = {k: str(v) for k, v in asdict(self).items()}
        d["status_week"] = self.status_week_label
        d["status_date"] = str(self.status_date)
        d.pop("status_year")
        return d


def first_week_with_thursday_in(year: int, month: int) -> tuple[int, int]:
    first = dt.date(year, month, 1)
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    iso = thursday.isocalendar()
    return iso[0], iso[1]


def parse_week(text: str) -> tuple[int, int]:
    m = WEEK_RE.match(text or "")
    if not m:
        raise ConfigError(f"status week must look like 2017-W14, got {text!r}")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ConfigError(f"{text}: {year} has no ISO week {week}") from None
    return year, week


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ConfigError(f"{what} must be a yyyy-mm-dd date, got {text!r}") from None


def resolve_params(con: duckdb.DuckDBPyConnection, month: str, municipality: str,
                   period_start: str | None = None, residence_date: str | None = None,
                   status_week: str | None = None) -> ReportParams:
    """Fill unset parameters from the month's raw tables."""
    info = con.execute("SELECT extract_date FROM raw.cpr__extract_info WHERE delivery_month = ?",
                       [month]).fetchall()
    cov = con.execute("SELECT last_grad_month, last_week FROM raw.dream__coverage "
                      "WHERE delivery_month = ?", [month]).fetchall()
    if not info or not cov:
        raise ConfigError(f"delivery month {month} has not been loaded (no raw tables)")
    res = parse_date(residence_date, "residence date") if residence_date else info[0][0]
    if status_week:
        sy, sw = parse_week(status_week)
    else:
        last_grad, last_week = cov[0]
        if last_grad:
            sy, sw = first_week_with_thursday_in(int(last_grad[:4]), int(last_grad[5:7]))
        else:
            sy, sw = parse_week(last_week)
    return ReportParams(delivery_month=month, municipality=municipality,
                        period_start=parse_date(period_start or "2013-01-01", "period start"),
                        residence_date=res, status_year=sy, status_week=sw)
