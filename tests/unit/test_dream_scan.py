"""The two DREAM CSV readers (`extract/dream_scan.py` numpy tokenizer and the general DuckDB
`read_csv` reader) give identical staged rows and counts; files the tokenizer does not fully
understand fall back to the general reader, which words the rejects; `_decimals` parses plain
decimals exactly like float()."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import numpy as np
import pytest

from integration_pipeline.extract import dream, dream_scan
from integration_pipeline.extract.common import DeliveryError
from integration_pipeline.extract.dream import Prescan, stage_dream
from integration_pipeline.pseudonym import person_key
from tests.cpr_records import encode, key_lookup, pnr_for
from tests.privacy import assert_no_cpr

KEY = b"unit-test-key"
CODES = {"012", "111", "130", "651", "997"}
P = [pnr_for(dt.date(1980 + i, 1 + i, 1 + i), "MK"[i % 2]) for i in range(6)]
STRANGER = pnr_for(dt.date(1977, 7, 7))
FAST = "numpy tokenizer"
GENERAL = "DuckDB read_csv"
TABLES = ("stg_dream_persons", "stg_dream_benefit_weeks", "stg_dream_employment_months",
          "stg_dream_quarantine")
# the long rows with the person key of their line in front (as the raw tables are read)
KEYED = {"stg_dream_benefit_weeks", "stg_dream_employment_months"}
COUNTS = ("rows_read", "persons", "benefit_weeks", "benefit_runs", "employment_months",
          "quarantined")

# 2015 has 53 ISO weeks: y_1551..y_1602 are five consecutive weeks across the year end. The
# month columns are out of order; 2015-11 has only grad_, 2016-02 only branche_.
HEADER = ["PNR", "koen", "y_1551", "y_1552", "y_1553", "y_1601", "y_1602",
          "grad_2015_11", "branche_2016_01", "grad_2015_12", "branche_2015_12", "grad_2016_01",
          "branche_2016_02"]


def pk(pnr: str) -> str:
    return person_key(KEY, pnr)


def row(pnr, weeks=("", "", "", "", ""), grad_11="", b_01="", grad_12="", b_12="", grad_01="",
        b_02="", koen="1") -> list[str]:
    return [pnr, koen, *weeks, grad_11, b_01, grad_12, b_12, grad_01, b_02]


# The clean file: several runs per row, a code change without a gap, a gap, runs touching the
# first and the last week column, a run through week 53, rows without codes.
CLEAN = [
    row(P[0], ("130", "130", "651", "651", ""), grad_11="0", b_01="011100", grad_01="0.5"),
    row(P[1], ("111", "", "111", "111", "111"), grad_12="0.89", b_12="862100"),
    row(P[2], grad_11="12.25", grad_12="1", b_02="000001"),
    row(P[3], ("997", "997", "997", "997", "997")),
    row(P[4]),                                            # nothing at all
    row(P[5], ("", "130", "", "651", ""), b_12="0", grad_01="00.50", koen=""),
]
# (source_line, first_iso_year, first_iso_week, weeks, benefit_code)
CLEAN_RUNS = [
    (2, 2015, 51, 2, "130"), (2, 2015, 53, 2, "651"),
    (3, 2015, 51, 1, "111"), (3, 2015, 53, 3, "111"),
    (5, 2015, 51, 5, "997"),
    (7, 2015, 52, 1, "130"), (7, 2016, 1, 1, "651"),
]
# (source_line, year, month, industry_code, employment_degree)
CLEAN_MONTHS = [
    (2, 2015, 11, None, 0.0), (2, 2016, 1, "011100", 0.5),
    (3, 2015, 12, "862100", 0.89),
    (4, 2015, 11, None, 12.25), (4, 2015, 12, None, 1.0), (4, 2016, 2, "000001", None),
    (7, 2015, 12, "0", None), (7, 2016, 1, None, 0.5),
]


def text(rows, header=HEADER, eol="\n", trailing=True) -> str:
    body = eol.join(";".join(r) for r in [header, *rows])
    return body + eol if trailing else body


def write(tmp_path: Path, content: str | bytes, bom: bool = False) -> Path:
    path = tmp_path / "dream.csv"
    path.write_bytes(content if isinstance(content, bytes) else encode(content, "utf-8", bom))
    return path


def stage(path: Path, fast: bool, cpr=P, codes=CODES, threads=None, prescan=False):
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    pre = Prescan(path, dream.connection_threads(con)) if prescan else None
    try:
        st = stage_dream(con, path, key_lookup(KEY, cpr).lookup, codes, fast=fast,
                         prescan=pre)
    finally:
        if pre is not None:
            pre.close()
    for t in KEYED:   # every long row belongs to a kept line
        assert con.execute(f"SELECT count(*) FROM {t} ANTI JOIN stg_dream_persons "
                           "USING (source_line)").fetchall() == [(0,)]
    contents = {t: con.execute(
        f"SELECT p.person_key, t.* FROM {t} t JOIN stg_dream_persons p USING (source_line) "
        "ORDER BY ALL" if t in KEYED else f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in TABLES}
    con.close()
    return st, contents


def both(path: Path, **kw):
    """Stage with both readers; their rows and counts must be identical."""
    fast, fast_rows = stage(path, True, **kw)
    general, general_rows = stage(path, False, **kw)
    assert fast_rows == general_rows
    assert {c: getattr(fast, c) for c in COUNTS} == {c: getattr(general, c) for c in COUNTS}
    assert general.reader == GENERAL
    return fast, fast_rows


def runs(rows) -> list[tuple]:
    return sorted((r[5], r[1], r[2], r[3], r[4]) for r in rows["stg_dream_benefit_weeks"])


def months(rows) -> list[tuple]:
    return sorted((r[5], r[1], r[2], r[3], r[4]) for r in rows["stg_dream_employment_months"])


# --- the fast path: same rows as the general reader -------------------------------------------

@pytest.mark.parametrize(("eol", "eol_at_end", "bom"), [
    ("\n", True, False), ("\n", False, False), ("\n", True, True), ("\r\n", True, False),
    ("\r\n", False, False), ("\r\n", True, True)],
    ids=["newline", "no_trailing_newline", "bom", "crlf", "crlf_no_trailing_newline", "crlf_bom"])
def test_clean_file_is_read_by_the_tokenizer_with_the_same_rows(tmp_path, eol, eol_at_end, bom):
    path = write(tmp_path, text(CLEAN, eol=eol, trailing=eol_at_end), bom=bom)
    st, rows = both(path)
    assert st.reader == FAST
    assert runs(rows) == CLEAN_RUNS
    assert months(rows) == CLEAN_MONTHS
    assert rows["stg_dream_quarantine"] == []
    assert {r[0] for r in rows["stg_dream_benefit_weeks"]} == {pk(P[i]) for i in (0, 1, 3, 5)}
    assert (st.rows_read, st.persons, st.benefit_weeks, st.benefit_runs, st.employment_months,
            st.quarantined) == (6, 6, 15, 7, 8, 0)
    assert set(st.seconds) == {"rows", "weeks", "months"}


def test_shuffled_columns_and_extra_columns_give_the_same_rows(tmp_path):
    # week columns out of calendar order and extra columns between them: the layout is not a
    # contiguous block
    order = [0, 6, 2, 1, 12, 4, 3, 5, 7, 9, 8, 10, 11]
    header = [HEADER[i] for i in order]
    header[1:1] = ["alder"]
    rows = [[r[i] for i in order] for r in CLEAN]
    for r in rows:
        r[1:1] = ["30"]
    st, got = both(write(tmp_path, text(rows, header)))
    assert st.reader == FAST
    assert runs(got) == CLEAN_RUNS and months(got) == CLEAN_MONTHS


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_many_chunks_and_threads_give_the_same_rows(tmp_path, monkeypatch, eol):
    # tiny chunks: every pass runs over many line-aligned chunks in several threads
    monkeypatch.setattr(dream_scan, "CHUNK_BYTES", 200)
    codes = ["130", "", "651", "997", "111"]
    many = [row(pnr_for(dt.date(1990, 1, 1) + dt.timedelta(days=i)),
                tuple(codes[(7 * i + k * (i % 3)) % 5] for k in range(5)),
                grad_12=str(i % 3), b_02=f"{i:06d}" if i % 2 else "")
            for i in range(60)]
    cpr = [r[0] for r in many]
    st, rows = both(write(tmp_path, text(many, eol=eol, trailing=False)), cpr=cpr, threads=3)
    assert st.reader == FAST
    assert (st.rows_read, st.persons, st.quarantined) == (60, 60, 0)
    expected_weeks = sum(sum(c != "" for c in r[2:7]) for r in many)
    assert st.benefit_weeks == expected_weeks
    assert sum(r[3] for r in rows["stg_dream_benefit_weeks"]) == expected_weeks


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_row_quarantine_stays_on_the_fast_path(tmp_path, eol):
    rows = [row(P[0], ("130", "", "", "", "")), row("12345", ("130",) * 5),
            row("ABCDEFGHIJ"), row(STRANGER, ("111", "", "", "", ""), grad_12="1"),
            row(P[1], ("651", "651", "", "", "")), row(P[2], grad_01="0.5"),
            row(P[1], ("997", "", "", "", ""))]
    st, got = both(write(tmp_path, text(rows, eol=eol)))
    assert st.reader == FAST
    assert [(q[0], q[2], q[5]) for q in got["stg_dream_quarantine"]] == [
        (3, "pnr_invalid", None), (4, "pnr_invalid", None), (5, "pnr_not_in_cpr", pk(STRANGER)),
        (6, "duplicate_pnr", pk(P[1])), (8, "duplicate_pnr", pk(P[1]))]
    # only the kept rows' runs and months
    assert runs(got) == [(2, 2015, 51, 1, "130")]
    assert months(got) == [(7, 2016, 1, None, 0.5)]
    assert (st.rows_read, st.persons, st.benefit_weeks, st.benefit_runs, st.quarantined) == (
        7, 2, 1, 1, 5)


@pytest.mark.parametrize("prescan", [False, True], ids=["tokenised_while_stored", "prescan"])
def test_runs_stored_in_batches_give_the_same_rows(tmp_path, monkeypatch, prescan):
    # runs gathered a few at a time (national scale: bounded memory), with quarantined rows
    # spread over the batches
    monkeypatch.setattr(dream_scan, "CHUNK_BYTES", 120)
    monkeypatch.setattr(dream, "RUN_BATCH", 3)
    rows = [*CLEAN, row(STRANGER, ("111", "", "", "", "")), row("12345", ("130",) * 5),
            row(P[3], ("997", "", "", "651", ""))]
    st, got = both(write(tmp_path, text(rows)), prescan=prescan)
    assert st.reader == FAST
    assert [(q[0], q[2]) for q in got["stg_dream_quarantine"]] == [
        (5, "duplicate_pnr"), (8, "pnr_not_in_cpr"), (9, "pnr_invalid"), (10, "duplicate_pnr")]
    assert runs(got) == [r for r in CLEAN_RUNS if r[0] != 5]
    assert st.benefit_runs == len(runs(got))


def test_unknown_codes_in_several_batches_are_all_named(tmp_path, monkeypatch):
    monkeypatch.setattr(dream_scan, "CHUNK_BYTES", 60)
    monkeypatch.setattr(dream, "RUN_BATCH", 1)
    rows = [list(r) for r in CLEAN]
    rows[0][2], rows[5][6] = "123", "777"
    e = _rejects(write(tmp_path, text(rows)))
    assert str(e).endswith("2 benefit code(s) not in the code table "
                           "(reference/dream_codes.csv): 123, 777")


def test_empty_pnr_is_quarantined_alike(tmp_path):
    # an empty PNR cell: the same quarantine row from both readers
    st, got = both(write(tmp_path, text([row(""), *CLEAN])))
    assert st.reader == FAST
    [q] = got["stg_dream_quarantine"]
    assert (q[0], q[5]) == (2, None)
    assert runs(got) == [(r[0] + 1, *r[1:]) for r in CLEAN_RUNS]


def test_pnr_with_spaces_is_trimmed_like_the_general_reader(tmp_path):
    rows = [row(P[0] + " ", ("130", "", "", "", "")), row(P[1], ("111", "", "", "", ""))]
    st, got = both(write(tmp_path, text(rows)))
    assert st.reader == FAST
    assert got["stg_dream_quarantine"] == []
    assert runs(got) == [(2, 2015, 51, 1, "130"), (3, 2015, 51, 1, "111")]


# --- fallbacks to the general reader ----------------------------------------------------------

def _quoted(rows):
    rows[1][1] = '"1"'
    return text(rows)


def _navn(rows):
    return text([[*r, "Søren Ø"] for r in rows], [*HEADER, "navn"])


def _mixed_eol(rows):
    lf, crlf = text(rows[:3]), text(rows[3:], eol="\r\n").split("\r\n", 1)[1]
    return lf + crlf     # the header and the first three rows end in LF, the others in CRLF


def _cell(col: str, value: str):
    def edit(rows):
        rows[1][HEADER.index(col)] = value
        return text(rows)
    return edit


# (case, the file text made from the clean rows, the reason named in `reader`)
FALLBACKS = [
    ("quoted_field", _quoted, "quotes or non-ASCII bytes"),
    ("mixed_line_ends", _mixed_eol, "CR bytes that are not CRLF line ends"),
    ("non_ascii", _navn, "quotes or non-ASCII bytes"),
    ("week_two_digits", _cell("y_1552", "12"), "a week cell that is not 3 digits"),
    ("week_four_digits", _cell("y_1552", "0130"), "a week cell that is not 3 digits"),
    ("grad_exponent", _cell("grad_2015_12", "1e3"), "a grad_ value that is not a plain decimal"),
    ("grad_negative", _cell("grad_2015_12", "-1"), "a grad_ value that is not a plain decimal"),
    ("grad_text", _cell("grad_2015_12", "abc"), "a grad_ value that is not a plain decimal"),
    ("grad_dot_first", _cell("grad_2015_12", ".5"), "a grad_ value that is not a plain decimal"),
    ("grad_dot_last", _cell("grad_2015_12", "5."), "a grad_ value that is not a plain decimal"),
    ("grad_long", _cell("grad_2015_12", "0.12345678901234567"), "too many digits"),
    ("branche_letters", _cell("branche_2015_12", "A1"), "a branche_ value that is not digits"),
    ("branche_long", _cell("branche_2015_12", "1234567890"), "longer than 9 characters"),
]


@pytest.mark.parametrize(("make", "reason"), [f[1:] for f in FALLBACKS],
                         ids=[f[0] for f in FALLBACKS])
def test_unusual_file_falls_back_to_the_general_reader(tmp_path, make, reason):
    st, got = both(write(tmp_path, make([list(r) for r in CLEAN])))
    assert st.reader.startswith(GENERAL) and reason in st.reader, st.reader
    # the other rows are read as usual
    assert [r for r in runs(got) if r[0] != 3] == [r for r in CLEAN_RUNS if r[0] != 3]
    assert [m for m in months(got) if m[0] != 3] == [m for m in CLEAN_MONTHS if m[0] != 3]


def test_fallback_values_are_those_of_the_general_reader(tmp_path):
    # line 3 (P[1]): week 2015-W52 '12' -> code 012 (a number), grad '1e3' is a number,
    # '-1' is quarantined, branche 'A1' is kept as text
    rows = [list(r) for r in CLEAN]
    rows[1][HEADER.index("y_1552")] = "12"
    rows[1][HEADER.index("grad_2015_12")] = "1e3"
    rows[1][HEADER.index("branche_2015_12")] = "A1"
    rows[2][HEADER.index("grad_2015_12")] = "-1"
    st, got = both(write(tmp_path, text(rows)))
    assert "a week cell that is not 3 digits" in st.reader
    assert [r for r in runs(got) if r[0] == 3] == [
        (3, 2015, 51, 1, "111"), (3, 2015, 52, 1, "012"), (3, 2015, 53, 3, "111")]
    assert [m for m in months(got) if m[0] in (3, 4)] == [
        (3, 2015, 12, "A1", 1000.0), (4, 2015, 11, None, 12.25), (4, 2016, 2, "000001", None)]
    [q] = got["stg_dream_quarantine"]
    assert (q[0], q[2], q[3], q[5]) == (4, "grad_not_number", "grad_2015_12", pk(P[2]))


def test_crlf_split_between_screening_blocks(tmp_path, monkeypatch):
    # blocks of 16 bytes: the first data line's CR is the last byte of a block, its LF the
    # first of the next
    monkeypatch.setattr(dream_scan, "CHUNK_BYTES", 4)
    path = tmp_path / "dream.csv"
    path.write_bytes(b"PNR;y_1552\r\n0123456789;130 \r\n1234567890;\r\n")
    layout = dream_scan.Layout(ncol=2, weeks=np.array([1]), grad=np.zeros(0, np.int64),
                               branche=np.zeros(0, np.int64))
    with dream_scan.DreamScan(path, layout, 2) as scan:
        assert scan.eol == dream_scan.CR
        assert scan.line_starts.tolist() == [12, 29, 42]
        assert scan.pnrs()[0].tolist() == [123456789, 1234567890]
    path.write_bytes(b"PNR;y_1552\r\n0123456789;130 \r\n1234567890;\n")   # one LF line
    with pytest.raises(dream_scan.NotFast, match="CR bytes that are not CRLF line ends"):
        dream_scan.DreamScan(path, layout, 2)


@pytest.mark.parametrize("last", ["", "1;", "12345678901", "123456789;1", " 0123456789 ;2",
                                  "9876543210;3", "98765x3210;4"])
@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("block", [1, 2, 1 << 16], ids=["block1", "block2", "one_block"])
def test_scanned_pnrs_of_every_line_shape(tmp_path, monkeypatch, last, eol, block):
    """The PNR of each line as a number (-1: not 10 digits once trimmed of spaces), also for a
    last line too short for the 11-byte window, in blocks of lines of any size."""
    monkeypatch.setattr(dream_scan, "PNR_BLOCK", block)
    path = tmp_path / "dream.csv"
    path.write_bytes(f"PNR;y_1552{eol}0123456789;130{eol}  12;{eol}{last}".encode())
    layout = dream_scan.Layout(ncol=2, weeks=np.array([1]), grad=np.zeros(0, np.int64),
                               branche=np.zeros(0, np.int64))
    with dream_scan.DreamScan(path, layout, 1) as scan:
        numbers, valid = scan.pnrs()
    field = last.split(";")[0].strip(" ")
    want = [123456789, -1] + ([int(field) if len(field) == 10 and field.isdigit() else -1]
                              if last else [])
    assert numbers.tolist() == want
    assert valid.tolist() == [n >= 0 for n in want]


def test_pnr_not_in_the_first_column_uses_the_general_reader(tmp_path):
    header = [*HEADER[1:], "PNR"]
    rows = [[*r[1:], r[0]] for r in CLEAN]
    st, got = both(write(tmp_path, text(rows, header)))
    assert st.reader == f"{GENERAL} (PNR is not the first column)"
    assert runs(got) == CLEAN_RUNS and months(got) == CLEAN_MONTHS


# --- file-level rejects: the same error from both readers -------------------------------------

def _rejects(path: Path, **kw) -> DeliveryError:
    errors = []
    for fast in (True, False):
        with pytest.raises(DeliveryError) as e:
            stage(path, fast, **kw)
        errors.append(e.value)
    assert str(errors[0]) == str(errors[1])
    assert (errors[0].line, errors[0].field) == (errors[1].line, errors[1].field)
    assert_no_cpr(str(errors[0]), P)
    return errors[0]


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize(("edit", "trailing"), [("fewer", True), ("more", True),
                                                ("fewer", False), ("more", False)])
def test_row_with_another_number_of_fields_rejects_naming_the_line(tmp_path, edit, trailing,
                                                                   eol):
    rows = [list(r) for r in CLEAN]
    bad = 1 if trailing else len(rows) - 1           # without a newline: the last row
    rows[bad] = rows[bad][:-1] if edit == "fewer" else [*rows[bad], "x"]
    e = _rejects(write(tmp_path, text(rows, eol=eol, trailing=trailing)))
    assert e.line == bad + 2
    assert f"dream.csv, line {bad + 2}" in str(e)


def test_unknown_benefit_codes_reject_listing_them(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[0][2], rows[3][6] = "123", "777"
    e = _rejects(write(tmp_path, text(rows)))
    assert "2 benefit code(s) not in the code table" in str(e)
    assert str(e).endswith(": 123, 777")


# --- _decimals: exact parse of plain decimals -------------------------------------------------

def _spans_of(cells: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bytes, starts, lengths) of the cells written as one `;`-separated line."""
    data = ";".join(cells).encode("ascii")
    lens = np.array([len(c) for c in cells], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lens + 1)[:-1]]).astype(np.int64)
    return np.frombuffer(data, np.uint8), starts, lens


