"""Tiny delivery builders for tests: CPR records padded to the exact P12170 layout positions of
spec extracts.md §1, plus minimal permits and DREAM CSV text.

Positions are written out here from the spec (1-based start/length), deliberately not imported
from the parser, so a layout mistake in the parser shows up as a failing test.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import numpy as np

from integration_pipeline.pseudonym import KeyIndex, keyer, person_key

WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
LENGTH = {"000": 35, "001": 106, "002": 306, "005": 200, "010": 30, "023": 96, "024": 218,
          "027": 44, "999": 21}


def mod11_ok(pnr: str) -> bool:
    return sum(w * int(d) for w, d in zip(WEIGHTS, pnr, strict=True)) % 11 == 0


def make_pnr(ddmmyy: str, d7: int, sex: str = "M", mod11: bool = True, nth: int = 0) -> str:
    """A PNR `DDMMYY` + century digit `d7` + three digits, with the sex parity of the last digit
    (odd = man) and passing (or, with mod11=False, failing) modulus 11. `nth` picks another
    number for the same inputs. The date part is not checked: impossible dates are allowed."""
    assert len(ddmmyy) == 6 and ddmmyy.isdigit()
    found = 0
    for rest in range(1000):
        pnr = f"{ddmmyy}{d7}{rest:03d}"
        if (int(pnr[9]) % 2 == 1) != (sex == "M") or mod11_ok(pnr) != mod11:
            continue
        if found == nth:
            return pnr
        found += 1
    raise ValueError("no such number")


def pnr_for(birth: dt.date, sex: str = "M", mod11: bool = True, nth: int = 0) -> str:
    """A valid PNR for a real birth date (century digit chosen by the spec's rules)."""
    if 1900 <= birth.year <= 1999:
        d7 = 2
    elif 2000 <= birth.year <= 2036:
        d7 = 4
    elif 1858 <= birth.year <= 1899 or 2037 <= birth.year <= 2057:
        d7 = 6
    else:
        raise ValueError(birth)
    return make_pnr(birth.strftime("%d%m%y"), d7, sex, mod11, nth)


def record(rec: str, fields: list[tuple[int, int, str]], length: int | None = None) -> str:
    """One fixed-width record: each (start, length, value) is left-aligned and space-padded into
    its slot; the line is padded to the record length (or `length`, to make it longer/shorter)."""
    full = LENGTH[rec]
    buf = [" "] * max(full, max((s - 1 + n for s, n, _ in fields), default=0))
    buf[0:3] = rec
    taken = set(range(3))
    for start, n, value in fields:
        value = "" if value is None else str(value)
        assert len(value) <= n, f"{rec}: {value!r} does not fit {start}/{n}"
        slot = set(range(start - 1, start - 1 + n))
        assert not slot & taken, f"{rec}: field {start}/{n} overlaps another field"
        taken |= slot
        buf[start - 1:start - 1 + len(value)] = value
    line = "".join(buf)
    if length is not None:
        line = line[:length] if length < len(line) else line.ljust(length)
    return line


def ts(date: str | dt.date | None) -> str:
    """'2016-03-01' -> CPR timestamp '201603010000' (blank for None/'')."""
    if not date:
        return ""
    return str(date).replace("-", "") + "0000"


def rec_000(proddto: str = "20170630", previous: str = "20170531",
            opgavenr: str = "123456") -> str:
    return record("000", [(4, 10, "0000000000"), (14, 6, opgavenr), (20, 8, proddto),
                          (28, 8, previous)])


def rec_001(pnr: str, *, pnrgaeld: str = "", status: str = "01",
            status_date: str = "2016-01-01", koen: str = "", foed_dt: str = "",
            foed_umrk: str = "", start_dt: str = "", slut_dt: str = "", stilling: str = "",
            length: int | None = None) -> str:
    return record("001", [(4, 10, pnr), (14, 10, pnrgaeld or pnr), (24, 2, status),
                          (26, 12, ts(status_date)), (39, 1, koen), (40, 10, foed_dt),
                          (50, 1, foed_umrk), (51, 10, start_dt), (62, 10, slut_dt),
                          (73, 34, stilling)], length)


def rec_002(pnr: str, *, komkod: str = "0151", moved_in: str = "2016-01-01",
            moved_to_municipality: str | None = None, from_komkod: str = "0000",
            from_date: str = "", convn: str = "", vejkod: str = "0123",
            address_text: str = "", length: int | None = None) -> str:
    mtm = moved_in if moved_to_municipality is None else moved_to_municipality
    return record("002", [(4, 10, pnr), (14, 4, komkod), (18, 4, vejkod), (22, 4, "012"),
                          (26, 2, "02"), (28, 4, "tv"), (36, 34, convn), (70, 12, ts(moved_in)),
                          (83, 12, ts(mtm)), (96, 4, from_komkod), (100, 12, ts(from_date)),
                          (113, 34, address_text)], length)


def rec_005(pnr: str, *, country: str = "5180", date: str = "2016-11-30",
            abroad: str = "") -> str:
    return record("005", [(4, 10, pnr), (14, 4, country), (18, 12, ts(date)),
                          (31, 34, abroad)])


def rec_010(pnr: str, *, country: str = "5100", since: str = "2016-01-01") -> str:
    return record("010", [(4, 10, pnr), (14, 4, country), (18, 12, ts(since))])


def rec_023(pnr: str, *, annkor: str = "", komkod: str = "0151", moved_in: str = "2014-01-01",
            moved_out: str = "2016-01-01", convn: str = "", length: int | None = None) -> str:
    return record("023", [(4, 10, pnr), (14, 1, annkor), (15, 4, komkod), (19, 4, "0456"),
                          (37, 34, convn), (71, 12, ts(moved_in)), (84, 12, ts(moved_out))],
                  length)


def rec_024(pnr: str, *, annkor: str = "", out_country: str = "", out_date: str = "",
            in_country: str = "", in_date: str = "") -> str:
    return record("024", [(4, 10, pnr), (14, 1, annkor), (15, 4, out_country),
                          (19, 12, ts(out_date)), (32, 4, in_country), (36, 12, ts(in_date)),
                          (49, 34, "Ulica Kwiatowa 3, Kraków")])


def rec_027(pnr: str, *, annkor: str = "", country: str = "5486", since: str = "2014-01-01",
            until: str = "2016-01-01") -> str:
    return record("027", [(4, 10, pnr), (14, 1, annkor), (15, 4, country),
                          (19, 12, ts(since)), (32, 12, ts(until))])


def rec_999(count: int) -> str:
    return record("999", [(4, 10, f"{count:010d}")])


def rec_other(rec: str, pnr: str, text: str = "", length: int = 60) -> str:
    """A record type the pipeline does not use (003, 008, 099, ...)."""
    return f"{rec}{pnr}{text}".ljust(length)


def person(birth: dt.date, sex: str = "M", *, nth: int = 0, mod11: bool = True,
           komkod: str = "0151", moved_in: str = "2016-01-01", citizenship: str = "5100",
           **kw_001) -> tuple[str, list[str]]:
    """A consistent person: (PNR, [001, 002, 010]) with KOEN and FOED_DT agreeing."""
    pnr = pnr_for(birth, sex, mod11, nth)
    return pnr, [rec_001(pnr, koen=sex, foed_dt=birth.isoformat(), **kw_001),
                 rec_002(pnr, komkod=komkod, moved_in=moved_in),
                 rec_010(pnr, country=citizenship, since=moved_in)]


def cpr_lines(body: list[str], *, proddto: str = "20170630",
              count: int | None = None, end: bool = True) -> list[str]:
    """000 + body + 999 (TAELLER = all records, 000 and 999 included, unless `count`)."""
    lines = [rec_000(proddto)] + list(body)
    if end:
        lines.append(rec_999(len(lines) + 1 if count is None else count))
    return lines


def encode(text: str, encoding: str = "latin-1", bom: bool = False) -> bytes:
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def write_cpr(path: Path, body: list[str], *, encoding: str = "latin-1", eol: str = "\n",
              bom: bool = False, **kw) -> Path:
    path = Path(path)
    path.write_bytes(encode(eol.join(cpr_lines(body, **kw)) + eol, encoding, bom))
    return path


# --- residence permits and DREAM --------------------------------------------------------------

PERMIT_HEADER = ["PNR", "TILLADELSESDATO", "KATEGORI", "GRUNDLAG", "FORKLAR", "STATSB"]


def permit_row(pnr: str, date: str = "2016-02-01", category: str = "Asyl mv.",
               grundlag: str = "11", forklar: str = "1101", statsb: str = "5486") -> list[str]:
    return [pnr, date, category, grundlag, forklar, statsb]


def csv_text(header: list[str], rows: list[list[str]], eol: str = "\n") -> str:
    return eol.join(";".join(r) for r in [header, *rows]) + eol


def dream_weeks(first: tuple[int, int], n: int) -> list[str]:
    """`n` consecutive ISO-week columns y_YYWW starting at (year, week)."""
    d = dt.date.fromisocalendar(*first, 1)
    cols = []
    for _ in range(n):
        y, w, _ = d.isocalendar()
        cols.append(f"y_{y % 100:02d}{w:02d}")
        d += dt.timedelta(weeks=1)
    return cols


def key_lookup(key: bytes, cpr) -> KeyIndex:
    """The load's PNR -> key index over the CPR numbers `cpr` (each its own person)."""
    cpr = list(cpr)
    return KeyIndex(np.array([int(p) for p in cpr], dtype=np.int64),
                    [person_key(key, p) for p in cpr], keyer(key))
