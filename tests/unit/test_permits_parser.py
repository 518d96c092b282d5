"""Residence-permit parser (spec extracts.md §2 and "Bad input")."""

from __future__ import annotations

import datetime as dt

import pytest

from integration_pipeline import reference
from integration_pipeline.extract.common import DeliveryError
from integration_pipeline.extract.permits import parse_permits
from tests.cpr_records import PERMIT_HEADER, csv_text, encode, permit_row, pnr_for
from tests.privacy import assert_no_cpr

CATEGORIES = {"Asyl mv.", "Familiesammenføring", "Erhverv", "Studie", "EU/EØS",
              "Det øvrige opholdsområde"}
P1 = pnr_for(dt.date(1985, 1, 1), "M")
P2 = pnr_for(dt.date(1990, 2, 2), "K")
P3 = pnr_for(dt.date(1995, 3, 3), "M")


def parse(tmp_path, rows, header=PERMIT_HEADER, encoding="utf-8", eol="\n", bom=False,
          known_countries=None):
    path = tmp_path / "residence_permits.csv"
    path.write_bytes(encode(csv_text(header, rows, eol), encoding, bom))
    return parse_permits(path, CATEGORIES, known_countries)


def test_shipped_category_table_holds_the_spec_categories():
    assert CATEGORIES <= reference.category_names()


def test_good_rows_parse(tmp_path):
    x = parse(tmp_path, [permit_row(P1, "2016-02-01", "Asyl mv.", "11", "1101", "5486"),
                         permit_row(P2, "2015-06-10", "Familiesammenføring", "21", "2101",
                                    "5216")])
    assert x.issues.quarantined == [] and x.issues.warnings == []
    assert x.rows_read == 2
    recs = x.permits.to_dict("records")
    assert [(r["pnr"], r["permit_date"], r["category"], r["grundlag"], r["forklar"],
             r["citizenship_code"], r["source_line"]) for r in recs] == [
        (P1, dt.date(2016, 2, 1), "Asyl mv.", 11, 1101, "5486", 2),
        (P2, dt.date(2015, 6, 10), "Familiesammenføring", 21, 2101, "5216", 3)]


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_known_category_is_accepted(tmp_path, category):
    x = parse(tmp_path, [permit_row(P1, category=category)])
    assert x.permits["category"].tolist() == [category]
    assert x.issues.quarantined == []


@pytest.mark.parametrize("category", ["Asyl", "asyl mv.", "Familiesammenfoering", "Ukendt", ""])
def test_unknown_category_is_quarantined_with_the_reason(tmp_path, category):
    x = parse(tmp_path, [permit_row(P1), permit_row(P2, category=category),
                         permit_row(P3, category="Studie")])
    assert x.permits["pnr"].tolist() == [P1, P3]
    [q] = x.issues.quarantined
    assert (q["rule"], q["line"], q["field"], q["pnr"]) == ("unknown_category", 3, "KATEGORI",
                                                            P2)
    assert repr(category) in q["reason"]
    assert x.rows_read == 3


@pytest.mark.parametrize("date", ["2017-02-30", "2017-13-01", "30-06-2017", "20170630",
                                  "2017/06/30", "", "ukendt"])
def test_date_that_does_not_parse_is_quarantined(tmp_path, date):
    x = parse(tmp_path, [permit_row(P1, date=date), permit_row(P2, date="2016-02-29")])
    assert x.permits["pnr"].tolist() == [P2]
    assert x.permits["permit_date"].tolist() == [dt.date(2016, 2, 29)]
    [q] = x.issues.quarantined
    assert (q["rule"], q["line"], q["field"]) == ("bad_date", 2, "TILLADELSESDATO")


def test_extra_columns_are_accepted_silently(tmp_path):
    header = ["LOEBENR"] + PERMIT_HEADER[:3] + ["NY_KOLONNE"] + PERMIT_HEADER[3:] + ["X"]
    row = permit_row(P1)
    x = parse(tmp_path, [["1"] + row[:3] + ["noget"] + row[3:] + [""]], header=header)
    assert x.issues.quarantined == [] and x.issues.warnings == []
    [r] = x.permits.to_dict("records")
    assert (r["pnr"], r["category"], r["grundlag"], r["citizenship_code"]) == (
        P1, "Asyl mv.", 11, "5486")


@pytest.mark.parametrize("missing", PERMIT_HEADER)
def test_missing_column_rejects_naming_it(tmp_path, missing):
    i = PERMIT_HEADER.index(missing)
    header = PERMIT_HEADER[:i] + PERMIT_HEADER[i + 1:]
    row = permit_row(P1)
    with pytest.raises(DeliveryError) as e:
        parse(tmp_path, [row[:i] + row[i + 1:]], header=header)
    assert e.value.file == "residence_permits.csv" and e.value.line == 1
    assert missing in str(e.value)
    assert_no_cpr(str(e.value), [P1])


def test_crlf_and_bom_are_accepted_silently(tmp_path):
    rows = [permit_row(P1, category="EU/EØS")]
    plain = parse(tmp_path, rows)
    other = parse(tmp_path, rows, eol="\r\n", bom=True)
    assert other.permits.to_dict("records") == plain.permits.to_dict("records")
    assert other.permits["category"].tolist() == ["EU/EØS"]


def test_latin1_file_is_read_correctly(tmp_path):
    x = parse(tmp_path, [permit_row(P1, category="Familiesammenføring"),
                         permit_row(P2, category="Det øvrige opholdsområde")],
              encoding="latin-1")
    assert x.encoding == "latin-1"
    assert x.permits["category"].tolist() == ["Familiesammenføring", "Det øvrige opholdsområde"]
    assert x.issues.quarantined == []


def test_non_integer_level_codes_are_warnings_not_quarantine(tmp_path):
    x = parse(tmp_path, [permit_row(P1, grundlag="1a", forklar="")])
    assert [w["rule"] for w in x.issues.warnings] == ["not_integer"]
    assert x.permits["grundlag"].isna().all()
    assert x.issues.quarantined == []


def test_unknown_citizenship_code_is_a_warning(tmp_path):
    x = parse(tmp_path, [permit_row(P1, statsb="9999")], known_countries={"5486"})
    assert [w["rule"] for w in x.issues.warnings] == ["unknown_country"]
    assert x.permits["citizenship_code"].tolist() == ["9999"]


@pytest.mark.parametrize("content", [b"", None])
def test_empty_or_missing_file_rejects(tmp_path, content):
    path = tmp_path / "residence_permits.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DeliveryError) as e:
        parse_permits(path, CATEGORIES)
    assert e.value.file == "residence_permits.csv"
