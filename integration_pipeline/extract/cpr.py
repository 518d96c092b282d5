"""CPR extract parser: fixed-width P12170 subset (spec extracts.md §1) -> tidy frames.

Belongs here: record layouts, PNR rules (century, sex, modulus 11), record-level validation
(reject / quarantine / warn as the spec's "Bad input" table says) and the split into persons,
addresses, migrations and citizenships. Not here: pseudonymisation (`pseudonym`), spells and
cohorts (SQL in `sql/`), anything that writes.

Everything that touches every record is set-based (numpy over the file's bytes): line
splitting, record types, field slicing, date parsing and the PNR rules (date part, century,
sex, modulus 11). Text fields are factorised (each distinct value decoded once) and PNRs are
integer codes in the order of their texts (`_Pnrs`), so matching records to persons, dropping
duplicates and sorting work on integers; texts are made only for the output frames, whose dates
are datetime64[s] (NaT = none). Python loops run only over the records that get a quarantine or
warning entry, and over the few PNRs that are not 10 digits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .common import DeliveryError, Issues, decimal_values, detect_encoding, read_bytes

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
    """Everything parsed from one CPR extract. Frames still carry the raw `pnr`; their date
    columns are datetime64[s] (NaT = none). Each frame also has `pnr_code` (persons also
    `pnr_current_code`): the parser's integer code of that number, an index into `pnr_texts`
    (and `pnr_numbers`, the 10-digit ones as integers), so that a caller can map numbers to
    keys without hashing texts again."""

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
    pnr_texts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    pnr_numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # -1: odd
    # superseded old numbers whose current number has its own 001: codes (old, current)
    renumbered_codes: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0, np.int64), np.zeros(0, np.int64)))

    def current_codes(self) -> np.ndarray:
        """`pnr_to_current` on codes: code -> code of the current number, -1 for a number that
        is no kept person's."""
        p = self.persons
        to = np.full(len(self.pnr_texts), -1, np.int64)
        to[p["pnr_code"].to_numpy()] = p["pnr_current_code"].to_numpy()
        current = p["pnr_current_code"].to_numpy()
        to[current] = current
        old, new = self.renumbered_codes
        hit = to[new] == new
        to[old[hit]] = new[hit]
        return to

    def pnr_to_current(self) -> dict[str, str]:
        """Every number seen for a kept person (old and current) -> the current number."""
        to = self.current_codes()
        mapped = np.flatnonzero(to >= 0)
        return dict(zip(self.pnr_texts[mapped].tolist(), self.pnr_texts[to[mapped]].tolist(),
                        strict=True))


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


def _birth_dates(m: np.ndarray) -> np.ndarray:
    """Vectorised `pnr_birth_date` of an (n, 10) matrix of PNR digits (0-9): datetime64[D],
    NaT where the date part is not a real date."""
    dd, mm, yy, d7 = m[:, 0] * 10 + m[:, 1], m[:, 2] * 10 + m[:, 3], m[:, 4] * 10 + m[:, 5], m[:, 6]
    century = np.where(d7 <= 3, 1900,
                       np.where((d7 == 4) | (d7 == 9), np.where(yy <= 36, 2000, 1900),
                                np.where(yy <= 57, 2000, 1800)))
    return _make_dates(century + yy, mm, dd, np.ones(len(m), dtype=bool))


# --- parsing ---------------------------------------------------------------------------------

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
    if b.shape[1] < width:
        b = np.pad(b, ((0, 0), (0, width - b.shape[1])))
    longer = (b[:, width:] != 0).any(axis=1)
    b = b[:, :width]
    blank = ((b == 32) | (b == 0)).all(axis=1) & ~longer
    n = b - np.uint8(48)   # a byte below '0' wraps past 9
    digit = n <= 9
    n = n.astype(np.int32)
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


