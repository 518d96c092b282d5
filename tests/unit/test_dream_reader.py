"""DREAM reader (spec extracts.md §3 and "Bad input"): header inference, the ISO-week calendar,
file-level rejects and row-level quarantine, staged in DuckDB temp tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pytest

from integration_pipeline import reference
from integration_pipeline.extract.common import DeliveryError
from integration_pipeline.extract.cpr import parse_cpr
from integration_pipeline.extract.dream import (
    classify_lines,
    parse_header,
    stage_dream,
    weeks_in_iso_year,
)
from integration_pipeline.load.raw import _PersonKeys
from integration_pipeline.pseudonym import person_key
from tests.cpr_records import (
    csv_text,
    dream_weeks,
    encode,
    key_lookup,
    pnr_for,
    rec_001,
    rec_002,
    write_cpr,
)
from tests.privacy import assert_no_cpr

KEY = b"unit-test-key"
CODES = {"111", "130", "140", "651", "997"}
P1 = pnr_for(dt.date(1985, 1, 1), "M")
P2 = pnr_for(dt.date(1990, 2, 2), "K")
P3 = pnr_for(dt.date(1995, 3, 3), "M")
ALL = [P1, P2, P3]
HEADER = ["PNR", "koen", "y_1651", "y_1652", "y_1701", "y_1702",
          "branche_2016_12", "branche_2017_01", "grad_2016_12", "grad_2017_01"]


def pk(pnr: str) -> str:
    return person_key(KEY, pnr)


def row(pnr, weeks=("130", "130", "", "140"), branche=("", "862100"), grad=("", "0.5"),
        koen="1"):
    return [pnr, koen, *weeks, *branche, *grad]


def write(tmp_path: Path, rows, header=HEADER, *, eol="\n", bom=False, text=None) -> Path:
    path = tmp_path / "dream.csv"
    path.write_bytes(encode(text if text is not None else csv_text(header, rows, eol),
                            "utf-8", bom))
    return path


def stage(tmp_path, rows=None, header=HEADER, cpr=ALL, codes=CODES, path=None, **kw):
    con = duckdb.connect()
    path = path or write(tmp_path, rows if rows is not None else [row(p) for p in ALL],
                         header, **kw)
    st = stage_dream(con, path, key_lookup(KEY, cpr).lookup, codes)
    return con, st


def table(con, name, order="source_line") -> list[dict]:
    """The rows of a staging table; the long DREAM rows with the person key of their line
    (stg_dream_persons), which every one of them must have."""
    if name in ("stg_dream_benefit_weeks", "stg_dream_employment_months"):
        rows = con.execute(f"SELECT p.person_key, t.* FROM {name} t LEFT JOIN stg_dream_persons p "
                           f"USING (source_line) ORDER BY {order}").df().to_dict("records")
        assert all(isinstance(r["person_key"], str) for r in rows)
        return rows
    return con.execute(f"SELECT * FROM {name} ORDER BY {order}").df().to_dict("records")


def expand(runs: list[dict], source_line: int) -> list[tuple[int, int, str]]:
    """The (iso_year, iso_week, code) weeks of one row's benefit runs."""
    out = []
    for r in runs:
        if r["source_line"] != source_line:
            continue
        monday = dt.date.fromisocalendar(int(r["first_iso_year"]), int(r["first_iso_week"]), 1)
        for k in range(int(r["weeks"])):
            y, w, _ = (monday + dt.timedelta(weeks=k)).isocalendar()
            out.append((y, w, r["benefit_code"]))
    return out


# --- the ISO-week calendar and the header -----------------------------------------------------

@pytest.mark.parametrize("year", range(1991, 2031))
def test_weeks_in_iso_year(year):
    long_years = {1992, 1998, 2004, 2009, 2015, 2020, 2026}
    assert weeks_in_iso_year(year) == (53 if year in long_years else 52)


def test_header_with_week_53_of_2015_is_accepted():
    h = parse_header(["PNR", "y_1551", "y_1552", "y_1553", "y_1601"], Path("dream.csv"))
    assert [(y, w) for y, w, _ in h.weeks] == [(2015, 51), (2015, 52), (2015, 53), (2016, 1)]
    assert (h.first_week, h.last_week) == ("2015-W51", "2016-W01")


def test_header_with_week_53_of_2016_rejects():
    with pytest.raises(DeliveryError) as e:
        parse_header(["PNR", "y_1651", "y_1652", "y_1653", "y_1701"], Path("dream.csv"))
    assert (e.value.file, e.value.line, e.value.field) == ("dream.csv", 1, "y_1653")
    assert "2016" in str(e.value)


