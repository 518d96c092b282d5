"""Encoding detection (spec extracts.md §1 and "Bad input"): ISO-8859-1 and UTF-8 (with or
without a byte-order mark) are read correctly; C1 control bytes (a Windows-1252 file), mixed
encodings and invalid bytes reject the file, naming the line."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest

from integration_pipeline.extract.common import DeliveryError, detect_encoding, read_text
from integration_pipeline.extract.cpr import parse_cpr
from integration_pipeline.extract.permits import parse_permits
from tests.cpr_records import (
    PERMIT_HEADER,
    cpr_lines,
    csv_text,
    permit_row,
    person,
    rec_002,
    rec_023,
    rec_other,
)
from tests.privacy import assert_no_cpr

DANISH = "Søren Ærø Ågård, Æbelø, Øster Åby: æøå ÆØÅ é ü ß"
PNR, RECS = person(dt.date(1980, 5, 5), "K")
CATEGORIES = {"Asyl mv.", "Familiesammenføring", "EU/EØS", "Det øvrige opholdsområde"}


def text_lines() -> list[str]:
    return ["første linje", DANISH, "tredje linje: Ærø"]


@pytest.mark.parametrize(("encoding", "bom", "detected"), [
    ("latin-1", False, "latin-1"), ("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig")])
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_latin1_and_utf8_with_or_without_bom_give_the_same_text(tmp_path, encoding, bom,
                                                                 detected, eol):
    path = tmp_path / "f.txt"
    data = eol.join(text_lines()).encode(encoding)
    path.write_bytes(codecs.BOM_UTF8 + data if bom else data)
    text, enc = read_text(path)
    assert enc == detected
    assert text.split(eol) == text_lines()
    assert "\ufeff" not in text


def test_pure_ascii_is_fine(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"abc\n")
    assert detect_encoding(path) in ("utf-8", "latin-1")


def _cpr_body() -> list[str]:
    # æøå in fields *before* the dates: a wrong decoding would shift the date positions
    return [RECS[0], RECS[2], rec_002(PNR, convn="c/o Søren Ærø Ågård", moved_in="2016-01-01",
                                      address_text="Åbakken 22"),
            rec_023(PNR, convn="c/o Åse Ørum", moved_in="2012-01-01", moved_out="2016-01-01"),
            rec_other("008", PNR, "Værge: Søren Æbelø")]


@pytest.mark.parametrize(("encoding", "bom", "eol"), [
    ("latin-1", False, "\n"), ("utf-8", False, "\n"), ("utf-8", True, "\n"),
    ("latin-1", False, "\r\n"), ("utf-8", True, "\r\n")])
def test_cpr_file_in_any_accepted_encoding_parses_identically(tmp_path, encoding, bom, eol):
    lines = cpr_lines(_cpr_body())
    base = tmp_path / "base"
    base.mkdir()
    (base / "cpr_extract.txt").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    ref = parse_cpr(base / "cpr_extract.txt", {"5100"})
    path = tmp_path / "cpr_extract.txt"
    data = (eol.join(lines) + eol).encode(encoding)
    path.write_bytes(codecs.BOM_UTF8 + data if bom else data)
    x = parse_cpr(path, {"5100"})
    assert x.issues.quarantined == [] and x.issues.warnings == ref.issues.warnings
    for name in ("persons", "addresses", "migrations", "citizenships"):
        assert getattr(x, name).to_dict("records") == getattr(ref, name).to_dict("records")
    assert sorted(x.addresses["moved_in_date"].dt.date) == [dt.date(2012, 1, 1), dt.date(2016, 1, 1)]


@pytest.mark.parametrize(("encoding", "bom"), [("latin-1", False), ("utf-8", False),
                                               ("utf-8", True)])
def test_permit_categories_with_danish_letters_in_any_accepted_encoding(tmp_path, encoding,
                                                                        bom):
    rows = [permit_row(PNR, category=c) for c in sorted(CATEGORIES)]
    data = csv_text(PERMIT_HEADER, rows).encode(encoding)
    path = tmp_path / "residence_permits.csv"
    path.write_bytes(codecs.BOM_UTF8 + data if bom else data)
    x = parse_permits(path, CATEGORIES)
    assert x.issues.quarantined == []
    assert sorted(x.permits["category"]) == sorted(CATEGORIES)


# --- rejects ----------------------------------------------------------------------------------

def _cpr_bytes(encoding="latin-1") -> list[bytes]:
    return [ln.encode(encoding) for ln in cpr_lines(_cpr_body())]


@pytest.mark.parametrize("c1", [b"\x80", b"\x85", b"\x93", b"\x96", b"\x9f"])
def test_cp1252_c1_bytes_reject_naming_the_line(tmp_path, c1):
    lines = _cpr_bytes()
    lines[4] = lines[4].replace(b"c/o ", b"c/o " + c1, 1)   # line 5, e.g. a cp1252 quote
    path = tmp_path / "cpr_extract.txt"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(DeliveryError) as e:
        parse_cpr(path, {"5100"})
    assert (e.value.file, e.value.line) == ("cpr_extract.txt", 5)
    assert f"0x{c1[0]:02x}" in str(e.value) and "line 5" in str(e.value)
    assert_no_cpr(str(e.value), [PNR])


def test_real_cp1252_text_rejects(tmp_path):
    path = tmp_path / "residence_permits.csv"
    text = csv_text(PERMIT_HEADER, [permit_row(PNR, category="Familiesammenføring"),
                                    permit_row(PNR, category="“Asyl” – mv.")])
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(DeliveryError) as e:
        parse_permits(path, CATEGORIES)
    assert e.value.line == 3
    assert_no_cpr(str(e.value), [PNR])


def test_c1_control_character_in_utf8_text_rejects(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes("ok æøå\nbad \u0093quote\u0094\n".encode())
    with pytest.raises(DeliveryError) as e:
        read_text(path)
    assert e.value.line == 2


@pytest.mark.parametrize("utf8_first", [True, False])
def test_mixed_utf8_and_latin1_rejects(tmp_path, utf8_first):
    latin1, utf8 = _cpr_bytes("latin-1"), _cpr_bytes("utf-8")
    assert latin1[3] != utf8[3] and latin1[5] != utf8[5]
    if utf8_first:
        lines = utf8[:5] + latin1[5:]     # UTF-8 up to line 5, Latin-1 after
    else:
        lines = latin1[:5] + utf8[5:]     # Latin-1 up to line 5, UTF-8 after
    path = tmp_path / "cpr_extract.txt"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(DeliveryError) as e:
        parse_cpr(path, {"5100"})
    assert e.value.file == "cpr_extract.txt" and e.value.line is not None
    assert_no_cpr(str(e.value), [PNR])


@pytest.mark.parametrize("utf8_text", ["Ærø Ågård", "Søren Kierkegård, æøå"])
def test_latin1_text_followed_by_utf8_text_rejects(tmp_path, utf8_text):
    # "æøå" in UTF-8 (c3 a6 c3 b8 c3 a5) has no C1 byte: it is valid ISO-8859-1 ("Ã¦Ã¸Ã¥"),
    # so only the mix with the Latin-1 "ø" on line 1 can tell
    path = tmp_path / "f.txt"
    path.write_bytes("Søren\n".encode("latin-1") + f"{utf8_text}\n".encode())
    with pytest.raises(DeliveryError) as e:
        read_text(path)
    assert e.value.line is not None


def test_invalid_utf8_after_a_byte_order_mark_rejects(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Søren\n".encode() + "Ærø\n".encode("latin-1"))
    with pytest.raises(DeliveryError) as e:
        read_text(path)
    assert e.value.line == 2


@pytest.mark.parametrize("content", [b"", None])
def test_empty_or_missing_file_rejects(tmp_path, content):
    path = tmp_path / "cpr_extract.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DeliveryError) as e:
        read_text(path)
    assert e.value.file == "cpr_extract.txt"
