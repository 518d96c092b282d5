"""DREAM extract reader (spec extracts.md §3): wide `dream.csv`/`dream.parquet` -> long tables.

Belongs here: header inference (covered ISO weeks and months), the ISO-week calendar, the
file-level rejects and row-level quarantine rules, and the wide -> long reshape. Benefit weeks
are stored run-length encoded (one row per run of consecutive weeks with one code). A plain CSV
is tokenised by numpy (`dream_scan`, runs straight from the wide rows); anything else, and
whatever the tokenizer does not fully understand, is read by DuckDB (`read_csv` + `UNPIVOT`,
empty cells dropped), which also words the rejects. The caller passes a DuckDB connection; the
rows go into the month's raw tables or temporary tables `stg_dream_persons` (the person key of
each kept line, stored once), `stg_dream_benefit_weeks`, `stg_dream_employment_months` (rows
named by source_line); row quarantine is left in `stg_dream_quarantine`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..pseudonym import pnr_numbers
from ..warehouse import execute_with_frame, insert_frame, sql
from . import dream_scan
from .common import DeliveryError

FILE_NAMES = ("dream.csv", "dream.parquet")
# PNRs as int64 -> (person key, person id; -1: not in the CPR extract) of each
KeyOf = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
WEEK_RE = re.compile(r"^y_(\d{2})(\d{2})$")
MONTH_RE = re.compile(r"^(branche|grad)_(\d{4})_(\d{2})$")


def weeks_in_iso_year(year: int) -> int:
    """52 or 53: 28 December always lies in the year's last ISO week."""
    return dt.date(year, 12, 28).isocalendar()[1]


def week_year(yy: int) -> int:
    return 2000 + yy if yy < 90 else 1900 + yy


def week_monday(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, week, 1)


@dataclass
class DreamHeader:
    columns: list[str]
    weeks: list[tuple[int, int, str]]          # (iso_year, iso_week, column)
    months: list[tuple[int, int]]              # (year, month) with a grad_ or branche_ column
    grad_months: list[tuple[int, int]]
    branche_months: list[tuple[int, int]]
    other: list[str] = field(default_factory=list)

    @property
    def first_week(self) -> str:
        y, w, _ = self.weeks[0]
        return f"{y}-W{w:02d}"

    @property
    def last_week(self) -> str:
        y, w, _ = self.weeks[-1]
        return f"{y}-W{w:02d}"


def parse_header(columns: list[str], path: Path) -> DreamHeader:
    if "PNR" not in columns:
        raise DeliveryError(path, "header has no PNR column", line=1, field="PNR")
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise DeliveryError(path, f"duplicate column(s) {', '.join(dupes)}", line=1)
    weeks, grad, branche, other = [], [], [], []
    for c in columns:
        m = WEEK_RE.match(c)
        if m:
            year, week = week_year(int(m.group(1))), int(m.group(2))
            if not 1 <= week <= weeks_in_iso_year(year):
                raise DeliveryError(path, f"column {c}: {year} has no ISO week {week} "
                                    f"(it has {weeks_in_iso_year(year)} weeks)", line=1, field=c)
            weeks.append((year, week, c))
            continue
        m = MONTH_RE.match(c)
        if m:
            kind, year, month = m.group(1), int(m.group(2)), int(m.group(3))
            if not 1 <= month <= 12:
                raise DeliveryError(path, f"column {c}: month {month} does not exist", line=1,
                                    field=c)
            (grad if kind == "grad" else branche).append((year, month))
            continue
        if c != "PNR":
            other.append(c)
    if not weeks:
        raise DeliveryError(path, "no weekly benefit columns (y_YYWW)", line=1)
    weeks.sort()
    for (y0, w0, c0), (y1, w1, c1) in zip(weeks, weeks[1:], strict=False):
        expected = (y0, w0 + 1) if w0 < weeks_in_iso_year(y0) else (y0 + 1, 1)
        if (y1, w1) != expected:
            raise DeliveryError(path, f"week columns are not consecutive ISO weeks: {c0} is "
                                f"followed by {c1}, expected y_{expected[0] % 100:02d}"
                                f"{expected[1]:02d}", line=1, field=c1)
    months = sorted(set(grad) | set(branche))
    return DreamHeader(columns=columns, weeks=weeks, months=months, grad_months=sorted(grad),
                       branche_months=sorted(branche), other=other)