def _parse(cells: list[str]) -> np.ndarray:
    return dream_scan._decimals(*_spans_of(cells))


DECIMALS = ["0", "1", "0.5", "0.89", "12.25", "0.1", "0.2", "0.3", "1.0", "00.50", "2.675",
            "1.005", "0.33333333333333", "123456789012345", "9007199254740991",
            "0.00000000000001", "99999999999999.9", "0.7", "4.35", "1.15"]


def test_decimals_equal_float_exactly():
    got = _parse(DECIMALS)
    assert [float(v) for v in got] == [float(s) for s in DECIMALS]


def test_random_decimals_equal_float_exactly():
    rnd = random.Random(8)
    cells = []
    for _ in range(2000):
        left = str(rnd.randrange(10 ** rnd.randint(1, 8)))
        right = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 15 - len(left))))
        cells.append(f"{left}.{right}" if right else left)
    got = _parse(cells)
    assert [float(v) for v in got] == [float(s) for s in cells]


def test_empty_decimal_cells_are_zero():
    assert _parse(["", "0.5", ""]).tolist() == [0.0, 0.5, 0.0]


@pytest.mark.parametrize("cell", ["1e3", "-1", "abc", ".5", "5.", "1.2.3", "1,5", " 1",
                                  "0.12345678901234567", "9007199254740993"])