def test_header_year_before_90_is_20yy_and_from_90_is_19yy():
    h = parse_header(["PNR", "y_9852", "y_9853", "y_9901"], Path("dream.csv"))
    assert [(y, w) for y, w, _ in h.weeks] == [(1998, 52), (1998, 53), (1999, 1)]
    h = parse_header(["PNR", "y_8901"], Path("dream.csv"))
    assert h.weeks[0][:2] == (2089, 1)


def test_header_consecutive_across_a_52_week_year_end_is_accepted():
    h = parse_header(["PNR", *dream_weeks((2016, 50), 6)], Path("dream.csv"))
    assert h.last_week == "2017-W03"
    assert len(h.weeks) == 6


@pytest.mark.parametrize(("weeks", "field"), [
    (["y_1650", "y_1651", "y_1701"], "y_1701"),          # y_1652 missing at the year end
    (["y_1551", "y_1552", "y_1601"], "y_1601"),          # 2015 has a week 53
    (["y_1701", "y_1702", "y_1704"], "y_1704"),          # gap inside a year
    (["y_1652", "y_1801"], "y_1801"),                    # a whole year missing
])
def test_header_with_non_consecutive_weeks_rejects(weeks, field):
    with pytest.raises(DeliveryError) as e:
        parse_header(["PNR", *weeks], Path("dream.csv"))
    assert (e.value.line, e.value.field) == (1, field)
    assert "consecutive" in str(e.value)


def test_header_sorts_and_classifies_columns():
    cols = ["PNR", "koen", "alder", "bopkom", "ak17", "y_1702", "y_1701",
            "grad_2017_01", "branche_2016_12", "branche_2017_01"]
    h = parse_header(cols, Path("dream.csv"))
    assert [c for _, _, c in h.weeks] == ["y_1701", "y_1702"]
    assert h.grad_months == [(2017, 1)]
    assert h.branche_months == [(2016, 12), (2017, 1)]
    assert h.months == [(2016, 12), (2017, 1)]
    assert h.other == ["koen", "alder", "bopkom", "ak17"]


@pytest.mark.parametrize("cols", [["y_1701"], ["PNR", "koen"], ["PNR", "y_1701", "y_1701"],
                                  ["PNR", "y_1701", "grad_2017_13"]])
def test_header_without_pnr_or_weeks_or_with_bad_columns_rejects(cols):
    with pytest.raises(DeliveryError) as e:
        parse_header(cols, Path("dream.csv"))
    assert e.value.line == 1


# --- staging a good file ----------------------------------------------------------------------

def test_good_file_is_reshaped_to_weeks_and_months(tmp_path):
    con, st = stage(tmp_path)
    assert (st.rows_read, st.persons, st.quarantined, st.unknown_codes) == (3, 3, 0, [])
    assert st.source_format == "csv"
    # run-length encoded: one row per run of consecutive weeks with one code
    runs = table(con, "stg_dream_benefit_weeks",
                 "source_line, first_iso_year, first_iso_week")
    assert [(r["person_key"], r["first_iso_year"], r["first_iso_week"], r["weeks"],
             r["benefit_code"]) for r in runs if r["source_line"] == 2] == [
        (pk(P1), 2016, 51, 2, "130"), (pk(P1), 2017, 2, 1, "140")]
    # expanded, the runs are the row's coded weeks
    assert expand(runs, 2) == [(2016, 51, "130"), (2016, 52, "130"), (2017, 2, "140")]
    assert (st.benefit_weeks, st.benefit_runs) == (9, 6)
    months = table(con, "stg_dream_employment_months")
    assert [(m["year"], m["month"], m["industry_code"], m["employment_degree"])
            for m in months if m["source_line"] == 2] == [(2017, 1, "862100", 0.5)]


def test_extra_columns_are_accepted_silently(tmp_path):
    header = ["alder", *HEADER, "bopkom", "ak17", "noget_nyt"]
    rows = [["30", *row(p), "0151", "", "x"] for p in ALL]
    con, st = stage(tmp_path, rows, header)
    assert st.quarantined == 0 and st.benefit_weeks == 9
    assert st.header.other == ["alder", "koen", "bopkom", "ak17", "noget_nyt"]


def test_bom_and_crlf_are_accepted_silently(tmp_path):
    con, st = stage(tmp_path, bom=True, eol="\r\n")
    assert (st.rows_read, st.quarantined, st.benefit_weeks, st.benefit_runs) == (3, 0, 9, 6)
    assert table(con, "stg_dream_employment_months")[0]["employment_degree"] == 0.5


def test_parquet_file_is_accepted(tmp_path):
    csv = write(tmp_path, [row(p) for p in ALL])
    pq = tmp_path / "dream.parquet"
    duckdb.execute(f"COPY (SELECT * FROM read_csv('{csv}', all_varchar=true, delim=';')) "
                   f"TO '{pq}' (FORMAT parquet)")
    con, st = stage(tmp_path, path=pq)
    assert st.source_format == "parquet"
    assert (st.rows_read, st.quarantined, st.benefit_weeks, st.benefit_runs) == (3, 0, 9, 6)
    assert st.reader.startswith("DuckDB read_csv")