def _dates_out(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] -> datetime64[s], the output frames' date type (NaT = none): DuckDB reads
    it natively, where `datetime.date` objects cost a Python call per value."""
    return dates.astype("datetime64[s]")


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass
class _Text:
    """A text field, factorised: the texts are `values[codes]` (each distinct value decoded
    once; masks and stripping work on the few values, not on every row)."""

    codes: np.ndarray
    values: np.ndarray     # object array of str

    def __getitem__(self, rows: np.ndarray) -> _Text:
        return _Text(self.codes[rows], self.values)

    def __len__(self) -> int:
        return len(self.codes)

    def strip(self) -> _Text:
        return _Text(self.codes, _objects([v.strip() for v in self.values]))

    def isin(self, allowed: Iterable[str]) -> np.ndarray:
        allowed = set(allowed)
        return np.array([v in allowed for v in self.values], dtype=bool)[self.codes]

    def objects(self) -> np.ndarray:
        return self.values[self.codes]

    def blank_to_none(self) -> np.ndarray:
        """Stripped texts, None for blank ones."""
        return _objects([v.strip() or None for v in self.values])[self.codes]


def _factorize(b: np.ndarray) -> _Text:
    """(n, w) uint8 field bytes (w <= 8) -> `_Text`; a value's text is its ISO-8859-1 decoding
    with trailing NULs dropped (as numpy's `S` dtype does)."""
    w = b.shape[1]
    key = np.zeros(len(b), np.uint64)
    for k in range(w):
        key = (key << np.uint64(8)) | b[:, k]
    inv, u = pd.factorize(key, sort=True)
    raw = u.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 8 - w:].copy().view(f"S{w}").ravel()
    return _Text(inv, _objects([v.decode("latin-1") for v in raw.tolist()]))


class _Pnrs:
    """Every distinct PNR text of the extract (the 10-character PNR and PNRGAELD fields, trailing
    NULs dropped and stripped) as an integer code, in the texts' order, with the facts the rules
    need per code. Texts of 10 digits are coded as numbers; the others (blank, short, odd
    characters) are decoded one by one, as they are few."""

    def __init__(self, fields: list[np.ndarray]):
        """`fields`: (n, 10) uint8 matrices; their rows' codes are in `self.codes`."""
        values, digit_rows, odd_rows = [], [], []
        for b in fields:
            ok = ((b >= 48) & (b <= 57)).all(axis=1)
            values.append(decimal_values(b[ok]))
            digit_rows.append(ok)
            odd_rows.append([r.decode("latin-1").strip()
                             for r in b[~ok].copy().view("S10").ravel().tolist()])
        inv, numbers = pd.factorize(np.concatenate(values), sort=True)
        digits = np.empty((len(numbers), 10), np.uint8)
        for k in range(10):
            digits[:, k] = numbers // 10 ** (9 - k) % 10
        texts = (digits + 48).view("S10").ravel()
        odd = sorted({t for rows in odd_rows for t in rows})
        # the odd texts merged into the digit texts' order: `before[j]` digit texts sort first
        before = np.searchsorted(texts, np.array([t.encode("latin-1") for t in odd], dtype="S10"))
        digit_code = np.arange(len(numbers)) + np.searchsorted(before, np.arange(len(numbers)),
                                                               side="right")
        odd_code = before + np.arange(len(odd))
        self.text = np.empty(len(numbers) + len(odd), dtype=object)
        self.text[digit_code] = [t.decode("latin-1") for t in texts.tolist()]
        self.text[odd_code] = odd
        self.number = np.full(len(self.text), -1, np.int64)   # -1: not 10 digits
        self.number[digit_code] = numbers
        odd_index = dict(zip(odd, odd_code.tolist(), strict=True))
        self.blank = odd_index.get("", -1)
        self.born = np.full(len(self.text), np.datetime64("NaT"), dtype="datetime64[D]")
        self.born[digit_code] = _birth_dates(digits.astype(np.int64))
        self.male = np.zeros(len(self.text), dtype=bool)
        self.male[digit_code] = digits[:, 9] % 2 == 1
        self.mod11 = np.zeros(len(self.text), dtype=bool)
        self.mod11[digit_code] = digits.astype(np.int64) @ np.array(MOD11_WEIGHTS) % 11 == 0
        self.codes: list[np.ndarray] = []
        at = 0
        for ok, rows in zip(digit_rows, odd_rows, strict=True):
            c = np.empty(len(ok), np.int64)
            n = int(ok.sum())
            c[ok] = digit_code[inv[at:at + n]]
            c[~ok] = [odd_index[t] for t in rows]
            self.codes.append(c)
            at += n

    def mask(self, codes: np.ndarray) -> np.ndarray:
        """A per-code mask set for `codes`."""
        m = np.zeros(len(self.text), dtype=bool)
        m[codes] = True
        return m


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
    if encoding != "latin-1" and not data.isascii():   # ASCII bytes are ISO-8859-1 already
        data = data.decode(encoding).encode("latin-1", errors="replace")
    buf = np.frombuffer(data, np.uint8)
    step = 1 << 26   # in pieces: a mask of the whole file would double the memory it takes
    ends = np.concatenate([np.zeros(0, np.int64)] + [
        np.flatnonzero(buf[i:i + step] == 10) + i for i in range(0, len(buf), step)])
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


