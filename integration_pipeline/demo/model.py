"""The person "story" model of the demo population and its view at an extract date.

What belongs here: the dataclasses a story is made of (addresses, migrations, citizenships,
permits, DREAM history, the cohort flags it is meant to produce) and `Person.view(at)`, which cuts
a story at an extract date the way the CPR office would deliver it then (later moves, emigrations,
deaths and permits are not known yet; an address that ends after the date is the current one).

What does not belong here: choosing the stories (`population.py`), DREAM histories
(`dream.py`) and file layouts (`render.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from integration_pipeline.demo.calibration import HOME


@dataclass
class Address:
    """One dwelling: a 023 record when it has ended, the 002 record when it is current."""

    komkod: str
    start: date
    end: date | None = None  # None: still living there at the end of the stories
    annkor: str = " "  # "A" annulled / "K" corrected: delivered, but not part of the history
    vejkod: str = "0001"
    husnr: str = "001 "
    etage: str = "  "
    sidedoer: str = "    "
    street: str = ""
    locality: str = ""
    postal: str = ""


@dataclass
class Migration:
    """A stay abroad: 024 (with re-entry, or a first-time immigration) or 005 (still abroad)."""

    udr_land: str | None  # None: first-time immigration (no emigration before it)
    udr: date | None
    indr_land: str | None  # None: not (yet) back
    indr: date | None


@dataclass
class Citizenship:
    land: str
    start: date
    end: date | None = None  # None: the current citizenship (010)


@dataclass
class Permit:
    granted: date
    kategori: str
    grundlag: int
    forklar: int
    statsb: str


@dataclass
class Expected:
    """What the story is meant to count as in the 2017-06 delivery (checked by the tests)."""

    refugee: bool = False
    arrival_year: int | None = None
    immigrant: bool = False
    direct: bool | None = None
    resident: bool | None = None
    family: bool = False
    status: str | None = None  # status at 2017-W14, for members of a status population


@dataclass
class Dream:
    """Weekly benefit codes and monthly employment over the whole generated DREAM period."""

    codes: list[str]  # one per week ("" = no benefit)
    grad: list[float | None]  # one per month (None = blank)
    branche: list[str]  # one per month ("" = blank)
    revisions: dict[int, str] = field(default_factory=dict)  # week index -> code in 2017-07


@dataclass
class Person:
    pnr: str
    sex: str  # "M" / "K"
    birth: date
    story: str  # a short label of the story, e.g. "immigrant/resident/direct"
    addresses: list[Address] = field(default_factory=list)
    migrations: list[Migration] = field(default_factory=list)
    citizenships: list[Citizenship] = field(default_factory=list)
    permits: list[Permit] = field(default_factory=list)
    death: date | None = None
    status_code: str | None = None  # fixed CPR status ("03", "30", "50"); None: derived
    status_since: date | None = None  # for a fixed status
    birth_uncertain: bool = False
    start_date: date | None = None  # START_DT-PERSON
    stilling: str = ""
    extra_records: list[tuple[str, str, int]] = field(default_factory=list)  # (type, text, length)
    persona: str = ""
    dream: Dream | None = None
    expected: Expected = field(default_factory=Expected)

    @property
    def koen(self) -> str:
        return self.sex

    def view(self, at: date) -> PersonView | None:
        """The person as a CPR extract produced on `at` shows them (None: not in the extract)."""
        valid = sorted((a for a in self.addresses if a.annkor == " " and a.start <= at),
                       key=lambda a: a.start)
        ignored = [a for a in self.addresses if a.annkor != " " and a.start <= at]
        migrations: list[Migration] = []
        abroad_since: Migration | None = None
        for m in self.migrations:
            if m.udr is None:  # first-time immigration
                if m.indr is not None and m.indr <= at:
                    migrations.append(m)
            elif m.udr <= at:
                if m.indr is not None and m.indr <= at:
                    migrations.append(m)
                else:
                    abroad_since = Migration(m.udr_land, m.udr, None, None)
        citizenships = [c for c in self.citizenships if c.start <= at]
        permits = [p for p in self.permits if p.granted <= at]
        dead = self.death is not None and self.death <= at
        home_since_2010 = any(a.komkod == HOME and (a.end is None or a.end >= date(2010, 1, 1))
                              for a in valid)
        if not (home_since_2010 or permits or self.status_code in ("30", "50")):
            return None
        current = None
        if valid and (valid[-1].end is None or valid[-1].end > at) and not dead \
                and abroad_since is None:
            current = valid[-1]
        history = [a for a in valid if a is not current]
        return PersonView(self, at, current, history, ignored, migrations, abroad_since,
                          citizenships, permits, dead)


@dataclass
class PersonView:
    person: Person
    at: date
    current: Address | None
    history: list[Address]  # valid, ended addresses
    ignored: list[Address]  # A/K rows
    migrations: list[Migration]  # 024 records
    abroad: Migration | None  # 005 record
    citizenships: list[Citizenship]
    permits: list[Permit]
    dead: bool

    @property
    def status(self) -> tuple[str, date]:
        p = self.person
        if p.status_code in ("30", "50"):
            return p.status_code, p.status_since or p.birth
        if self.dead:
            assert p.death is not None
            return "90", p.death
        if self.abroad is not None:
            assert self.abroad.udr is not None
            return "80", self.abroad.udr
        since = self.current.start if self.current is not None else p.birth
        return (p.status_code or "01"), since

    def municipality_entry(self) -> tuple[date, str]:
        """(TILFLYKOMDTO, FRAFLYKOMKOD) of the current address: start of its municipality spell."""
        assert self.current is not None
        chain = [*self.history, self.current]
        entry = self.current.start
        came_from = "0000"
        emigrations = [m.udr for m in self.migrations if m.udr is not None]
        for prev, nxt in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
            gap_has_emigration = any(prev.end is not None and prev.end <= d <= nxt.start
                                     for d in emigrations)
            if gap_has_emigration:
                break
            if prev.komkod != self.current.komkod:
                came_from = prev.komkod
                break
            entry = prev.start
        return entry, came_from