def _check_encoding(path: Path) -> str:
    """Validate UTF-8 in chunks (the file can be GiBs); ISO-8859-1 is tolerated."""
    dec = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as f:
        first = True
        while chunk := f.read(1 << 24):
            if first and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[3:]
                offset = 3
            first = False
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as e:
                raise DeliveryError(path, f"byte 0x{chunk[e.start]:02x} is not valid UTF-8",
                                    byte_offset=offset + e.start) from None
            offset += len(chunk)
    try:
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        raise DeliveryError(path, "file ends inside a UTF-8 character",
                            byte_offset=offset) from None
    return "utf-8"


def _read_header(path: Path) -> list[str]:
    with open(path, "rb") as f:
        line = f.readline()
    line = line.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace").rstrip("\r\n")
    return [c.strip() for c in line.split(";")]


_CSV_LINE = re.compile(r"Line: (\d+)")
_CSV_COUNTS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _csv_error(path: Path, err: Exception) -> DeliveryError:
    """Rephrase a DuckDB CSV error without echoing the offending line (it holds a CPR)."""
    msg = str(err)
    line = _CSV_LINE.search(msg)
    counts = _CSV_COUNTS.search(msg)
    if counts:
        reason = (f"row has {counts.group(2)} fields, the header has {counts.group(1)}: the file "
                  "is cut short or malformed")
    else:
        reason = "unreadable CSV: " + msg.split("\n")[0].split("Original Line")[0]
    return DeliveryError(path, reason, line=int(line.group(1)) if line else None)


@dataclass
class DreamStage:
    header: DreamHeader
    source_format: str
    rows_read: int
    persons: int
    benefit_weeks: int       # person-weeks with a code
    benefit_runs: int        # rows stored: runs of consecutive weeks with one code
    employment_months: int
    quarantined: int
    unknown_codes: list[str]
    reader: str              # which reader read the file (and why the general one)
    seconds: dict[str, float] = field(default_factory=dict)  # rows, weeks, months