class _Table(dict):
    """Columns (numpy arrays or `_Text`) of equal length, by field name."""

    def take(self, rows: np.ndarray) -> _Table:
        """The rows where the mask `rows` is set (a new table, sharing the columns when that
        is every row)."""
        if rows.all():
            return _Table(self)
        return _Table({k: v[rows] for k, v in self.items()})


def _slice(lines: _Lines, rec: str, bad_text: dict[tuple[int, str], str]) -> _Table:
    """The used fields of every full-length record of type `rec`: `lineno`; the 10-character
    fields (`pnr`, `pnrgaeld`) as (n, 10) bytes, for `_Pnrs`; the other text fields as `_Text`;
    a date field `f` as `f` (datetime64[D], NaT when blank or bad) and `f__bad` (not blank and
    not a valid date), with the text of each bad one in `bad_text[lineno, f]`."""
    length, fields = LAYOUT[rec]
    sel = lines.take((lines.rec == rec.encode()) & (lines.length >= length))
    out = _Table(lineno=sel.lineno)
    used = [(name, start, n) for name, start, n in fields if name in USED_FIELDS[rec]]
    # one copy of the bytes that hold the used fields; each field is a view of it
    first = min(start for _, start, _ in used)
    block = sel.field(first, max(start + n for _, start, n in used) - first)
    for name, start, n in used:
        b = block[:, start - first:start - first + n]
        if name in DATE_FIELDS:
            dates, bad = _parse_date_bytes(b, DATE_FIELDS[name])
            raw = b[bad].copy().view(f"S{n}").ravel().tolist()
            for line, text in zip(sel.lineno[bad].tolist(), raw, strict=True):
                bad_text[line, name] = text.decode("latin-1")
            out[name], out[name + "__bad"] = dates, bad
        elif n == 10:
            out[name] = b.copy()
        else:
            out[name] = _factorize(b)
    return out


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
    bad_text: dict[tuple[int, str], str] = {}
    t = {rec: _slice(lines, rec, bad_text)
         for rec in ("001", "002", "005", "010", "023", "024", "027")}
    del lines   # the file's bytes are not needed any more
    pnrs = _Pnrs([t[rec].pop("pnr") for rec in t] + [t["001"].pop("pnrgaeld")])
    for rec, codes in zip(t, pnrs.codes[:-1], strict=True):
        t[rec]["pnr"] = codes
    t["001"]["pnrgaeld"] = pnrs.codes[-1]
    del pnrs.codes

    persons, p, bad, dropped = _persons(t["001"], pnrs, issues)
    # an old number whose current number has its own 001 record still denotes that person
    f001 = t.pop("001")
    changed = np.flatnonzero(dropped.changed[f001["pnr"]])
    renumbered_codes = (f001["pnr"][changed], f001["pnrgaeld"][changed])
    # records of quarantined/dropped persons, and records with no 001, leave with them
    kept = pnrs.mask(p["pnr"])
    for rec in ("002", "005", "010", "023", "024", "027"):
        codes = t[rec]["pnr"]
        orphan = ~kept[codes]
        for i in np.flatnonzero(orphan & ~dropped.any[codes]).tolist():
            reason = ("PNR quarantined on its 001 record" if bad[codes[i]]
                      else "no valid 001 person record for this PNR")
            issues.quarantine(int(t[rec]["lineno"][i]), rec, "orphan_record", "PNR", reason,
                              pnr=pnrs.text[codes[i]])
        t[rec] = t[rec].take(~orphan)

    ignored = 0
    for rec in ("023", "024", "027"):
        annkor = t[rec]["annkor"]
        stripped = annkor.strip()
        ignored += int(stripped.isin(["A", "K"]).sum())
        unknown = np.flatnonzero(~stripped.isin(["", "A", "K"]))
        for line, a, code in zip(t[rec]["lineno"][unknown].tolist(),
                                 annkor.objects()[unknown].tolist(),
                                 t[rec]["pnr"][unknown].tolist(), strict=True):
            issues.quarantine(line, rec, "unknown_annkor", "ANNKOR",
                              f"ANNKOR {a!r} is not blank, A or K", pnr=pnrs.text[code])
        t[rec] = t[rec].take(stripped.isin([""]))

    addresses = _addresses(t.pop("002"), t.pop("023"), pnrs, bad_text, issues, extract_date)
    migrations = _migrations(t.pop("005"), t.pop("024"), pnrs, bad_text, issues,
                             known_countries)
    citizenships = _citizenships(t.pop("010"), t.pop("027"), pnrs, bad_text, issues,
                                 known_countries)

    return CprExtract(
        extract_date=extract_date, previous_extract_date=previous,
        task_number=header[13:19].strip(), encoding=encoding, persons=persons,
        addresses=addresses, migrations=migrations, citizenships=citizenships, issues=issues,
        record_counts=counts, skipped_record_types=skipped,
        dropped_persons=_count_dropped(dropped.status), ignored_history_rows=ignored,
        pnr_texts=pnrs.text, pnr_numbers=pnrs.number, renumbered_codes=renumbered_codes)


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


