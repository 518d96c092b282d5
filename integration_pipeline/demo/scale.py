"""Synthetic deliveries of any size for benchmarks: `generate_scaled(out_dir, persons, ...)`.

What belongs here: a vectorised (numpy) version of the demo generator's model, big enough for
national-scale runs (millions of persons, DREAM weeks since 1991). It writes a complete delivery
`<out_dir>/<month>/{cpr_extract.txt, residence_permits.csv, dream.csv, MANIFEST.json}` in exactly
the formats of `shared/spec/extracts.md` and the demo (`render.py`): CPR fixed width in
ISO-8859-1 with 000/001/002/005/010/023/024/027/999 records, valid PNRs (century digit, sex
digit, modulus 11 for all but the 1 January numbers of the years the CPR office issued without
it), the permits CSV and the wide DREAM CSV with consecutive ISO weeks `y_YYWW` from
`since_year`-W01 and `branche_`/`grad_` months, mostly empty cells, codes from
`reference/dream_codes.csv`.

How: person attributes are numpy arrays over all persons; records and CSV rows are built per
chunk of persons as fixed-width byte matrices (a filler byte marks "no character"; removing
the filler bytes turns the matrix into the variable-width text), so there is no Python loop
per cell or per person. Monthly DREAM states follow a Markov chain stepped once per month over
the whole chunk.

What does not belong here: the calibrated demo (`generator.py`, ~4,800 stories reproducing the
Ballerup note); nothing here is calibrated to any published figure.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from integration_pipeline import reference
from integration_pipeline.demo.calibration import (
    COUNTRIES,
    FAR_AWAY,
    HOME,
    INDUSTRIES,
    NEIGHBOURS,
)
from integration_pipeline.demo.cpr_numbers import NON_MOD11_YEARS, WEIGHTS
from integration_pipeline.demo.render import OPGAVENR, RECORD_LENGTH

PRODUCER = "integration_pipeline.demo.scale (synthetic benchmark data, not real persons)"
FILL = 0  # filler byte: removed from a byte matrix before it is written
SPACE = ord(" ")
CHUNK_BYTES = 256 << 20  # byte-matrix budget per chunk of persons
EPOCH = np.datetime64("1970-01-01", "D")

# --- DREAM model: monthly states, their codes (primary, secondary) and mean duration ---------
STATES = ["none", "job", "unemp", "cash", "integ", "activ", "wagesub", "su", "sick", "flex",
          "ftp", "ress", "efterl", "pension", "leave", "orlov"]
S = {name: i for i, name in enumerate(STATES)}
STATE_CODES = {"unemp": ("111", "113"), "cash": ("130", "131"), "integ": ("140", "141"),
               "activ": ("213", "231"), "wagesub": ("521", "521"), "su": ("651", "652"),
               "sick": ("893", "890"), "flex": ("735", "735"), "ftp": ("783", "783"),
               "ress": ("813", "813"), "efterl": ("611", "611"), "pension": ("999", "999"),
               "leave": ("881", "881"), "orlov": ("412", "412")}
MEAN_MONTHS = {"none": 10, "job": 40, "unemp": 4, "cash": 8, "integ": 18, "activ": 4,
               "wagesub": 6, "su": 24, "sick": 2, "flex": 60, "ftp": 600, "ress": 8,
               "efterl": 60, "pension": 600, "leave": 8, "orlov": 4}
# age band -> state probabilities when a new state is drawn (natives; immigrants see IMMIGRANT)
BANDS = (16, 25, 60, 65)
DIST = {
    0: {"none": 0.35, "job": 0.25, "su": 0.33, "cash": 0.04, "unemp": 0.02, "sick": 0.01},
    1: {"job": 0.80, "none": 0.06, "unemp": 0.04, "sick": 0.02, "cash": 0.02, "leave": 0.02,
        "flex": 0.01, "ftp": 0.005, "ress": 0.005, "activ": 0.01, "su": 0.01, "orlov": 0.002,
        "wagesub": 0.008},
    2: {"job": 0.55, "efterl": 0.30, "none": 0.06, "unemp": 0.04, "sick": 0.03, "ftp": 0.02},
    3: {"pension": 1.0},
}
IMMIGRANT = {"job": 0.45, "none": 0.15, "integ": 0.15, "cash": 0.08, "activ": 0.06,
             "wagesub": 0.04, "su": 0.04, "sick": 0.02, "leave": 0.01}
CENSOR_EMIGRATED, CENSOR_DEAD = "997", "998"

STREETS = ["Præstehusene", "Søndergade", "Ågade", "Østervang", "Skovvej", "Bøgevej",
           "Lærkevej", "Nørregade", "Vestergade", "Kirkevænget", "Æblehaven", "Rådhusvej"]
JOBS = ["Lærer", "Sygeplejerske", "Elektriker", "Studerende", "Pensionist", "Kontorassistent",
        "Tømrer", "Ingeniør", "Pædagog", "Chauffør", "Læge", ""]
CATEGORIES = [("Asyl mv.", 11, 1101), ("Familiesammenføring", 21, 2101), ("Erhverv", 31, 3101),
              ("Studie", 41, 4101), ("EU/EØS", 51, 5101), ("Det øvrige opholdsområde", 61, 6101)]
CATEGORY_WEIGHTS = [0.22, 0.25, 0.15, 0.12, 0.2, 0.06]


# --- calendar ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """The delivery's dates: extract date and the DREAM week/month grid."""

    month: str
    prod: dt.date
    previous: dt.date
    weeks: list[tuple[int, int]]        # (ISO year, ISO week)
    week_thursday: np.ndarray           # datetime64[D] per week
    week_month: np.ndarray              # index into months per week
    months: list[tuple[int, int]]
    month_mid: np.ndarray               # datetime64[D], the 15th

    @property
    def extract(self) -> np.datetime64:
        return np.datetime64(self.prod, "D")


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + m - 1 + k
    return i // 12, i % 12 + 1