class _Timer:
    """Wall seconds per phase (reported to data engineers and the benchmark)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._t
        self._t = now


# Where the rows go: temporary staging tables (inspection, tests) or, during a load, the month's
# rows of the raw tables themselves (no second copy).
BATCH_CELLS = 1 << 24   # monthly cells per insert (~330 MiB of numbers)
RUN_BATCH = 1 << 24     # benefit runs per insert (~200 MiB of numbers)
STAGE_TARGETS = {"persons": "stg_dream_persons", "weeks": "stg_dream_benefit_weeks",
                 "months": "stg_dream_employment_months"}
RAW_TARGETS = {"persons": "raw.dream__persons", "weeks": "raw.dream__benefit_weeks",
               "months": "raw.dream__employment_months"}
STAGE_DDL = {
    "persons": "person_key VARCHAR, source_line BIGINT",
    "weeks": "first_iso_year SMALLINT, first_iso_week TINYINT, weeks SMALLINT, "
             "benefit_code VARCHAR, source_line BIGINT",
    "months": "year SMALLINT, month TINYINT, industry_code VARCHAR, employment_degree DOUBLE, "
              "source_line BIGINT",
}
FAST_READER = "numpy tokenizer"
GENERAL_READER = "DuckDB read_csv"


def _source(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, str, DreamHeader, dict]:
    """(format, FROM clause, header, parameters) of the DREAM file, read with explicit types and
    no type detection: week codes SMALLINT (narrow; a code that is not a number rejects the file
    naming the line), everything else VARCHAR."""
    if path.suffix == ".parquet":
        columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)",
                                             [str(path)]).fetchall()]
        header = parse_header(columns, path)
        src = (f"(SELECT {', '.join(_q(c) + '::VARCHAR AS ' + _q(c) for c in columns)} "
               "FROM read_parquet($path))")
        return "parquet", src, header, {"path": str(path)}
    columns = _read_header(path)
    header = parse_header(columns, path)
    weeks = {c for _, _, c in header.weeks}
    types = {c: "SMALLINT" if c in weeks else "VARCHAR" for c in columns}
    src = ("read_csv($path, header=true, delim=';', quote='\"', escape='\"', "
           "auto_detect=false, strict_mode=true, columns=$columns)")
    return "csv", src, header, {"path": str(path), "columns": types}


@contextmanager
def _setting(con: duckdb.DuckDBPyConnection, name: str, value: str):
    """Set a DuckDB setting for the duration of a block (restored afterwards)."""
    old = con.execute("SELECT current_setting(?)", [name]).fetchall()[0][0]
    con.execute(f"SET {name} = {value}")
    try:
        yield
    finally:
        with suppress(duckdb.TransactionException):  # an aborted transaction: left as set
            con.execute(f"SET {name} = {str(old).lower() if isinstance(old, bool) else old!r}")


def _run(con: duckdb.DuckDBPyConnection, path: Path, sql_text: str, params: dict):
    try:
        return con.execute(sql_text, params).fetchall()
    except (duckdb.InvalidInputException, duckdb.ConversionException) as e:
        raise _csv_error(path, e) from None


# Row-level quarantine rules (spec extracts.md "Bad input"), in order of precedence: a PNR that
# is not 10 digits, one that is not in the CPR extract, or one person on two rows (all its rows).
ROW_RULES = {"pnr_invalid": "PNR is not 10 digits",
             "pnr_not_in_cpr": "PNR is not in the CPR extract",
             "duplicate_pnr": "PNR appears on more than one row (all its rows quarantined)"}


def classify_lines(numbers: np.ndarray, valid: np.ndarray,
                   key_of: KeyOf) -> tuple[np.ndarray, np.ndarray]:
    """(person key, rule) of every line from its PNR as a number (`valid`: the trimmed field
    is 10 digits): the key of a valid PNR (None otherwise) and the first rule of ROW_RULES it
    breaks (None = kept). Two numbers of one person (an old and a current) are one person: a
    duplicate."""
    n = len(numbers)
    keys = np.full(n, None, dtype=object)
    person = np.full(n, -1, dtype=np.int64)
    keys[valid], person[valid] = key_of(numbers[valid])
    in_cpr = person >= 0
    rule = np.full(n, None, dtype=object)
    rule[~valid] = "pnr_invalid"
    rule[valid & ~in_cpr] = "pnr_not_in_cpr"
    listed = pd.Index(person[in_cpr])
    if listed.has_duplicates:
        dup = np.zeros(n, dtype=bool)
        dup[in_cpr] = listed.duplicated(keep=False)
        rule[dup] = "duplicate_pnr"
    return keys, rule


QUARANTINE_DDL = ("source_line BIGINT, record_type VARCHAR, rule VARCHAR, field VARCHAR, "
                  "reason VARCHAR, person_key VARCHAR")


def _classify_rows(con, numbers: np.ndarray, valid: np.ndarray, key_of: KeyOf, target: str,
                   month: str | None, pnrs: list | None = None) -> np.ndarray:
    """Row-level quarantine of the lines (row 0 = line 2): stores the kept lines' person keys
    in `target`, the others in `stg_dream_quarantine`, and returns which rows are kept. Given
    the `pnrs` texts also `stg_dream_rows` (source_line, pnr, person_key, rule; rule NULL =
    kept, and then the PNR is unique) for the general reader's SQL."""
    keys, rule = classify_lines(numbers, valid, key_of)
    kept = np.equal(rule, None)
    line = np.arange(2, len(numbers) + 2, dtype=np.int64)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stg_dream_quarantine ({QUARANTINE_DDL})")
    if not kept.all():
        out = ~kept
        insert_frame(con, "stg_dream_quarantine", pd.DataFrame({
            "source_line": line[out], "record_type": "row", "rule": rule[out], "field": "PNR",
            "reason": [ROW_RULES[r] for r in rule[out]], "person_key": keys[out]}))
    if pnrs is not None:
        execute_with_frame(con, "CREATE OR REPLACE TEMP TABLE stg_dream_rows AS "
                           "SELECT * FROM v_frame", pd.DataFrame(
                               {"source_line": line, "pnr": pd.array(pnrs, dtype="string"),
                                "person_key": keys, "rule": rule}))
    persons = pd.DataFrame({"source_line": line, "person_key": keys}, copy=False)
    execute_with_frame(con, _into(target, month, "SELECT source_line, person_key FROM v_frame"),
                       persons if kept.all() else persons[kept],
                       {"month": month} if month else {})
    return kept