def test_decimals_refuse_anything_else(cell):
    with pytest.raises(dream_scan.NotFast):
        _parse(["0.5", cell])


def test_word_parse_equals_the_per_position_parse_for_any_length():
    """Cells of up to 8 characters take the word (SWAR) path, longer ones the per-position
    loop; both give the same values, also in one call that mixes them."""
    rnd = random.Random(11)
    digits = ["".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 9)))
              for _ in range(3000)]
    a, starts, lens = _spans_of(digits)
    assert dream_scan._digits(a, starts, lens, "branche_").tolist() == [int(c or 0) for c in digits]
    assert (dream_scan._digits(a, starts, lens, "x")
            == dream_scan._digits_by_position(a, starts, lens, "x")).all()
    short = lens <= 8
    assert (dream_scan._decimals(a, starts[short], lens[short])
            == dream_scan._decimals_by_position(a, starts[short], lens[short])).all()


@pytest.mark.parametrize("n", [0, 1, 5, 7, 8, 9, 15])
def test_words_at_the_end_of_a_short_buffer_read_zeros_past_it(n):
    a = np.frombuffer(bytes(range(65, 65 + n)), np.uint8)
    starts = np.arange(n, dtype=np.int64)
    got = dream_scan._load8(a, starts)
    want = [int.from_bytes(bytes(a[i:i + 8]).ljust(8, b"\0"), "little") for i in range(n)]
    assert got.tolist() == want