def period(month: str, since_year: int) -> Period:
    """Extract date = last day of `month`; DREAM covers ISO weeks from `since_year`-W01 and
    months from `since_year`-01 up to the month two months before the delivery (its last week
    is the last one whose Thursday falls in that month), as in the demo deliveries."""
    y, m = (int(x) for x in month.split("-"))
    prod = _month_end(y, m)
    previous = _month_end(*_add_months(y, m, -1))
    last_y, last_m = _add_months(y, m, -2)
    months = []
    cy, cm = since_year, 1
    while (cy, cm) <= (last_y, last_m):
        months.append((cy, cm))
        cy, cm = _add_months(cy, cm, 1)
    month_index = {ym: i for i, ym in enumerate(months)}
    weeks, thursdays, week_month = [], [], []
    monday = dt.date.fromisocalendar(since_year, 1, 1)
    while True:
        thu = monday + dt.timedelta(days=3)
        if (thu.year, thu.month) > (last_y, last_m):
            break
        iy, iw, _ = monday.isocalendar()
        weeks.append((iy, iw))
        thursdays.append(thu)
        week_month.append(month_index.get((thu.year, thu.month), 0))
        monday += dt.timedelta(days=7)
    return Period(month=month, prod=prod, previous=previous, weeks=weeks,
                  week_thursday=np.array(thursdays, dtype="datetime64[D]"),
                  week_month=np.array(week_month, dtype=np.int32), months=months,
                  month_mid=np.array([dt.date(a, b, 15) for a, b in months],
                                     dtype="datetime64[D]"))


# --- byte helpers -----------------------------------------------------------------------------

def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) ASCII digits of non-negative integers, zero-padded."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((np.asarray(values, dtype=np.int64)[:, None] // powers) % 10 + 48).astype(np.uint8)


def _ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    mo = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return y, mo, d