def _stage_rows(con, path, src, params, key_of, target, month) -> int:
    """General reader, narrow first pass (PNR only): line numbers and the row-level quarantine.
    The whole file is tokenised here, so a row with the wrong number of fields rejects the file
    before anything is written."""
    with _setting(con, "preserve_insertion_order", "true"):   # file order
        pnrs = _run(con, path, f"SELECT trim(PNR) FROM {src}", params)
    pnrs = [p for (p,) in pnrs]
    numbers, valid = pnr_numbers(pnrs)
    _classify_rows(con, numbers, valid, key_of, target, month, pnrs)
    return len(pnrs)


def _kept_rows(src: str, columns: str, key: bool = False) -> str:
    """The file's kept rows (row-level quarantine applied) with their line (and person key).
    The join runs on the wide rows, before they are reshaped: far fewer probes than after."""
    return (f"(SELECT {'r.person_key, ' if key else ''}r.source_line, {columns} FROM {src} w "
            "JOIN stg_dream_rows r ON r.pnr = trim(w.PNR) AND r.rule IS NULL)")


def _week_cells(fmt: str, src: str, header: DreamHeader) -> str:
    """General reader: the non-empty week cells of the kept rows, UNPIVOT straight from the
    reader (empty cells are dropped by UNPIVOT), no wide staging table."""
    cols = ", ".join(_q(c) for _, _, c in header.weeks)
    # each week column named by its index in calendar order (a number, not its name)
    named = ", ".join(f"{_q(c)} AS '{i}'" for i, (_, _, c) in enumerate(header.weeks))
    code = ("lpad(code::VARCHAR, 3, '0')" if fmt == "csv" else "trim(code)")
    empty = "" if fmt == "csv" else "WHERE trim(code) <> ''"
    return f"""
        CREATE OR REPLACE TEMP TABLE stg_dream_week_cells AS
        SELECT source_line, idx::SMALLINT AS idx, {code} AS benefit_code
        FROM {_kept_rows(src, cols)}
        UNPIVOT (code FOR idx IN ({named})) u
        {empty}"""


# The month cells as (g, b) text -> employment rows; shared by both readers' SQL.
MONTH_VALUES = ("nullif(trim(b), '') AS industry_code, "
                "try_cast(nullif(trim(g), '') AS DOUBLE) AS employment_degree")
MONTH_KEEP = ("(nullif(trim(g), '') IS NOT NULL OR nullif(trim(b), '') IS NOT NULL) "
              "AND (nullif(trim(g), '') IS NULL OR try_cast(trim(g) AS DOUBLE) >= 0)")


def _month_select(src: str, header: DreamHeader) -> str:
    """General reader, monthly employment of the kept rows: one UNPIVOT of the (grad_, branche_)
    column pairs straight from the reader (INCLUDE NULLS: without it a pair with one NULL is
    dropped); a month whose grad_ is not a number is left out (quarantined by
    `_grad_quarantine`)."""
    cols, pairs = [], []
    for y, m in header.months:
        g, b = f"grad_{y}_{m:02d}", f"branche_{y}_{m:02d}"
        cols.append(_q(g) if (y, m) in header.grad_months else f"NULL::VARCHAR AS {_q(g)}")
        cols.append(_q(b) if (y, m) in header.branche_months else f"NULL::VARCHAR AS {_q(b)}")
        pairs.append(f"({_q(g)}, {_q(b)}) AS '{y}_{m:02d}'")
    return f"""
        SELECT substr(ym, 1, 4)::SMALLINT AS year, substr(ym, 6, 2)::TINYINT AS month,
               {MONTH_VALUES}, source_line
        FROM {_kept_rows(src, ', '.join(cols))}
        UNPIVOT INCLUDE NULLS ((g, b) FOR ym IN ({', '.join(pairs)})) u
        WHERE {MONTH_KEEP}"""


