"""The demo-delivery generator: formats, determinism, and an independent check of the calibration.

The checker below parses the written files itself (it does not use the pipeline or the
generator's helpers) and re-derives the note's figures with the rules of `shared/spec/report.md`
(municipality spells, citizenship in effect, alive, adult, status precedence). It also compares
each story's intended cohort flags (`Person.expected`) with what the files say about that person.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from integration_pipeline.demo import generate_delivery, population
from tests.note import NOTE_KEY_FIGURES

HOME = "0151"
PERIOD_START = date(2013, 1, 1)
WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
NON_MOD11_YEARS = {1960, 1965, 1970, 1980, *range(1984, 1991)}
LENGTHS = {"000": 35, "001": 106, "002": 306, "005": 200, "010": 30, "023": 96, "024": 218,
           "027": 44, "999": 21}
KATEGORIER = {"Asyl mv.", "Familiesammenføring", "Erhverv", "Studie", "EU/EØS",
              "Det øvrige opholdsområde"}

NOTE = NOTE_KEY_FIGURES  # typed in from the note in tests/note.py
NOTE_REFUGEE_CITIZENSHIP = {"5486": 43, "5438": 18, "5216": 11, "5404": 8}
NOTE_AGE_SEX = {"0-17": (47, 58), "18-24": (58, 57), "25-29": (105, 71), "30-39": (115, 133),
                "40-49": (39, 41), "50-59": (12, 14), "60-65": (3, 5), "66+": (0, 2)}
NOTE_TOP15 = [("5128", 60), ("5154", 55), ("5432", 39), ("5120", 36), ("5172", 35),
              ("5158", 34), ("5448", 28), ("5756", 28), ("5474", 25), ("5464", 25),
              ("5438", 21), ("5404", 20), ("5472", 18), ("5486", 18), ("5180", 18)]
NOTE_STATUS = {
    "refugees": {"public_support": 42, "education": 5, "job": 10, "self_supporting_no_income": 16},
    "immigrants": {"public_support": 50, "education": 58, "job": 301,
                   "self_supporting_no_income": 245},
}
DANISH_ORDER = "abcdefghijklmnopqrstuvwxyzæøå"


# --- an independent reader of the three files ------------------------------------------------------


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if "-" in text:
        return date.fromisoformat(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


@dataclass
class Addr:
    kom: str
    start: date
    end: date | None
    annkor: str


@dataclass
class CprPerson:
    pnr: str
    status: str = ""
    since: date | None = None
    koen: str = ""
    birth: date | None = None
    addresses: list[Addr] = field(default_factory=list)
    emigrations: list[date] = field(default_factory=list)
    immigrations: list[tuple[date, str]] = field(default_factory=list)  # (INDRDTO, ANNKOR)
    citizenships: list[tuple[str, date, date | None]] = field(default_factory=list)
    permits: list[tuple[date, str]] = field(default_factory=list)


@dataclass
class Delivery:
    prod: date
    persons: dict[str, CprPerson]
    dropped: set[str]
    dream_header: list[str]
    dream: dict[str, dict[str, str]]
    record_types: Counter


def read_cpr(path: Path) -> tuple[date, dict[str, CprPerson], Counter]:
    raw = path.read_bytes()
    assert not any(0x80 <= b <= 0x9F for b in raw), "C1 control bytes: not ISO-8859-1 text"
    lines = raw.decode("iso-8859-1").split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    lines = lines[:-1]
    assert lines[0][:3] == "000" and lines[-1][:3] == "999"
    assert int(lines[-1][3:13]) == len(lines), "999 TAELLER counts every record"
    prod = _date(lines[0][19:27])
    assert prod is not None
    persons: dict[str, CprPerson] = {}
    types: Counter = Counter()
    current: CprPerson | None = None
    for line in lines[1:-1]:
        rec, pnr = line[:3], line[3:13]
        types[rec] += 1
        if rec in LENGTHS:
            assert len(line) == LENGTHS[rec], (rec, len(line), line)
        if rec == "001":
            assert pnr not in persons, f"{pnr} has two 001 records"
            assert line[13:23] == pnr
            current = persons[pnr] = CprPerson(pnr, status=line[23:25], since=_date(line[25:33]),
                                               koen=line[38], birth=_date(line[39:49]))
            assert line[33:37] == "0000"
            continue
        assert current is not None and pnr == current.pnr, "per person: 001 first"
        if rec == "002":
            assert line[77:81] == "0000" and line[90:94] == "0000"
            assert line[95:99].isdigit()
            start = _date(line[69:77])
            assert start is not None
            current.addresses.append(Addr(line[13:17], start, None, " "))
        elif rec == "023":
            start, end = _date(line[70:78]), _date(line[83:91])
            assert start is not None and end is not None and line[13] in " AK"
            current.addresses.append(Addr(line[14:18], start, end, line[13]))
        elif rec == "024":
            udr, indr = _date(line[18:30]), _date(line[35:47])
            if line[13] == " " and udr is not None:
                current.emigrations.append(udr)
            if indr is not None:
                current.immigrations.append((indr, line[13]))
        elif rec == "005":
            udr = _date(line[17:29])
            assert udr is not None
            current.emigrations.append(udr)
        elif rec == "010":
            start = _date(line[17:29])
            assert start is not None
            current.citizenships.append((line[13:17], start, None))
        elif rec == "027":
            start = _date(line[18:30])
            assert start is not None
            if line[13] == " ":
                current.citizenships.append((line[14:18], start, _date(line[31:43])))
    return prod, persons, types


def read_delivery(folder: Path) -> Delivery:
    prod, persons, types = read_cpr(folder / "cpr_extract.txt")
    dropped = {p for p, x in persons.items() if x.status in ("30", "50")}
    text = (folder / "residence_permits.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        assert row["KATEGORI"] in KATEGORIER
        assert len(row["STATSB"]) == 4 and row["STATSB"].isdigit()
        persons[row["PNR"]].permits.append((date.fromisoformat(row["TILLADELSESDATO"]),
                                            row["KATEGORI"]))
    with (folder / "dream.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        dream = {}
        for row in reader:
            assert len(row) == len(header)
            assert row[0] not in dream, f"{row[0]} twice in DREAM"
            dream[row[0]] = dict(zip(header, row, strict=True))
    return Delivery(prod, persons, dropped, header, dream, types)


# --- the report rules, re-implemented from report.md ------------------------------------------


def spells(p: CprPerson, *, with_ignored: bool = False) -> list[tuple[str, date, date | None]]:
    addrs = sorted((a for a in p.addresses if with_ignored or a.annkor == " "),
                   key=lambda a: a.start)
    out: list[list] = []
    for a in addrs:
        if out:
            kom, s, e = out[-1]
            emigrated = any(e is not None and e <= u <= a.start for u in p.emigrations)
            if kom == a.kom and not emigrated:
                out[-1][2] = a.end
                continue
        out.append([a.kom, a.start, a.end])
    return [tuple(x) for x in out]


def citizenship(p: CprPerson, d: date) -> str:
    for land, s, e in p.citizenships:
        if e is not None and s <= d < e:
            return land
    for land, s, e in p.citizenships:
        if e is None and s <= d:
            return land
    later = sorted((s, land) for land, s, _ in p.citizenships if s > d)
    return later[0][1]


def age(birth: date, d: date) -> int:
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


def alive(p: CprPerson, d: date) -> bool:
    return not (p.status == "90" and p.since is not None and p.since <= d)


def code_group(code: str) -> str:
    """extracts.md "Benefit code groups"."""
    c = int(code)
    ranges = [(111, 115), (130, 149), (211, 299), (411, 413), (511, 529), (611, 623),
              (701, 799), (810, 818), (890, 899), (999, 999)]
    if any(a <= c <= b for a, b in ranges):
        return "public_support"
    if c in (651, 652, 661):
        return "education"
    if c in (121, 881):
        return "other"
    if c in (997, 998):
        return "censored"
    raise KeyError(code)


@dataclass
class Flags:
    refugee: bool = False
    arrival_year: int | None = None
    immigrant: bool = False
    direct: bool | None = None
    resident: bool | None = None
    family: bool = False
    status: str | None = None


def classify(p: CprPerson, residence: date, status_date: date, dream: dict[str, str] | None,
             week: str, month: str, *, with_ignored: bool = False) -> Flags:
    sp = spells(p, with_ignored=with_ignored)
    f = Flags()
    asylum = [d for d, k in p.permits if k == "Asyl mv."]
    if asylum:
        first = next((s for s in sp if s[1] >= min(asylum)), None)
        if first and first[0] == HOME and PERIOD_START <= first[1] <= residence:
            f.refugee, f.arrival_year = True, first[1].year
    else:
        immigrations = sorted(d for d, annkor in p.immigrations
                              if (with_ignored or annkor == " ") and d >= PERIOD_START)
        for imm in immigrations:
            if citizenship(p, imm) == "5100":
                continue
            if any(k == HOME and s <= residence and (e is None or e >= imm) for k, s, e in sp):
                f.immigrant = True
                first = next(s for s in sp if s[1] >= imm)
                f.direct = first[0] == HOME
                f.resident = alive(p, residence) and any(
                    k == HOME and e is None and s <= residence for k, s, e in sp)
                f.family = any(k == "Familiesammenføring" for _, k in p.permits)
                break
    assert p.birth is not None
    in_status_population = (f.refugee or f.resident) and alive(p, status_date) \
        and age(p.birth, status_date) >= 18
    if in_status_population:
        code = (dream or {}).get(week, "")
        grad = float((dream or {}).get(month) or 0)
        group = code_group(code) if code else ""
        if group == "censored":
            f.status = "censored"
        elif group == "public_support":
            f.status = "public_support"
        elif group == "education":
            f.status = "education"
        elif grad > 0:
            f.status = "job"
        else:
            f.status = "self_supporting_no_income"
    return f


def status_week(header: list[str]) -> tuple[str, str, date]:
    """The first ISO week whose Thursday is in the latest month with grad_ columns."""
    last = max(c for c in header if c.startswith("grad_"))
    y, m = int(last[5:9]), int(last[10:12])
    thursday = date(y, m, 1)
    while thursday.weekday() != 3:
        thursday += timedelta(days=1)
    iy, iw, _ = thursday.isocalendar()
    return f"y_{iy % 100:02d}{iw:02d}", last, thursday - timedelta(days=3)


def figures(d: Delivery, *, with_ignored: bool = False) -> tuple[dict, dict[str, Flags]]:
    week, month, status_date = status_week(d.dream_header)
    residence = d.prod
    flags = {pnr: classify(p, residence, status_date, d.dream.get(pnr), week, month,
                           with_ignored=with_ignored)
             for pnr, p in d.persons.items() if pnr not in d.dropped}
    refugees = [d.persons[k] for k, f in flags.items() if f.refugee]
    immigrants = {k: f for k, f in flags.items() if f.immigrant}
    residents = [d.persons[k] for k, f in immigrants.items() if f.resident]
    out: dict = {
        "refugees_received": len(refugees),
        "refugees_received_men": sum(p.koen == "M" for p in refugees),
        "refugees_received_women": sum(p.koen == "K" for p in refugees),
        "refugees_adults": sum(alive(p, status_date) and age(p.birth, status_date) >= 18
                               for p in refugees),
        "immigrants_lived_here": len(immigrants),
        "immigrants_still_resident": len(residents),
        "immigrants_moved_away": len(immigrants) - len(residents),
        "immigrants_family_reunified": sum(f.family for f in immigrants.values()),
        "immigrants_direct_from_abroad": sum(f.direct for f in immigrants.values()),
        "immigrants_from_other_municipality": sum(not f.direct for f in immigrants.values()),
        "residents_direct_from_abroad": sum(f.direct and f.resident
                                            for f in immigrants.values()),
        "residents_from_other_municipality": sum(not f.direct and f.resident
                                                 for f in immigrants.values()),
        "residents_women": sum(p.koen == "K" for p in residents),
        "residents_men": sum(p.koen == "M" for p in residents),
        "residents_adults_at_status_date": sum(age(p.birth, status_date) >= 18
                                               for p in residents),
    }
    cits = Counter(citizenship(p, residence) for p in residents)
    top = sorted(cits.items(), key=lambda kv: -kv[1])[:15]
    out["top15_share_pct"] = round(100 * sum(n for _, n in top) / len(residents), 1)
    out["refugees_by_citizenship"] = Counter(citizenship(p, residence) for p in refugees)
    out["top_citizenships"] = cits
    bands = {}
    for name, lo, hi in [("0-17", 0, 17), ("18-24", 18, 24), ("25-29", 25, 29),
                         ("30-39", 30, 39), ("40-49", 40, 49), ("50-59", 50, 59),
                         ("60-65", 60, 65), ("66+", 66, 200)]:
        ages = [p for p in residents if lo <= age(p.birth, residence) <= hi]
        bands[name] = (sum(p.koen == "K" for p in ages), sum(p.koen == "M" for p in ages))
    out["age_sex"] = bands
    out["status"] = {
        "refugees": Counter(f.status for f in flags.values() if f.refugee and f.status),
        "immigrants": Counter(f.status for f in flags.values() if f.resident and f.status),
    }
    years: dict[int, list] = {}
    for f in flags.values():
        if f.refugee:
            years.setdefault(f.arrival_year, []).append(f)
    out["refugees_by_arrival_year"] = {
        y: (len(fs), sum(f.status is not None for f in fs),
            sum(f.status in ("job", "education") for f in fs)) for y, fs in sorted(years.items())}
    return out, flags


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("demo")
    return {m: generate_delivery(out, m) for m in ("2017-06", "2017-07")}


@pytest.fixture(scope="module")
def june(deliveries: dict[str, Path]) -> Delivery:
    return read_delivery(deliveries["2017-06"])


@pytest.fixture(scope="module")
def july(deliveries: dict[str, Path]) -> Delivery:
    return read_delivery(deliveries["2017-07"])


@pytest.fixture(scope="module")
def june_figures(june: Delivery) -> tuple[dict, dict[str, Flags]]:
    return figures(june)


# --- determinism ---------------------------------------------------------------------------------


def _file_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_bytes_in_a_fresh_interpreter(
        deliveries: dict[str, Path], tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from integration_pipeline.demo import "
            "generate_delivery as g; [g(Path(sys.argv[1]), m) for m in ('2017-06', '2017-07')]")
    root = Path(__file__).resolve().parents[2]
    path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": path}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=root)
    for month, folder in deliveries.items():
        assert _file_hashes(tmp_path / month) == _file_hashes(folder)


def test_another_seed_gives_another_delivery(deliveries: dict[str, Path], tmp_path: Path) -> None:
    other = generate_delivery(tmp_path, "2017-06", seed=1)
    a = (other / "cpr_extract.txt").read_bytes()
    assert a != (deliveries["2017-06"] / "cpr_extract.txt").read_bytes()


def test_unknown_month_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2017-06"):
        generate_delivery(tmp_path, "2018-01")


# --- formats -------------------------------------------------------------------------------------


def test_manifest_matches_the_files(deliveries: dict[str, Path]) -> None:
    for month, folder in deliveries.items():
        manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
        assert manifest["delivery_month"] == month
        assert "producer" in manifest
        assert set(manifest["files"]) == {"cpr_extract.txt", "residence_permits.csv",
                                          "dream.csv"}
        for name, meta in manifest["files"].items():
            data = (folder / name).read_bytes()
            assert meta["sha256"] == hashlib.sha256(data).hexdigest()
            assert meta["bytes"] == len(data)
            lines = data.count(b"\n")
            assert meta["rows"] == (lines if name.endswith(".txt") else lines - 1)
        total = sum(p.stat().st_size for p in folder.iterdir())
        assert total < 10_000_000


def test_cpr_records(june: Delivery, deliveries: dict[str, Path]) -> None:
    assert june.prod == date(2017, 6, 30)
    assert set(june.record_types) >= {"001", "002", "005", "010", "023", "024", "027"}
    unknown = {t for t in june.record_types if t not in LENGTHS}
    assert unknown >= {"003", "008"}
    statuses = Counter(p.status for p in june.persons.values())
    assert statuses["80"] > 0 and statuses["90"] > 0 and statuses["03"] > 0
    assert 1 <= statuses["30"] + statuses["50"] <= 5
    annkor = Counter(a.annkor for p in june.persons.values() for a in p.addresses)
    assert annkor["A"] > 0 and annkor["K"] > 0
    text = (deliveries["2017-06"] / "cpr_extract.txt").read_bytes().decode("iso-8859-1")
    assert "ø" in text and "æ" in text


def test_cpr_numbers(june: Delivery) -> None:
    no_mod11 = 0
    for pnr, p in june.persons.items():
        assert len(pnr) == 10 and pnr.isdigit()
        d7, yy = int(pnr[6]), int(pnr[4:6])
        if d7 <= 3:
            century = 1900
        elif d7 in (4, 9):
            century = 2000 if yy <= 36 else 1900
        else:
            century = 2000 if yy <= 57 else 1800
        birth = date(century + yy, int(pnr[2:4]), int(pnr[:2]))
        assert birth == p.birth, pnr
        assert p.koen == ("M" if int(pnr[9]) % 2 else "K"), pnr
        if sum(w * int(c) for w, c in zip(WEIGHTS, pnr, strict=True)) % 11:
            no_mod11 += 1
            assert (birth.month, birth.day) == (1, 1) and birth.year in NON_MOD11_YEARS, pnr
    assert 5 <= no_mod11 <= 60


def test_permits_belong_to_cpr_persons(june: Delivery) -> None:
    assert sum(len(p.permits) for p in june.persons.values()) > 1000
    kinds = Counter(k for p in june.persons.values() for _, k in p.permits)
    assert set(kinds) == KATEGORIER


def _iso_weeks(first: tuple[int, int], last: tuple[int, int]) -> list[str]:
    monday = date.fromisocalendar(*first, 1)
    out = []
    while monday <= date.fromisocalendar(*last, 1):
        y, w, _ = monday.isocalendar()
        out.append(f"y_{y % 100:02d}{w:02d}")
        monday += timedelta(days=7)
    return out


@pytest.mark.parametrize(("month", "last_week", "last_month"),
                         [("2017-06", (2017, 17), "2017_04"), ("2017-07", (2017, 21), "2017_05")])
def test_dream_layout(month: str, last_week: tuple[int, int], last_month: str,
                      june: Delivery, july: Delivery) -> None:
    d = june if month == "2017-06" else july
    header = d.dream_header
    weeks = [c for c in header if c.startswith("y_")]
    assert header[:2] == ["PNR", "koen"]
    assert weeks == _iso_weeks((2012, 1), last_week)
    assert "y_1553" in weeks and "y_1453" not in weeks
    months = [c[8:] for c in header if c.startswith("branche_")]
    assert months[0] == "2012_01" and months[-1] == last_month and len(months) == len(set(months))
    assert [c[5:] for c in header if c.startswith("grad_")] == months
    codes: Counter = Counter()
    for pnr, row in d.dream.items():
        assert pnr in d.persons and pnr not in d.dropped
        assert row["koen"] == ("1" if d.persons[pnr].koen == "M" else "2")
        for col, value in row.items():
            if col.startswith("y_") and value:
                assert len(value) == 3 and value.isdigit()
                code_group(value)  # known code
                codes[value] += 1
            elif col.startswith("grad_") and value:
                assert float(value) >= 0
            elif col.startswith("branche_") and value:
                assert len(value) == 6 and value.isdigit()
    groups = {code_group(c) for c in codes}
    assert groups == {"public_support", "education", "other", "censored"}
    assert {"140", "651", "783", "997", "998", "999", "881", "121"} <= set(codes)
    no_row = [p for p in d.persons if p not in d.dream and p not in d.dropped]
    assert len(no_row) > 100


# --- the calibration (2017-06) --------------------------------------------------------------------


def test_key_figures_equal_the_note(june_figures: tuple[dict, dict]) -> None:
    got, _ = june_figures
    assert {k: got[k] for k in NOTE} == NOTE


def test_tables_equal_the_note(june_figures: tuple[dict, dict]) -> None:
    got, _ = june_figures
    refugees = got["refugees_by_citizenship"]
    assert {k: refugees[k] for k in NOTE_REFUGEE_CITIZENSHIP} == NOTE_REFUGEE_CITIZENSHIP
    assert sum(refugees.values()) == 86 and max(
        n for k, n in refugees.items() if k not in NOTE_REFUGEE_CITIZENSHIP) < 8
    assert got["age_sex"] == NOTE_AGE_SEX
    cits = got["top_citizenships"]
    top = sorted(cits.items(), key=lambda kv: (-kv[1], kv[0]))
    assert {k: n for k, n in top[:15]} == dict(NOTE_TOP15)
    assert top[15][1] < 18, "the 16th country must not tie with the 15th"
    assert got["status"]["refugees"] == NOTE_STATUS["refugees"]
    assert got["status"]["immigrants"] == NOTE_STATUS["immigrants"]
    persons, adults, self_supporting = got["refugees_by_arrival_year"][2016]
    assert persons == 24 and self_supporting == 7
    assert set(got["refugees_by_arrival_year"]) == {2013, 2014, 2015, 2016, 2017}


def test_one_resident_turns_18_between_status_date_and_residence_date(june: Delivery,
                                                                       june_figures) -> None:
    _, flags = june_figures
    residents = [june.persons[k] for k, f in flags.items() if f.resident]
    born = [p.birth for p in residents if date(1999, 4, 4) <= p.birth <= date(1999, 6, 30)]
    assert len(born) == 1
    assert sum(age(p.birth, date(2017, 6, 30)) >= 18 for p in residents) == 655


def test_every_story_counts_as_intended(june: Delivery, june_figures) -> None:
    _, flags = june_figures
    seen = 0
    for person in population():
        view = person.view(june.prod)
        if view is None:
            assert person.pnr not in june.persons
            continue
        if person.status_code in ("30", "50"):
            assert person.pnr in june.dropped
            continue
        e, f = person.expected, flags[person.pnr]
        want = Flags(e.refugee, e.arrival_year, e.immigrant, e.direct, e.resident, e.family,
                     e.status)
        assert f == want, (person.story, person.pnr)
        seen += 1
    assert seen == len(june.persons) - len(june.dropped)


def test_dropped_annulled_and_ignored_rows_are_live_traps(june: Delivery) -> None:
    """The status 30/50 persons and the A/K rows would change figures if read naively."""
    with_ignored, _ = figures(june, with_ignored=True)
    assert with_ignored["refugees_received"] < 86
    assert with_ignored["immigrants_lived_here"] > 1792
    naive = Delivery(june.prod, june.persons, set(), june.dream_header, june.dream,
                     june.record_types)
    assert figures(naive)[0]["immigrants_lived_here"] > 1792


def test_no_censored_code_in_the_status_week_of_the_status_populations(june_figures) -> None:
    _, flags = june_figures
    assert not [k for k, f in flags.items() if f.status == "censored"]


def test_population_covers_the_required_stories() -> None:
    stories = Counter(p.story.split("/")[0] + "/" + p.story.split("/")[1]
                      for p in population())
    for s in ["native/lifelong", "native/moved-in", "native/moved-out", "native/away-and-back",
              "native/died", "native/emigrated", "dane/returner", "dane/born-abroad",
              "dane/naturalised", "immigrant/elsewhere-only", "immigrant/before-2013",
              "refugee/before-2013", "refugee/received-elsewhere",
              "refugee/permit-while-living-here", "immigrant/0151-only-before-reentry"]:
        assert stories[s] > 0, s
    assert len(population()) > 4000


# --- 2017-07 ---------------------------------------------------------------------------------------


def test_july_is_the_same_population_one_month_later(june: Delivery, july: Delivery) -> None:
    assert july.prod == date(2017, 7, 31)
    assert set(june.persons) <= set(july.persons)
    new = set(july.persons) - set(june.persons)
    assert 8 <= len(new) <= 12
    for pnr in new:
        assert any(a.kom == HOME and a.start >= date(2017, 7, 1)
                   for a in july.persons[pnr].addresses)
    june_flags, july_flags = figures(june)[1], figures(july)[1]
    left = [k for k, f in june_flags.items() if f.resident and not july_flags[k].resident]
    assert 4 <= len(left) <= 6
    assert sum(july_flags[k].refugee for k in new) == 2


def test_july_revises_some_older_weeks(june: Delivery, july: Delivery) -> None:
    june_weeks = [c for c in june.dream_header if c.startswith("y_")]
    revised = set()
    for pnr, row in june.dream.items():
        other = july.dream[pnr]
        diff = [c for c in june_weeks if row[c] != other[c]]
        assert set(diff) <= {"y_1710", "y_1711", "y_1712"}, (pnr, diff)
        if diff:
            revised.add(pnr)
        months = [c for c in june.dream_header if c.startswith(("grad_", "branche_"))]
        assert all(row[c] == other[c] for c in months)
    assert 15 <= len(revised) <= 25
