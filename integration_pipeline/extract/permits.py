"""Residence-permit extract parser (spec extracts.md §2): `residence_permits.csv` -> tidy frame.

Belongs here: column checks, date/category/PNR validation with quarantine. Not here: the
category -> residence group mapping (reference data `reference/permit_categories.csv`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .common import DeliveryError, Issues, read_text

FILE_NAME = "residence_permits.csv"
REQUIRED = ["PNR", "TILLADELSESDATO", "KATEGORI", "GRUNDLAG", "FORKLAR", "STATSB"]


@dataclass
class PermitsExtract:
    permits: pd.DataFrame  # still carries the raw `pnr`
    issues: Issues
    encoding: str
    rows_read: int


def _permit_dates(texts: set[str]) -> dict[str, dt.date | None]:
    """Each text -> its yyyy-MM-dd date, None if it is not one (one pandas call for all the
    distinct texts: a call per row costs ~0.1 ms)."""
    texts = sorted(texts)
    dates = pd.to_datetime(pd.Series(texts, dtype=object), format="%Y-%m-%d", errors="coerce")
    return {t: None if pd.isna(d) else d.date() for t, d in zip(texts, dates, strict=True)}


def parse_permits(path: Path, categories: set[str],
                  known_countries: set[str] | None = None) -> PermitsExtract:
    path = Path(path)
    text, encoding = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DeliveryError(path, "no header row") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DeliveryError(path, f"header lacks column(s) {', '.join(missing)}", line=1,
                            field=", ".join(missing))
    idx = {c: header.index(c) for c in REQUIRED}
    issues = Issues(source_file=path.name)
    records = []
    for row in reader:
        lineno = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise DeliveryError(path, f"row has {len(row)} fields, the header has {len(header)}"
                                " (file cut short or malformed)", line=lineno)
        records.append((lineno, {c: row[i].strip() for c, i in idx.items()}))
    permit_date = _permit_dates({rec["TILLADELSESDATO"] for _, rec in records})
    rows = []
    for lineno, rec in records:
        pnr = rec["PNR"]
        if not (len(pnr) == 10 and pnr.isdigit()):
            issues.quarantine(lineno, "permit", "pnr_invalid", "PNR", "PNR is not 10 digits")
            continue
        date = permit_date[rec["TILLADELSESDATO"]]
        if date is None:
            issues.quarantine(lineno, "permit", "bad_date", "TILLADELSESDATO",
                              f"{rec['TILLADELSESDATO']!r} is not a yyyy-MM-dd date", pnr=pnr)
            continue
        if rec["KATEGORI"] not in categories:
            issues.quarantine(lineno, "permit", "unknown_category", "KATEGORI",
                              f"unknown KATEGORI {rec['KATEGORI']!r}", pnr=pnr)
            continue
        ints = {}
        for col in ("GRUNDLAG", "FORKLAR"):
            v = rec[col]
            ints[col] = int(v) if v.lstrip("-").isdigit() else None
            if v and ints[col] is None:
                issues.warn(lineno, "permit", "not_integer", col, f"{v!r} is not an integer",
                            pnr=pnr)
        statsb = rec["STATSB"] or None
        if statsb and known_countries is not None and statsb not in known_countries:
            issues.warn(lineno, "permit", "unknown_country", "STATSB",
                        f"country code {statsb} is not in the CPR country table", pnr=pnr)
        rows.append(dict(source_line=lineno, pnr=pnr, permit_date=date,
                         category=rec["KATEGORI"], grundlag=ints["GRUNDLAG"],
                         forklar=ints["FORKLAR"], citizenship_code=statsb))
    df = pd.DataFrame(rows, columns=["source_line", "pnr", "permit_date", "category",
                                     "grundlag", "forklar", "citizenship_code"])
    df = df.astype({"grundlag": "Int64", "forklar": "Int64"})
    return PermitsExtract(permits=df, issues=issues, encoding=encoding, rows_read=len(records))