def _grad_quarantine(src: str, header: DreamHeader) -> str | None:
    """A narrow pass over the grad_ columns: values that are not a non-negative number."""
    if not header.grad_months:
        return None
    cols = ", ".join(_q(f"grad_{y}_{m:02d}") for y, m in header.grad_months)
    return f"""
        INSERT INTO stg_dream_quarantine
        SELECT source_line, 'month', 'grad_not_number', col,
               'employment degree ' || trim(g) || ' is not a number (month set aside)',
               person_key
        FROM {_kept_rows(src, cols, key=True)}
        UNPIVOT (g FOR col IN ({cols})) u
        WHERE nullif(trim(g), '') IS NOT NULL AND coalesce(try_cast(trim(g) AS DOUBLE) < 0, true)"""


def stage_dream(con: duckdb.DuckDBPyConnection, path: Path,
                key_of: KeyOf, known_codes: set[str], month: str | None = None,
                fast: bool = True, prescan: Prescan | None = None) -> DreamStage:
    """Read the DREAM file into the long tables on `con`.

    `key_of(numbers)` returns the person key and the person id (-1: not in the month's CPR
    extract) of each of the given PNRs, 10-digit numbers as int64 (`KeyIndex.lookup`).
    Without `month` the rows are left in the temporary tables `stg_dream_persons` /
    `stg_dream_benefit_weeks` / `stg_dream_employment_months`; with
    `month` they are inserted as that delivery month's rows of raw.dream__persons /
    raw.dream__benefit_weeks / raw.dream__employment_months (the caller holds the transaction
    and has deleted the month's old rows). The person key of a kept line is stored once (in
    the persons table); the long rows name their line by source_line. Benefit weeks are stored
    run-length encoded (one row per run of consecutive weeks with one code). Row-level
    quarantine is left in `stg_dream_quarantine`. Raises DeliveryError for file-level faults
    (the caller's transaction then rolls back).

    A plain CSV goes through the numpy tokenizer (`dream_scan`); anything it does not fully
    understand, Parquet, and `fast=False` go through DuckDB `read_csv` + UNPIVOT. `prescan`
    (of the same file) supplies the tokenizer's first passes, done while the caller worked."""
    path = Path(path)
    if not path.exists():
        raise DeliveryError(path, "file is missing from the delivery")
    if path.stat().st_size == 0:
        raise DeliveryError(path, "file is empty (0 bytes)")
    timer = _Timer()
    fmt, src, header, params = _source(con, path)
    targets = RAW_TARGETS if month is not None else STAGE_TARGETS
    if month is None:
        for kind, target in targets.items():
            con.execute(f"CREATE OR REPLACE TEMP TABLE {target} ({STAGE_DDL[kind]})")
    _column_tables(con, header)
    reader = GENERAL_READER + " (Parquet)" if fmt == "parquet" else GENERAL_READER
    if fmt == "csv" and fast:
        if header.columns[0] != "PNR":
            reader = GENERAL_READER + " (PNR is not the first column)"
        else:
            try:
                return _stage_fast(con, path, header, key_of, known_codes, month, targets,
                                   timer, prescan)
            except dream_scan.NotFast as e:
                reader = f"{GENERAL_READER} (the numpy tokenizer found {e})"
                for target in targets.values():
                    con.execute(f"DELETE FROM {target}"
                                + (" WHERE delivery_month = ?" if month else ""),
                                [month] if month else [])
    if fmt == "csv":
        _check_encoding(path)
    rows_read = _stage_rows(con, path, src, params, key_of, targets["persons"], month)
    timer.lap("rows")
    with _setting(con, "preserve_insertion_order", "false"):
        _run(con, path, _week_cells(fmt, src, header), params)
        con.execute(_into(targets["weeks"], month, sql("dream_benefit_runs")),
                    {"month": month} if month else {})
        con.execute("DROP TABLE stg_dream_week_cells")
        _check_codes(con, path, targets["weeks"], month, known_codes)
        timer.lap("weeks")
        if header.months:
            quarantine = _grad_quarantine(src, header)
            if quarantine is not None:
                _run(con, path, quarantine, params)
            _run(con, path, _into(targets["months"], month, _month_select(src, header)),
                 dict(params, month=month) if month else params)
        timer.lap("months")
    return _result(con, header, fmt, rows_read, targets, month, reader, timer)