@pytest.mark.parametrize("cell", ["12a4", "1/2", "1:2", "12 ", "\x7f1", "-1", "+1"])
def test_digits_refuse_anything_but_digits(cell):
    a, starts, lens = _spans_of(["123456", cell, "1"])
    with pytest.raises(dream_scan.NotFast, match="a branche_ value that is not digits"):
        dream_scan._digits(a, starts, lens, "branche_")


def test_decimals_near_a_dot_boundary_of_the_word():
    cells = ["1234567.", "1234.567", "1.234567", "12345678", ".1234567", "0.000001", "9.9"]
    ok = [c for c in cells if not (c.startswith(".") or c.endswith("."))]
    a, starts, lens = _spans_of(ok)
    assert dream_scan._decimals(a, starts, lens).tolist() == [float(c) for c in ok]
    for bad in ("1234567.", ".1234567", "1.2.3.45"):
        a, starts, lens = _spans_of(["0.5", bad])
        with pytest.raises(dream_scan.NotFast):
            dream_scan._decimals(a, starts, lens)


# --- prescan (lines, PNRs and runs on a worker thread) and batched monthly inserts -------------

def test_prescan_gives_the_same_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(dream_scan, "CHUNK_BYTES", 200)
    path = write(tmp_path, text(CLEAN))
    plain, plain_rows = stage(path, True)
    pre, pre_rows = stage(path, True, prescan=True, threads=2)
    assert pre.reader == plain.reader == FAST
    assert pre_rows == plain_rows
    assert runs(pre_rows) == CLEAN_RUNS and months(pre_rows) == CLEAN_MONTHS