@dataclass
class _Dropped:
    """Persons dropped by status: PNR -> status, in the order the rules drop them, and per-code
    masks of the dropped PNRs and of those dropped as changed numbers (status 60)."""

    status: dict[str, str]
    any: np.ndarray
    changed: np.ndarray

    def add_changed(self, codes: np.ndarray, pnrs: _Pnrs) -> None:
        for pnr in pnrs.text[codes].tolist():
            self.status[pnr] = "60"
        self.any[codes] = self.changed[codes] = True


def _persons(t: _Table, pnrs: _Pnrs, issues: Issues,
             ) -> tuple[pd.DataFrame, _Table, np.ndarray, _Dropped]:
    """(persons frame, its rows as a table, per-code mask of the PNRs quarantined on a 001
    record, dropped persons)."""
    bad = np.zeros(len(pnrs.text), dtype=bool)
    pnr = t["pnr"]
    invalid = np.isnat(pnrs.born[pnr])
    for line, code in zip(t["lineno"][invalid].tolist(), pnr[invalid].tolist(), strict=True):
        issues.quarantine(line, "001", "pnr_invalid_date", "PNR",
                          "the PNR's date part (DDMMYY with the century digit) is not a real "
                          "date", pnr=pnrs.text[code])
    bad[pnr[invalid]] = True
    status = t["status"].strip()
    drop = ~invalid & status.isin(DROPPED_STATUSES)
    dropped = _Dropped(dict(zip(pnrs.text[pnr[drop]].tolist(), status.objects()[drop].tolist(),
                                strict=True)), pnrs.mask(pnr[drop]), np.zeros(len(bad), bool))
    p = t.take(~invalid & ~drop)
    p["status"] = status[~invalid & ~drop]
    pnr, current = p["pnr"], p["pnrgaeld"]
    current = np.where(current == pnrs.blank, pnr, current)
    bad_current = (current != pnr) & np.isnat(pnrs.born[current])
    for line, code in zip(p["lineno"][bad_current].tolist(), pnr[bad_current].tolist(),
                          strict=True):
        issues.warn(line, "001", "pnrgaeld_invalid", "PNRGAELD",
                    "current number is not a valid PNR; the record's PNR is used",
                    pnr=pnrs.text[code])
    p["pnr_current"] = np.where(bad_current, pnr, current)
    for col, fld in (("statushaenstart", "STATUSHAENSTART"), ("foed_dt", "FOED_DT"),
                     ("start_dt", "START_DT-PERSON"), ("slut_dt", "SLUT_DT-PERSON")):
        rows = p[col + "__bad"]
        for line, code in zip(p["lineno"][rows].tolist(), pnr[rows].tolist(), strict=True):
            issues.quarantine(line, "001", "bad_date", fld, "not a valid date",
                              pnr=pnrs.text[code])
        bad[pnr[rows]] = True
    p = p.take(~bad[p["pnr"]])

    pnr = p["pnr"]
    koen = p["koen"].strip()
    koen_ok = koen.isin(["M", "K"])
    odd = np.flatnonzero(~koen_ok & ~koen.isin([""]))
    for line, k, code in zip(p["lineno"][odd].tolist(), koen.objects()[odd].tolist(),
                             pnr[odd].tolist(), strict=True):
        issues.warn(line, "001", "koen_invalid", "KOEN",
                    f"KOEN {k!r} is not M/K; sex taken from the PNR", pnr=pnrs.text[code])
    male = pnrs.male[pnr]
    p["sex"] = np.where(koen_ok, koen.objects(), np.where(male, "M", "K").astype(object))
    _warn_rows(p, koen_ok & (koen.isin(["M"]) != male), pnrs, issues, "001", "koen_disagrees",
               "KOEN", "KOEN disagrees with the PNR's last digit; KOEN is used")
    birth, born = p["foed_dt"], pnrs.born[pnr]
    has_birth = ~np.isnat(birth)
    _warn_rows(p, has_birth & (birth != born), pnrs, issues, "001", "foed_dt_disagrees",
               "FOED_DT", "FOED_DT disagrees with the PNR's date part; FOED_DT is used")
    p["birth_date"] = np.where(has_birth, birth, born)
    p["is_birth_date_uncertain"] = p["foed_dt_umrk"].strip().isin(["*"])
    p["is_mod11_valid"] = pnrs.mod11[pnr]
    _warn_rows(p, ~p["is_mod11_valid"], pnrs, issues, "001", "mod11_failed", "PNR",
               "PNR fails the modulus-11 check (allowed for numbers issued since 2007-10-01)")
    # A changed number (status 60) whose current number has its own 001 record: that record
    # is the person; the old one is dropped so each person appears once.
    superseded = (p["pnr_current"] != pnr) & pnrs.mask(pnr)[p["pnr_current"]]
    dropped.add_changed(pnr[superseded], pnrs)
    p = p.take(~superseded)
    dup = ~_first(p["pnr"])
    for line, code in zip(p["lineno"][dup].tolist(), p["pnr"][dup].tolist(), strict=True):
        issues.quarantine(line, "001", "duplicate_person", "PNR",
                          "a second 001 record for the same PNR", pnr=pnrs.text[code])
    p = p.take(~dup)
    # two old numbers pointing to one current number that has no 001 of its own: one person
    same = ~_first(p["pnr_current"])
    _warn_rows(p, same, pnrs, issues, "001", "merged_changed_number", "PNRGAELD",
               "another 001 record has the same current number; merged into it")
    dropped.add_changed(p["pnr"][same], pnrs)
    p = p.take(~same)
    persons = pd.DataFrame({
        "source_line": p["lineno"], "pnr": pnrs.text[p["pnr"]],
        "pnr_current": pnrs.text[p["pnr_current"]], "pnr_code": p["pnr"],
        "pnr_current_code": p["pnr_current"], "status": p["status"].objects(),
        "status_date": _dates_out(p["statushaenstart"]), "sex": p["sex"],
        "birth_date": _dates_out(p["birth_date"]),
        "is_birth_date_uncertain": p["is_birth_date_uncertain"],
        "is_mod11_valid": p["is_mod11_valid"], "start_date": _dates_out(p["start_dt"]),
        "end_date": _dates_out(p["slut_dt"])}, copy=False)
    return persons, p, bad, dropped