def _column_tables(con: duckdb.DuckDBPyConnection, header: DreamHeader) -> None:
    """The file's week and month columns, indexed in calendar order (week columns are
    consecutive ISO weeks, so an index difference counts weeks)."""
    con.execute("CREATE OR REPLACE TEMP TABLE stg_dream_week_columns (idx SMALLINT, "
                "col VARCHAR, iso_year SMALLINT, iso_week TINYINT)")
    insert_frame(con, "stg_dream_week_columns", pd.DataFrame(
        [(i, c, y, w) for i, (y, w, c) in enumerate(header.weeks)],
        columns=["idx", "col", "iso_year", "iso_week"]))
    con.execute("CREATE OR REPLACE TEMP TABLE stg_dream_month_columns (idx SMALLINT, "
                "year SMALLINT, month TINYINT)")
    insert_frame(con, "stg_dream_month_columns", pd.DataFrame(
        [(i, y, m) for i, (y, m) in enumerate(header.months)], columns=["idx", "year", "month"]))


def _layout(header: DreamHeader) -> dream_scan.Layout:
    cols = header.columns
    pos = {c: i for i, c in enumerate(cols)}
    return dream_scan.Layout(
        ncol=len(cols),
        weeks=np.array([pos[c] for _, _, c in header.weeks], dtype=np.int64),
        grad=np.array([pos.get(f"grad_{y}_{m:02d}", -1) for y, m in header.months],
                      dtype=np.int64),
        branche=np.array([pos.get(f"branche_{y}_{m:02d}", -1) for y, m in header.months],
                         dtype=np.int64))


def connection_threads(con: duckdb.DuckDBPyConnection) -> int:
    """The connection's DuckDB `threads` (INTEGRATION_DUCKDB_THREADS): the tokenizer uses as
    many worker threads."""
    return int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])


@dataclass
class _Scanned:
    scan: dream_scan.DreamScan
    numbers: np.ndarray                   # PNR of each line as int64
    valid: np.ndarray                     # the PNR is 10 digits
    runs: list[dream_scan.Runs] | None    # None: not tokenised yet


class Prescan:
    """The tokenizer passes that need neither person keys nor the database (lines, PNRs and
    benefit runs of a plain CSV) on a worker thread, so that they overlap the CPR parse.
    `stage_dream(..., prescan=)` takes the result; a fault surfaces there, where a load
    without the prescan meets it. `close()` always (waits for the worker).

    The prescan runs on `beside` threads (default one: the CPR parse keeps a core of its own);
    the later passes of the scan use `threads`."""

    def __init__(self, path: Path, threads: int, beside: int = 1):
        self.path = Path(path)
        self._taken = False
        pool = ThreadPoolExecutor(1, thread_name_prefix="dream-prescan")
        self._future = pool.submit(self._work, threads, beside)
        pool.shutdown(wait=False)   # the submitted work still runs

    def _work(self, threads: int, beside: int) -> _Scanned | None:
        p = self.path
        if p.suffix != ".csv" or not p.is_file() or p.stat().st_size == 0:
            return None
        try:
            header = parse_header(_read_header(p), p)
        except DeliveryError:
            return None                   # stage_dream reports it
        if header.columns[0] != "PNR":
            return None
        scan = dream_scan.DreamScan(p, _layout(header), beside)
        try:
            scanned = _Scanned(scan, *scan.pnrs(), list(scan.runs()))
            scan.threads = threads
            return scanned
        except BaseException as e:
            traceback.clear_frames(e.__traceback__)   # frames hold views of the map
            scan.close()
            raise

    def take(self) -> _Scanned | None:
        """The result (raises the tokenizer's NotFast); the taker closes the scan."""
        self._taken = True
        return self._future.result()

    def close(self) -> None:
        if not self._taken:
            with suppress(Exception):
                scanned = self._future.result()
                if scanned is not None:
                    scanned.scan.close()