# --- row-level quarantine ---------------------------------------------------------------------

def test_pnr_not_in_cpr_is_quarantined(tmp_path):
    con, st = stage(tmp_path, cpr=[P1, P3])
    [q] = table(con, "stg_dream_quarantine")
    assert (q["source_line"], q["rule"], q["field"], q["person_key"]) == (
        3, "pnr_not_in_cpr", "PNR", pk(P2))
    assert st.persons == 2
    assert pk(P2) not in {w["person_key"] for w in table(con, "stg_dream_benefit_weeks")}


def test_pnr_on_two_rows_quarantines_both_rows(tmp_path):
    rows = [row(P1), row(P2), row(P1, weeks=("111", "", "", "")), row(P3)]
    con, st = stage(tmp_path, rows)
    q = table(con, "stg_dream_quarantine")
    assert [(r["source_line"], r["rule"]) for r in q] == [(2, "duplicate_pnr"),
                                                          (4, "duplicate_pnr")]
    assert st.persons == 2
    keys = {w["person_key"] for w in table(con, "stg_dream_benefit_weeks")}
    keys |= {m["person_key"] for m in table(con, "stg_dream_employment_months")}
    assert keys == {pk(P2), pk(P3)}


def test_classify_lines_rules_in_order_of_precedence():
    """Rules on arrays: not 10 digits before not in CPR before duplicate; an old and a current
    number of one person (one person id) are a duplicate; the key of a valid PNR is kept even
    when its line is quarantined."""
    def key_of(numbers):
        known = {1: ("a", 10), 2: ("b", 20), 3: ("b", 20), 4: ("c", 30)}   # 2 and 3: one person
        got = [known.get(int(n), (f"own{n}", -1)) for n in numbers]
        return (np.array([k for k, _ in got], dtype=object), np.array([p for _, p in got]))

    numbers = np.array([1, -1, 5, 2, 4, 3, 4])
    valid = np.array([True, False, True, True, True, True, True])
    keys, rule = classify_lines(numbers, valid, key_of)
    assert rule.tolist() == [None, "pnr_invalid", "pnr_not_in_cpr", "duplicate_pnr",
                             "duplicate_pnr", "duplicate_pnr", "duplicate_pnr"]
    assert keys.tolist() == ["a", None, "own5", "b", "c", "b", "c"]
    keys, rule = classify_lines(numbers[:3], valid[:3], key_of)
    assert rule.tolist() == [None, "pnr_invalid", "pnr_not_in_cpr"]


def test_classify_lines_all_kept():
    keys, rule = classify_lines(np.array([1, 2]), np.array([True, True]),
                                lambda n: (np.array(["x", "y"], dtype=object), np.array([0, 1])))
    assert rule.tolist() == [None, None] and keys.tolist() == ["x", "y"]


def test_old_and_current_number_of_one_cpr_person_on_two_rows_are_duplicates(tmp_path):
    """Through the load's own key index: both numbers are that person."""
    old = pnr_for(dt.date(1970, 1, 5), "M")
    new = pnr_for(dt.date(1970, 1, 5), "M", nth=1)
    cpr = parse_cpr(write_cpr(tmp_path / "cpr_extract.txt",
                              [rec_001(old, pnrgaeld=new, status="60"), rec_002(old),
                               rec_001(P1), rec_002(P1)]), None)
    keys = _PersonKeys(KEY, cpr)
    path = write(tmp_path, [row(old), row(P1), row(new)])
    con = duckdb.connect()
    st = stage_dream(con, path, keys.lookup, CODES)
    q = table(con, "stg_dream_quarantine")
    assert [(r["source_line"], r["rule"], r["person_key"]) for r in q] == [
        (2, "duplicate_pnr", pk(new)), (4, "duplicate_pnr", pk(new))]
    assert st.persons == 1


def test_pnr_that_is_not_ten_digits_is_quarantined(tmp_path):
    con, st = stage(tmp_path, [row(P1), row("12345"), row("ABCDEFGHIJ")])
    assert [r["rule"] for r in table(con, "stg_dream_quarantine")] == ["pnr_invalid"] * 2
    assert st.persons == 1


@pytest.mark.parametrize("grad", ["1,5", "abc", "-0.5", "50%"])
def test_grad_value_that_is_not_a_number_is_quarantined(tmp_path, grad):
    con, st = stage(tmp_path, [row(P1, grad=("1", grad)), row(P2)])
    [q] = table(con, "stg_dream_quarantine")
    assert (q["source_line"], q["rule"], q["field"], q["person_key"]) == (
        2, "grad_not_number", "grad_2017_01", pk(P1))
    # the rest of the row is kept: the other month and the benefit weeks
    months = {(m["person_key"], m["month"]): m["employment_degree"]
              for m in table(con, "stg_dream_employment_months")}
    assert months[(pk(P1), 12)] == 1.0 and (pk(P1), 1) not in months
    assert st.benefit_weeks == 6