def _first(codes: np.ndarray) -> np.ndarray:
    """Mask of each code's first occurrence."""
    return ~pd.Series(codes).duplicated(keep="first").to_numpy()


def _warn_rows(t: _Table, rows: np.ndarray, pnrs: _Pnrs, issues: Issues, rec: str, rule: str,
               fld: str, reason: str) -> None:
    for line, code in zip(t["lineno"][rows].tolist(), t["pnr"][rows].tolist(), strict=True):
        issues.warn(line, rec, rule, fld, reason, pnr=pnrs.text[code])


def _dates(t: _Table, specs: list[tuple[str, str]], rec: str, pnrs: _Pnrs,
           bad_text: dict[tuple[int, str], str], issues: Issues) -> _Table:
    """Date columns (parsed by `_slice`); a record with an unparseable date is quarantined."""
    bad_any = np.zeros(len(t["lineno"]), dtype=bool)
    for col, name in specs:
        bad = t[col + "__bad"]
        for line, code in zip(t["lineno"][bad].tolist(), t["pnr"][bad].tolist(), strict=True):
            issues.quarantine(line, rec, "bad_date", name,
                              f"{bad_text[line, col]!r} is not a valid date", pnr=pnrs.text[code])
        bad_any |= bad
    return t.take(~bad_any)


def _stack(parts: list[dict[str, np.ndarray]]) -> _Table:
    """Tables with the same columns, one after the other."""
    return _Table({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})