def _stage_fast(con, path, header, key_of, known_codes, month, targets,
                timer: _Timer, prescan: Prescan | None) -> DreamStage:
    """The numpy tokenizer over the mapped file: the PNRs (quarantine rules, keys), then the
    benefit runs, then the monthly cells (each pass chunk by chunk; lines, PNRs and runs may
    come from a prescan)."""
    scanned = prescan.take() if prescan is not None else None
    if scanned is None:
        scan = dream_scan.DreamScan(path, _layout(header), connection_threads(con))
        scanned = _Scanned(scan, *scan.pnrs(), None)
    with scanned.scan as scan:
        kept = _classify_rows(con, scanned.numbers, scanned.valid, key_of, targets["persons"],
                              month)
        rows_read = scan.rows
        timer.lap("rows")
        with _setting(con, "preserve_insertion_order", "false"):
            # the prescan's runs are let go batch by batch; else tokenised as they are stored
            runs = _drain(scanned.runs) if scanned.runs is not None else scan.runs()
            _fast_runs(con, path, runs, kept, known_codes, targets["weeks"], month)
            scanned.runs = None
            timer.lap("weeks")
            _fast_months(con, scan, None if kept.all() else kept, targets["months"], month)
            timer.lap("months")
    return _result(con, header, "csv", rows_read, targets, month, FAST_READER, timer)


def _fast_runs(con, path, runs, kept, known_codes, target, month) -> None:
    """Benefit runs of the kept rows into the target, gathered into batches of RUN_BATCH runs
    (bounded memory at national scale: the runs are concatenated a batch at a time). A code
    not in the code table rejects the file naming every unknown code of the file; nothing is
    inserted after the first batch that has one (the caller's transaction rolls back the
    rest)."""
    seen = np.zeros(1000, dtype=bool)        # codes 0-999 of the kept rows

    def store(batch: list[dream_scan.Runs]) -> None:
        cols = _gather(batch, ("row", "first", "weeks", "code"), kept)
        present = np.flatnonzero(np.bincount(cols["code"], minlength=1000))   # no sort
        seen[present] = True
        if len(present) == 0 or _unknown(seen, known_codes):
            return
        texts = {c: f"{c:03d}" for c in present.tolist()}
        # the code texts of the codes present, joined (faster than formatting 11M texts)
        values = ", ".join(f"({c}, '{t}')" for c, t in texts.items())
        execute_with_frame(con, _into(target, month, f"""
                SELECT w.iso_year AS first_iso_year, w.iso_week AS first_iso_week, r.weeks,
                       t.benefit_code, r.row + 2 AS source_line
                FROM v_frame r
                JOIN stg_dream_week_columns w ON w.idx = r.first
                JOIN (VALUES {values}) t(code, benefit_code) ON t.code = r.code"""), cols,
            {"month": month} if month else {})

    _in_batches(runs, RUN_BATCH, store)
    unknown = _unknown(seen, known_codes)
    if unknown:
        _raise_unknown(path, unknown)


def _unknown(seen: np.ndarray, known_codes: set[str]) -> list[str]:
    """The codes (0-999) marked in `seen` that are not in the code table, as texts."""
    return [t for t in (f"{c:03d}" for c in np.flatnonzero(seen).tolist())
            if t not in known_codes]


def _drain(items: list):
    """The items of a list in order, each dropped from the list as it is handed out."""
    items.reverse()
    while items:
        yield items.pop()


