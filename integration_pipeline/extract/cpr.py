"""CPR extract parser: fixed-width P12170 subset (spec extracts.md §1) -> tidy frames.

Belongs here: record layouts, PNR rules (century, sex, modulus 11), record-level validation
(reject / quarantine / warn as the spec's "Bad input" table says) and the split into persons,
addresses, migrations and citizenships. Not here: pseudonymisation (`pseudonym`), spells and
cohorts (SQL in `sql/`), anything that writes.

Field slicing is set-based in DuckDB (`substr` over all lines of a record type); only line
splitting and rule bookkeeping happen in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .common import DeliveryError, Issues, read_text

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


# --- parsing ---------------------------------------------------------------------------------

def _parse_date(s: pd.Series, fmt: str) -> tuple[pd.Series, pd.Series]:
    """(parsed dates as datetime64 or NaT, mask of non-blank values that failed to parse)."""
    stripped = s.fillna("").str.strip()
    if fmt == "timestamp":
        parsed = pd.to_datetime(stripped.str[:8], format="%Y%m%d", errors="coerce")
        bad_shape = (stripped != "") & ~stripped.str.fullmatch(r"\d{12}")
    else:
        parsed = pd.to_datetime(stripped, format="%Y-%m-%d", errors="coerce")
        bad_shape = (stripped != "") & ~stripped.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    bad = ((stripped != "") & parsed.isna()) | bad_shape
    parsed = parsed.where(~bad_shape)
    return parsed.dt.date.astype("object").where(parsed.notna(), None), bad


def _slice(con: duckdb.DuckDBPyConnection, rec: str) -> pd.DataFrame:
    length, fields = LAYOUT[rec]
    cols = ", ".join(f"substr(line, {s}, {n}) AS {name}" for name, s, n in fields)
    return con.execute(
        f"SELECT lineno, {cols} FROM lines WHERE rec = ? AND length(line) >= ? ORDER BY lineno",
        [rec, length]).df()


def parse_cpr(path: Path, known_countries: set[str] | None = None) -> CprExtract:
    """Parse `cpr_extract.txt`. Raises DeliveryError when the file must be rejected."""
    path = Path(path)
    text, encoding = read_text(path)
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    lines = pd.DataFrame({"line": [ln.rstrip("\r") for ln in raw_lines]})
    lines["lineno"] = range(1, len(lines) + 1)
    lines = lines[lines["line"].str.strip() != ""]
    lines["rec"] = lines["line"].str[:3]
    issues = Issues(source_file=path.name)

    # structure: 000 first, 999 last, TAELLER = records counted (000 and 999 included)
    if lines.empty or lines["rec"].iloc[0] != "000":
        raise DeliveryError(path, "the first record is not a 000 start record", line=1,
                            field="record type")
    last = lines.iloc[-1]
    if last["rec"] != "999":
        raise DeliveryError(path, "no 999 end record: the file is truncated "
                            f"(last record is type {last['rec']!r})", line=int(last["lineno"]))
    taeller_raw = last["line"][3:13].strip()
    if not taeller_raw.isdigit():
        raise DeliveryError(path, f"999 TAELLER {taeller_raw!r} is not a number",
                            line=int(last["lineno"]), field="TAELLER")
    if int(taeller_raw) != len(lines):
        raise DeliveryError(path, f"999 TAELLER says {int(taeller_raw)} records, the file has "
                            f"{len(lines)}: records are missing or added",
                            line=int(last["lineno"]), field="TAELLER")
    header = lines.iloc[0]["line"]
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

    counts = lines["rec"].value_counts().to_dict()
    skipped = {r: int(n) for r, n in counts.items() if r not in LAYOUT}
    for rec, n in sorted(skipped.items()):
        issues.warn(None, rec, "unknown_record_type", "record type",
                    f"{n} record(s) of type {rec} skipped (not used by the pipeline)")

    body = lines[lines["rec"].isin(LAYOUT) & ~lines["rec"].isin(["000", "999"])]
    short = body[body["line"].str.len() < body["rec"].map(lambda r: LAYOUT[r][0])]
    for row in short.itertuples():
        issues.quarantine(row.lineno, row.rec, "short_record", "record length",
                          f"record {row.rec} has {len(row.line)} characters, its layout "
                          f"needs {LAYOUT[row.rec][0]}", pnr=row.line[3:13].strip() or None)

    con = duckdb.connect()
    con.register("lines", body)
    frames = {rec: _slice(con, rec) for rec in ("001", "002", "005", "010", "023", "024", "027")}
    con.close()
    for df in frames.values():
        df["pnr"] = df["pnr"].str.strip()

    persons, bad_pnrs, dropped = _persons(frames["001"], issues)
    # an old number whose current number has its own 001 record still denotes that person
    renumbered = {r.pnr: r.pnrgaeld.strip() for r in frames["001"].itertuples()
                  if dropped.get(r.pnr) == "60"}
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
        frames[rec] = df[~orphan].copy()

    ignored = 0
    for rec in ("023", "024", "027"):
        df = frames[rec]
        annkor = df["annkor"].str.strip()
        ignored += int(annkor.isin(["A", "K"]).sum())
        for r in df[~annkor.isin(["", "A", "K"])].itertuples():
            issues.quarantine(r.lineno, rec, "unknown_annkor", "ANNKOR",
                              f"ANNKOR {r.annkor!r} is not blank, A or K", pnr=r.pnr)
        frames[rec] = df[annkor == ""].copy()

    addresses = _addresses(frames["002"], frames["023"], issues, extract_date)
    migrations = _migrations(frames["005"], frames["024"], issues, known_countries)
    citizenships = _citizenships(frames["010"], frames["027"], issues, known_countries)

    return CprExtract(
        extract_date=extract_date, previous_extract_date=previous,
        task_number=header[13:19].strip(), encoding=encoding, persons=persons,
        addresses=addresses, migrations=migrations, citizenships=citizenships, issues=issues,
        record_counts={str(k): int(v) for k, v in counts.items()}, skipped_record_types=skipped,
        dropped_persons=_count_dropped(dropped), ignored_history_rows=ignored,
        renumbered=renumbered)


def _count_dropped(dropped: dict[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for status in dropped.values():
        out[status] = out.get(status, 0) + 1
    return out


def _persons(df: pd.DataFrame, issues: Issues) -> tuple[pd.DataFrame, set[str], dict[str, str]]:
    bad: set[str] = set()
    dropped: dict[str, str] = {}
    rows = []
    for r in df.itertuples(index=False):
        pnr = r.pnr
        born_pnr = pnr_birth_date(pnr)
        if born_pnr is None:
            issues.quarantine(r.lineno, "001", "pnr_invalid_date", "PNR",
                              "the PNR's date part (DDMMYY with the century digit) is not a real "
                              "date", pnr=pnr)
            bad.add(pnr)
            continue
        status = r.status.strip()
        if status in DROPPED_STATUSES:
            dropped[pnr] = status
            continue
        current = r.pnrgaeld.strip() or pnr
        if current != pnr and pnr_birth_date(current) is None:
            issues.warn(r.lineno, "001", "pnrgaeld_invalid", "PNRGAELD",
                        "current number is not a valid PNR; the record's PNR is used", pnr=pnr)
            current = pnr
        rows.append(dict(lineno=r.lineno, pnr=pnr, pnr_current=current, status=status,
                         statushaenstart=r.statushaenstart, koen=r.koen.strip(),
                         foed_dt=r.foed_dt, foed_dt_umrk=r.foed_dt_umrk, start_dt=r.start_dt,
                         slut_dt=r.slut_dt, born_pnr=born_pnr))
    p = pd.DataFrame(rows, columns=["lineno", "pnr", "pnr_current", "status", "statushaenstart",
                                    "koen", "foed_dt", "foed_dt_umrk", "start_dt", "slut_dt",
                                    "born_pnr"])
    status_date, bad_sd = _parse_date(p["statushaenstart"], "timestamp")
    birth, bad_birth = _parse_date(p["foed_dt"], "date")
    start, bad_start = _parse_date(p["start_dt"], "date")
    end, bad_end = _parse_date(p["slut_dt"], "date")
    for mask, fld in ((bad_sd, "STATUSHAENSTART"), (bad_birth, "FOED_DT"),
                      (bad_start, "START_DT-PERSON"), (bad_end, "SLUT_DT-PERSON")):
        for r in p[mask].itertuples():
            issues.quarantine(r.lineno, "001", "bad_date", fld, "not a valid date", pnr=r.pnr)
            bad.add(r.pnr)
    p = p.assign(status_date=status_date, birth_date_rec=birth, start_date=start, end_date=end)
    p = p[~p["pnr"].isin(bad)].copy()

    sex_pnr = p["pnr"].map(pnr_sex)
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
    p["is_mod11_valid"] = p["pnr"].map(pnr_mod11_ok)
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
    """Parse date columns; a record with an unparseable date is quarantined."""
    bad_any = pd.Series(False, index=df.index)
    out = {}
    for col, fmt, name in specs:
        parsed, bad = _parse_date(df[col], fmt)
        out[col] = parsed
        for r in df[bad].itertuples():
            issues.quarantine(r.lineno, rec, "bad_date", name,
                              f"{getattr(r, col)!r} is not a valid date", pnr=r.pnr)
        bad_any |= bad
    df = df.assign(**out)
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
    return a.sort_values(["pnr", "moved_in_date", "source_line"]).reset_index(drop=True)


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