def _frame(t: _Table, order: np.ndarray | None, pnrs: _Pnrs) -> pd.DataFrame:
    """The rows `order` (None: all, as they are) of `t` as a frame: `pnr` as text, date columns
    as datetime64[s]."""
    out = {}
    for col, v in t.items():
        if order is not None:
            v = v[order]
        if col == "pnr":
            out["pnr_code"] = v
            v = pnrs.text[v]
        elif v.dtype.kind == "M":
            v = _dates_out(v)
        out[col] = v
    return pd.DataFrame(out, copy=False)   # one block per column: no consolidation copies


def _addresses(cur: _Table, hist: _Table, pnrs: _Pnrs, bad_text: dict[tuple[int, str], str],
               issues: Issues, extract_date: dt.date) -> pd.DataFrame:
    cur = _dates(cur, [("tilflydto", "TILFLYDTO"), ("tilflykomdto", "TILFLYKOMDTO"),
                       ("fraflykomdto", "FRAFLYKOMDTO")], "002", pnrs, bad_text, issues)
    hist = _dates(hist, [("tilflydto", "TILFLYDTO"), ("fraflydto", "FRAFLYDTO")], "023", pnrs,
                  bad_text, issues)
    nat_c, nat_h = _nat(len(cur["lineno"])), _nat(len(hist["lineno"]))
    none_h = np.full(len(nat_h), None, dtype=object)
    fra = cur["fraflykomkod"].strip()
    a = _stack([
        {"source_line": cur["lineno"], "pnr": cur["pnr"],
         "record_type": np.full(len(nat_c), "002", dtype=object),
         "municipality_code": cur["komkod"].objects(), "road_code": cur["vejkod"].blank_to_none(),
         "moved_in_date": cur["tilflydto"], "moved_out_date": nat_c,
         "moved_to_municipality_date": cur["tilflykomdto"],
         "from_municipality_code": np.where(fra.isin(["", "0000"]), None, fra.objects()),
         "from_municipality_date": cur["fraflykomdto"]},
        {"source_line": hist["lineno"], "pnr": hist["pnr"],
         "record_type": np.full(len(nat_h), "023", dtype=object),
         "municipality_code": hist["komkod"].objects(),
         "road_code": hist["vejkod"].blank_to_none(), "moved_in_date": hist["tilflydto"],
         "moved_out_date": hist["fraflydto"], "moved_to_municipality_date": nat_h,
         "from_municipality_code": none_h, "from_municipality_date": nat_h}])
    _issue_rows(a, np.isnat(a["moved_in_date"]), pnrs, issues.quarantine, "missing_date",
                "TILFLYDTO", "address without a move-in date")
    a = a.take(~np.isnat(a["moved_in_date"]))
    limit = np.datetime64(extract_date, "D")
    moved_in, moved_out = a["moved_in_date"], a["moved_out_date"]
    has_out = ~np.isnat(moved_out)
    _issue_rows(a, (moved_in > limit) | (has_out & (moved_out > limit)), pnrs, issues.warn,
                "date_after_extract", "TILFLYDTO/FRAFLYDTO",
                f"address date after the extract date {extract_date}")
    backwards = has_out & (moved_out < moved_in)
    _issue_rows(a, backwards, pnrs, issues.quarantine, "moved_out_before_in", "FRAFLYDTO",
                "FRAFLYDTO is before TILFLYDTO")
    a = a.take(~backwards)
    # by PNR, move-in date and line (the codes sort as the PNR texts do)
    order = np.lexsort((a["source_line"], a["moved_in_date"], a["pnr"]))
    a = _Table({k: v[order] for k, v in a.items()})
    # an address that starts before the previous one ended: both are kept (spells follow the
    # move-in order), the later record is flagged
    overlap = np.zeros(len(order), dtype=bool)
    overlap[1:] = ((a["pnr"][1:] == a["pnr"][:-1]) & ~np.isnat(a["moved_out_date"][:-1])
                   & (a["moved_in_date"][1:] < a["moved_out_date"][:-1]))
    _issue_rows(a, overlap, pnrs, issues.warn, "overlapping_address", "TILFLYDTO",
                "address starts before the previous address ended (overlapping address "
                "history)")
    return _frame(a, None, pnrs)


