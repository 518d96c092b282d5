"""Bad deliveries end to end (spec extracts.md "Bad input: what each fault gets").

Every fault of the spec's table is planted in a copy of the tiny delivery and loaded with
`load_delivery` into a copy of a warehouse that already holds the good tiny month, so:
- reject: DeliveryError naming the file (+ line/field where there is one), every raw.* and
  audit.quarantine/warnings row exactly as before, a 'rejected' row in audit.load_ledger;
- quarantine: the load succeeds and audit.quarantine gets a row with file, line, rule, reason;
- warn: the load succeeds, the record is kept and audit.warnings gets a row;
- accept silently: the warehouse ends up exactly as the good delivery left it.
A few cases run through Dagster (`run_month`), and the privacy checks look for the input's CPR
numbers in the warehouse file, the audit tables, error messages and the log output.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import logging
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from integration_pipeline.extract.common import DeliveryError
from integration_pipeline.load.raw import RAW_TABLES, load_delivery
from integration_pipeline.pseudonym import person_key
from tests.conftest import TEST_KEY, TINY, run_month
from tests.cpr_records import (
    make_pnr,
    person,
    pnr_for,
    rec_001,
    rec_002,
    rec_010,
    rec_023,
    rec_other,
)
from tests.privacy import assert_no_cpr

MONTH = "2017-06"
KEY = b"reliability-test-key"
MUNI = "0151"
SNAP_TABLES = RAW_TABLES + ["audit.quarantine", "audit.warnings"]
ISSUE_COLS = "source_file, line, record_type, rule, field, reason"
CPR, PERMITS, DREAM = "cpr_extract.txt", "residence_permits.csv", "dream.csv"


# --- the tiny delivery, copied and corrupted ---------------------------------------------------

class Delivery:
    """A copy of the tiny delivery under tmp_path, with editing helpers for each file."""

    def __init__(self, folder: Path):
        self.dir = folder
        self.extra_pnrs: set[str] = set()

    def path(self, name: str) -> Path:
        return self.dir / name

    # CPR (ISO-8859-1, fixed width)
    def cpr_lines(self) -> list[str]:
        return self.path(CPR).read_bytes().decode("latin-1").split("\n")[:-1]

    def write_cpr(self, lines: list[str], *, fix_count: bool = True, encoding: str = "latin-1",
                  eol: str = "\n", bom: bool = False) -> None:
        if fix_count:
            lines = lines[:-1] + ["999" + f"{len(lines):010d}".ljust(18)]
        data = (eol.join(lines) + eol).encode(encoding)
        self.path(CPR).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)

    def add_cpr(self, records: list[str]) -> list[int]:
        """Append records before the 999 record; returns their line numbers."""
        lines = self.cpr_lines()
        first = len(lines)
        for r in records:
            p = r[3:13]
            if p.isdigit():
                self.extra_pnrs.add(p)
        self.write_cpr(lines[:-1] + records + lines[-1:])
        return list(range(first, first + len(records)))

    # permits and DREAM (semicolon CSV)
    def rows(self, name: str) -> list[list[str]]:
        text = self.path(name).read_bytes().decode("utf-8")
        return [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=";")]

    def write_rows(self, name: str, rows: list[list[str]], *, eol: str = "\n",
                   encoding: str = "utf-8", bom: bool = False) -> None:
        data = (eol.join(";".join(r) for r in rows) + eol).encode(encoding)
        self.path(name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)

    def add_rows(self, name: str, new: list[list[str]]) -> list[int]:
        rows = self.rows(name)
        self.extra_pnrs |= {r[0] for r in new if r and r[0].isdigit() and len(r[0]) == 10}
        self.write_rows(name, rows + new)
        return list(range(len(rows) + 1, len(rows) + 1 + len(new)))

    def dream_row(self, pnr: str, **cells: str) -> list[str]:
        header = self.rows(DREAM)[0]
        row = [""] * len(header)
        row[0] = pnr
        for col, value in cells.items():
            row[header.index(col)] = value
        return row


def tiny_pnrs() -> set[str]:
    """Every CPR number in the tiny delivery (PNR and PNRGAELD, permits, DREAM)."""
    folder = TINY / MONTH
    out = set()
    for line in (folder / CPR).read_bytes().decode("latin-1").splitlines():
        if line[:3] not in ("000", "999"):
            out.add(line[3:13])
        if line[:3] == "001":
            out.add(line[13:23])
    for name in (PERMITS, DREAM):
        text = (folder / name).read_text(encoding="utf-8")
        out |= {r[0] for r in csv.reader(io.StringIO(text), delimiter=";")
                if r and r[0] != "PNR"}
    assert all(len(p) == 10 and p.isdigit() for p in out)
    return out


TINY_PNRS = tiny_pnrs()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """A warehouse holding the good tiny delivery as MONTH (loaded once per module)."""
    db = tmp_path_factory.mktemp("baseline") / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        load_delivery(con, TINY / MONTH, MONTH, KEY, MUNI, log=lambda _m: None)
    return db


@pytest.fixture
def wh(baseline, tmp_path) -> Path:
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(baseline, db)
    return db


@pytest.fixture
def d(tmp_path) -> Delivery:
    folder = tmp_path / "data_raw" / MONTH
    shutil.copytree(TINY / MONTH, folder)
    (folder / "expected.json").unlink()
    return Delivery(folder)


def snapshot(db: Path, tables=SNAP_TABLES) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def issues(db: Path, table: str, month: str = MONTH) -> Counter:
    with duckdb.connect(str(db), read_only=True) as con:
        return Counter(con.execute(f"SELECT {ISSUE_COLS} FROM {table} WHERE delivery_month = ?",
                                   [month]).fetchall())


def ledger(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT delivery_month, source_file, status, message, rows_quarantined"
                           " FROM audit.load_ledger ORDER BY loaded_at, source_file").fetchall()


def load(db: Path, d: Delivery, month: str = MONTH, log: list | None = None, **kw):
    with duckdb.connect(str(db)) as con:
        return load_delivery(con, d.dir, month, KEY, MUNI,
                             log=(log.append if log is not None else lambda _m: None), **kw)


def assert_rejected(db: Path, d: Delivery, file: str, *, line: int | None = None,
                    field: str | None = None, says: tuple[str, ...] = (),
                    month: str = MONTH, **kw) -> DeliveryError:
    before, ledger_before = snapshot(db), ledger(db)
    with pytest.raises(DeliveryError) as exc:
        load(db, d, month, **kw)
    e = exc.value
    msg = str(e)
    assert e.file == file and msg.startswith(file), msg
    if line is not None:
        assert e.line == line and f"{file}, line {line}" in msg, msg
    if field is not None:
        assert e.field == field and f"field {field}" in msg, msg
    for s in says:
        assert s in msg, msg
    assert_no_cpr(msg, TINY_PNRS | d.extra_pnrs, "the error message")
    # the warehouse is exactly as it was; only the ledger has the rejected attempt
    assert snapshot(db) == before
    new = ledger(db)[len(ledger_before):]
    assert ledger(db)[:len(ledger_before)] == ledger_before
    assert new and all(r[0] == month and r[2] == "rejected" and r[3] == msg for r in new), new
    return e


def new_issues(db: Path, baseline: Path, table: str) -> Counter:
    return issues(db, table) - issues(baseline, table)


def assert_quarantined(db, baseline, d, expected: list[tuple[str, int | None, str]], **kw):
    """Load succeeds; the new audit.quarantine rows are exactly `expected` (file, line, rule)."""
    result = load(db, d, **kw)
    new = new_issues(db, baseline, "audit.quarantine")
    assert sorted((f, ln, rule) for f, ln, _rt, rule, _fld, _r in new.elements()) == sorted(
        expected)
    assert all(reason for *_x, reason in new)
    assert [r for r in ledger(db) if r[0] == MONTH][-1][2] == "loaded"
    return result, new


def assert_warned(db, baseline, d, expected: list[tuple[str, int | None, str]]):
    result = load(db, d)
    new = new_issues(db, baseline, "audit.warnings")
    assert sorted((f, ln, rule) for f, ln, _rt, rule, _fld, _r in new.elements()) == sorted(
        expected)
    assert new_issues(db, baseline, "audit.quarantine") == Counter()
    return result, new


def pk(pnr: str) -> str:
    return person_key(KEY, pnr)


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def cpr_line_of(d: Delivery, prefix: str, nth: int = 0) -> int:
    hits = [i + 1 for i, ln in enumerate(d.cpr_lines()) if ln.startswith(prefix)]
    return hits[nth]


# --- reject: missing, empty, undecodable ------------------------------------------------------

def test_baseline_load_is_clean_apart_from_the_fixtures_own_issues(baseline):
    assert [r[2] for r in ledger(baseline)] == ["loaded"] * 3
    assert issues(baseline, "audit.quarantine") == Counter(
        {(DREAM, 12, "row", "pnr_not_in_cpr", "PNR", "PNR is not in the CPR extract"): 1})


@pytest.mark.parametrize("name", [CPR, PERMITS, DREAM])
def test_missing_file_rejects(wh, d, name):
    d.path(name).unlink()
    assert_rejected(wh, d, name, says=("missing",))
    # the ledger records the files that did arrive, with their checksums
    with duckdb.connect(str(wh), read_only=True) as con:
        arrived = con.execute("SELECT source_file, sha256 FROM audit.load_ledger WHERE status = "
                              "'rejected' ORDER BY source_file").fetchall()
    assert [f for f, _ in arrived] == sorted({CPR, PERMITS, DREAM} - {name})
    assert all(len(h) == 64 for _, h in arrived)


@pytest.mark.parametrize("name", [CPR, PERMITS, DREAM])
def test_empty_file_rejects(wh, d, name):
    d.path(name).write_bytes(b"")
    assert_rejected(wh, d, name, says=("empty",))


def test_missing_delivery_folder_rejects(wh, d):
    shutil.rmtree(d.dir)
    with pytest.raises(DeliveryError, match="does not exist"):
        load(wh, d)


def test_cp1252_c1_byte_in_cpr_rejects_naming_the_line(wh, d):
    data = d.path(CPR).read_bytes()
    i = data.index(b"Sygeplejerske")
    d.path(CPR).write_bytes(data[:i] + b"\x93" + data[i + 1:])   # same record length
    assert_rejected(wh, d, CPR, line=data.count(b"\n", 0, i) + 1, says=("0x93",))


def test_cp1252_c1_byte_in_permits_rejects_naming_the_line(wh, d):
    rows = d.rows(PERMITS)
    rows[4][2] = "Asyl\u2013mv."                                 # an en dash: 0x96 in cp1252
    d.write_rows(PERMITS, rows, encoding="cp1252")
    assert_rejected(wh, d, PERMITS, line=5, says=("0x96",))


@pytest.mark.parametrize("utf8_first", [True, False])
def test_mixed_utf8_and_latin1_cpr_rejects(wh, d, utf8_first):
    lines = d.cpr_lines()
    head, tail = lines[:20], lines[20:]
    data = b"\n".join(
        [ln.encode("utf-8" if utf8_first else "latin-1") for ln in head]
        + [ln.encode("latin-1" if utf8_first else "utf-8") for ln in tail]) + b"\n"
    d.path(CPR).write_bytes(data)
    e = assert_rejected(wh, d, CPR)
    assert e.line is not None and "line" in str(e)


def test_invalid_utf8_after_a_byte_order_mark_rejects_naming_the_line(wh, d):
    rows = d.rows(PERMITS)
    data = b"\xef\xbb\xbf" + "\n".join(";".join(r) for r in rows[:10]).encode("utf-8") + \
        b"\n" + "\n".join(";".join(r) for r in rows[10:]).encode("latin-1") + b"\n"
    assert b"\xd8" in data.split(b"\n", 10)[-1]    # the Latin-1 Ø of EU/EØS after line 10
    d.path(PERMITS).write_bytes(data)
    first_latin1 = 11 + next(i for i, r in enumerate(rows[10:]) if "Ø" in ";".join(r)
                             or "ø" in ";".join(r))
    assert_rejected(wh, d, PERMITS, line=first_latin1)


def test_invalid_utf8_in_dream_rejects_naming_the_byte_offset(wh, d):
    data = d.path(DREAM).read_bytes()
    i = data.index(b";2;")
    d.path(DREAM).write_bytes(data[:i + 1] + b"\xe6" + data[i + 2:])
    assert_rejected(wh, d, DREAM, says=(f"byte offset {i + 1}",))


# --- reject: CPR structure --------------------------------------------------------------------

def test_cpr_without_999_rejects(wh, d):
    lines = d.cpr_lines()
    d.write_cpr(lines[:-1], fix_count=False)
    assert_rejected(wh, d, CPR, line=len(lines) - 1, says=("999",))


def test_cpr_cut_in_the_middle_rejects(wh, d):
    data = d.path(CPR).read_bytes()
    d.path(CPR).write_bytes(data[: len(data) // 2])
    assert_rejected(wh, d, CPR, says=("999",))


@pytest.mark.parametrize("change", ["drop_record", "add_record"])
def test_cpr_999_count_mismatch_rejects(wh, d, change):
    lines = d.cpr_lines()
    i = cpr_line_of(d, "010", 3) - 1
    lines = lines[:i] + lines[i + 1:] if change == "drop_record" else \
        lines[:i] + [lines[i]] + lines[i:]
    d.write_cpr(lines, fix_count=False)
    assert_rejected(wh, d, CPR, line=len(lines), field="TAELLER", says=("TAELLER",))


# --- reject: DREAM file faults ----------------------------------------------------------------

@pytest.mark.parametrize("fault", ["fewer", "more"])
def test_dream_row_with_a_different_number_of_fields_rejects_naming_the_line(wh, d, fault):
    rows = d.rows(DREAM)
    rows[4] = rows[4][:-1] if fault == "fewer" else rows[4] + ["0.5"]
    d.write_rows(DREAM, rows)
    assert_rejected(wh, d, DREAM, line=5, says=("fields",))


def _insert_dream_column(d: Delivery, after: str, name: str) -> None:
    rows = d.rows(DREAM)
    i = rows[0].index(after) + 1
    d.write_rows(DREAM, [r[:i] + [name if n == 0 else ""] + r[i:] for n, r in enumerate(rows)])


def _drop_dream_column(d: Delivery, name: str) -> None:
    rows = d.rows(DREAM)
    i = rows[0].index(name)
    d.write_rows(DREAM, [r[:i] + r[i + 1:] for r in rows])


def test_dream_week_53_in_a_year_without_one_rejects(wh, d):
    _insert_dream_column(d, "y_1652", "y_1653")
    assert_rejected(wh, d, DREAM, line=1, field="y_1653", says=("2016",))


def test_dream_week_53_in_2015_is_part_of_the_tiny_header(d):
    header = d.rows(DREAM)[0]
    assert header.index("y_1553") == header.index("y_1552") + 1


@pytest.mark.parametrize(("drop", "field"), [("y_1652", "y_1701"), ("y_1553", "y_1601"),
                                             ("y_1410", "y_1411")])
def test_dream_week_columns_with_a_gap_reject(wh, d, drop, field):
    _drop_dream_column(d, drop)
    assert_rejected(wh, d, DREAM, line=1, field=field, says=("consecutive",))


def test_dream_unknown_benefit_codes_reject_listing_them(wh, d):
    rows = d.rows(DREAM)
    header = rows[0]
    rows[1][header.index("y_1301")] = "555"
    rows[2][header.index("y_1302")] = "000"
    rows[3][header.index("y_1303")] = "555"
    d.write_rows(DREAM, rows)
    e = assert_rejected(wh, d, DREAM, says=("000, 555", "2 benefit code(s)"))
    assert "y_" in (e.field or "")


def test_dream_extra_columns_are_accepted(wh, baseline, d):
    rows = d.rows(DREAM)
    d.write_rows(DREAM, [r[:2] + (["alder", "bopkom"] if n == 0 else ["30", "0151"]) + r[2:]
                         + (["ak17", "ukendt_kolonne"] if n == 0 else ["1", "x"])
                         for n, r in enumerate(rows)])
    load(wh, d)
    after, before = snapshot(wh), snapshot(baseline)
    assert {t: v for t, v in after.items() if t != "raw.dream__coverage"} == \
        {t: v for t, v in before.items() if t != "raw.dream__coverage"}
    [(extra,)] = query(wh, "SELECT extra_columns FROM raw.dream__coverage")
    assert extra.split(",") == ["koen", "alder", "bopkom", "ak17", "ukendt_kolonne"]


# --- reject: permits --------------------------------------------------------------------------

@pytest.mark.parametrize("column", ["PNR", "TILLADELSESDATO", "KATEGORI", "STATSB"])
def test_permits_missing_column_rejects_naming_it(wh, d, column):
    rows = d.rows(PERMITS)
    i = rows[0].index(column)
    d.write_rows(PERMITS, [r[:i] + r[i + 1:] for r in rows])
    assert_rejected(wh, d, PERMITS, line=1, field=column)


# --- reject: the same delivery under two months -----------------------------------------------

def test_same_delivery_under_a_second_month_rejects(wh, d):
    second = d.dir.parent / "2017-07"
    shutil.copytree(d.dir, second)
    assert_rejected(wh, Delivery(second), CPR, month="2017-07", says=("2017-06", "sha256"))


def test_reloading_the_same_month_is_accepted_and_idempotent(wh, baseline, d):
    load(wh, d)
    load(wh, d)
    assert snapshot(wh) == snapshot(baseline)


# --- accept silently --------------------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "bom", "eol"), [
    ("utf-8", False, "\n"), ("utf-8", True, "\n"), ("latin-1", False, "\r\n"),
    ("utf-8", True, "\r\n")])
def test_cpr_in_utf8_with_or_without_bom_and_crlf_is_accepted_silently(wh, baseline, d,
                                                                       encoding, bom, eol):
    d.write_cpr(d.cpr_lines(), encoding=encoding, bom=bom, eol=eol)
    load(wh, d)
    assert snapshot(wh) == snapshot(baseline)


def test_cpr_records_longer_than_the_layout_are_accepted_silently(wh, baseline, d):
    lines = d.cpr_lines()
    d.write_cpr([ln + " NYT FELT 2024" for ln in lines[:-1]] + lines[-1:])
    load(wh, d)
    assert snapshot(wh) == snapshot(baseline)


@pytest.mark.parametrize(("bom", "eol", "encoding"), [(True, "\n", "utf-8"),
                                                      (False, "\r\n", "utf-8"),
                                                      (False, "\n", "latin-1")])
def test_permits_bom_crlf_and_latin1_are_accepted_silently(wh, baseline, d, bom, eol, encoding):
    d.write_rows(PERMITS, d.rows(PERMITS), bom=bom, eol=eol, encoding=encoding)
    load(wh, d)
    assert snapshot(wh) == snapshot(baseline)


def test_permits_extra_columns_are_accepted_silently(wh, baseline, d):
    rows = d.rows(PERMITS)
    d.write_rows(PERMITS, [["LOEBENR"] + rows[0] + ["NYT_FELT"]]
                 + [[str(n)] + r + ["x"] for n, r in enumerate(rows[1:])])
    load(wh, d)
    assert snapshot(wh) == snapshot(baseline)


@pytest.mark.parametrize(("bom", "eol"), [(True, "\n"), (False, "\r\n"), (True, "\r\n")])
def test_dream_bom_and_crlf_are_accepted_silently(wh, baseline, d, bom, eol):
    d.write_rows(DREAM, d.rows(DREAM), bom=bom, eol=eol)
    load(wh, d)
    assert snapshot(wh) == snapshot(baseline)


# --- quarantine -------------------------------------------------------------------------------

def test_cpr_short_record_is_quarantined(wh, baseline, d):
    lines = d.cpr_lines()
    n = cpr_line_of(d, "010", 2)
    lines[n - 1] = lines[n - 1][:25]
    d.write_cpr(lines)
    _, new = assert_quarantined(wh, baseline, d, [(CPR, n, "short_record")])
    [(_, _, rec, _, fld, reason)] = new
    assert rec == "010" and "25" in reason and "30" in reason


def test_cpr_pnr_with_impossible_date_is_quarantined(wh, baseline, d):
    bad = make_pnr("290217", 1)                                  # 29 February 1917
    lines = d.add_cpr([rec_001(bad, koen="M"), rec_002(bad), rec_010(bad)])
    _, new = assert_quarantined(wh, baseline, d, [(CPR, lines[0], "pnr_invalid_date"),
                                                  (CPR, lines[1], "orphan_record"),
                                                  (CPR, lines[2], "orphan_record")])
    assert query(wh, "SELECT count(*) FROM raw.cpr__persons WHERE person_key = ?",
                 [pk(bad)]) == [(0,)]
    # the quarantine row carries the person key, never the number
    assert query(wh, "SELECT DISTINCT person_key FROM audit.quarantine WHERE source_file = ?",
                 [CPR]) == [(pk(bad),)]


def test_permit_with_unknown_category_is_quarantined(wh, baseline, d):
    rows = d.rows(PERMITS)
    rows[3][2] = "Asyl"
    d.write_rows(PERMITS, rows)
    _, new = assert_quarantined(wh, baseline, d, [(PERMITS, 4, "unknown_category")])
    assert "'Asyl'" in next(iter(new))[5]
    assert query(wh, "SELECT count(*) FROM raw.permits__residence_permits") == [(17,)]


@pytest.mark.parametrize("date", ["2016-02-30", "01-02-2016", "ukendt"])
def test_permit_with_a_date_that_does_not_parse_is_quarantined(wh, baseline, d, date):
    rows = d.rows(PERMITS)
    rows[6][1] = date
    d.write_rows(PERMITS, rows)
    assert_quarantined(wh, baseline, d, [(PERMITS, 7, "bad_date")])


def test_dream_pnr_not_in_cpr_is_quarantined(wh, baseline, d):
    stranger = pnr_for(dt.date(1977, 7, 7))
    [line] = d.add_rows(DREAM, [d.dream_row(stranger, y_1301="130")])
    assert_quarantined(wh, baseline, d, [(DREAM, line, "pnr_not_in_cpr")])
    assert query(wh, "SELECT count(*) FROM raw.dream__persons WHERE person_key = ?",
                 [pk(stranger)]) == [(0,)]
    assert query(wh, "SELECT count(*) FROM raw.dream__benefit_weeks WHERE source_line = ?",
                 [line]) == [(0,)]


def test_dream_grad_that_is_not_a_number_is_quarantined(wh, baseline, d):
    rows = d.rows(DREAM)
    col = rows[0].index("grad_2017_01")
    assert rows[9][col] == "0.5"
    rows[9][col] = "0,5"
    d.write_rows(DREAM, rows)
    _, new = assert_quarantined(wh, baseline, d, [(DREAM, 10, "grad_not_number")])
    assert next(iter(new))[4] == "grad_2017_01"


def test_dream_pnr_on_two_rows_quarantines_both_rows(wh, baseline, d):
    rows = d.rows(DREAM)
    [line] = d.add_rows(DREAM, [rows[3]])
    assert_quarantined(wh, baseline, d, [(DREAM, 4, "duplicate_pnr"),
                                         (DREAM, line, "duplicate_pnr")])
    assert query(wh, "SELECT count(*) FROM raw.dream__persons WHERE person_key = ?",
                 [pk(rows[3][0])]) == [(0,)]
    assert query(wh, "SELECT count(*) FROM raw.dream__benefit_weeks WHERE source_line IN (4, ?)",
                 [line]) == [(0,)]


# --- the quarantine threshold: > max_count AND > max_share rejects ----------------------------

@pytest.mark.parametrize(("n_bad", "rejected"), [(10, False), (11, True)])
def test_threshold_on_permits(wh, baseline, d, n_bad, rejected):
    bad = [[pnr_for(dt.date(1980, 1, 1), nth=i), "2016-01-01", "Ukendt kategori", "1", "1",
            "5486"] for i in range(n_bad)]
    lines = d.add_rows(PERMITS, bad)
    if rejected:                                  # 11 of 29 rows: > 10 and > 1 %
        assert_rejected(wh, d, PERMITS, says=("11 of 29",))
    else:                                         # 10 of 28 rows: not > 10
        assert_quarantined(wh, baseline, d, [(PERMITS, ln, "unknown_category") for ln in lines])


def test_threshold_needs_the_share_too(wh, baseline, d):
    good = [[pnr_for(dt.date(1950, 1, 1) + dt.timedelta(days=i)), "2016-01-01", "Studie",
             "41", "4101", "5448"] for i in range(1200)]
    bad = [[pnr_for(dt.date(1980, 1, 1), nth=i), "2016-01-01", "Ukendt", "1", "1", "5486"]
           for i in range(11)]
    lines = d.add_rows(PERMITS, good + bad)
    # 11 of 1229 rows: more than 10 but not more than 1 %
    assert_quarantined(wh, baseline, d, [(PERMITS, ln, "unknown_category")
                                         for ln in lines[-11:]])


@pytest.mark.parametrize(("n_bad", "rejected"), [(10, False), (11, True)])
def test_threshold_on_cpr_records(wh, baseline, d, n_bad, rejected):
    lines = d.cpr_lines()
    targets = [i for i, ln in enumerate(lines) if ln.startswith("024")][:n_bad]
    for i in targets:
        lines[i] = lines[i][:40]
    d.write_cpr(lines)
    if rejected:
        assert_rejected(wh, d, CPR, says=("11 of 107",))
    else:
        assert_quarantined(wh, baseline, d, [(CPR, i + 1, "short_record") for i in targets])


def test_threshold_counts_records_not_issues(wh, baseline, d):
    """Ten 001 records with two bad dates each: 20 issues, but only 10 quarantined records."""
    recs = [rec_001(pnr_for(dt.date(1980, 2, 1), nth=i), koen="M", start_dt="2016-13-01",
                    slut_dt="2016-02-30") for i in range(10)]
    lines = d.add_cpr(recs)
    result, new = assert_quarantined(wh, baseline, d, [
        (CPR, ln, "bad_date") for ln in lines for _ in range(2)])
    assert len(new) == 20


@pytest.mark.parametrize(("n_bad", "rejected"), [(9, False), (10, True)])
def test_threshold_on_dream_rows(wh, baseline, d, n_bad, rejected):
    # the tiny DREAM file already has one row not in CPR (line 12)
    strangers = [d.dream_row(pnr_for(dt.date(1966, 6, 6), nth=i)) for i in range(n_bad)]
    lines = d.add_rows(DREAM, strangers)
    if rejected:
        assert_rejected(wh, d, DREAM, says=("11 of 21",))
    else:
        assert_quarantined(wh, baseline, d, [(DREAM, ln, "pnr_not_in_cpr") for ln in lines])


def test_threshold_is_configurable(wh, d):
    assert_rejected(wh, d, DREAM, max_count=0, max_share=0.0, says=("1 of 11",))


# --- warn -------------------------------------------------------------------------------------

def test_cpr_mod11_failure_is_a_warning_and_kept(wh, baseline, d):
    pnr, recs = person(dt.date(1990, 1, 1), "K", mod11=False)
    lines = d.add_cpr(recs)
    assert_warned(wh, baseline, d, [(CPR, lines[0], "mod11_failed")])
    assert query(wh, "SELECT is_mod11_valid FROM raw.cpr__persons WHERE person_key = ?",
                 [pk(pnr)]) == [(False,)]


def test_cpr_koen_and_foed_dt_disagreeing_are_warnings_and_they_win(wh, baseline, d):
    pnr = pnr_for(dt.date(1985, 5, 5), "M")
    lines = d.add_cpr([rec_001(pnr, koen="K", foed_dt="1985-05-06"), rec_002(pnr),
                       rec_010(pnr)])
    assert_warned(wh, baseline, d, [(CPR, lines[0], "koen_disagrees"),
                                    (CPR, lines[0], "foed_dt_disagrees")])
    assert query(wh, "SELECT sex, birth_date FROM raw.cpr__persons WHERE person_key = ?",
                 [pk(pnr)]) == [("K", dt.date(1985, 5, 6))]


def test_cpr_unknown_country_code_is_a_warning_and_kept(wh, baseline, d):
    pnr, recs = person(dt.date(1985, 5, 5), citizenship="9999")
    lines = d.add_cpr(recs)
    assert_warned(wh, baseline, d, [(CPR, lines[2], "unknown_country")])
    assert query(wh, "SELECT country_code FROM raw.cpr__citizenships WHERE person_key = ?",
                 [pk(pnr)]) == [("9999",)]


def test_cpr_address_date_after_the_extract_date_is_a_warning_and_kept(wh, baseline, d):
    pnr, recs = person(dt.date(1985, 5, 5), moved_in="2017-07-01")   # extract date 2017-06-30
    lines = d.add_cpr(recs)
    assert_warned(wh, baseline, d, [(CPR, lines[1], "date_after_extract")])
    assert query(wh, "SELECT moved_in_date FROM raw.cpr__addresses WHERE person_key = ?",
                 [pk(pnr)]) == [(dt.date(2017, 7, 1),)]


def test_cpr_unknown_record_type_is_skipped_and_counted(wh, baseline, d):
    pnr = d.cpr_lines()[1][3:13]
    d.add_cpr([rec_other("003", pnr, "x"), rec_other("099", pnr), rec_other("003", pnr)])
    _, new = assert_warned(wh, baseline, d, [(CPR, None, "unknown_record_type")] * 2)
    assert sorted(r[2] for r in new) == ["003", "099"]
    assert query(wh, "SELECT skipped_records FROM raw.cpr__extract_info") == [(7,)]  # + 4 × 008


def test_cpr_status_30_and_50_are_dropped_and_counted(wh, baseline, d):
    p30, p50 = pnr_for(dt.date(1970, 1, 1), nth=0), pnr_for(dt.date(1970, 1, 1), nth=1)
    d.add_cpr([rec_001(p30, status="30"), rec_002(p30), rec_001(p50, status="50")])
    load(wh, d)
    assert query(wh, "SELECT dropped_persons FROM raw.cpr__extract_info") == [(3,)]
    assert query(wh, "SELECT count(*) FROM raw.cpr__persons WHERE person_key IN (?, ?)",
                 [pk(p30), pk(p50)]) == [(0,)]
    assert new_issues(wh, baseline, "audit.quarantine") == Counter()


def test_changed_number_dream_row_under_the_old_number_is_the_person(wh, baseline, d):
    old, new = pnr_for(dt.date(1983, 3, 3), nth=0), pnr_for(dt.date(1983, 3, 3), nth=1)
    d.add_cpr([rec_001(old, pnrgaeld=new, status="60", koen="M", foed_dt="1983-03-03"),
               rec_001(new, koen="M", foed_dt="1983-03-03"), rec_002(new), rec_010(new)])
    d.add_rows(DREAM, [d.dream_row(old, y_1701="130", y_1702="130")])
    load(wh, d)
    assert new_issues(wh, baseline, "audit.quarantine") == Counter()
    # one run of two weeks
    assert query(wh, "SELECT first_iso_year, first_iso_week, weeks, benefit_code "
                     "FROM raw.dream__benefit_weeks JOIN raw.dream__persons "
                     "USING (delivery_month, source_line) WHERE person_key = ?",
                 [pk(new)]) == [(2017, 1, 2, "130")]


def test_changed_number_cpr_records_under_the_old_number_get_the_current_key(wh, baseline, d):
    """The CPR tables are keyed in DuckDB by the parser's number code: records filed under an
    old number get the key of the current one."""
    old, new = pnr_for(dt.date(1984, 4, 4), nth=0), pnr_for(dt.date(1984, 4, 4), nth=1)
    d.add_cpr([rec_001(old, pnrgaeld=new, status="60", koen="K", foed_dt="1984-04-04"),
               rec_002(old), rec_010(old)])
    load(wh, d)
    assert query(wh, "SELECT person_key, has_changed_number FROM raw.cpr__persons "
                     "WHERE person_key IN (?, ?)", [pk(old), pk(new)]) == [(pk(new), True)]
    for table in ("raw.cpr__addresses", "raw.cpr__citizenships"):
        assert query(wh, f"SELECT count(*) FROM {table} WHERE person_key = ?",
                     [pk(new)]) == [(1,)]
    assert query(wh, "SELECT count(*) FROM raw.cpr__addresses WHERE person_key IS NULL") == [(0,)]


def test_permit_unknown_citizenship_is_a_warning(wh, baseline, d):
    rows = d.rows(PERMITS)
    rows[2][5] = "9999"
    d.write_rows(PERMITS, rows)
    assert_warned(wh, baseline, d, [(PERMITS, 3, "unknown_country")])


# --- privacy ----------------------------------------------------------------------------------

def _dump_tables(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT table_schema || '.' || table_name FROM "
                             "information_schema.tables ORDER BY 1").fetchall()
        return "\n".join(f"{t}: {con.execute(f'SELECT * FROM {t}').fetchall()!r}"
                         for (t,) in tables)


def test_no_cpr_number_in_the_warehouse_file_tables_or_log(tmp_path, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "warehouse.duckdb"
    log: list[str] = []
    con = duckdb.connect(str(db))
    load_delivery(con, TINY / MONTH, MONTH, KEY, MUNI, log=log.append)
    # while the connection is open (WAL not yet checkpointed) ...
    for f in tmp_path.iterdir():
        if f.is_file():
            assert_no_cpr(f, TINY_PNRS)
    con.close()
    # ... and after
    files = [f for f in tmp_path.iterdir() if f.is_file()]
    assert db in files
    for f in files:
        assert_no_cpr(f, TINY_PNRS)
    # the file bytes can hide a compressed string: check the decoded tables too
    assert_no_cpr(_dump_tables(db), TINY_PNRS, "the warehouse tables")
    audit = {t: query(db, f"SELECT * FROM {t}") for t in
             ("audit.quarantine", "audit.warnings", "audit.load_ledger")}
    assert all(audit.values())                   # the fixture has rows in each: not vacuous
    assert_no_cpr(repr(audit), TINY_PNRS, "the audit tables")
    assert log and any("quarantined" in m for m in log)
    out = capsys.readouterr()
    assert_no_cpr("\n".join(log) + caplog.text + out.out + out.err, TINY_PNRS, "the log")


def test_no_cpr_number_in_rejection_ledger_or_log(wh, d, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    rows = d.rows(DREAM)
    rows[5] = rows[5] + ["x"]                 # the offending row holds a CPR number
    d.write_rows(DREAM, rows)
    log: list[str] = []
    with pytest.raises(DeliveryError):
        load(wh, d, log=log)
    out = capsys.readouterr()
    assert_no_cpr("\n".join(log) + caplog.text + out.out + out.err, TINY_PNRS, "the log")
    assert_no_cpr(_dump_tables(wh), TINY_PNRS, "the warehouse tables")
    assert_no_cpr(wh, TINY_PNRS)


def test_privacy_helper_catches_a_number():
    pnr = sorted(TINY_PNRS)[0]
    for leaked in (f"x {pnr} y", f"{pnr[:6]}-{pnr[6:]}", pnr.encode("ascii"),
                   pnr.encode("utf-16-le")):
        with pytest.raises(AssertionError) as e:
            assert_no_cpr(leaked, TINY_PNRS)
        assert pnr not in str(e.value)
    assert_no_cpr("nothing here", TINY_PNRS)


# --- through Dagster --------------------------------------------------------------------------

def _failures(result) -> list[tuple[str, dict]]:
    """(description, metadata) of each step failure raised as a dagster Failure."""
    out = []
    for ev in result.all_events:
        if ev.event_type_value == "STEP_FAILURE":
            data = ev.event_specific_data
            if data.user_failure_data is not None:
                out.append((data.user_failure_data.description, data.user_failure_data.metadata))
    return out


def _event_text(result) -> str:
    parts = []
    for ev in result.all_events:
        parts.append(ev.message or "")
        data = ev.event_specific_data
        if getattr(data, "error", None) is not None:
            parts.append(data.error.to_string())
        if getattr(data, "user_failure_data", None) is not None:
            parts.append(repr(data.user_failure_data))
        if getattr(data, "materialization", None) is not None:
            parts.append(repr(data.materialization.metadata))
    return "\n".join(parts)


def _all_tables(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [t for (t,) in con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE "
            "table_schema IN ('raw', 'core', 'report', 'audit') ORDER BY 1").fetchall()
            if t != "audit.load_ledger"]


def test_dagster_rejected_delivery_leaves_raw_core_and_report_unchanged(
        tiny_warehouse, tmp_path, d, monkeypatch):
    monkeypatch.setenv("INTEGRATION_PSEUDONYM_KEY", TEST_KEY)
    db = tmp_path / "wh" / "warehouse.duckdb"
    db.parent.mkdir()
    shutil.copy(tiny_warehouse, db)
    tables = _all_tables(db)
    assert any(t.startswith("core.") for t in tables)
    assert any(t.startswith("report.") for t in tables)
    before, ledger_before = snapshot(db, tables), ledger(db)
    assert before["raw.cpr__persons"]

    rows = d.rows(DREAM)
    rows[1][rows[0].index("y_1301")] = "555"
    d.write_rows(DREAM, rows)
    result = run_month(d.dir.parent, db, MONTH)
    gc.collect()   # dagster_duckdb does not close its connection when the step raises

    assert not result.success
    [(desc, md)] = _failures(result)
    assert "rejected" in desc and "dream.csv" in desc and "555" in desc
    assert md["file"].text == DREAM
    assert snapshot(db, tables) == before
    new = ledger(db)[len(ledger_before):]
    assert new and {r[2] for r in new} == {"rejected"}
    assert_no_cpr(_event_text(result), TINY_PNRS, "the Dagster event log")


def test_dagster_quarantine_is_counted_in_metadata_and_output(tmp_path, d, monkeypatch,
                                                             caplog, capfd):
    monkeypatch.setenv("INTEGRATION_PSEUDONYM_KEY", TEST_KEY)
    caplog.set_level(logging.DEBUG)
    rows = d.rows(PERMITS)
    rows[3][2] = "Asyl"
    d.write_rows(PERMITS, rows)
    db = tmp_path / "wh" / "warehouse.duckdb"
    result = run_month(d.dir.parent, db, MONTH)

    assert result.success
    got = query(db, "SELECT source_file, line, rule FROM audit.quarantine ORDER BY ALL")
    assert got == [(DREAM, 12, "pnr_not_in_cpr"), (PERMITS, 4, "unknown_category")]
    counts = [
        ev.event_specific_data.materialization.metadata["dagster/partition_row_count"].value
        for ev in result.all_events if ev.event_type_value == "ASSET_MATERIALIZATION"
        and ev.event_specific_data.materialization.asset_key.path == ["audit", "quarantine"]]
    assert counts == [2]
    out = capfd.readouterr()
    text = _event_text(result) + caplog.text + out.out + out.err
    assert "2 records quarantined" in text
    assert_no_cpr(text, TINY_PNRS, "the Dagster run output")




def test_dagster_tiny_load_leaks_no_cpr_number(tmp_path, monkeypatch, caplog, capfd):
    monkeypatch.setenv("INTEGRATION_PSEUDONYM_KEY", TEST_KEY)
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "wh" / "warehouse.duckdb"
    result = run_month(TINY, db, MONTH)
    assert result.success
    out = capfd.readouterr()
    assert_no_cpr(_event_text(result) + caplog.text + out.out + out.err, TINY_PNRS,
                  "the Dagster run output")
    for f in db.parent.rglob("*"):
        if f.is_file():
            assert_no_cpr(f, TINY_PNRS)
    assert_no_cpr(_dump_tables(db), TINY_PNRS, "the warehouse tables")


def test_cpr_overlapping_address_history_is_a_warning_and_kept(wh, baseline, d):
    # a historic address that ends after the current address began
    pnr = pnr_for(dt.date(1985, 5, 5), "M")
    lines = d.add_cpr([rec_001(pnr, koen="M", foed_dt="1985-05-05"),
                       rec_002(pnr, moved_in="2015-06-01"),
                       rec_023(pnr, moved_in="2014-01-01", moved_out="2016-01-01"),
                       rec_010(pnr)])
    assert_warned(wh, baseline, d, [(CPR, lines[1], "overlapping_address")])
    assert len(query(wh, "SELECT * FROM raw.cpr__addresses WHERE person_key = ?",
                     [pk(pnr)])) == 2
