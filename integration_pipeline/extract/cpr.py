"""CPR extract parser: fixed-width P12170 subset (spec extracts.md §1) -> tidy frames.

Belongs here: record layouts, PNR rules (century, sex, modulus 11), record-level validation
(reject / quarantine / warn as the spec's "Bad input" table says) and the split into persons,
addresses, migrations and citizenships. Not here: pseudonymisation (`pseudonym`), spells and
cohorts (SQL in `sql/`), anything that writes.

Everything that touches every record is set-based (numpy over the file's bytes): line
splitting, record types, field slicing, date parsing and the PNR rules (date part, century,
sex, modulus 11). Python loops run only over the records that get a quarantine or warning entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .common import DeliveryError, Issues, detect_encoding, read_bytes

FILE_NAME = "cpr_extract.txt"

# record type -> (record length, [(field, start, length)]); positions are 1-based.
LAYOUT: dict[str, tuple[int, list[tuple[str, int, int]]]] = {
    "000": (35, [("sortfelt", 4, 10), ("opgavenr", 14, 6), ("proddto", 20, 8),
                 ("proddtoforrig", 28, 8)]),
    "001": (106, [("pnr", 4, 10), ("pnrgaeld", 14, 10), ("status", 24, 2),
                  ("statushaenstart", 26, 12), ("statusdto_umrk", 38, 1), ("koen", 39, 1),
                  ("foed_dt", 40, 10), ("foed_dt_umrk", 50, 1), ("start_dt", 51, 10),
                  ("start_dt_umrk", 61, 1), ("slut_dt", 62, 10), ("slut_dt_umrk", 72, 1),
                  ("stilling", 73, 34)]),
    "002": (306, [("pnr", 4, 10), ("komkod", 14, 4), ("vejkod", 18, 4), ("husnr", 22, 4),
                  ("etage", 26, 2), ("sidedoer", 28, 4), ("bnr", 32, 4),
                  ("tilflydto", 70, 12), ("tilflydt_umrk", 82, 1), ("tilflykomdto", 83, 12),
                  ("tilflykomdt_umrk", 95, 1), ("fraflykomkod", 96, 4),
                  ("fraflykomdto", 100, 12), ("fraflykomdt_umrk", 112, 1)]),
    "005": (200, [("pnr", 4, 10), ("udr_landekod", 14, 4), ("udrdto", 18, 12),
                  ("udrdto_umrk", 30, 1)]),
    "010": (30, [("pnr", 4, 10), ("landekod", 14, 4), ("haenstart", 18, 12), ("umrk", 30, 1)]),
    "023": (96, [("pnr", 4, 10), ("annkor", 14, 1), ("komkod", 15, 4), ("vejkod", 19, 4),
                 ("husnr", 23, 4), ("etage", 27, 2), ("sidedoer", 29, 4), ("bnr", 33, 4),
                 ("tilflydto", 71, 12), ("tilflydt_umrk", 83, 1), ("fraflydto", 84, 12),
                 ("fraflydto_umrk", 96, 1)]),
    "024": (218, [("pnr", 4, 10), ("annkor", 14, 1), ("udr_landekod", 15, 4),
                  ("udrdto", 19, 12), ("udrdto_umrk", 31, 1), ("indr_landekod", 32, 4),
                  ("indrdto", 36, 12), ("indrdto_umrk", 48, 1)]),
    "027": (44, [("pnr", 4, 10), ("annkor", 14, 1), ("landekod", 15, 4), ("haenstart", 19, 12),
                 ("haenstart_umrk", 31, 1), ("haenslut", 32, 12), ("haenslut_umrk", 44, 1)]),
    "999": (21, [("taeller", 4, 10)]),
}
# the fields the pipeline reads (the others are never materialised) and the date fields' formats
USED_FIELDS: dict[str, set[str]] = {
    "001": {"pnr", "pnrgaeld", "status", "statushaenstart", "koen", "foed_dt", "foed_dt_umrk",
            "start_dt", "slut_dt"},
    "002": {"pnr", "komkod", "vejkod", "tilflydto", "tilflykomdto", "fraflykomkod",
            "fraflykomdto"},
    "005": {"pnr", "udr_landekod", "udrdto"},
    "010": {"pnr", "landekod", "haenstart"},
    "023": {"pnr", "annkor", "komkod", "vejkod", "tilflydto", "fraflydto"},
    "024": {"pnr", "annkor", "udr_landekod", "udrdto", "indr_landekod", "indrdto"},
    "027": {"pnr", "annkor", "landekod", "haenstart", "haenslut"},
}
DATE_FIELDS = {"statushaenstart": "timestamp", "foed_dt": "date", "start_dt": "date",
               "slut_dt": "date", "tilflydto": "timestamp", "tilflykomdto": "timestamp",
               "fraflykomdto": "timestamp", "fraflydto": "timestamp", "udrdto": "timestamp",
               "indrdto": "timestamp", "haenstart": "timestamp", "haenslut": "timestamp"}
DROPPED_STATUSES = {"30": "annulled", "50": "deleted (double number)"}
MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


@dataclass
class CprExtract:
    """Everything parsed from one CPR extract. Frames still carry the raw `pnr`."""

    extract_date: dt.date
    previous_extract_date: dt.date | None
    task_number: str
    encoding: str
    persons: pd.DataFrame
    addresses: pd.DataFrame
    migrations: pd.DataFrame
    citizenships: pd.DataFrame
    issues: Issues
    record_counts: dict[str, int] = field(default_factory=dict)
    skipped_record_types: dict[str, int] = field(default_factory=dict)
    dropped_persons: dict[str, int] = field(default_factory=dict)
    ignored_history_rows: int = 0
    renumbered: dict[str, str] = field(default_factory=dict)  # superseded old PNR -> current

    def pnr_to_current(self) -> dict[str, str]:
        """Every number seen for a kept person (old and current) -> the current number."""
        m = dict(zip(self.persons["pnr"], self.persons["pnr_current"], strict=True))
        m.update({c: c for c in self.persons["pnr_current"]})
        kept = set(self.persons["pnr_current"])
        m.update({old: new for old, new in self.renumbered.items() if new in kept})
        return m


# --- PNR rules -------------------------------------------------------------------------------

def pnr_birth_date(pnr: str) -> dt.date | None:
    """Birth date encoded in a 10-digit PNR (century from digit 7), or None if not a real date."""
    if len(pnr) != 10 or not pnr.isdigit():
        return None
    dd, mm, yy, d7 = int(pnr[0:2]), int(pnr[2:4]), int(pnr[4:6]), int(pnr[6])
    if d7 <= 3:
        century = 1900
    elif d7 in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    try:
        return dt.date(century + yy, mm, dd)
    except ValueError:
        return None


def pnr_sex(pnr: str) -> str:
    """'M' for an odd last digit, 'K' for an even one."""
    return "M" if int(pnr[9]) % 2 else "K"


def pnr_mod11_ok(pnr: str) -> bool:
    return sum(int(c) * w for c, w in zip(pnr, MOD11_WEIGHTS, strict=True)) % 11 == 0


def _pnr_matrix(pnrs: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(n, 10) digit matrix of the PNRs and a mask of those that are 10 digits."""
    m = _bytes_matrix(pnrs, 10).astype(np.int64) - 48
    return m, ((m >= 0) & (m <= 9)).all(axis=1)