def _nat(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")


def _issue_rows(t: _Table, rows: np.ndarray, pnrs: _Pnrs, add: Callable[..., None], rule: str,
                fld: str, reason: str) -> None:
    """An issue for each row of `t` in `rows` (its record type from `record_type`)."""
    for line, rec, code in zip(t["source_line"][rows].tolist(), t["record_type"][rows].tolist(),
                               t["pnr"][rows].tolist(), strict=True):
        add(line, rec, rule, fld, reason, pnr=pnrs.text[code])


def _check_country(t: _Table, col: str, rec: str, name: str, pnrs: _Pnrs, issues: Issues,
                   known: set[str] | None) -> None:
    if known is None:
        return
    codes = t[col]
    unknown = np.array([c is not None and c not in known for c in codes.tolist()], dtype=bool)
    for line, c, code in zip(t["source_line"][unknown].tolist(), codes[unknown].tolist(),
                             t["pnr"][unknown].tolist(), strict=True):
        issues.warn(line, rec, "unknown_country", name,
                    f"country code {c} is not in the CPR country table; reported as unknown",
                    pnr=pnrs.text[code])


def _migrations(cur: _Table, hist: _Table, pnrs: _Pnrs, bad_text: dict[tuple[int, str], str],
                issues: Issues, known: set[str] | None) -> pd.DataFrame:
    cur = _dates(cur, [("udrdto", "UDRDTO")], "005", pnrs, bad_text, issues)
    hist = _dates(hist, [("udrdto", "UDRDTO"), ("indrdto", "INDRDTO")], "024", pnrs, bad_text,
                  issues)
    has_out, has_in = ~np.isnat(hist["udrdto"]), ~np.isnat(hist["indrdto"])
    h = _Table({"source_line": hist["lineno"], "pnr": hist["pnr"],
                "record_type": np.full(len(has_out), "024", dtype=object),
                "emigration_country_code": hist["udr_landekod"].blank_to_none(),
                "emigration_date": hist["udrdto"],
                "immigration_country_code": hist["indr_landekod"].blank_to_none(),
                "immigration_date": hist["indrdto"],
                "migration_type": np.array(["emigration", "first_immigration",
                                            "emigration_reentry"], dtype=object)[
                                                np.where(has_in, 1 + has_out, 0)]})
    _issue_rows(h, ~has_out & ~has_in, pnrs, issues.quarantine, "missing_date", "UDRDTO/INDRDTO",
                "024 record with neither an emigration nor an immigration date")
    n = len(cur["lineno"])
    m = _stack([h.take(has_out | has_in), {
        "source_line": cur["lineno"], "pnr": cur["pnr"],
        "record_type": np.full(n, "005", dtype=object),
        "emigration_country_code": cur["udr_landekod"].blank_to_none(),
        "emigration_date": cur["udrdto"],
        "immigration_country_code": np.full(n, None, dtype=object), "immigration_date": _nat(n),
        "migration_type": np.full(n, "current_emigration", dtype=object)}])
    _check_country(m, "emigration_country_code", "024/005", "UDR_LANDEKOD", pnrs, issues, known)
    _check_country(m, "immigration_country_code", "024", "INDR_LANDEKOD", pnrs, issues, known)
    return _frame(m, np.lexsort((m["source_line"], m["pnr"])), pnrs)


def _citizenships(cur: _Table, hist: _Table, pnrs: _Pnrs, bad_text: dict[tuple[int, str], str],
                  issues: Issues, known: set[str] | None) -> pd.DataFrame:
    cur = _dates(cur, [("haenstart", "HAENSTART")], "010", pnrs, bad_text, issues)
    hist = _dates(hist, [("haenstart", "HAENSTART"), ("haenslut", "HAENSLUT")], "027", pnrs,
                  bad_text, issues)
    n = len(cur["lineno"])
    c = _stack([
        {"source_line": cur["lineno"], "pnr": cur["pnr"],
         "record_type": np.full(n, "010", dtype=object),
         "country_code": cur["landekod"].strip().objects(), "valid_from": cur["haenstart"],
         "valid_to": _nat(n)},
        {"source_line": hist["lineno"], "pnr": hist["pnr"],
         "record_type": np.full(len(hist["lineno"]), "027", dtype=object),
         "country_code": hist["landekod"].strip().objects(), "valid_from": hist["haenstart"],
         "valid_to": hist["haenslut"]}])
    _check_country(c, "country_code", "010/027", "LANDEKOD", pnrs, issues, known)
    return _frame(c, np.lexsort((c["source_line"], c["pnr"])), pnrs)