def test_prescan_that_meets_an_unusual_file_falls_back_like_a_plain_load(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[1][HEADER.index("y_1552")] = "12"
    path = write(tmp_path, text(rows))
    st, got = stage(path, True, prescan=True)
    assert "a week cell that is not 3 digits" in st.reader
    assert got == stage(path, False)[1]


def test_prescan_runs_on_its_own_threads_and_hands_the_scan_on_with_the_load_threads(tmp_path):
    path = write(tmp_path, text(CLEAN))
    pre = Prescan(path, 3, beside=1)
    scanned = pre.take()
    try:
        assert scanned.scan.threads == 3   # the monthly pass after the prescan uses them all
        assert len(scanned.numbers) == len(CLEAN) and scanned.valid.all() and scanned.runs
    finally:
        scanned.scan.close()


def test_prescan_not_taken_is_closed(tmp_path):
    path = write(tmp_path, text(CLEAN))
    pre = Prescan(path, 2)
    pre.close()           # the load failed before the DREAM pass: the worker's map is closed
    pre.close()           # twice is harmless
    # a file the tokenizer does not take at all: nothing to prescan, the load reads it as usual
    other = tmp_path / "other"
    other.mkdir()
    header = ["koen", "PNR", *HEADER[2:]]
    body = [[r[1], r[0], *r[2:]] for r in CLEAN]
    st, got = stage(write(other, text(body, header)), True, prescan=True)
    assert st.reader.startswith(GENERAL) and months(got) == CLEAN_MONTHS


def test_monthly_cells_in_many_small_batches_give_the_same_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(dream_scan, "CHUNK_BYTES", 200)
    monkeypatch.setattr(dream, "BATCH_CELLS", 2)
    st, rows = both(write(tmp_path, text(CLEAN)))
    assert st.reader == FAST and months(rows) == CLEAN_MONTHS
