"""Writing the demo stories as the three raw extracts, byte for byte as specified.

What belongs here: the record layouts of `cpr_extract.txt` (fixed width, ISO-8859-1, the layout
of `shared/spec/extracts.md` and the tiny fixture: timestamps `yyyyMMdd0000`, `0000` for "no
municipality", 999 `TAELLER` counting every line), `residence_permits.csv` and the wide
`dream.csv`. Input is a list of `PersonView`s (stories cut at the extract date).

What does not belong here: deciding what happens to whom (`population.py`).
"""

from __future__ import annotations

from datetime import date

from integration_pipeline.demo.calibration import COUNTRIES, FOREIGN_ADDRESS
from integration_pipeline.demo.dream import MONTHS, WEEKS, has_information
from integration_pipeline.demo.model import Person, PersonView

RECORD_LENGTH = {"000": 35, "001": 106, "002": 306, "005": 200, "010": 30, "023": 96,
                 "024": 218, "027": 44, "999": 21}
OPGAVENR = "017480"


def _ts(d: date | None) -> str:
    return d.strftime("%Y%m%d") + "0000" if d is not None else " " * 12


def _d10(d: date | None) -> str:
    return d.isoformat() if d is not None else " " * 10


def _fit(text: str, width: int) -> str:
    return text[:width].ljust(width)


def _abroad_lines(land: str | None) -> str:
    if land is None:
        return " " * 170
    street, town = FOREIGN_ADDRESS.get(land, ("", COUNTRIES.get(land, ("", ""))[0]))
    return "".join(_fit(x, 34) for x in (street, town, "", "", ""))


def _record(rec: str, body: str) -> str:
    line = rec + body
    want = RECORD_LENGTH[rec]
    if len(line) != want:
        raise AssertionError(f"record {rec} has length {len(line)}, not {want}: {line!r}")
    return line


def cpr_records(v: PersonView) -> list[str]:
    p = v.person
    pnr = p.pnr
    status, since = v.status
    out = []
    slut = p.death if v.dead else None
    out.append(_record("001", f"{pnr}{pnr}{status}{_ts(since)} {p.koen}{_d10(p.birth)}"
                              f"{'*' if p.birth_uncertain else ' '}"
                              f"{_d10(p.start_date or p.birth)} {_d10(slut)} "
                              f"{_fit(p.stilling, 34)}"))
    if v.current is not None:
        a = v.current
        entry, came_from = v.municipality_entry()
        from_date = _ts(entry) if came_from != "0000" else " " * 12
        out.append(_record("002", f"{pnr}{a.komkod}{a.vejkod}{a.husnr}{a.etage}{a.sidedoer}"
                                  f"{' ' * 4}{' ' * 34}{_ts(a.start)} {_ts(entry)} "
                                  f"{came_from}{from_date} "
                                  f"{_fit(a.street, 34)}{_fit(a.locality, 34)}"
                                  f"{_fit(a.postal, 34)}{' ' * 92}"))
    if v.abroad is not None:
        m = v.abroad
        out.append(_record("005", f"{pnr}{m.udr_land}{_ts(m.udr)} {_abroad_lines(m.udr_land)}"))
    for rec, text, length in p.extra_records:
        out.append(f"{rec}{pnr}{text}".ljust(length))
    for c in v.citizenships:
        if c.end is None or c.end > v.at:
            out.append(_record("010", f"{pnr}{c.land}{_ts(c.start)} "))
    for c in v.citizenships:
        if c.end is not None and c.end <= v.at:
            out.append(_record("027", f"{pnr} {c.land}{_ts(c.start)} {_ts(c.end)} "))
    for a in sorted([*v.history, *v.ignored], key=lambda a: (a.start, a.annkor), reverse=True):
        out.append(_record("023", f"{pnr}{a.annkor}{a.komkod}{a.vejkod}{a.husnr}{a.etage}"
                                  f"{a.sidedoer}{' ' * 4}{' ' * 34}{_ts(a.start)} "
                                  f"{_ts(a.end)} "))
    for m in v.migrations:
        udr_land = m.udr_land or "    "
        out.append(_record("024", f"{pnr} {udr_land}{_ts(m.udr)} {m.indr_land}{_ts(m.indr)} "
                                  f"{_abroad_lines(m.indr_land)}"))
    return out


def render_cpr(views: list[PersonView], prod: date, previous: date) -> bytes:
    lines = [_record("000", f"{'0' * 10}{OPGAVENR}{prod:%Y%m%d}{previous:%Y%m%d}")]
    for v in views:
        lines += cpr_records(v)
    lines.append(_record("999", f"{len(lines) + 1:010d}{' ' * 8}"))
    return ("\n".join(lines) + "\n").encode("iso-8859-1")


def render_permits(views: list[PersonView]) -> bytes:
    rows = ["PNR;TILLADELSESDATO;KATEGORI;GRUNDLAG;FORKLAR;STATSB"]
    permits = sorted(((p.granted, v.person.pnr, p) for v in views for p in v.permits),
                     key=lambda t: (t[0], t[1], t[2].kategori))
    for granted, pnr, p in permits:
        rows.append(f"{pnr};{granted.isoformat()};{p.kategori};{p.grundlag};{p.forklar};"
                    f"{p.statsb}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def _grad(g: float | None) -> str:
    if g is None:
        return ""
    return f"{g:.2f}".rstrip("0").rstrip(".")


def dream_header(n_weeks: int, n_months: int) -> list[str]:
    weeks = [f"y_{y % 100:02d}{w:02d}" for y, w, _ in WEEKS[:n_weeks]]
    months = MONTHS[:n_months]
    return (["PNR", "koen", *weeks] + [f"branche_{y}_{m:02d}" for y, m in months]
            + [f"grad_{y}_{m:02d}" for y, m in months])


def render_dream(persons: list[Person], n_weeks: int, n_months: int, revised: bool) -> bytes:
    rows = [";".join(dream_header(n_weeks, n_months))]
    for p in persons:
        d = p.dream
        if d is None or not has_information(d, n_weeks, n_months, revised):
            continue
        codes = list(d.codes[:n_weeks])
        if revised:
            for w, code in d.revisions.items():
                if w < n_weeks:
                    codes[w] = code
        rows.append(";".join([p.pnr, "1" if p.sex == "M" else "2", *codes,
                              *d.branche[:n_months], *(_grad(g) for g in d.grad[:n_months])]))
    return ("\n".join(rows) + "\n").encode("utf-8")
