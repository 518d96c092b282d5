"""Raw load: parse a month's delivery, pseudonymise, quarantine, and replace the month's rows in
every raw.* table in one transaction (or reject the delivery and leave the warehouse as it was).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import gc
import hashlib
import json
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import pandas as pd

from .. import __version__, reference
from ..extract import cpr as cpr_x
from ..extract import dream as dream_x
from ..extract import permits as permits_x
from ..extract.common import DeliveryError
from ..pseudonym import KeyIndex, keyer
from ..warehouse import (
    ensure_schema,
    execute_with_frame,
    in_transaction,
    insert_frame,
    transaction,
)

RAW_TABLES = [
    "raw.cpr__persons", "raw.cpr__addresses", "raw.cpr__migrations", "raw.cpr__citizenships",
    "raw.cpr__extract_info", "raw.permits__residence_permits", "raw.dream__persons",
    "raw.dream__benefit_weeks", "raw.dream__employment_months", "raw.dream__coverage",
]
AUDIT_MONTH_TABLES = ["audit.quarantine", "audit.warnings"]
T = TypeVar("T")


@dataclass
class FileInfo:
    name: str
    size_bytes: int
    sha256: str
    encoding: str | None = None
    records_by_type: dict = field(default_factory=dict)
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_warned: int = 0


@dataclass
class RawLoadResult:
    delivery_month: str
    load_id: str
    rows: dict[str, int]
    files: dict[str, FileInfo]
    quarantined: int
    warnings: int
    extract_date: dt.date
    dream_last_week: str
    dream_last_grad_month: str | None
    dropped_persons: dict[str, int]


def file_info(path: Path) -> FileInfo:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            h.update(chunk)
    return FileInfo(name=path.name, size_bytes=path.stat().st_size, sha256=h.hexdigest())


def _in_background(work: Callable[[], T], name: str) -> Future[T]:
    """`work()` on a worker thread of its own; `.result()` gives its value or raises its error."""
    pool = ThreadPoolExecutor(1, thread_name_prefix=name)
    future = pool.submit(work)
    pool.shutdown(wait=False)   # the submitted work still runs
    return future


def _return_freed_memory() -> None:
    """Hand the heap's freed pages back to the OS (glibc keeps them otherwise: ~0.3 GiB after
    the CPR frames of 1M persons), so the DREAM pass starts from a low resident set."""
    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def find_dream(delivery: Path) -> Path:
    for name in dream_x.FILE_NAMES:
        if (delivery / name).exists():
            return delivery / name
    return delivery / dream_x.FILE_NAMES[0]


def _check_threshold(path_name: str, quarantined: int, rows: int, max_share: float,
                     max_count: int) -> None:
    if rows and quarantined > max_count and quarantined / rows > max_share:
        raise DeliveryError(path_name, f"{quarantined} of {rows} records quarantined "
                            f"({quarantined / rows:.1%}), more than both the allowed share "
                            f"{max_share:.1%} and count {max_count}: delivery rejected")


def _records(issues: pd.DataFrame) -> int:
    """Quarantined records: one record can fail several rules (e.g. two bad dates)."""
    return int(issues["line"].nunique() + issues["line"].isna().sum())


class _PersonKeys(KeyIndex):
    """PNR -> person key. A number of a kept CPR person (old or current) gets the key of the
    current number (and the person id of its current number's code); any other number its own
    key. The CPR frames get their keys by the parser's number codes (`codes()`, joined in
    DuckDB), the other files by number (`KeyIndex`)."""

    def __init__(self, key: bytes, cpr: cpr_x.CprExtract):
        key_for = keyer(key)
        to = cpr.current_codes()
        mapped = np.flatnonzero(to >= 0)
        current = np.zeros(len(to), dtype=bool)
        current[to[mapped]] = True
        current = np.flatnonzero(current)   # the distinct current codes (no sort)
        by_code = np.full(len(to), None, dtype=object)
        by_code[current] = [key_for(t) for t in cpr.pnr_texts[current].tolist()]
        keys = by_code[to[mapped]]
        self._codes = pd.DataFrame({"code": mapped, "person_key": keys}, copy=False)
        super().__init__(cpr.pnr_numbers[mapped], keys, key_for, persons=to[mapped],
                         texts=cpr.pnr_texts[mapped])

    def codes(self) -> pd.DataFrame:
        """(code, person_key) of every number of a kept person."""
        return self._codes


def _issues_frame(df: pd.DataFrame, month: str, keys: _PersonKeys) -> pd.DataFrame:
    """Issue rows with the person key of their PNR instead of the PNR."""
    out = df.copy()
    out["person_key"] = keys.of(out["pnr"])
    out["delivery_month"] = month
    return out.drop(columns=["pnr"])


def record_attempt(con: duckdb.DuckDBPyConnection, month: str, municipality: str,
                   files: dict[str, FileInfo], status: str, message: str | None,
                   load_id: str) -> None:
    rows = []
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for info in files.values() or [FileInfo(name="", size_bytes=0, sha256="")]:
        rows.append(dict(load_id=load_id, delivery_month=month, municipality_code=municipality,
                         source_file=info.name or None, size_bytes=info.size_bytes or None,
                         sha256=info.sha256 or None, encoding=info.encoding,
                         records_by_type=json.dumps(info.records_by_type, sort_keys=True),
                         rows_loaded=info.rows_loaded, rows_quarantined=info.rows_quarantined,
                         rows_warned=info.rows_warned, status=status, message=message,
                         code_version=__version__, loaded_at=now))
    insert_frame(con, "audit.load_ledger", pd.DataFrame(rows))


def load_delivery(con: duckdb.DuckDBPyConnection, delivery: Path, month: str, key: bytes,
                  municipality: str, max_share: float = 0.01, max_count: int = 10,
                  log=print) -> RawLoadResult:
    """Load `delivery` (a folder with the three extracts) as delivery month `month`.

    Raises DeliveryError (after recording the attempt in audit.load_ledger) when the delivery
    is rejected; the raw tables are then unchanged."""
    delivery = Path(delivery)
    load_id = str(uuid.uuid4())
    ensure_schema(con)
    files: dict[str, FileInfo] = {}
    prescan = None
    try:
        if not delivery.is_dir():
            raise DeliveryError(delivery, f"delivery folder for {month} does not exist")
        paths = {"cpr": delivery / cpr_x.FILE_NAME, "permits": delivery / permits_x.FILE_NAME,
                 "dream": find_dream(delivery)}
        for p in paths.values():
            problem = ("file is missing from the delivery" if not p.exists() else
                       "file is empty (0 bytes)" if p.stat().st_size == 0 else None)
            if problem:   # the ledger still records the files that did arrive
                files.update({q.name: file_info(q) for q in paths.values()
                              if q.is_file() and q.stat().st_size})
                raise DeliveryError(p, problem)
        # beside the CPR parse: sizes and sha256 of the files (hashlib and file reads release
        # the GIL), the permit parse (small) and the DREAM tokenizer's first passes (no keys
        # needed yet)
        hashing = _in_background(lambda: {p.name: file_info(p) for p in paths.values()},
                                 "sha256")
        categories, countries = reference.category_names(), reference.country_codes()
        permit_parse = _in_background(
            lambda: permits_x.parse_permits(paths["permits"], categories, countries), "permits")
        prescan = dream_x.Prescan(paths["dream"], dream_x.connection_threads(con))
        log(f"[{month}] parsing {paths['cpr'].name} ({paths['cpr'].stat().st_size:,} bytes)")
        try:
            cpr = cpr_x.parse_cpr(paths["cpr"], countries)
        finally:
            files.update(hashing.result())
        _check_not_loaded_elsewhere(con, files[paths["cpr"].name], month)
        keys = _PersonKeys(key, cpr)

        ci = files[paths["cpr"].name]
        ci.encoding = cpr.encoding
        ci.records_by_type = cpr.record_counts
        cq = cpr.issues.frame("quarantine")
        cw = cpr.issues.frame("warn")
        ci.rows_quarantined, ci.rows_warned = len(cq), len(cw)
        _check_threshold(paths["cpr"].name, _records(cq), sum(cpr.record_counts.values()),
                         max_share, max_count)

        log(f"[{month}] checking {paths['permits'].name} against the CPR extract")
        per = permit_parse.result()
        pi = files[paths["permits"].name]
        pi.encoding = per.encoding
        pi.records_by_type = {"rows": per.rows_read}
        pq, pw = per.issues.frame("quarantine"), per.issues.frame("warn")
        not_in_cpr = ~keys.kept(per.permits["pnr"])
        for r in per.permits[not_in_cpr].itertuples():
            pw.loc[len(pw)] = dict(source_file=paths["permits"].name, line=r.source_line,
                                   record_type="permit", rule="pnr_not_in_cpr", field="PNR",
                                   reason="PNR is not in the CPR extract", pnr=r.pnr)
        pi.rows_quarantined, pi.rows_warned = len(pq), len(pw)
        _check_threshold(paths["permits"].name, _records(pq), per.rows_read, max_share,
                         max_count)
        dropped = cpr.dropped_persons

        # the frames are written without the PNRs: permits get their person keys in place, the
        # CPR frames theirs in DuckDB as they are written (below)
        persons, permits = cpr.persons, per.permits
        persons["has_changed_number"] = persons["pnr_code"] != persons["pnr_current_code"]
        permits["person_key"] = keys.of(permits["pnr"])
        quarantine = pd.concat([_issues_frame(cq, month, keys), _issues_frame(pq, month, keys)],
                               ignore_index=True)
        warnings = pd.concat([_issues_frame(cw, month, keys), _issues_frame(pw, month, keys)],
                             ignore_index=True)
        extract_date = cpr.extract_date
        info = pd.DataFrame([dict(
            extract_date=extract_date,
            previous_extract_date=cpr.previous_extract_date, task_number=cpr.task_number,
            dropped_persons=sum(cpr.dropped_persons.values()),
            ignored_history_rows=cpr.ignored_history_rows,
            skipped_records=sum(cpr.skipped_record_types.values()))])
        # table -> (frame, columns not written, the code column whose person key is written);
        # the CPR frames hold only numbers of kept persons (orphans are set aside)
        frames = {
            "raw.cpr__persons": (persons, ("pnr", "pnr_current", "pnr_code",
                                           "pnr_current_code"), "pnr_current_code"),
            **{f"raw.cpr__{name}": (getattr(cpr, name), ("pnr", "pnr_code"), "pnr_code")
               for name in ("addresses", "migrations", "citizenships")},
            "raw.cpr__extract_info": (info, (), None),
            "raw.permits__residence_permits": (permits, ("pnr",), None),
        }
        del cpr, per, persons, permits  # only the frames to write are needed (memory)
        rows: dict[str, int] = {}
        with transaction(con):
            for table in RAW_TABLES + AUDIT_MONTH_TABLES:
                con.execute(f"DELETE FROM {table} WHERE delivery_month = ?", [month])
            log(f"[{month}] writing the CPR and permit raw tables")
            # the 32-character keys are joined in DuckDB by number code (parallel), not
            # gathered into 4M Python strings for the frames
            execute_with_frame(con, "CREATE OR REPLACE TEMP TABLE stg_person_keys AS "
                               "SELECT * FROM v_frame", keys.codes())
            for table, (df, exclude, code) in frames.items():
                if code is None:
                    rows[table] = insert_frame(con, table, df, exclude, delivery_month=month)
                    continue
                execute_with_frame(
                    con, f"INSERT INTO {table} BY NAME SELECT f.* EXCLUDE ({', '.join(exclude)}),"
                    " k.person_key, $month AS delivery_month FROM v_frame f "
                    f"LEFT JOIN stg_person_keys k ON k.code = f.{code}", df, {"month": month})
                rows[table] = len(df)
            con.execute("DROP TABLE stg_person_keys")
            frames.clear()   # written: free them before the DREAM pass
            _return_freed_memory()
            # DREAM streams from the file straight into the month's raw rows (a rejected file
            # rolls the transaction back)
            log(f"[{month}] reading {paths['dream'].name} "
                f"({files[paths['dream'].name].size_bytes:,} bytes) into the raw tables")
            stage = dream_x.stage_dream(con, paths["dream"], keys.lookup,
                                        reference.benefit_codes(), month=month, prescan=prescan)
            di = files[paths["dream"].name]
            di.encoding = "utf-8" if stage.source_format == "csv" else "parquet"
            di.records_by_type = {"rows": stage.rows_read, "benefit_weeks": stage.benefit_weeks,
                                  "benefit_runs": stage.benefit_runs,
                                  "employment_months": stage.employment_months}
            log(f"[{month}] {paths['dream'].name} read by the {stage.reader} ("
                + ", ".join(f"{k} {v:.1f} s" for k, v in stage.seconds.items()) + ")")
            di.rows_quarantined = stage.quarantined
            _check_threshold(paths["dream"].name,
                             con.execute("SELECT count(DISTINCT source_line) FROM "
                                         "stg_dream_quarantine").fetchall()[0][0],
                             stage.rows_read, max_share, max_count)
            h = stage.header
            coverage = pd.DataFrame([dict(
                delivery_month=month, first_week=h.first_week, last_week=h.last_week,
                last_grad_month=(f"{h.grad_months[-1][0]}-{h.grad_months[-1][1]:02d}"
                                 if h.grad_months else None),
                weeks=len(h.weeks), months=len(h.months),
                extra_columns=",".join(h.other) or None)])
            rows["raw.dream__coverage"] = insert_frame(con, "raw.dream__coverage", coverage)
            rows["raw.dream__persons"] = stage.persons
            rows["raw.dream__benefit_weeks"] = stage.benefit_runs
            rows["raw.dream__employment_months"] = stage.employment_months
            insert_frame(con, "audit.quarantine", quarantine)
            insert_frame(con, "audit.warnings", warnings)
            con.execute("INSERT INTO audit.quarantine BY NAME SELECT ? AS delivery_month, ? AS "
                        "source_file, source_line AS line, record_type, rule, field, reason, "
                        "person_key FROM stg_dream_quarantine", [month, paths["dream"].name])
            ci.rows_loaded = sum(rows[t] for t in RAW_TABLES if t.startswith("raw.cpr__")
                                 and t != "raw.cpr__extract_info")
            pi.rows_loaded = rows["raw.permits__residence_permits"]
            di.rows_loaded = stage.persons + stage.benefit_runs + stage.employment_months
            record_attempt(con, month, municipality, files, "loaded", None, load_id)
    except DeliveryError as e:
        e.files = files
        if not in_transaction(con):  # else the caller records it after its rollback
            record_attempt(con, month, municipality, files, "rejected", str(e), load_id)
        raise
    finally:
        if prescan is not None:
            prescan.close()
        for t in ("stg_dream_rows", "stg_dream_week_cells",
                  "stg_dream_week_columns", "stg_dream_month_columns", "stg_dream_benefit_weeks",
                  "stg_dream_employment_months", "stg_dream_quarantine", "stg_person_keys"):
            if not _aborted(con):
                con.execute(f"DROP TABLE IF EXISTS {t}")
    n_q = len(quarantine) + stage.quarantined
    n_w = len(warnings)
    log(f"[{month}] raw load done: {rows['raw.cpr__persons']:,} persons, "
        f"{stage.benefit_weeks:,} benefit weeks in {stage.benefit_runs:,} runs, {n_q} "
        f"quarantined, {n_w} warnings")
    return RawLoadResult(
        delivery_month=month, load_id=load_id, rows=rows, files=files, quarantined=n_q,
        warnings=n_w, extract_date=extract_date, dream_last_week=h.last_week,
        dream_last_grad_month=coverage["last_grad_month"].iloc[0],
        dropped_persons=dropped)


def _aborted(con: duckdb.DuckDBPyConnection) -> bool:
    """True while the connection sits in a failed transaction (only ROLLBACK works then)."""
    try:
        con.execute("SELECT 1").fetchall()
        return False
    except duckdb.TransactionException:
        return True


def _check_not_loaded_elsewhere(con: duckdb.DuckDBPyConnection, cpr: FileInfo,
                                month: str) -> None:
    """The same CPR file (sha256) already loaded under another month is a misplaced delivery."""
    hit = con.execute(
        "SELECT delivery_month FROM audit.load_ledger WHERE sha256 = ? AND status = 'loaded' "
        "AND delivery_month <> ? LIMIT 1", [cpr.sha256, month]).fetchall()
    if hit:
        raise DeliveryError(cpr.name, f"this exact file (sha256 {cpr.sha256[:12]}…) was already "
                            f"loaded as delivery month {hit[0][0]}; a delivery belongs to one "
                            "month")