def _nat_to(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dates with NaT replaced by the epoch, mask of the NaT cells)."""
    blank = np.isnat(dates)
    return np.where(blank, EPOCH, dates), blank


def _ts(dates: np.ndarray) -> np.ndarray:
    """`yyyyMMdd0000` timestamps (12 bytes), blanks for NaT."""
    d, blank = _nat_to(dates)
    y, mo, dd = _ymd(d)
    out = _digits(y * 1_000_000_00 + mo * 1_000_000 + dd * 10_000, 12)
    out[blank] = SPACE
    return out


def _d10(dates: np.ndarray) -> np.ndarray:
    """`yyyy-MM-dd` dates (10 bytes), blanks for NaT."""
    d, blank = _nat_to(dates)
    y, mo, dd = _ymd(d)
    out = np.concatenate([_digits(y, 4), np.full((len(d), 1), ord("-"), np.uint8),
                          _digits(mo, 2), np.full((len(d), 1), ord("-"), np.uint8),
                          _digits(dd, 2)], axis=1)
    out[blank] = SPACE
    return out


def _table(texts: list[str], width: int, encoding: str, pad: int = SPACE) -> np.ndarray:
    """(len(texts), width) byte table of the encoded texts, padded with `pad`."""
    out = np.full((len(texts), width), pad, np.uint8)
    for i, t in enumerate(texts):
        b = t.encode(encoding)[:width]
        out[i, :len(b)] = np.frombuffer(b, np.uint8)
    return out


def _codes4(codes: list[str]) -> np.ndarray:
    return np.array([int(c) for c in codes], dtype=np.int64)


# --- persons ----------------------------------------------------------------------------------

@dataclass
class Persons:
    """One entry per person (numpy arrays)."""

    pnr: np.ndarray            # (n, 10) uint8 ASCII digits
    male: np.ndarray
    birth: np.ndarray          # datetime64[D]
    immigrant: np.ndarray
    arrival: np.ndarray        # datetime64[D], NaT for natives
    origin: np.ndarray         # CPR landekode (int) of the country of origin; 5100 for natives
    natural: np.ndarray        # datetime64[D] of naturalisation, NaT if none
    status: np.ndarray         # int (1, 80, 90)
    exit: np.ndarray           # datetime64[D] of death or emigration, NaT if none
    home: np.ndarray           # municipality code (int) of the current / last address
    n_hist: np.ndarray         # number of earlier addresses (023)
    moves: np.ndarray          # (n, MAX_HIST + 1) datetime64[D]: address start dates
    komkod: np.ndarray         # (n, MAX_HIST + 1) municipality per address
    emig_land: np.ndarray      # landekode for emigrants
    industry: np.ndarray       # index into INDUSTRIES
    job_title: np.ndarray      # index into JOBS
    street: np.ndarray         # index into STREETS

    def __len__(self) -> int:
        return len(self.male)


MAX_HIST = 4


def _ages(rng: np.random.Generator, n: int) -> np.ndarray:
    """Age in years at the extract date: flat to 60, thinning out to 100."""
    ages = np.arange(101)
    w = np.where(ages < 60, 1.0, np.exp(-(ages - 60) / 12.0))
    return rng.choice(ages, size=n, p=w / w.sum())


def _country_pool() -> tuple[np.ndarray, np.ndarray]:
    known = set(reference.country_codes())
    foreign = [c for c, (_, profile) in COUNTRIES.items() if c != "5100" and c in known]
    eu = np.array([COUNTRIES[c][1] in ("eu_worker", "eu_skilled", "nordic") for c in foreign])
    return _codes4(foreign), eu


def _century_digit(rng: np.random.Generator, year: np.ndarray) -> np.ndarray:
    """Digit 7 of the PNR: valid for the birth year by the spec's century rule."""
    n = len(year)
    d7 = rng.integers(0, 4, n)                                # 1900-1999
    young = (year >= 2000) & (year <= 2036)
    d7[young] = rng.choice(np.array([4, 9, 5, 6, 7, 8]), young.sum())
    old = year < 1900
    d7[old] = rng.integers(5, 9, old.sum())
    return d7