def pnr_birth_dates(pnrs: pd.Series) -> np.ndarray:
    """Vectorised `pnr_birth_date`: datetime64[D], NaT where the date part is not a real date."""
    m, ok = _pnr_matrix(pnrs)
    dd, mm, yy, d7 = m[:, 0] * 10 + m[:, 1], m[:, 2] * 10 + m[:, 3], m[:, 4] * 10 + m[:, 5], m[:, 6]
    century = np.where(d7 <= 3, 1900,
                       np.where((d7 == 4) | (d7 == 9), np.where(yy <= 36, 2000, 1900),
                                np.where(yy <= 57, 2000, 1800)))
    return _make_dates(century + yy, mm, dd, ok)


def pnr_sexes(pnrs: pd.Series) -> np.ndarray:
    m, _ = _pnr_matrix(pnrs)
    return np.where(m[:, 9] % 2 == 1, "M", "K").astype(object)


def pnr_mod11(pnrs: pd.Series) -> np.ndarray:
    m, ok = _pnr_matrix(pnrs)
    return ok & ((m @ np.array(MOD11_WEIGHTS)) % 11 == 0)


# --- parsing ---------------------------------------------------------------------------------

def _bytes_matrix(s: pd.Series, width: int) -> np.ndarray:
    """(n, width) uint8 matrix of a string column, NUL-padded (None -> all NUL). Characters
    outside ISO-8859-1 become '?' (they are never valid in the fields parsed here)."""
    values = s.to_numpy(dtype=object, na_value="")
    try:
        fixed = values.astype(f"S{width}")
    except UnicodeEncodeError:
        fixed = np.array([v.encode("latin-1", errors="replace")[:width] for v in values],
                         dtype=f"S{width}")
    return np.frombuffer(fixed.tobytes(), np.uint8).reshape(len(values), width)