@pytest.mark.parametrize(("grad", "value"), [("0", 0.0), ("0.25", 0.25), ("1", 1.0),
                                             ("1.0", 1.0), (" 0.5 ", 0.5)])
def test_grad_numbers_are_read(tmp_path, grad, value):
    con, st = stage(tmp_path, [row(P1, grad=("", grad))])
    assert st.quarantined == 0
    [m] = table(con, "stg_dream_employment_months")
    assert m["employment_degree"] == value


# --- file-level rejects -----------------------------------------------------------------------

def test_unknown_benefit_codes_reject_listing_the_codes(tmp_path):
    rows = [row(P1, weeks=("130", "123", "", "000")), row(P2, weeks=("777", "", "", "")),
            row(P3)]
    with pytest.raises(DeliveryError) as e:
        stage(tmp_path, rows)
    msg = str(e.value)
    assert e.value.file == "dream.csv"
    assert "000, 123, 777" in msg and "3 benefit code(s)" in msg
    assert "130" not in msg.split(":", 1)[1].replace("(reference/dream_codes.csv)", "")
    assert_no_cpr(msg, ALL)


@pytest.mark.parametrize(("cut", "line"), [(1, 3), (-1, 3)])
def test_row_with_fewer_or_more_fields_rejects_naming_the_line(tmp_path, cut, line):
    rows = [row(p) for p in ALL]
    rows[1] = rows[1][:-1] if cut == 1 else rows[1] + ["0.5"]
    with pytest.raises(DeliveryError) as e:
        stage(tmp_path, rows)
    assert (e.value.file, e.value.line) == ("dream.csv", line)
    assert "dream.csv, line 3" in str(e.value)
    assert_no_cpr(str(e.value), ALL)


def test_file_cut_short_inside_a_row_rejects_without_echoing_the_row(tmp_path):
    text = csv_text(HEADER, [row(p) for p in ALL])
    path = write(tmp_path, None, text=text[: text.index(P3) + 14])
    with pytest.raises(DeliveryError) as e:
        stage(tmp_path, path=path)
    assert e.value.line == 4
    assert_no_cpr(str(e.value), ALL)


def test_unterminated_quote_rejects_without_echoing_the_row(tmp_path):
    rows = [row(p) for p in ALL]
    rows[1][0] = '"' + rows[1][0]
    with pytest.raises(DeliveryError) as e:
        stage(tmp_path, rows)
    assert e.value.line == 3
    assert_no_cpr(str(e.value), ALL)


def test_header_fault_in_a_file_rejects(tmp_path):
    header = ["PNR", "koen", "y_1651", "y_1652", "y_1653", "y_1701"]
    with pytest.raises(DeliveryError) as e:
        stage(tmp_path, [[P1, "1", "", "", "", ""]], header)
    assert e.value.field == "y_1653"


def test_invalid_utf8_rejects_naming_the_byte_offset(tmp_path):
    text = csv_text(HEADER, [row(p) for p in ALL])
    data = text.encode("utf-8").replace(b";1;", b";\xe6;", 1)
    path = tmp_path / "dream.csv"
    path.write_bytes(data)
    with pytest.raises(DeliveryError) as e:
        stage(tmp_path, path=path)
    offset = data.index(b"\xe6")
    assert f"byte offset {offset}" in str(e.value)
    assert_no_cpr(str(e.value), ALL)


@pytest.mark.parametrize("content", [b"", None])
def test_empty_or_missing_file_rejects(tmp_path, content):
    path = tmp_path / "dream.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DeliveryError) as e:
        stage(tmp_path, path=path)
    assert e.value.file == "dream.csv"


# --- the shipped code table -------------------------------------------------------------------

SPEC_GROUPS = [
    (range(111, 116), "public_support"), ([121], "other"), (range(130, 140), "public_support"),
    (range(140, 150), "public_support"), (range(211, 300), "public_support"),
    (range(411, 414), "public_support"), (range(511, 530), "public_support"),
    (range(611, 624), "public_support"), ([651, 652], "education"), ([661], "education"),
    (range(701, 800), "public_support"), (range(810, 819), "public_support"),
    ([881], "other"), (range(890, 900), "public_support"), ([997], "censored"),
    ([998], "censored"), ([999], "public_support"),
]


def test_code_table_holds_at_least_the_spec_codes_and_groups():
    table_ = reference.dream_codes()
    group = dict(zip(table_["benefit_code"], table_["benefit_group"], strict=True))
    missing = [(c, g) for codes, g in SPEC_GROUPS for c in codes if group.get(str(c)) != g]
    assert missing == []
