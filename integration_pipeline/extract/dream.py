"""DREAM extract reader (spec extracts.md §3): wide `dream.csv`/`dream.parquet` -> long tables.

Belongs here: header inference (covered ISO weeks and months), the ISO-week calendar, the
file-level rejects and row-level quarantine rules, and the wide -> long reshape, which runs in
DuckDB (`read_csv` + `UNPIVOT`, empty cells dropped) so a national extract streams instead of
being melted in pandas. The caller passes a DuckDB connection; results are left in temporary
tables `stg_dream_benefit_weeks`, `stg_dream_employment_months`, `stg_dream_quarantine`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .common import DeliveryError

FILE_NAMES = ("dream.csv", "dream.parquet")
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
    benefit_weeks: int
    employment_months: int
    quarantined: int
    unknown_codes: list[str]


def stage_dream(con: duckdb.DuckDBPyConnection, path: Path,
                key_of: Callable[[list[str]], pd.DataFrame], known_codes: set[str],
                cpr_keys: set[str]) -> DreamStage:
    """Read the DREAM file into temporary staging tables on `con`.

    `key_of(pnrs)` returns a frame (pnr, person_key) for the given PNRs; `cpr_keys` is the set of
    person keys in the month's CPR extract. Raises DeliveryError for file-level faults."""
    path = Path(path)
    if not path.exists():
        raise DeliveryError(path, "file is missing from the delivery")
    if path.stat().st_size == 0:
        raise DeliveryError(path, "file is empty (0 bytes)")
    if path.suffix == ".parquet":
        fmt = "parquet"
        columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)",
                                             [str(path)]).fetchall()]
        header = parse_header(columns, path)
        src = f"(SELECT {', '.join(_q(c) + '::VARCHAR AS ' + _q(c) for c in columns)} " \
              "FROM read_parquet($path))"
    else:
        fmt = "csv"
        _check_encoding(path)
        columns = _read_header(path)
        header = parse_header(columns, path)
        src = "read_csv($path, header=true, delim=';', quote='\"', escape='\"', " \
              "auto_detect=false, strict_mode=true, columns=$columns)"
    params = {"path": str(path)}
    if fmt == "csv":
        params["columns"] = {c: "VARCHAR" for c in columns}
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE stg_dream_wide AS "
                    f"SELECT row_number() OVER () + 1 AS source_line, * FROM {src}", params)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as e:
        raise _csv_error(path, e) from None

    rows_read = con.execute("SELECT count(*) FROM stg_dream_wide").fetchall()[0][0]
    pnrs = [r[0] for r in con.execute(
        "SELECT DISTINCT trim(PNR) FROM stg_dream_wide WHERE trim(PNR) ~ '^[0-9]{10}$'"
    ).fetchall()]
    keys = key_of(pnrs)
    con.register("v_dream_keys", keys)
    con.register("v_cpr_keys", pd.DataFrame({"person_key": sorted(cpr_keys)}, dtype="string"))
    # row-level quarantine: bad PNR, PNR not in CPR, PNR on two rows (both rows)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stg_dream_rows AS
        SELECT w.source_line, k.person_key,
               CASE WHEN trim(w.PNR) !~ '^[0-9]{10}$' THEN 'pnr_invalid'
                    WHEN c.person_key IS NULL THEN 'pnr_not_in_cpr'
                    WHEN count(*) OVER (PARTITION BY k.person_key) > 1 THEN 'duplicate_pnr'
               END AS rule
        FROM stg_dream_wide w
        LEFT JOIN v_dream_keys k ON k.pnr = trim(w.PNR)
        LEFT JOIN v_cpr_keys c ON c.person_key = k.person_key
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stg_dream_quarantine AS
        SELECT source_line, 'row' AS record_type, rule, 'PNR' AS field,
               CASE rule WHEN 'pnr_invalid' THEN 'PNR is not 10 digits'
                         WHEN 'pnr_not_in_cpr' THEN 'PNR is not in the CPR extract'
                         ELSE 'PNR appears on more than one row (all its rows quarantined)'
               END AS reason, person_key
        FROM stg_dream_rows WHERE rule IS NOT NULL
    """)
    week_cols = [c for _, _, c in header.weeks]
    week_in = ", ".join(_q(c) for c in week_cols)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE stg_dream_benefit_weeks AS
        SELECT r.person_key,
               (CASE WHEN substr(col, 3, 2)::INTEGER < 90 THEN 2000 ELSE 1900 END
                + substr(col, 3, 2)::INTEGER)::SMALLINT AS iso_year,
               substr(col, 5, 2)::TINYINT AS iso_week,
               trim(code) AS benefit_code,
               r.source_line
        FROM (SELECT source_line, {week_in} FROM stg_dream_wide) w
        UNPIVOT (code FOR col IN ({week_in})) u
        JOIN stg_dream_rows r USING (source_line)
        WHERE r.rule IS NULL AND trim(code) <> ''
    """)
    unknown = [r[0] for r in con.execute(
        "SELECT DISTINCT benefit_code FROM stg_dream_benefit_weeks ORDER BY 1").fetchall()
        if r[0] not in known_codes]
    if unknown:
        shown = ", ".join(unknown[:30]) + (" …" if len(unknown) > 30 else "")
        raise DeliveryError(path, f"{len(unknown)} benefit code(s) not in the code table "
                            f"(reference/dream_codes.csv): {shown}", field="y_*")
    structs = []
    for y, m in header.months:
        g = _q(f"grad_{y}_{m:02d}") if (y, m) in header.grad_months else "NULL"
        b = _q(f"branche_{y}_{m:02d}") if (y, m) in header.branche_months else "NULL"
        structs.append(f"{{'y': {y}, 'm': {m}, 'g': trim({g}), 'b': trim({b})}}")
    if structs:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE stg_dream_months_all AS
            SELECT r.person_key, r.source_line, s.y AS year, s.m AS month,
                   nullif(s.g, '') AS grad_text, nullif(s.b, '') AS industry_code
            FROM (SELECT source_line, unnest([{", ".join(structs)}]) AS s
                  FROM stg_dream_wide) w
            JOIN stg_dream_rows r USING (source_line)
            WHERE r.rule IS NULL AND (nullif(s.g, '') IS NOT NULL OR nullif(s.b, '') IS NOT NULL)
        """)
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE stg_dream_months_all (person_key VARCHAR, "
                    "source_line BIGINT, year INTEGER, month INTEGER, grad_text VARCHAR, "
                    "industry_code VARCHAR)")
    con.execute("""
        INSERT INTO stg_dream_quarantine
        SELECT source_line, 'month', 'grad_not_number', 'grad_' || year || '_' || lpad(month::VARCHAR, 2, '0'),
               'employment degree ' || grad_text || ' is not a number (month set aside)', person_key
        FROM stg_dream_months_all
        WHERE grad_text IS NOT NULL AND (TRY_CAST(grad_text AS DOUBLE) IS NULL
                                         OR TRY_CAST(grad_text AS DOUBLE) < 0)
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stg_dream_employment_months AS
        SELECT person_key, year::SMALLINT AS year, month::TINYINT AS month, industry_code,
               TRY_CAST(grad_text AS DOUBLE) AS employment_degree, source_line
        FROM stg_dream_months_all
        WHERE grad_text IS NULL OR TRY_CAST(grad_text AS DOUBLE) >= 0
    """)
    counts = con.execute("""
        SELECT (SELECT count(*) FROM stg_dream_benefit_weeks),
               (SELECT count(*) FROM stg_dream_employment_months),
               (SELECT count(*) FROM stg_dream_quarantine),
               (SELECT count(*) FROM stg_dream_rows WHERE rule IS NULL)
    """).fetchall()[0]
    con.unregister("v_dream_keys")
    con.unregister("v_cpr_keys")
    return DreamStage(header=header, source_format=fmt, rows_read=rows_read, persons=counts[3],
                      benefit_weeks=counts[0], employment_months=counts[1],
                      quarantined=counts[2], unknown_codes=unknown)


def _q(ident: str) -> str:
    """Quote a column name that came from the validated header."""
    return '"' + ident.replace('"', '""') + '"'