def _make_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """datetime64[D] of (y, m, d); NaT where not ok or not a real date."""
    ok = ok & (m >= 1) & (m <= 12) & (d >= 1) & (y >= 1) & (y <= 9999)
    month = (np.where(ok, y, 1970) - 1970) * 12 + np.where(ok, m, 1) - 1
    first = month.astype("datetime64[M]").astype("datetime64[D]")
    days = ((month + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(np.int64)
    ok &= d <= days
    return np.where(ok, first + (np.where(ok, d, 1) - 1).astype("timedelta64[D]"),
                    np.datetime64("NaT"))


def _parse_date_bytes(b: np.ndarray, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[D] dates, NaT when blank or bad; mask of non-blank values that failed) of an
    (n, width) uint8 matrix of NUL-padded field bytes; a value longer than the format's width
    fails.

    `timestamp`: `yyyyMMddHHmm`, 12 digits, only the date part used; `date`: `yyyy-MM-dd`."""
    width = 12 if fmt == "timestamp" else 10
    if b.shape[1] < width + 1:
        b = np.pad(b, ((0, 0), (0, width + 1 - b.shape[1])))
    longer = (b[:, width:] != 0).any(axis=1)
    b = b[:, :width]
    blank = ((b == 32) | (b == 0)).all(axis=1) & ~longer
    digit = (b >= 48) & (b <= 57)
    n = b.astype(np.int64) - 48
    if fmt == "timestamp":
        shape = digit.all(axis=1)
        y, m, d = (n[:, 0] * 1000 + n[:, 1] * 100 + n[:, 2] * 10 + n[:, 3],
                   n[:, 4] * 10 + n[:, 5], n[:, 6] * 10 + n[:, 7])
    else:
        shape = digit[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & (b[:, 4] == 45) & (b[:, 7] == 45)
        y, m, d = (n[:, 0] * 1000 + n[:, 1] * 100 + n[:, 2] * 10 + n[:, 3],
                   n[:, 5] * 10 + n[:, 6], n[:, 8] * 10 + n[:, 9])
    dates = _make_dates(y, m, d, shape & ~longer).astype("datetime64[D]")
    return dates, ~blank & np.isnat(dates)


def _date_objects(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] -> object array of `datetime.date` (None for NaT); equal dates share one
    object (a date object per row costs ~50 bytes, there are few distinct dates)."""
    u, inv = np.unique(dates.astype("datetime64[D]"), return_inverse=True)
    return u.astype(object)[inv.ravel()]


def _texts(raw: np.ndarray, strip: bool = False, canon: dict[str, str] | None = None,
           ) -> np.ndarray:
    """`S` byte strings -> object array of ISO-8859-1 `str` (trailing NULs dropped, as numpy
    does); equal values share one object (`canon` shares them across calls)."""
    if len(raw) == 0:
        return np.empty(0, dtype=object)
    u, inv = np.unique(raw, return_inverse=True)
    vals = [v.decode("latin-1") for v in u.tolist()]
    if strip:
        vals = [v.strip() for v in vals]
    if canon is not None:
        vals = [canon.setdefault(v, v) for v in vals]
    obj = np.empty(len(vals), dtype=object)
    obj[:] = vals
    return obj[inv.ravel()]


@dataclass
class _Lines:
    """The file's lines as offsets into one byte buffer (ISO-8859-1: one byte per character)."""

    buf: np.ndarray        # uint8
    start: np.ndarray      # offset of each line
    length: np.ndarray     # characters, without the line end
    lineno: np.ndarray     # 1-based
    rec: np.ndarray        # record type (first 3 bytes), `S3`

    def take(self, mask: np.ndarray) -> _Lines:
        return _Lines(self.buf, self.start[mask], self.length[mask], self.lineno[mask],
                      self.rec[mask])

    def __len__(self) -> int:
        return len(self.start)

    def rec_text(self, i: int) -> str:
        """Record type of line `i` as text: its first 3 characters (trailing NULs dropped), or
        all of it when it is shorter."""
        a, n = self.start[i], self.length[i]
        t = self.buf[a:a + min(n, 3)].tobytes().decode("latin-1")
        return t.rstrip("\x00") if n >= 3 else t

    def record_counts(self) -> dict[str, int]:
        """Records per record type (trailing NULs dropped), sorted by type."""
        types, n = np.unique(self.rec, return_counts=True)
        return {t.decode("latin-1"): int(k) for t, k in zip(types.tolist(), n, strict=True)}

    def text(self, i: int) -> str:
        a = self.start[i]
        return self.buf[a:a + self.length[i]].tobytes().decode("latin-1")

    def field(self, start: int, n: int) -> np.ndarray:
        """(lines, n) bytes at the 1-based position `start` (lines must be long enough)."""
        if len(self.start) == 0:
            return np.zeros((0, n), np.uint8)
        windows = np.lib.stride_tricks.sliding_window_view(self.buf, n)
        return windows[self.start + (start - 1)]


def _split_lines(path: Path) -> tuple[_Lines, str]:
    """Non-blank lines of the file with their line numbers; (lines, encoding). A UTF-8 file is
    re-encoded to ISO-8859-1 first so that positions count characters."""
    data = read_bytes(path)
    encoding = detect_encoding(path, data)
    if encoding != "latin-1":
        data = data.decode(encoding).encode("latin-1", errors="replace")
    buf = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(buf == 10)
    if len(buf) and buf[-1] != 10:
        ends = np.append(ends, len(buf))
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
    ends = ends.astype(np.int64)
    cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
    length = ends - starts - cr
    lineno = np.arange(1, len(starts) + 1)
    # a line is blank when it holds only whitespace; records start with a digit, so only lines
    # that are empty or start with whitespace need a closer look
    first = buf[np.minimum(starts, max(len(buf) - 1, 0))] if len(buf) else np.zeros(0, np.uint8)
    maybe = np.flatnonzero((length == 0) | np.isin(first, list(b" \t\r\x0b\x0c")))
    keep = np.ones(len(starts), dtype=bool)
    keep[maybe] = [bool(buf[starts[i]:starts[i] + length[i]].tobytes().strip())
                   for i in maybe]
    starts, length, lineno = starts[keep], length[keep], lineno[keep]
    first3 = buf[np.minimum(starts[:, None] + np.arange(3), len(buf) - 1)]
    rec = first3.astype(np.uint8).copy().view("S3").ravel()
    del first3
    short = length < 3
    if short.any():   # a record type cut short: the characters there are
        rec[short] = [buf[a:a + n].tobytes() for a, n in zip(starts[short], length[short],
                                                              strict=True)]
    return _Lines(buf, starts, length, lineno, rec), encoding


def _slice(lines: _Lines, rec: str, canon: dict[str, str]) -> pd.DataFrame:
    """The used fields of every full-length record of type `rec`: text columns (`pnr` stripped,
    its strings shared through `canon`); a date field `f` as `f` (`datetime.date` objects, None
    when blank or bad), `f__bad` (not blank and not a valid date) and `f__text` (the field's
    text where bad, else None)."""
    length, fields = LAYOUT[rec]
    sel = lines.take((lines.rec == rec.encode()) & (lines.length >= length))
    out: dict[str, np.ndarray] = {"lineno": sel.lineno}
    for name, start, n in fields:
        if name not in USED_FIELDS[rec]:
            continue
        b = sel.field(start, n)
        if name in DATE_FIELDS:
            dates, bad = _parse_date_bytes(b, DATE_FIELDS[name])
            text = np.full(len(bad), None, dtype=object)
            text[bad] = _texts(b[bad].copy().view(f"S{n}").ravel())
            out[name], out[name + "__bad"], out[name + "__text"] = _date_objects(dates), bad, text
        elif name == "pnr":
            out[name] = _texts(b.copy().view(f"S{n}").ravel(), strip=True, canon=canon)
        else:
            out[name] = _texts(b.copy().view(f"S{n}").ravel())
        del b
    return pd.DataFrame(out)


def parse_cpr(path: Path, known_countries: set[str] | None = None) -> CprExtract:
    """Parse `cpr_extract.txt`. Raises DeliveryError when the file must be rejected."""
    path = Path(path)
    lines, encoding = _split_lines(path)
    issues = Issues(source_file=path.name)

    # structure: 000 first, 999 last, TAELLER = records counted (000 and 999 included)
    if len(lines) == 0 or lines.rec_text(0) != "000":
        raise DeliveryError(path, "the first record is not a 000 start record", line=1,
                            field="record type")
    last_line, last_no = lines.text(len(lines) - 1), int(lines.lineno[-1])
    if lines.rec_text(len(lines) - 1) != "999":
        raise DeliveryError(path, "no 999 end record: the file is truncated "
                            f"(last record is type {lines.rec_text(len(lines) - 1)!r})",
                            line=last_no)
    taeller_raw = last_line[3:13].strip()
    if not taeller_raw.isdigit():
        raise DeliveryError(path, f"999 TAELLER {taeller_raw!r} is not a number",
                            line=last_no, field="TAELLER")
    if int(taeller_raw) != len(lines):
        raise DeliveryError(path, f"999 TAELLER says {int(taeller_raw)} records, the file has "
                            f"{len(lines)}: records are missing or added",
                            line=last_no, field="TAELLER")
    header = lines.text(0)
    if len(header) < LAYOUT["000"][0]:
        raise DeliveryError(path, "000 start record is shorter than its layout (35)", line=1)
    try:
        extract_date = dt.datetime.strptime(header[19:27], "%Y%m%d").date()
    except ValueError:
        raise DeliveryError(path, f"PRODDTO {header[19:27]!r} is not a yyyyMMdd date", line=1,
                            field="PRODDTO") from None
    prev = header[27:35].strip()
    try:
        previous = dt.datetime.strptime(prev, "%Y%m%d").date() if prev else None
    except ValueError:
        previous = None

    counts = lines.record_counts()
    skipped = {r: n for r, n in counts.items() if r not in LAYOUT}
    for rec, n in sorted(skipped.items()):
        issues.warn(None, rec, "unknown_record_type", "record type",
                    f"{n} record(s) of type {rec} skipped (not used by the pipeline)")

    _quarantine_short(lines, issues)
    canon: dict[str, str] = {}
    frames = {rec: _slice(lines, rec, canon)
              for rec in ("001", "002", "005", "010", "023", "024", "027")}
    del lines, canon   # the file's bytes are not needed any more

    persons, bad_pnrs, dropped = _persons(frames["001"], issues)
    # an old number whose current number has its own 001 record still denotes that person
    f001 = frames["001"]
    changed = f001["pnr"].map(dropped).eq("60")
    renumbered = dict(zip(f001.loc[changed, "pnr"], f001.loc[changed, "pnrgaeld"].str.strip(),
                          strict=True))
    # records of quarantined/dropped persons, and records with no 001, leave with them
    kept = set(persons["pnr"])
    for rec in ("002", "005", "010", "023", "024", "027"):
        df = frames[rec]
        orphan = ~df["pnr"].isin(kept)
        for row in df[orphan].itertuples():
            if row.pnr in dropped:
                continue
            reason = ("PNR quarantined on its 001 record" if row.pnr in bad_pnrs
                      else "no valid 001 person record for this PNR")
            issues.quarantine(row.lineno, rec, "orphan_record", "PNR", reason, pnr=row.pnr)
        frames[rec] = df[~orphan]

    ignored = 0
    for rec in ("023", "024", "027"):
        df = frames[rec]
        annkor = df["annkor"].str.strip()
        ignored += int(annkor.isin(["A", "K"]).sum())
        for r in df[~annkor.isin(["", "A", "K"])].itertuples():
            issues.quarantine(r.lineno, rec, "unknown_annkor", "ANNKOR",
                              f"ANNKOR {r.annkor!r} is not blank, A or K", pnr=r.pnr)
        frames[rec] = df[annkor == ""]

    del f001
    addresses = _addresses(frames.pop("002"), frames.pop("023"), issues, extract_date)
    migrations = _migrations(frames.pop("005"), frames.pop("024"), issues, known_countries)
    citizenships = _citizenships(frames.pop("010"), frames.pop("027"), issues, known_countries)

    return CprExtract(
        extract_date=extract_date, previous_extract_date=previous,
        task_number=header[13:19].strip(), encoding=encoding, persons=persons,
        addresses=addresses, migrations=migrations, citizenships=citizenships, issues=issues,
        record_counts=counts, skipped_record_types=skipped,
        dropped_persons=_count_dropped(dropped), ignored_history_rows=ignored,
        renumbered=renumbered)


def _quarantine_short(lines: _Lines, issues: Issues) -> None:
    """A known record (not 000/999) shorter than its layout is quarantined."""
    need = np.zeros(len(lines), np.int64)
    for r, (n, _) in LAYOUT.items():
        if r not in ("000", "999"):
            need[lines.rec == r.encode()] = n
    for i in np.flatnonzero(lines.length < need):
        line = lines.text(i)
        rec = lines.rec_text(i)
        issues.quarantine(int(lines.lineno[i]), rec, "short_record", "record length",
                          f"record {rec} has {len(line)} characters, its layout "
                          f"needs {LAYOUT[rec][0]}", pnr=line[3:13].strip() or None)


def _count_dropped(dropped: dict[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for status in dropped.values():
        out[status] = out.get(status, 0) + 1
    return out


def _persons(df: pd.DataFrame, issues: Issues) -> tuple[pd.DataFrame, set[str], dict[str, str]]:
    bad: set[str] = set()
    born = pnr_birth_dates(df["pnr"])
    invalid = np.isnat(born)
    for r in df[invalid].itertuples():
        issues.quarantine(r.lineno, "001", "pnr_invalid_date", "PNR",
                          "the PNR's date part (DDMMYY with the century digit) is not a real "
                          "date", pnr=r.pnr)
        bad.add(r.pnr)
    status = df["status"].str.strip()
    drop = ~invalid & status.isin(list(DROPPED_STATUSES))
    dropped: dict[str, str] = dict(zip(df.loc[drop, "pnr"], status[drop], strict=True))
    keep = ~invalid & ~drop
    p = df[keep].assign(status=status[keep], born_pnr=_date_objects(born[keep]),
                        koen=df.loc[keep, "koen"].str.strip())
    current = p["pnrgaeld"].str.strip()
    current = current.where(current != "", p["pnr"])
    other = current != p["pnr"]
    bad_current = other.copy()
    bad_current[other] = np.isnat(pnr_birth_dates(current[other]))
    for r in p[bad_current].itertuples():
        issues.warn(r.lineno, "001", "pnrgaeld_invalid", "PNRGAELD",
                    "current number is not a valid PNR; the record's PNR is used", pnr=r.pnr)
    p["pnr_current"] = current.where(~bad_current, p["pnr"])
    p = p[["lineno", "pnr", "pnr_current", "status", "statushaenstart", "statushaenstart__bad",
           "koen", "foed_dt", "foed_dt__bad", "foed_dt_umrk", "start_dt", "start_dt__bad",
           "slut_dt", "slut_dt__bad", "born_pnr"]].reset_index(drop=True)
    status_date, bad_sd = p["statushaenstart"], p["statushaenstart__bad"]
    birth, bad_birth = p["foed_dt"], p["foed_dt__bad"]
    start, bad_start = p["start_dt"], p["start_dt__bad"]
    end, bad_end = p["slut_dt"], p["slut_dt__bad"]
    for mask, fld in ((bad_sd, "STATUSHAENSTART"), (bad_birth, "FOED_DT"),
                      (bad_start, "START_DT-PERSON"), (bad_end, "SLUT_DT-PERSON")):
        for r in p[mask].itertuples():
            issues.quarantine(r.lineno, "001", "bad_date", fld, "not a valid date", pnr=r.pnr)
            bad.add(r.pnr)
    p = p.assign(status_date=status_date, birth_date_rec=birth, start_date=start, end_date=end)
    p = p[~p["pnr"].isin(bad)].copy()

    sex_pnr = pd.Series(pnr_sexes(p["pnr"]), index=p.index)
    koen_ok = p["koen"].isin(["M", "K"])
    for r in p[~koen_ok & (p["koen"] != "")].itertuples():
        issues.warn(r.lineno, "001", "koen_invalid", "KOEN",
                    f"KOEN {r.koen!r} is not M/K; sex taken from the PNR", pnr=r.pnr)
    p["sex"] = p["koen"].where(koen_ok, sex_pnr)
    for r in p[koen_ok & (p["koen"] != sex_pnr)].itertuples():
        issues.warn(r.lineno, "001", "koen_disagrees", "KOEN",
                    "KOEN disagrees with the PNR's last digit; KOEN is used", pnr=r.pnr)
    has_birth = p["birth_date_rec"].notna()
    for r in p[has_birth & (p["birth_date_rec"] != p["born_pnr"])].itertuples():
        issues.warn(r.lineno, "001", "foed_dt_disagrees", "FOED_DT",
                    "FOED_DT disagrees with the PNR's date part; FOED_DT is used", pnr=r.pnr)
    p["birth_date"] = p["birth_date_rec"].where(has_birth, p["born_pnr"])
    p["is_birth_date_uncertain"] = p["foed_dt_umrk"].str.strip() == "*"
    p["is_mod11_valid"] = pnr_mod11(p["pnr"])
    for r in p[~p["is_mod11_valid"]].itertuples():
        issues.warn(r.lineno, "001", "mod11_failed", "PNR",
                    "PNR fails the modulus-11 check (allowed for numbers issued since "
                    "2007-10-01)", pnr=r.pnr)
    # A changed number (status 60) whose current number has its own 001 record: that record
    # is the person; the old one is dropped so each person appears once.
    own = set(p["pnr"])
    superseded = (p["pnr_current"] != p["pnr"]) & p["pnr_current"].isin(own)
    for pnr in p.loc[superseded, "pnr"]:
        dropped[pnr] = "60"
    p = p[~superseded]
    dup = p["pnr"].duplicated(keep="first")
    for r in p[dup].itertuples():
        issues.quarantine(r.lineno, "001", "duplicate_person", "PNR",
                          "a second 001 record for the same PNR", pnr=r.pnr)
    p = p[~dup]
    # two old numbers pointing to one current number that has no 001 of its own: one person
    same = p["pnr_current"].duplicated(keep="first")
    for r in p[same].itertuples():
        issues.warn(r.lineno, "001", "merged_changed_number", "PNRGAELD",
                    "another 001 record has the same current number; merged into it",
                    pnr=r.pnr)
        dropped[r.pnr] = "60"
    p = p[~same]
    return (p[["lineno", "pnr", "pnr_current", "status", "status_date", "sex", "birth_date",
               "is_birth_date_uncertain", "is_mod11_valid", "start_date", "end_date"]]
            .rename(columns={"lineno": "source_line"}).reset_index(drop=True), bad, dropped)


def _dates(df: pd.DataFrame, specs: list[tuple[str, str, str]], rec: str, issues: Issues,
           ) -> pd.DataFrame:
    """Date columns (parsed by `_slice`); a record with an unparseable date is quarantined."""
    bad_any = np.zeros(len(df), dtype=bool)
    for col, _fmt, name in specs:
        bad = df[col + "__bad"].to_numpy()
        for line, text, pnr in zip(df["lineno"].to_numpy()[bad].tolist(),
                                   df[col + "__text"].to_numpy()[bad].tolist(),
                                   df["pnr"].to_numpy()[bad].tolist(), strict=True):
            issues.quarantine(line, rec, "bad_date", name, f"{text!r} is not a valid date",
                              pnr=pnr)
        bad_any |= bad
    return df[~bad_any].copy()


def _addresses(cur: pd.DataFrame, hist: pd.DataFrame, issues: Issues,
               extract_date: dt.date) -> pd.DataFrame:
    cur = _dates(cur, [("tilflydto", "timestamp", "TILFLYDTO"),
                       ("tilflykomdto", "timestamp", "TILFLYKOMDTO"),
                       ("fraflykomdto", "timestamp", "FRAFLYKOMDTO")], "002", issues)
    hist = _dates(hist, [("tilflydto", "timestamp", "TILFLYDTO"),
                         ("fraflydto", "timestamp", "FRAFLYDTO")], "023", issues)
    fra = cur["fraflykomkod"].str.strip()
    a = pd.concat([
        pd.DataFrame({"source_line": cur["lineno"], "pnr": cur["pnr"], "record_type": "002",
                      "municipality_code": cur["komkod"], "road_code": _blank_to_none(cur["vejkod"]),
                      "moved_in_date": cur["tilflydto"], "moved_out_date": None,
                      "moved_to_municipality_date": cur["tilflykomdto"],
                      "from_municipality_code": fra.where(~fra.isin(["", "0000"]), None),
                      "from_municipality_date": cur["fraflykomdto"]}),
        pd.DataFrame({"source_line": hist["lineno"], "pnr": hist["pnr"], "record_type": "023",
                      "municipality_code": hist["komkod"],
                      "road_code": _blank_to_none(hist["vejkod"]),
                      "moved_in_date": hist["tilflydto"], "moved_out_date": hist["fraflydto"],
                      "moved_to_municipality_date": None, "from_municipality_code": None,
                      "from_municipality_date": None}),
    ], ignore_index=True)
    for r in a[a["moved_in_date"].isna()].itertuples():
        issues.quarantine(r.source_line, r.record_type, "missing_date", "TILFLYDTO",
                          "address without a move-in date", pnr=r.pnr)
    a = a[a["moved_in_date"].notna()]
    late = (a["moved_in_date"] > extract_date) | (a["moved_out_date"].notna()
                                                  & (a["moved_out_date"] > extract_date))
    for r in a[late].itertuples():
        issues.warn(r.source_line, r.record_type, "date_after_extract", "TILFLYDTO/FRAFLYDTO",
                    f"address date after the extract date {extract_date}", pnr=r.pnr)
    backwards = a["moved_out_date"].notna() & (a["moved_out_date"] < a["moved_in_date"])
    for r in a[backwards].itertuples():
        issues.quarantine(r.source_line, r.record_type, "moved_out_before_in", "FRAFLYDTO",
                          "FRAFLYDTO is before TILFLYDTO", pnr=r.pnr)
    a = a[~backwards]
    a = a.sort_values(["pnr", "moved_in_date", "source_line"]).reset_index(drop=True)
    # an address that starts before the previous one ended: both are kept (spells follow the
    # move-in order), the later record is flagged
    same_person = a["pnr"].eq(a["pnr"].shift())
    prev_out = a["moved_out_date"].shift()
    overlap = same_person & prev_out.notna() & (a["moved_in_date"] < prev_out)
    for r in a[overlap].itertuples():
        issues.warn(r.source_line, r.record_type, "overlapping_address", "TILFLYDTO",
                    "address starts before the previous address ended (overlapping "
                    "address history)", pnr=r.pnr)
    return a


def _check_country(df: pd.DataFrame, col: str, rec: str, name: str, issues: Issues,
                   known: set[str] | None) -> None:
    if known is None:
        return
    codes = df[col].dropna()
    for idx in codes[~codes.isin(known)].index:
        issues.warn(int(df.at[idx, "source_line"]), rec, "unknown_country", name,
                    f"country code {df.at[idx, col]} is not in the CPR country table; "
                    "reported as unknown", pnr=df.at[idx, "pnr"])


def _blank_to_none(s: pd.Series) -> pd.Series:
    s = s.str.strip()
    return s.where(s != "", None)


def _migrations(cur: pd.DataFrame, hist: pd.DataFrame, issues: Issues,
                known: set[str] | None) -> pd.DataFrame:
    cur = _dates(cur, [("udrdto", "timestamp", "UDRDTO")], "005", issues)
    hist = _dates(hist, [("udrdto", "timestamp", "UDRDTO"), ("indrdto", "timestamp", "INDRDTO")],
                  "024", issues)
    h = pd.DataFrame({"source_line": hist["lineno"], "pnr": hist["pnr"], "record_type": "024",
                      "emigration_country_code": _blank_to_none(hist["udr_landekod"]),
                      "emigration_date": hist["udrdto"],
                      "immigration_country_code": _blank_to_none(hist["indr_landekod"]),
                      "immigration_date": hist["indrdto"]})
    has_out = h["emigration_date"].notna()
    has_in = h["immigration_date"].notna()
    h["migration_type"] = "emigration"
    h.loc[has_in & ~has_out, "migration_type"] = "first_immigration"
    h.loc[has_in & has_out, "migration_type"] = "emigration_reentry"
    for r in h[~has_out & ~has_in].itertuples():
        issues.quarantine(r.source_line, "024", "missing_date", "UDRDTO/INDRDTO",
                          "024 record with neither an emigration nor an immigration date",
                          pnr=r.pnr)
    h = h[has_out | has_in]
    c = pd.DataFrame({"source_line": cur["lineno"], "pnr": cur["pnr"], "record_type": "005",
                      "emigration_country_code": _blank_to_none(cur["udr_landekod"]),
                      "emigration_date": cur["udrdto"], "immigration_country_code": None,
                      "immigration_date": None, "migration_type": "current_emigration"})
    m = pd.concat([h, c], ignore_index=True)
    _check_country(m, "emigration_country_code", "024/005", "UDR_LANDEKOD", issues, known)
    _check_country(m, "immigration_country_code", "024", "INDR_LANDEKOD", issues, known)
    return m.sort_values(["pnr", "source_line"]).reset_index(drop=True)


def _citizenships(cur: pd.DataFrame, hist: pd.DataFrame, issues: Issues,
                  known: set[str] | None) -> pd.DataFrame:
    cur = _dates(cur, [("haenstart", "timestamp", "HAENSTART")], "010", issues)
    hist = _dates(hist, [("haenstart", "timestamp", "HAENSTART"),
                         ("haenslut", "timestamp", "HAENSLUT")], "027", issues)
    c = pd.concat([
        pd.DataFrame({"source_line": cur["lineno"], "pnr": cur["pnr"], "record_type": "010",
                      "country_code": cur["landekod"].str.strip(),
                      "valid_from": cur["haenstart"], "valid_to": None}),
        pd.DataFrame({"source_line": hist["lineno"], "pnr": hist["pnr"], "record_type": "027",
                      "country_code": hist["landekod"].str.strip(),
                      "valid_from": hist["haenstart"], "valid_to": hist["haenslut"]}),
    ], ignore_index=True)
    _check_country(c, "country_code", "010/027", "LANDEKOD", issues, known)
    return c.sort_values(["pnr", "source_line"]).reset_index(drop=True)