def make_pnrs(rng: np.random.Generator, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Unique PNRs (n, 10) uint8 for the birth dates and sexes: modulus 11 except for people
    born 1 January of a year whose numbers were issued without it (half of them)."""
    n = len(birth)
    y, mo, d = _ymd(birth)
    head = np.concatenate([_digits(d, 2), _digits(mo, 2), _digits(y % 100, 2)], axis=1) - 48
    no_mod11 = (mo == 1) & (d == 1) & np.isin(y, list(NON_MOD11_YEARS)) & (rng.random(n) < 0.5)
    w = np.array(WEIGHTS, dtype=np.int64)
    digits = np.zeros((n, 10), dtype=np.int64)
    digits[:, :6] = head
    todo = np.ones(n, dtype=bool)
    taken = np.zeros(0, dtype=np.int64)         # numbers issued so far, sorted
    ten = 10 ** np.arange(9, -1, -1, dtype=np.int64)
    for attempt in range(200):
        idx = np.flatnonzero(todo)
        if idx.size == 0:
            break
        digits[idx, 6] = _century_digit(rng, y[idx])
        digits[idx, 7:9] = rng.integers(0, 10, (idx.size, 2))
        partial = digits[idx, :9] @ w[:9]
        check = (-partial) % 11
        free = no_mod11[idx] | (attempt > 150)   # exhausted dates fall back to non-mod11
        last = np.where(free, rng.integers(0, 10, idx.size), check)
        # non-mod11 numbers must really fail the check
        last = np.where(free & ((partial + last) % 11 == 0), (last + 2) % 10, last)
        ok = (last < 10) & ((last % 2 == 1) == male[idx])
        digits[idx, 9] = np.where(ok, last, 0)
        # a number is issued once: the first of equal new ones, and none already issued
        cand = idx[ok]
        values = digits[cand] @ ten
        _, first = np.unique(values, return_index=True)
        fresh = np.zeros(len(cand), dtype=bool)
        fresh[first] = True
        if len(taken):
            at = np.minimum(np.searchsorted(taken, values), len(taken) - 1)
            fresh &= taken[at] != values
        todo[cand[fresh]] = False
        taken = np.sort(np.concatenate([taken, values[fresh]]))
    if todo.any():
        raise RuntimeError(f"could not issue {int(todo.sum())} unique CPR numbers")
    return (digits + 48).astype(np.uint8)


def make_persons(rng: np.random.Generator, n: int, p: Period) -> Persons:
    ext = p.extract
    male = rng.random(n) < 0.5
    age_days = _ages(rng, n) * 365 + rng.integers(0, 365, n)
    birth = ext - age_days.astype("timedelta64[D]")
    immigrant = rng.random(n) < np.where((age_days > 18 * 365) & (age_days < 55 * 365),
                                         0.16, 0.06)
    span = (ext - np.maximum(birth, np.datetime64("1985-01-01"))).astype(np.int64)
    arrival = np.maximum(birth, np.datetime64("1985-01-01")) + (
        rng.random(n) * np.maximum(span - 30, 1)).astype("timedelta64[D]")
    arrival = np.where(immigrant, arrival, np.datetime64("NaT"))
    # immigrants with an unknown birthday are registered on 1 January
    jan1 = immigrant & (rng.random(n) < 0.3)
    birth = np.where(jan1, birth.astype("datetime64[Y]").astype("datetime64[D]"), birth)
    foreign, eu = _country_pool()
    origin = np.where(immigrant, foreign[rng.integers(0, len(foreign), n)], 5100)
    natural = arrival + (rng.integers(7, 12, n) * 365).astype("timedelta64[D]")
    natural = np.where(immigrant & (rng.random(n) < 0.4) & (natural < ext), natural,
                       np.datetime64("NaT"))

    old = age_days / 365.0
    dead = rng.random(n) < np.clip((old - 50) / 500, 0.002, 0.12)
    emigrated = ~dead & (rng.random(n) < np.where(immigrant, 0.08, 0.01))
    since = np.maximum(birth, np.datetime64("2010-01-01"))
    since = np.where(immigrant, np.maximum(since, arrival), since)
    exit_ = since + (rng.random(n) * (ext - since).astype(np.int64)).astype("timedelta64[D]")
    exit_ = np.where(dead | emigrated, exit_, np.datetime64("NaT"))
    status = np.where(dead, 90, np.where(emigrated, 80, 1))

    municipalities = _codes4([HOME, *NEIGHBOURS, *FAR_AWAY])
    weights = np.r_[8.0, np.ones(len(NEIGHBOURS)), np.ones(len(FAR_AWAY)) * 2]
    home = rng.choice(municipalities, n, p=weights / weights.sum())
    n_hist = np.minimum(rng.poisson(1.0, n), MAX_HIST)
    first = np.where(immigrant, arrival, np.maximum(birth, np.datetime64("1968-04-02")))
    last = np.where(np.isnat(exit_), ext, exit_)
    frac = np.sort(rng.random((n, MAX_HIST)), axis=1)
    span = (last - first).astype(np.int64)[:, None]
    starts = first[:, None] + (frac * np.maximum(span - 1, 0)).astype("timedelta64[D]")
    # address j (0 = oldest) starts at first, then at the sorted random points; unused slots
    # (beyond n_hist) sit at the end and are ignored
    moves = np.concatenate([first[:, None], starts], axis=1)
    keep_same = rng.random((n, MAX_HIST + 1)) < 0.7
    other = rng.choice(municipalities, (n, MAX_HIST + 1), p=weights / weights.sum())
    komkod = np.repeat(home[:, None], MAX_HIST + 1, axis=1)
    for j in range(MAX_HIST - 1, -1, -1):   # older addresses: 70 % in the next one's municipality
        older = np.where(keep_same[:, j], komkod[:, j + 1], other[:, j])
        komkod[:, j] = np.where(j < n_hist, older, home)
    emig_land = foreign[rng.integers(0, len(foreign), n)]
    emig_land = np.where(immigrant, origin, emig_land)
    pnr = make_pnrs(rng, birth, male)
    return Persons(pnr=pnr, male=male, birth=birth, immigrant=immigrant, arrival=arrival,
                   origin=origin, natural=natural, status=status, exit=exit_, home=home,
                   n_hist=n_hist, moves=moves, komkod=komkod, emig_land=emig_land,
                   industry=rng.integers(0, len(INDUSTRIES), n),
                   job_title=rng.integers(0, len(JOBS), n),
                   street=rng.integers(0, len(STREETS), n))


# --- CPR --------------------------------------------------------------------------------------

def _blank(n: int, rec: str) -> np.ndarray:
    out = np.full((n, RECORD_LENGTH[rec] + 1), SPACE, np.uint8)
    out[:, :3] = np.frombuffer(rec.encode(), np.uint8)
    out[:, -1] = ord("\n")
    return out


def _put(rec: np.ndarray, start: int, values: np.ndarray) -> None:
    """Write (n, k) bytes at the 1-based position `start`."""
    rec[:, start - 1:start - 1 + values.shape[1]] = values


def _const(n: int, text: str) -> np.ndarray:
    return np.tile(np.frombuffer(text.encode("iso-8859-1"), np.uint8), (n, 1))


class CprWriter:
    """Builds the records of a chunk of persons and orders them per person."""

    def __init__(self, p: Period) -> None:
        self.p = p
        self.streets = _table(STREETS, 34, "iso-8859-1")
        self.jobs = _table(JOBS, 34, "iso-8859-1")
        self.records = 0

    def chunk(self, ps: Persons, sl: slice) -> bytes:
        idx = np.arange(sl.start, sl.stop)
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (person, order, bytes)

        def add(who: np.ndarray, order: np.ndarray, rec: np.ndarray) -> None:
            parts.append((who, order, rec.view(f"S{rec.shape[1]}").ravel()))

        add(idx, np.zeros(len(idx)), self._001(ps, idx))
        cur = idx[ps.status[idx] == 1]
        add(cur, np.full(len(cur), 1), self._002(ps, cur))
        emi = idx[ps.status[idx] == 80]
        add(emi, np.full(len(emi), 2), self._005(ps, emi))
        add(idx, np.full(len(idx), 3), self._010(ps, idx))
        nat = idx[~np.isnat(ps.natural[idx])]
        add(nat, np.full(len(nat), 4), self._027(ps, nat))
        who, order, recs = self._023(ps, idx)
        add(who, order, recs)
        imm = idx[ps.immigrant[idx]]
        add(imm, np.full(len(imm), 20), self._024(ps, imm))
        who = np.concatenate([w for w, _, _ in parts])
        order = np.concatenate([o for _, o, _ in parts])
        data = np.concatenate([r.astype(object) for _, _, r in parts])
        sort = np.lexsort((order, who))
        self.records += len(data)
        return b"".join(data[sort].tolist())

    def header(self) -> bytes:
        line = f"000{'0' * 10}{OPGAVENR}{self.p.prod:%Y%m%d}{self.p.previous:%Y%m%d}"
        self.records += 1
        return (line + "\n").encode("iso-8859-1")

    def trailer(self) -> bytes:
        self.records += 1
        return f"999{self.records:010d}{' ' * 8}\n".encode("iso-8859-1")

    def _001(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        r = _blank(len(i), "001")
        _put(r, 4, ps.pnr[i])
        _put(r, 14, ps.pnr[i])
        _put(r, 24, _digits(ps.status[i], 2))
        since = np.where(ps.status[i] == 1, self._entry(ps, i), ps.exit[i])
        _put(r, 26, _ts(since))
        _put(r, 39, np.where(ps.male[i], ord("M"), ord("K")).astype(np.uint8)[:, None])
        _put(r, 40, _d10(ps.birth[i]))
        start = np.where(ps.immigrant[i], ps.arrival[i], ps.birth[i])
        _put(r, 51, _d10(start))
        slut = np.where(ps.status[i] == 90, ps.exit[i], np.datetime64("NaT"))
        _put(r, 62, _d10(slut))
        _put(r, 73, self.jobs[ps.job_title[i]])
        return r

    def _current_start(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        return ps.moves[i, ps.n_hist[i]]

    def _spell(self, ps: Persons, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(TILFLYKOMDTO, FRAFLYKOMKOD) of the current address: the start of its municipality
        spell and the municipality before it (0 = none)."""
        home = ps.komkod[i, ps.n_hist[i]]
        k = ps.n_hist[i].copy()
        same = np.ones(len(i), dtype=bool)
        for _ in range(MAX_HIST):
            prev = np.maximum(k - 1, 0)
            same &= (k > 0) & (ps.komkod[i, prev] == home)
            k = np.where(same, prev, k)
        came = np.where(k > 0, ps.komkod[i, np.maximum(k - 1, 0)], 0)
        return ps.moves[i, k], came

    def _entry(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        return self._spell(ps, i)[0]

    def _002(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        r = _blank(len(i), "002")
        n = len(i)
        _put(r, 4, ps.pnr[i])
        _put(r, 14, _digits(ps.home[i], 4))
        _put(r, 18, _digits(ps.street[i] * 37 % 9000 + 1, 4))
        _put(r, 22, _digits(ps.pnr[i][:, 9] % 90 + 1, 3))
        _put(r, 70, _ts(self._current_start(ps, i)))
        entry, came = self._spell(ps, i)
        _put(r, 83, _ts(entry))
        _put(r, 96, _digits(came, 4))
        _put(r, 100, np.where((came > 0)[:, None], _ts(entry), SPACE).astype(np.uint8))
        _put(r, 113, self.streets[ps.street[i]])
        _put(r, 147, _const(n, "Byen".ljust(34)))
        _put(r, 181, _const(n, "2750 Ballerup".ljust(34)))
        return r

    def _005(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        r = _blank(len(i), "005")
        _put(r, 4, ps.pnr[i])
        _put(r, 14, _digits(ps.emig_land[i], 4))
        _put(r, 18, _ts(ps.exit[i]))
        _put(r, 31, _const(len(i), "Main Street 1".ljust(34)))
        return r

    def _010(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        r = _blank(len(i), "010")
        nat = ~np.isnat(ps.natural[i])
        _put(r, 4, ps.pnr[i])
        _put(r, 14, _digits(np.where(nat, 5100, ps.origin[i]), 4))
        _put(r, 18, _ts(np.where(nat, ps.natural[i], ps.birth[i])))
        return r

    def _027(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        r = _blank(len(i), "027")
        _put(r, 4, ps.pnr[i])
        _put(r, 15, _digits(ps.origin[i], 4))
        _put(r, 19, _ts(ps.birth[i]))
        _put(r, 32, _ts(ps.natural[i]))
        return r

    def _023(self, ps: Persons, i: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """History addresses: every address before the current one; for the dead and the
        emigrated the last address too (ending on the exit date). Newest first."""
        last_is_hist = ps.status[i] != 1
        n_rec = ps.n_hist[i] + last_is_hist
        j = np.arange(MAX_HIST + 1)
        mask = j[None, :] < n_rec[:, None]
        who_local, slot = np.nonzero(mask)
        who = i[who_local]
        start = ps.moves[who, slot]
        nxt = ps.moves[who, np.minimum(slot + 1, MAX_HIST)]
        end = np.where(slot == ps.n_hist[who], ps.exit[who], nxt)
        r = _blank(len(who), "023")
        _put(r, 4, ps.pnr[who])
        _put(r, 15, _digits(ps.komkod[who, slot], 4))
        _put(r, 19, _digits(ps.street[who] * 13 % 9000 + 1, 4))
        _put(r, 23, _digits(slot + 1, 3))
        _put(r, 71, _ts(start))
        _put(r, 84, _ts(end))
        return who, 10 - slot, r

    def _024(self, ps: Persons, i: np.ndarray) -> np.ndarray:
        r = _blank(len(i), "024")
        _put(r, 4, ps.pnr[i])
        _put(r, 32, _digits(ps.origin[i], 4))
        _put(r, 36, _ts(ps.arrival[i]))
        _put(r, 49, _const(len(i), "Old Town Road 9".ljust(34)))
        return r


# --- permits ----------------------------------------------------------------------------------

def permits_csv(rng: np.random.Generator, ps: Persons) -> bytes:
    _, eu = _country_pool()
    foreign, _ = _country_pool()
    eu_codes = set(foreign[eu].tolist())
    has = ps.immigrant & ~np.isin(ps.origin, list(eu_codes)) & (rng.random(len(ps)) < 0.9)
    idx = np.flatnonzero(has)
    granted = ps.arrival[idx] - rng.integers(0, 90, len(idx)).astype("timedelta64[D]")
    cat = rng.choice(len(CATEGORIES), len(idx), p=CATEGORY_WEIGHTS)
    order = np.lexsort((idx, granted))
    pnr = ps.pnr[idx].view("S10").ravel().astype(str)
    dates = np.datetime_as_string(granted, unit="D")
    names = np.array([c[0] for c in CATEGORIES], dtype=object)
    grund = np.array([c[1] for c in CATEGORIES])
    forkl = np.array([c[2] for c in CATEGORIES])
    cols = [pnr, dates, names[cat], grund[cat].astype(str), forkl[cat].astype(str),
            ps.origin[idx].astype(str)]
    lines = np.array(cols[0], dtype=object)
    for c in cols[1:]:
        lines = lines + ";" + np.asarray(c, dtype=object)
    body = "\n".join(lines[order].tolist())
    text = "PNR;TILLADELSESDATO;KATEGORI;GRUNDLAG;FORKLAR;STATSB\n" + body + ("\n" if body else "")
    return text.encode("utf-8")


# --- DREAM ------------------------------------------------------------------------------------

def dream_header(p: Period) -> list[str]:
    weeks = [f"y_{y % 100:02d}{w:02d}" for y, w in p.weeks]
    return (["PNR", "koen", *weeks] + [f"branche_{y}_{m:02d}" for y, m in p.months]
            + [f"grad_{y}_{m:02d}" for y, m in p.months])


def _cum_tables() -> tuple[np.ndarray, np.ndarray]:
    """Cumulative draw tables: one row per age band, plus one for immigrants."""
    rows = []
    for dist in (*DIST.values(), IMMIGRANT):
        v = np.zeros(len(STATES))
        for k, w in dist.items():
            v[S[k]] = w
        rows.append(np.cumsum(v / v.sum()))
    switch = np.array([1.0 / MEAN_MONTHS[s] for s in STATES])
    return np.array(rows), switch


class DreamWriter:
    """Weekly codes and monthly employment for a chunk of persons, as CSV rows."""

    def __init__(self, p: Period, known_codes: set[str]) -> None:
        self.p = p
        self.cum, self.switch = _cum_tables()
        codes = sorted({c for pair in STATE_CODES.values() for c in pair}
                       | {CENSOR_EMIGRATED, CENSOR_DEAD})
        unknown = set(codes) - known_codes
        if unknown:
            raise ValueError(f"codes not in reference/dream_codes.csv: {sorted(unknown)}")
        self.codes = ["", *codes]
        self.code_index = {c: i for i, c in enumerate(self.codes)}
        self.code_bytes = _table(self.codes, 3, "ascii", pad=FILL)
        self.primary = np.array([self.code_index[STATE_CODES[s][0]] if s in STATE_CODES else 0
                                 for s in STATES])
        self.secondary = np.array([self.code_index[STATE_CODES[s][1]] if s in STATE_CODES
                                   else 0 for s in STATES])
        grads = ["", *(f"{g / 100:.2f}".rstrip("0").rstrip(".") for g in range(101))]
        self.grad_bytes = _table(grads, 4, "ascii", pad=FILL)
        self.branche_bytes = _table(["", *INDUSTRIES], 6, "ascii", pad=FILL)
        self.rows = 0
        self.filled_weeks = 0
        self.filled_months = 0

    def header(self) -> bytes:
        return (";".join(dream_header(self.p)) + "\n").encode("utf-8")

    def _states(self, rng: np.random.Generator, ps: Persons, i: np.ndarray,
                present: np.ndarray, age: np.ndarray) -> np.ndarray:
        n, m = present.shape
        states = np.zeros((n, m), dtype=np.int8)
        cur = np.full(n, S["none"], dtype=np.int64)
        band = np.searchsorted(np.array(BANDS), age, side="right") - 1   # -1: under 16
        imm = ps.immigrant[i]
        for t in range(m):
            b = band[:, t]
            draw = (rng.random(n) < self.switch[cur]) | (b == 3) & (cur != S["pension"])
            draw |= (b == 2) & (cur == S["su"])
            table = np.where((imm & (b == 1))[:, None], self.cum[4], self.cum[np.maximum(b, 0)])
            new = (rng.random(n)[:, None] > table).sum(axis=1)
            cur = np.where(draw, new, cur)
            cur = np.where(b < 0, S["none"], cur)
            states[:, t] = np.where(present[:, t], cur, S["none"])
        return states

    def chunk(self, rng: np.random.Generator, ps: Persons, i: np.ndarray) -> bytes:
        p = self.p
        birth = ps.birth[i][:, None]
        age = ((p.month_mid[None, :] - birth).astype(np.int64) // 365)
        first = np.where(ps.immigrant[i], ps.arrival[i], ps.birth[i])[:, None]
        exit_ = ps.exit[i][:, None]
        alive_here = np.isnat(exit_) | (p.month_mid[None, :] < exit_)
        present = (p.month_mid[None, :] >= first) & alive_here & (age >= 16)
        states = self._states(rng, ps, i, present, age)

        # weeks: the code of the week's month state; some weeks the secondary code
        ws = states[:, p.week_month]
        n, w = ws.shape
        code = np.where(rng.random((n, w)) < 0.15, self.secondary[ws], self.primary[ws])
        code = np.where((ws == S["job"]) & (rng.random((n, w)) < 0.01),
                        self.code_index["893"], code)
        thu = p.week_thursday[None, :]
        week_age = (thu - birth).astype(np.int64) // 365
        before = (thu < first) | (week_age < 16)
        code = np.where(before, 0, code)
        gone = ~np.isnat(exit_) & (thu >= exit_)
        censor = np.where(ps.status[i] == 90, self.code_index[CENSOR_DEAD],
                          self.code_index[CENSOR_EMIGRATED])[:, None]
        code = np.where(gone & ~before, censor, code)

        # months: employment degree (hundredths, 0 = none) and industry of job-like states
        base = rng.uniform(0.55, 1.0, (n, 1))
        noise = rng.uniform(-0.12, 0.08, states.shape)
        g = np.where(states == S["job"], np.clip(base + noise, 0.05, 1.0), np.nan)
        g = np.where(states == S["wagesub"], rng.uniform(0.6, 1.0, states.shape), g)
        g = np.where(states == S["flex"], rng.uniform(0.3, 0.6, states.shape), g)
        g = np.where((states == S["su"]) & (rng.random(states.shape) < 0.35),
                     rng.uniform(0.1, 0.35, states.shape), g)
        grad = np.where(np.isnan(g), 0, np.round(np.nan_to_num(g) * 100) + 1).astype(np.int64)
        branche = np.where(grad > 0, ps.industry[i][:, None] + 1, 0)

        keep = (code > 0).any(axis=1) | (grad > 0).any(axis=1)
        self.rows += int(keep.sum())
        self.filled_weeks += int((code[keep] > 0).sum())
        self.filled_months += int((grad[keep] > 0).sum())
        return self._text(ps.pnr[i][keep], ps.male[i][keep], code[keep], branche[keep],
                          grad[keep])

    def _text(self, pnr, male, code, branche, grad) -> bytes:
        n = len(pnr)
        if n == 0:
            return b""
        semi = np.full((n, 1), ord(";"), np.uint8)

        def cells(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
            c = table[idx]                                  # (n, k, width)
            sep = np.full(c.shape[:2] + (1,), ord(";"), np.uint8)
            return np.concatenate([c, sep], axis=2).reshape(n, -1)

        koen = np.where(male, ord("1"), ord("2")).astype(np.uint8)[:, None]
        mat = np.concatenate([pnr, semi, koen, semi, cells(self.code_bytes, code),
                              cells(self.branche_bytes, branche),
                              cells(self.grad_bytes, grad)], axis=1)
        mat[:, -1] = ord("\n")                              # the last ';' ends the row
        flat = mat.ravel()
        return flat[flat != FILL].tobytes()


# --- the delivery -----------------------------------------------------------------------------

class _HashedFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.f = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.h = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.h.update(data)
        self.bytes += len(data)

    def close(self) -> dict:
        self.f.close()
        return {"sha256": self.h.hexdigest(), "bytes": self.bytes}


def _chunks(n: int, row_bytes: int) -> list[slice]:
    size = max(1000, CHUNK_BYTES // max(row_bytes, 1))
    return [slice(a, min(a + size, n)) for a in range(0, n, size)]


def generate_scaled(out_dir: Path, persons: int, since_year: int = 2008, month: str = "2017-06",
                    seed: int = 1) -> Path:
    """Write a synthetic delivery of `persons` CPR persons into `<out_dir>/<month>/` and
    return that folder. DREAM weeks start at `since_year`-W01 (1991 for a full history)."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if not 1991 <= since_year <= int(month[:4]) - 1:
        raise ValueError(f"since_year must be between 1991 and {int(month[:4]) - 1}")
    p = period(month, since_year)
    rng = np.random.default_rng(seed)
    ps = make_persons(rng, persons, p)
    folder = Path(out_dir) / month
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}

    cpr = CprWriter(p)
    out = _HashedFile(folder / "cpr_extract.txt")
    out.write(cpr.header())
    for sl in _chunks(persons, 4000 * (MAX_HIST + 4)):
        out.write(cpr.chunk(ps, sl))
    out.write(cpr.trailer())
    entries["cpr_extract.txt"] = {**out.close(), "rows": cpr.records}

    data = permits_csv(rng, ps)
    (folder / "residence_permits.csv").write_bytes(data)
    entries["residence_permits.csv"] = {"sha256": hashlib.sha256(data).hexdigest(),
                                        "bytes": len(data), "rows": data.count(b"\n") - 1}

    dream = DreamWriter(p, reference.benefit_codes())
    out = _HashedFile(folder / "dream.csv")
    out.write(dream.header())
    row_bytes = 64 * len(p.weeks) + 128 * len(p.months)  # incl. the work arrays
    for sl in _chunks(persons, row_bytes):
        out.write(dream.chunk(rng, ps, np.arange(sl.start, sl.stop)))
    entries["dream.csv"] = {**out.close(), "rows": dream.rows}

    cells_w = dream.rows * len(p.weeks)
    cells_m = dream.rows * len(p.months)
    manifest = {
        "delivery_month": month, "municipality_code": HOME, "producer": PRODUCER,
        "seed": seed, "persons": persons, "since_year": since_year, "files": entries,
        "dream": {"weeks": len(p.weeks), "months": len(p.months),
                  "columns": len(dream_header(p)),
                  "filled_week_share": round(dream.filled_weeks / cells_w, 4) if cells_w else 0,
                  "filled_month_share": round(dream.filled_months / cells_m, 4) if cells_m else 0,
                  "benefit_weeks": dream.filled_weeks},
    }
    (folder / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
    return folder
