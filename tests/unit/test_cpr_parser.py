"""CPR extract parser (spec extracts.md §1 and "Bad input"): one good and one bad tiny file per
rule, built record by record with `tests.cpr_records`."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from integration_pipeline.extract.common import DeliveryError
from integration_pipeline.extract.cpr import parse_cpr, pnr_birth_date, pnr_mod11_ok, pnr_sex
from tests.cpr_records import (
    make_pnr,
    person,
    pnr_for,
    rec_001,
    rec_002,
    rec_005,
    rec_010,
    rec_023,
    rec_024,
    rec_027,
    rec_other,
    write_cpr,
)
from tests.privacy import assert_no_cpr

KNOWN = {"5100", "5120", "5180", "5404", "5486"}


def parse(tmp_path, body, **kw):
    return parse_cpr(write_cpr(tmp_path / "cpr_extract.txt", body, **kw), KNOWN)


def rules(entries) -> list[tuple[str, int | None]]:
    return sorted(((e["rule"], e["line"]) for e in entries), key=str)


def frames_of(x) -> dict:
    return {name: getattr(x, name).to_dict("records")
            for name in ("persons", "addresses", "migrations", "citizenships")}


# --- a good file ------------------------------------------------------------------------------

def test_good_file_parses_into_frames_without_issues(tmp_path):
    pnr, recs = person(dt.date(1985, 3, 4), "M", moved_in="2015-05-01", citizenship="5486")
    x = parse(tmp_path, recs)
    assert x.extract_date == dt.date(2017, 6, 30)
    assert x.previous_extract_date == dt.date(2017, 5, 31)
    assert x.task_number == "123456"
    assert x.encoding in ("utf-8", "latin-1")
    assert x.issues.quarantined == [] and x.issues.warnings == []
    [p] = x.persons.to_dict("records")
    assert (p["pnr"], p["pnr_current"], p["status"], p["sex"], p["birth_date"]) == (
        pnr, pnr, "01", "M", pd.Timestamp(1985, 3, 4))
    assert p["is_mod11_valid"] and not p["is_birth_date_uncertain"]
    assert p["source_line"] == 2
    [a] = x.addresses.to_dict("records")
    assert (a["municipality_code"], a["moved_in_date"]) == ("0151", pd.Timestamp(2015, 5, 1))
    assert pd.isna(a["moved_out_date"])
    [c] = x.citizenships.to_dict("records")
    assert (c["country_code"], c["valid_from"]) == ("5486", pd.Timestamp(2015, 5, 1))
    assert x.record_counts == {"000": 1, "001": 1, "002": 1, "010": 1, "999": 1}


# --- century, sex, modulus 11 ------------------------------------------------------------------

CENTURY = [
    ("010185", 0, 1985), ("010105", 3, 1905), ("311299", 1, 1999),
    ("010136", 4, 2036), ("010137", 4, 1937), ("010136", 9, 2036), ("010137", 9, 1937),
    ("010100", 9, 2000), ("010199", 4, 1999),
    ("010157", 5, 2057), ("010158", 5, 1858), ("010110", 8, 2010), ("010199", 8, 1899),
    ("010157", 6, 2057), ("010158", 7, 1858),
]


@pytest.mark.parametrize(("ddmmyy", "d7", "year"), CENTURY)
def test_century_from_digit_7_and_yy(ddmmyy, d7, year):
    pnr = make_pnr(ddmmyy, d7)
    assert pnr_birth_date(pnr) == dt.date(year, int(ddmmyy[2:4]), int(ddmmyy[:2]))


def test_century_rules_applied_when_foed_dt_is_blank(tmp_path):
    body, want = [], {}
    for i, (ddmmyy, d7, year) in enumerate(CENTURY):
        pnr = make_pnr(ddmmyy, d7, nth=i)
        want[pnr] = dt.date(year, int(ddmmyy[2:4]), int(ddmmyy[:2]))
        body += [rec_001(pnr), rec_002(pnr)]
    x = parse(tmp_path, body)
    assert dict(zip(x.persons["pnr"], x.persons["birth_date"].dt.date, strict=True)) == want
    assert x.issues.quarantined == [] and x.issues.warnings == []


@pytest.mark.parametrize(("sex", "expected"), [("M", "M"), ("K", "K")])
def test_sex_from_last_digit_when_koen_is_blank(tmp_path, sex, expected):
    pnr = pnr_for(dt.date(1990, 5, 17), sex)
    assert (int(pnr[9]) % 2 == 1) == (sex == "M")
    assert pnr_sex(pnr) == expected
    x = parse(tmp_path, [rec_001(pnr, foed_dt="1990-05-17"), rec_002(pnr)])
    assert x.persons["sex"].tolist() == [expected]
    assert x.issues.warnings == []


def test_mod11_failure_is_accepted_with_a_warning(tmp_path):
    bad, recs_bad = person(dt.date(1990, 1, 1), "K", mod11=False)
    good, recs_good = person(dt.date(1990, 1, 2), "K")
    assert not pnr_mod11_ok(bad) and pnr_mod11_ok(good)
    x = parse(tmp_path, recs_bad + recs_good)
    assert x.issues.quarantined == []
    assert dict(zip(x.persons["pnr"], x.persons["is_mod11_valid"], strict=True)) == {
        bad: False, good: True}
    assert rules(x.issues.warnings) == [("mod11_failed", 2)]
    assert x.issues.warnings[0]["pnr"] == bad


# --- PNR with an impossible date: quarantine ---------------------------------------------------

@pytest.mark.parametrize(("ddmmyy", "d7"), [
    ("290217", 0),   # 29 February 1917: not a leap year
    ("290200", 0),   # 29 February 1900: not a leap year (century rule)
    ("290201", 4),   # 29 February 2001
    ("310285", 2),   # 31 February
    ("310485", 2),   # 31 April
    ("320185", 1),   # day 32
    ("011385", 1),   # month 13
    ("000185", 1),   # day 0
])
def test_pnr_with_impossible_date_is_quarantined_with_its_records(tmp_path, ddmmyy, d7):
    bad = make_pnr(ddmmyy, d7)
    ok, recs_ok = person(dt.date(1985, 1, 1))
    x = parse(tmp_path, [rec_001(bad), rec_002(bad), rec_010(bad)] + recs_ok)
    assert pnr_birth_date(bad) is None
    assert x.persons["pnr"].tolist() == [ok]
    assert rules(x.issues.quarantined) == [("orphan_record", 3), ("orphan_record", 4),
                                          ("pnr_invalid_date", 2)]
    q = next(e for e in x.issues.quarantined if e["rule"] == "pnr_invalid_date")
    assert q["field"] == "PNR" and q["reason"]
    assert bad not in set(x.addresses["pnr"]) | set(x.citizenships["pnr"])


@pytest.mark.parametrize(("ddmmyy", "d7", "born"), [
    ("290296", 0, dt.date(1996, 2, 29)),   # leap year
    ("290200", 4, dt.date(2000, 2, 29)),   # 2000 is a leap year
    ("290216", 4, dt.date(2016, 2, 29)),
    ("290264", 2, dt.date(1964, 2, 29)),
])
def test_pnr_on_29_february_of_a_leap_year_is_kept(tmp_path, ddmmyy, d7, born):
    pnr = make_pnr(ddmmyy, d7)
    x = parse(tmp_path, [rec_001(pnr), rec_002(pnr)])
    assert x.issues.quarantined == []
    assert x.persons["birth_date"].dt.date.tolist() == [born]


# --- KOEN / FOED_DT against the number --------------------------------------------------------

def test_koen_and_foed_dt_agreeing_give_no_warning(tmp_path):
    _, recs = person(dt.date(1985, 1, 1), "K")
    x = parse(tmp_path, recs)
    assert x.issues.warnings == []


def test_koen_disagreeing_is_a_warning_and_koen_wins(tmp_path):
    pnr = pnr_for(dt.date(1985, 1, 1), "M")
    x = parse(tmp_path, [rec_001(pnr, koen="K", foed_dt="1985-01-01"), rec_002(pnr)])
    assert rules(x.issues.warnings) == [("koen_disagrees", 2)]
    assert x.issues.warnings[0]["field"] == "KOEN"
    assert x.persons["sex"].tolist() == ["K"]
    assert x.issues.quarantined == []


def test_foed_dt_disagreeing_is_a_warning_and_foed_dt_wins(tmp_path):
    pnr = pnr_for(dt.date(1985, 1, 1), "M")
    x = parse(tmp_path, [rec_001(pnr, koen="M", foed_dt="1985-01-02"), rec_002(pnr)])
    assert rules(x.issues.warnings) == [("foed_dt_disagrees", 2)]
    assert x.issues.warnings[0]["field"] == "FOED_DT"
    assert x.persons["birth_date"].dt.date.tolist() == [dt.date(1985, 1, 2)]


def test_uncertain_birth_date_marker_is_kept(tmp_path):
    pnr = pnr_for(dt.date(1985, 1, 1), "M")
    x = parse(tmp_path, [rec_001(pnr, koen="M", foed_dt="1985-01-01", foed_umrk="*"),
                         rec_002(pnr)])
    assert x.persons["is_birth_date_uncertain"].tolist() == [True]


# --- short and longer records -----------------------------------------------------------------

def test_full_length_record_is_kept(tmp_path):
    pnr = pnr_for(dt.date(1980, 6, 6))
    x = parse(tmp_path, [rec_001(pnr, length=106), rec_002(pnr)])
    assert x.persons["pnr"].tolist() == [pnr]
    assert x.issues.quarantined == []


def test_short_person_record_is_quarantined_with_the_persons_records(tmp_path):
    pnr = pnr_for(dt.date(1980, 6, 6))
    ok, recs_ok = person(dt.date(1981, 7, 7))
    x = parse(tmp_path, [rec_001(pnr, length=105), rec_002(pnr)] + recs_ok)
    assert x.persons["pnr"].tolist() == [ok]
    assert rules(x.issues.quarantined) == [("orphan_record", 3), ("short_record", 2)]
    short = next(e for e in x.issues.quarantined if e["rule"] == "short_record")
    assert "105" in short["reason"] and "106" in short["reason"]
    assert short["record_type"] == "001"


def test_short_address_record_is_quarantined_and_the_person_kept(tmp_path):
    pnr = pnr_for(dt.date(1980, 6, 6))
    x = parse(tmp_path, [rec_001(pnr), rec_002(pnr, length=111), rec_010(pnr)])
    assert x.persons["pnr"].tolist() == [pnr]
    assert x.addresses.empty
    assert rules(x.issues.quarantined) == [("short_record", 3)]


def test_longer_records_are_accepted_silently(tmp_path):
    pnr, recs = person(dt.date(1975, 8, 8))
    body = recs + [rec_023(pnr, moved_in="2010-01-01", moved_out="2016-01-01"),
                   rec_024(pnr, in_country="5120", in_date="2009-12-01"),
                   rec_027(pnr), rec_005(pnr, country="5180", date="2017-01-01")]
    normal = parse(tmp_path, body)
    longer = parse(tmp_path, [r + "X" * 25 for r in body])
    assert frames_of(longer) == frames_of(normal)
    assert longer.issues.quarantined == [] and longer.issues.warnings == []


def test_crlf_line_ends_are_accepted_silently(tmp_path):
    _, recs = person(dt.date(1975, 8, 8))
    lf = parse(tmp_path, recs)
    crlf = parse(tmp_path, recs, eol="\r\n")
    assert frames_of(crlf) == frames_of(lf)
    assert crlf.issues.quarantined == [] and crlf.issues.warnings == []


# --- ANNKOR, status, changed numbers, unknown record types ------------------------------------

def test_annulled_and_corrected_history_rows_are_ignored(tmp_path):
    pnr, recs = person(dt.date(1970, 3, 3), moved_in="2016-01-01")
    body = recs + [
        rec_023(pnr, annkor="", komkod="0101", moved_in="2012-01-01", moved_out="2016-01-01"),
        rec_023(pnr, annkor="A", komkod="0147", moved_in="2011-01-01", moved_out="2012-01-01"),
        rec_023(pnr, annkor="K", komkod="0153", moved_in="2010-01-01", moved_out="2011-01-01"),
        rec_024(pnr, annkor="", in_country="5404", in_date="2012-01-01"),
        rec_024(pnr, annkor="A", in_country="5486", in_date="2011-01-01"),
        rec_027(pnr, annkor="K", country="5486"),
        rec_027(pnr, annkor="", country="5404", since="2012-01-01", until="2016-01-01"),
    ]
    x = parse(tmp_path, body)
    assert x.ignored_history_rows == 4
    assert sorted(x.addresses["municipality_code"]) == ["0101", "0151"]
    assert x.migrations["immigration_country_code"].tolist() == ["5404"]
    assert x.migrations["migration_type"].tolist() == ["first_immigration"]
    assert sorted(x.citizenships["country_code"]) == ["5100", "5404"]
    assert x.issues.quarantined == [] and x.issues.warnings == []


@pytest.mark.parametrize("status", ["01", "03", "05", "07", "20", "60", "70", "80", "90"])
def test_person_statuses_other_than_30_and_50_are_kept(tmp_path, status):
    pnr = pnr_for(dt.date(1960, 2, 2))
    x = parse(tmp_path, [rec_001(pnr, status=status), rec_002(pnr)])
    assert x.persons["status"].tolist() == [status]
    assert x.dropped_persons == {}


def test_status_30_and_50_are_dropped_and_counted(tmp_path):
    p30 = pnr_for(dt.date(1960, 2, 2))
    p50 = pnr_for(dt.date(1961, 3, 3))
    ok, recs_ok = person(dt.date(1962, 4, 4))
    x = parse(tmp_path, [rec_001(p30, status="30"), rec_002(p30), rec_010(p30),
                         rec_001(p50, status="50"), rec_002(p50)] + recs_ok)
    assert x.persons["pnr"].tolist() == [ok]
    assert x.dropped_persons == {"30": 1, "50": 1}
    assert set(x.addresses["pnr"]) == {ok} and set(x.citizenships["pnr"]) == {ok}
    assert x.issues.quarantined == []


def test_changed_number_the_current_number_is_the_person(tmp_path):
    old = pnr_for(dt.date(1970, 1, 5), "M")
    new = pnr_for(dt.date(1970, 1, 5), "M", nth=1)
    x = parse(tmp_path, [rec_001(old, pnrgaeld=new, status="60"), rec_002(old)])
    [p] = x.persons.to_dict("records")
    assert (p["pnr"], p["pnr_current"]) == (old, new)
    assert x.pnr_to_current() == {old: new, new: new}
    assert x.addresses["pnr"].tolist() == [old]


def test_changed_number_with_its_own_record_appears_once(tmp_path):
    old = pnr_for(dt.date(1970, 1, 5), "M")
    new = pnr_for(dt.date(1970, 1, 5), "M", nth=1)
    x = parse(tmp_path, [rec_001(old, pnrgaeld=new, status="60"), rec_002(old),
                         rec_001(new), rec_002(new)])
    assert x.persons["pnr_current"].tolist() == [new]
    assert x.pnr_to_current()[old] == new
    assert x.issues.quarantined == []


def test_unknown_record_types_are_skipped_and_counted(tmp_path):
    pnr, recs = person(dt.date(1988, 4, 4))
    body = recs + [rec_other("003", pnr), rec_other("099", pnr), rec_other("003", pnr),
                   rec_other("008", pnr, "Værge: Søren Ærø Ågård")]
    x = parse(tmp_path, body)
    assert x.skipped_record_types == {"003": 2, "008": 1, "099": 1}
    assert x.record_counts["003"] == 2
    assert sorted(w["record_type"] for w in x.issues.warnings
                  if w["rule"] == "unknown_record_type") == ["003", "008", "099"]
    assert x.persons["pnr"].tolist() == [pnr]
    assert x.issues.quarantined == []


def test_known_record_types_give_no_skip_count(tmp_path):
    _, recs = person(dt.date(1988, 4, 4))
    x = parse(tmp_path, recs)
    assert x.skipped_record_types == {}


# --- warnings on dates and country codes ------------------------------------------------------

def test_address_dates_up_to_the_extract_date_give_no_warning(tmp_path):
    pnr, recs = person(dt.date(1990, 9, 9), moved_in="2017-06-30")
    x = parse(tmp_path, recs + [rec_023(pnr, moved_in="2015-01-01", moved_out="2017-06-30")])
    assert x.issues.warnings == []


def test_address_date_after_the_extract_date_is_a_warning(tmp_path):
    pnr, recs = person(dt.date(1990, 9, 9), moved_in="2017-07-15")
    x = parse(tmp_path, recs + [rec_023(pnr, moved_in="2015-01-01", moved_out="2017-07-01")])
    assert rules(x.issues.warnings) == [("date_after_extract", 3), ("date_after_extract", 5)]
    assert len(x.addresses) == 2
    assert x.issues.quarantined == []


def test_unknown_country_code_is_a_warning_and_kept(tmp_path):
    pnr, recs = person(dt.date(1990, 9, 9), citizenship="9999")
    x = parse(tmp_path, recs + [rec_024(pnr, in_country="9998", in_date="2016-01-01")])
    assert rules(x.issues.warnings) == [("unknown_country", 4), ("unknown_country", 5)]
    assert x.citizenships["country_code"].tolist() == ["9999"]
    assert x.migrations["immigration_country_code"].tolist() == ["9998"]
    assert x.issues.quarantined == []


def test_known_country_codes_give_no_warning(tmp_path):
    pnr, recs = person(dt.date(1990, 9, 9), citizenship="5486")
    x = parse(tmp_path, recs + [rec_024(pnr, in_country="5486", in_date="2016-01-01")])
    assert x.issues.warnings == []


# --- file-level rejects -----------------------------------------------------------------------

def test_correct_999_count_is_accepted(tmp_path):
    _, recs = person(dt.date(1985, 1, 1))
    x = parse(tmp_path, recs, count=5)
    assert x.record_counts["999"] == 1


@pytest.mark.parametrize("delta", [-1, 1, 100])
def test_999_count_mismatch_rejects(tmp_path, delta):
    pnr, recs = person(dt.date(1985, 1, 1))
    with pytest.raises(DeliveryError) as e:
        parse(tmp_path, recs, count=5 + delta)
    assert e.value.file == "cpr_extract.txt"
    assert e.value.line == 5 and e.value.field == "TAELLER"
    assert "cpr_extract.txt, line 5, field TAELLER" in str(e.value)
    assert_no_cpr(str(e.value), [pnr])


def test_missing_999_rejects(tmp_path):
    pnr, recs = person(dt.date(1985, 1, 1))
    with pytest.raises(DeliveryError) as e:
        parse(tmp_path, recs, end=False)
    assert e.value.line == 4
    assert "999" in str(e.value) and "cpr_extract.txt, line 4" in str(e.value)
    assert_no_cpr(str(e.value), [pnr])


def test_file_cut_inside_a_record_rejects(tmp_path):
    pnr, recs = person(dt.date(1985, 1, 1))
    path = write_cpr(tmp_path / "cpr_extract.txt", recs)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\n999") + 1 + 2])  # "99" of the end record left
    with pytest.raises(DeliveryError) as e:
        parse_cpr(path, KNOWN)
    assert e.value.line == 5


def test_empty_file_rejects(tmp_path):
    path = tmp_path / "cpr_extract.txt"
    path.write_bytes(b"")
    with pytest.raises(DeliveryError, match="empty") as e:
        parse_cpr(path, KNOWN)
    assert e.value.file == "cpr_extract.txt"


def test_missing_file_rejects(tmp_path):
    with pytest.raises(DeliveryError, match="missing") as e:
        parse_cpr(tmp_path / "cpr_extract.txt", KNOWN)
    assert e.value.file == "cpr_extract.txt"


def test_file_not_starting_with_000_rejects(tmp_path):
    pnr, recs = person(dt.date(1985, 1, 1))
    path = tmp_path / "cpr_extract.txt"
    write_cpr(path, recs)
    lines = path.read_text(encoding="latin-1").splitlines()
    path.write_text("\n".join(lines[1:]) + "\n", encoding="latin-1")
    with pytest.raises(DeliveryError) as e:
        parse_cpr(path, KNOWN)
    assert e.value.line == 1


# --- PNR texts: blank, short and odd numbers; output order --------------------------------------

def test_odd_pnr_texts_are_stripped_and_reported_as_written(tmp_path):
    pnr = pnr_for(dt.date(1980, 6, 6))
    odd = ["", pnr[:9], " " + pnr[:9], pnr[:5] + "ø" + pnr[6:]]
    x = parse(tmp_path, [rec_001(pnr)] + [rec_002(p) for p in odd]
              + [rec_001(odd[3], pnrgaeld=odd[3])])
    assert x.persons["pnr"].tolist() == [pnr]
    orphans = [(e["line"], e["pnr"]) for e in x.issues.quarantined if e["rule"] == "orphan_record"]
    assert orphans == [(3, ""), (4, pnr[:9]), (5, pnr[:9]), (6, odd[3])]
    assert rules(x.issues.quarantined) == [("orphan_record", n) for n in (3, 4, 5, 6)] + [
        ("pnr_invalid_date", 7)]


def test_frames_are_ordered_by_pnr_text_then_date_and_line(tmp_path):
    first, second = sorted([pnr_for(dt.date(1990, 1, 2)), pnr_for(dt.date(1985, 1, 1))])
    x = parse(tmp_path, [rec_001(second), rec_002(second, moved_in="2016-01-01"),
                         rec_023(second, moved_in="2010-01-01", moved_out="2012-01-01"),
                         rec_010(second), rec_001(first), rec_002(first), rec_010(first)])
    assert x.addresses["pnr"].tolist() == [first, second, second]
    assert x.addresses["moved_in_date"].dt.date.tolist()[1:] == [dt.date(2010, 1, 1),
                                                          dt.date(2016, 1, 1)]
    assert x.citizenships["pnr"].tolist() == [first, second]
