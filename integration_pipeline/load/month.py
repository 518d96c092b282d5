"""A whole delivery month in one transaction: raw load, core build and report tables commit
together or not at all, so the warehouse never holds half a month (a killed or failed load
leaves it exactly as it was)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..extract.common import DeliveryError
from ..params import ReportParams, resolve_params
from ..warehouse import ensure_schema, fault_point, transaction
from .core import build_core
from .raw import RawLoadResult, load_delivery, record_attempt
from .report import build_report, censored_counts


@dataclass
class MonthResult:
    raw: RawLoadResult
    params: ReportParams
    core_rows: dict[str, int]
    report_rows: dict[str, int]
    censored: dict[str, int]


def load_month(con: duckdb.DuckDBPyConnection, delivery: Path, month: str, key: bytes,
               municipality: str, period_start: str | None = None,
               residence_date: str | None = None, status_week: str | None = None,
               max_share: float = 0.01, max_count: int = 10, log=print) -> MonthResult:
    ensure_schema(con)
    try:
        with transaction(con):
            raw = load_delivery(con, delivery, month, key, municipality, max_share=max_share,
                                max_count=max_count, log=log)
            fault_point("raw_written")
            params = resolve_params(con, month, municipality, period_start, residence_date,
                                    status_week)
            core_rows = build_core(con, params, log=log)
            fault_point("core_built")
            report_rows = build_report(con, params, log=log)
            censored = censored_counts(con, month)
            fault_point("before_commit")
    except DeliveryError as e:
        record_attempt(con, month, municipality, getattr(e, "files", {}), "rejected", str(e),
                       str(uuid.uuid4()))
        raise
    fault_point("committed")
    log(f"[{month}] committed: raw, core and report tables of {month} replaced")
    return MonthResult(raw=raw, params=params, core_rows=core_rows, report_rows=report_rows,
                       censored=censored)