def _fast_months(con, scan, kept: np.ndarray | None, target, month) -> None:
    """Monthly employment rows of the kept rows (`kept[row]`; None = all) into the target (a
    plain decimal grad_ is always a non-negative number: nothing to quarantine here). Chunks of
    cells are gathered into batches of BATCH_CELLS; one set-based insert per batch adds months
    and industry texts (an insert per chunk costs twice as much; a staging table would hold its
    rows in memory until the load's transaction ends)."""
    insert = _into(target, month, """
        SELECT m.year, m.month,
               CASE WHEN c.branche_len > 0
                    THEN lpad(c.branche::VARCHAR, c.branche_len, '0') END AS industry_code,
               CASE WHEN c.has_grad THEN c.grad END AS employment_degree,
               c.row + 2 AS source_line
        FROM v_frame c
        JOIN stg_dream_month_columns m ON m.idx = c.month""")

    def store(batch: list[dream_scan.Cells]) -> None:
        cells = _gather(batch, ("row", "month", "has_grad", "grad", "branche_len", "branche"),
                        kept)
        execute_with_frame(con, insert, cells, {"month": month} if month else {})

    _in_batches(scan.cells(), BATCH_CELLS, store)


def _in_batches(chunks, size: int, store: Callable[[list], None]) -> None:
    """Hand the non-empty chunks (each with a `row` array) to `store` in lists of at least
    `size` rows (the last list smaller)."""
    batch: list = []
    batched = 0
    for ch in chunks:
        if len(ch.row):
            batch.append(ch)
            batched += len(ch.row)
        if batched >= size:
            store(batch)
            batch, batched = [], 0
    if batch:
        store(batch)


def _gather(batch: list, names: tuple[str, ...], kept: np.ndarray | None) -> dict:
    """The columns `names` of the chunks in `batch`, concatenated, of the kept rows only
    (`kept[row]`; None = all)."""
    cols = {c: np.concatenate([getattr(ch, c) for ch in batch]) for c in names}
    batch.clear()   # the chunks' arrays are let go
    if kept is not None:
        keep = kept[cols["row"]]
        if not keep.all():   # rows were quarantined
            cols = {c: v[keep] for c, v in cols.items()}
    return cols


def _raise_unknown(path: Path, unknown: list[str]) -> None:
    shown = ", ".join(unknown[:30]) + (" …" if len(unknown) > 30 else "")
    raise DeliveryError(path, f"{len(unknown)} benefit code(s) not in the code table "
                        f"(reference/dream_codes.csv): {shown}", field="y_*")


def _check_codes(con, path, target: str, month: str | None, known: set[str]) -> None:
    where = "WHERE delivery_month = ?" if month is not None else ""
    codes = con.execute(f"SELECT DISTINCT benefit_code FROM {target} {where} ORDER BY 1",
                        [month] if month is not None else []).fetchall()
    unknown = [c for (c,) in codes if c not in known]
    if unknown:
        _raise_unknown(path, unknown)


def _result(con, header, fmt, rows_read, targets, month, reader, timer) -> DreamStage:
    where = "WHERE delivery_month = $month" if month is not None else ""
    p = {"month": month} if month is not None else {}
    runs, weeks = con.execute(f"SELECT count(*), coalesce(sum(weeks), 0) FROM {targets['weeks']} "
                              f"{where}", p).fetchall()[0]
    months = con.execute(f"SELECT count(*) FROM {targets['months']} {where}", p).fetchall()[0][0]
    quarantined, persons = con.execute(
        "SELECT (SELECT count(*) FROM stg_dream_quarantine), "
        f"(SELECT count(*) FROM {targets['persons']} {where})", p).fetchall()[0]
    for t in ("stg_dream_week_columns", "stg_dream_month_columns"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return DreamStage(header=header, source_format=fmt, rows_read=rows_read, persons=persons,
                      benefit_weeks=int(weeks), benefit_runs=runs, employment_months=months,
                      quarantined=quarantined, unknown_codes=[], reader=reader,
                      seconds={k: round(v, 3) for k, v in timer.seconds.items()})


def _into(target: str, month: str | None, select: str) -> str:
    if month is None:
        return f"INSERT INTO {target} BY NAME {select}"
    return f"INSERT INTO {target} BY NAME SELECT $month AS delivery_month, * FROM ({select})"


def _q(ident: str) -> str:
    """Quote a column name that came from the validated header."""
    return '"' + ident.replace('"', '""') + '"'
