"""The demo population of Ballerup (0151): explicit person stories, calibrated to the note.

What belongs here: who lives in the demo municipality and what happens to them up to 2017-07-31.
Each `Person` is a story (addresses, stays abroad, citizenships, permits, death) plus the cohort
flags it is built to produce in the 2017-06 delivery (`Person.expected`). The calibrated groups
are built to exact quotas (refugees received, immigrants who lived here, the current immigrant
residents' age, sex, citizenship and status); everything else is random around them and built so
that it counts in no cohort (see `docs/demo.md` for the list of stories).

Randomness: one `random.Random` per section, seeded from `(seed, section)`, so the same seed gives
the same population whatever the hash seed of the interpreter.

What does not belong here: the file layouts (`render.py`) and DREAM histories (`dream.py`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from integration_pipeline.demo import calibration as cal
from integration_pipeline.demo.cpr_numbers import NON_MOD11_YEARS, PnrFactory
from integration_pipeline.demo.dream import REVISION_WEEKS, make_history, revise
from integration_pipeline.demo.model import (
    Address,
    Citizenship,
    Expected,
    Migration,
    Permit,
    Person,
)

DK = "5100"
W14_AVOID = (date(2017, 3, 30), date(2017, 4, 12))  # no arrivals around the status week
LAST_EVENT = date(2017, 6, 15)  # June stories end here: the 2017-06 extract sees them all
JULY = (date(2017, 7, 3), date(2017, 7, 28))

PERMIT_CODES = {
    "Asyl mv.": [(11, 1101), (12, 1201), (13, 1301)],
    "Familiesammenføring": [(21, 2101), (22, 2201), (23, 2301)],
    "Erhverv": [(31, 3101), (32, 3201), (33, 3301)],
    "Studie": [(41, 4101), (42, 4201)],
    "EU/EØS": [(51, 5101), (52, 5201), (53, 5301)],
    "Det øvrige opholdsområde": [(61, 6101), (62, 6201)],
}


def days(n: int) -> timedelta:
    return timedelta(days=n)


def rand_date(rng: random.Random, a: date, b: date) -> date:
    if b < a:
        raise ValueError(f"empty date range {a}..{b}")
    return a + days(rng.randint(0, (b - a).days))


def age_on(birth: date, d: date) -> int:
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def allocate(rng: random.Random, items: Sequence[Any], quotas: dict[Any, int],
             affinity: Callable[[Any, Any], float]) -> list[Any]:
    """Give every item a key, key k exactly `quotas[k]` times, preferring high affinity."""
    if len(items) != sum(quotas.values()):
        raise ValueError(f"{len(items)} items for quotas summing to {sum(quotas.values())}")
    remaining = dict(quotas)
    order = list(range(len(items)))
    rng.shuffle(order)
    # items that fit few keys go first, so that they still find a place
    order.sort(key=lambda i: sum(affinity(items[i], k) > 0 for k in quotas))
    out: list[Any] = [None] * len(items)
    for i in order:
        keys = [k for k, n in remaining.items() if n > 0 and affinity(items[i], k) > 0]
        if not keys:
            raise ValueError(f"no quota left that fits item {i}")
        weights = [remaining[k] * affinity(items[i], k) for k in keys]
        k = rng.choices(keys, weights)[0]
        out[i] = k
        remaining[k] -= 1
    return out


def profile(land: str) -> str:
    return cal.COUNTRIES[land][1]


def other_municipality(rng: random.Random, exclude: str = cal.HOME) -> str:
    while True:
        kom = rng.choice(cal.NEIGHBOURS) if rng.random() < 0.8 else rng.choice(cal.FAR_AWAY)
        if kom != exclude and kom != cal.HOME:
            return kom


class Life:
    """Collects a person's moves as events and compiles them to addresses and migrations."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.events: list[tuple[Any, ...]] = []

    def start(self, d: date, kom: str) -> Life:
        self.events.append(("start", d, kom))
        return self

    def arrive(self, d: date, land: str, kom: str) -> Life:
        self.events.append(("arrive", d, kom, land))
        return self

    def move(self, d: date, kom: str) -> Life:
        self.events.append(("move", d, kom))
        return self

    def emigrate(self, d: date, land: str) -> Life:
        self.events.append(("emigrate", d, land))
        return self

    def reenter(self, d: date, kom: str) -> Life:
        self.events.append(("reenter", d, kom))
        return self

    def die(self, d: date) -> Life:
        self.events.append(("die", d))
        return self

    def build(self, b: Builder, rng: random.Random, within: float = 0.3,
              within_until: date = date(2017, 5, 31)) -> Person:
        p = self.person
        spans: list[tuple[str, date, date | None]] = []
        cur: tuple[str, date] | None = None
        abroad: tuple[str, date] | None = None
        last = date.min
        for ev in self.events:
            kind, d = ev[0], ev[1]
            if d <= last:
                raise ValueError(f"{p.story}: events out of order at {ev}")
            last = d
            if kind in ("start", "arrive"):
                assert cur is None and abroad is None, ev
                if kind == "arrive":
                    p.migrations.append(Migration(None, None, ev[3], d))
                cur = (ev[2], d)
            elif kind == "move":
                assert cur is not None, ev
                if d <= cur[1]:
                    raise ValueError(f"{p.story}: empty address at {ev}")
                spans.append((cur[0], cur[1], d))
                cur = (ev[2], d)
            elif kind in ("emigrate", "die"):
                assert cur is not None, ev
                spans.append((cur[0], cur[1], d))
                cur = None
                if kind == "emigrate":
                    abroad = (ev[2], d)
                else:
                    p.death = d
            elif kind == "reenter":
                assert abroad is not None, ev
                p.migrations.append(Migration(abroad[0], abroad[1], abroad[0], d))
                abroad = None
                cur = (ev[2], d)
        if cur is not None:
            spans.append((cur[0], cur[1], None))
        if abroad is not None:
            p.migrations.append(Migration(abroad[0], abroad[1], None, None))
        for kom, s, e in spans:
            cuts = []
            stop = min(e, within_until) if e is not None else within_until
            if rng.random() < within and (stop - s).days > 240:
                for _ in range(rng.choice([1, 1, 2])):
                    cuts.append(rand_date(rng, s + days(90), stop - days(90)))
            bounds = [s, *sorted(set(cuts)), e]
            for a0, a1 in zip(bounds[:-1], bounds[1:], strict=True):
                p.addresses.append(b.address(rng, kom, a0, a1))
        return p


class Builder:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.persons: list[Person] = []
        self.pnrs = PnrFactory(self.rng("pnr"))
        self._july_movers: list[Person] = []

    def rng(self, section: str) -> random.Random:
        return random.Random(f"{self.seed}:{section}")

    # --- small pieces -----------------------------------------------------------------------

    def person(self, rng: random.Random, story: str, sex: str, birth: date, *,
               jan1_chance: float = 0.0) -> Person:
        mod11 = True
        uncertain = False
        if jan1_chance and rng.random() < jan1_chance:
            birth = date(birth.year, 1, 1)
            uncertain = True
            mod11 = birth.year not in NON_MOD11_YEARS or rng.random() < 0.3
        p = Person(pnr=self.pnrs.new(birth, sex, mod11=mod11), sex=sex, birth=birth, story=story,
                   birth_uncertain=uncertain, stilling=rng.choice(cal.STILLINGER))
        self.persons.append(p)
        return p

    def address(self, rng: random.Random, kom: str, start: date, end: date | None) -> Address:
        if kom in cal.STREETS:
            streets, postals = cal.STREETS[kom]
            postal = rng.choice(postals)
        else:
            streets = cal.FAR_STREETS[0]
            postal = cal.FAR_STREETS[1].get(kom, "")
        if end is not None and end < date(2007, 1, 1):
            kom = cal.PRE_2007_CODE.get(kom, kom)
        number = rng.randint(1, 180)
        letter = rng.choice(" " * 8 + "AB")
        etage = rng.choice(["st", "01", "02", "03", "04", "  ", "  "])
        side = rng.choice(["tv  ", "th  ", "mf  ", "    ", "0001"]) if etage.strip() else "    "
        return Address(komkod=kom, start=start, end=end, vejkod=f"{rng.randint(1, 9899):04d}",
                       husnr=f"{number:03d}{letter}", etage=etage, sidedoer=side,
                       street=f"{rng.choice(streets)} {number}{letter.strip()}",
                       locality="", postal=postal)

    def permit(self, rng: random.Random, kategori: str, granted: date, statsb: str) -> Permit:
        grundlag, forklar = rng.choice(PERMIT_CODES[kategori])
        return Permit(granted, kategori, grundlag, forklar, statsb)

    def immigrant_permits(self, rng: random.Random, p: Person, land: str, arrival: date,
                          family: bool) -> None:
        prof = profile(land)
        granted = arrival - days(rng.randint(5, 120))
        if prof in ("nordic", "dk"):
            return
        if prof in cal.EU_PROFILES:
            if rng.random() < 0.7:
                p.permits.append(self.permit(rng, "EU/EØS", granted, land))
            return
        if family:
            p.permits.append(self.permit(rng, "Familiesammenføring", granted, land))
            later = arrival + days(rng.randint(365, 900))
            if rng.random() < 0.1 and later <= LAST_EVENT:
                p.permits.append(self.permit(rng, "Erhverv", later, land))
            return
        if rng.random() < 0.05:
            return  # not every immigrant has a permit in the extract
        if p.persona == "student":
            kategori = "Studie"
        elif prof == "refugee":
            kategori = pick(rng, {"Det øvrige opholdsområde": 4, "Erhverv": 3, "Studie": 3})
        else:
            kategori = pick(rng, {"Erhverv": 80, "Studie": 12, "Det øvrige opholdsområde": 8})
        p.permits.append(self.permit(rng, kategori, granted, land))
        later = arrival + days(rng.randint(300, 1000))
        if kategori == "Studie" and rng.random() < 0.2 and later <= LAST_EVENT:
            p.permits.append(self.permit(rng, "Erhverv", later, land))

    def birth_for_age(self, rng: random.Random, age: int, on: date,
                      latest: date | None = None) -> date:
        hi = add_years(on, -age)
        lo = add_years(on, -age - 1) + days(1)
        if latest is not None:
            hi = min(hi, latest)
        return rand_date(rng, lo, hi)

    def arrival(self, rng: random.Random, weights: dict[int, float], lo: date, hi: date) -> date:
        for _ in range(200):
            y = rng.choices(list(weights), list(weights.values()))[0]
            a, b = max(date(y, 1, 1), lo), min(date(y, 12, 31), hi)
            if a <= b:
                d = rand_date(rng, a, b)
                if not (W14_AVOID[0] <= d <= W14_AVOID[1]):
                    return d
        raise ValueError(f"no arrival date in {lo}..{hi}")

    def set_persona(self, p: Person, land: str, family: bool, age: int) -> None:
        prof = profile(land)
        if prof == "refugee":
            p.persona = "refugee"
        elif family and p.sex == "K":
            p.persona = "spouse"
        elif prof == "student" and age < 32:
            p.persona = "student"
        elif prof in ("eu_skilled", "skilled", "nordic"):
            p.persona = "skilled"
        elif prof == "family":
            p.persona = "spouse" if p.sex == "K" else "worker"
        else:
            p.persona = "worker"

    # --- the calibrated cohorts ------------------------------------------------------------------

    def refugees(self) -> None:
        """The 86 refugees received 2013-2017 (`REFUGEE_*` targets)."""
        rng = self.rng("refugees")
        slots: list[dict[str, Any]] = []
        for year, (n, kids, dead) in cal.REFUGEE_YEARS.items():
            ps, ed, jo, se = cal.REFUGEE_STATUS[year]
            statuses = (["public_support"] * ps + ["education"] * ed + ["job"] * jo
                        + ["self_supporting_no_income"] * se)
            assert len(statuses) + kids + dead == n
            slots += [{"year": year, "kind": "adult", "status": s} for s in statuses]
            slots += [{"year": year, "kind": "child"} for _ in range(kids)]
            slots += [{"year": year, "kind": "dead"} for _ in range(dead)]
        lands = allocate(rng, slots, dict(cal.REFUGEE_CITIZENSHIP), lambda s, k: 1.0)
        man_share = {"5216": 0.85, "5404": 0.9, "5486": 0.6, "5438": 0.6}
        sexes = allocate(rng, list(zip(slots, lands, strict=True)),
                         {"M": cal.REFUGEES_MEN, "K": cal.REFUGEES_WOMEN},
                         lambda sl, k: (man_share.get(sl[1], 0.6) if k == "M"
                                        else 1 - man_share.get(sl[1], 0.6)))
        late_2017 = [s for s in slots if s["year"] == 2017 and s.get("status")
                     == "self_supporting_no_income"]
        assert len(late_2017) == cal.REFUGEES_ARRIVING_AFTER_STATUS_WEEK
        boundary = next(s for s in slots if s["year"] == 2013 and s["kind"] == "adult")
        movable = [s for s in slots if s["kind"] != "dead" and s["year"] <= 2016]
        for s in rng.sample(movable, 12):
            s["moves_away"] = True
        emigrant = rng.choice([s for s in slots if s["kind"] == "adult" and s["year"] == 2015
                               and not s.get("moves_away")])
        emigrant["emigrates"] = True
        trap = rng.sample([s for s in slots if s["kind"] == "adult" and s["year"] in (2015, 2016)
                           and not s.get("moves_away") and not s.get("emigrates")], 3)
        for s in trap:
            s["annulled_elsewhere"] = True
        syrians = [i for i, land in enumerate(lands) if land == "5486"]
        for i in rng.sample(syrians, 3):
            slots[i]["was_stateless"] = True
        eritreans = [i for i, land in enumerate(lands) if land == "5216"]
        slots[rng.choice(eritreans)]["was_unknown"] = True

        for slot, land, sex in zip(slots, lands, sexes, strict=True):
            year = slot["year"]
            if slot is boundary:
                spell, granted = date(2013, 1, 1), date(2012, 12, 10)
            else:
                if year == 2017:
                    if slot in late_2017:
                        lo, hi = date(2017, 4, 18), date(2017, 6, 20)
                    elif slot["kind"] == "child":
                        lo, hi = date(2017, 1, 5), date(2017, 6, 20)
                    else:
                        lo, hi = date(2017, 1, 5), date(2017, 3, 24)
                else:
                    lo, hi = date(year, 1, 2), date(year, 12, 20)
                spell = rand_date(rng, lo, hi)
                gap = rng.randint(14, 100) if slot.get("annulled_elsewhere") else rng.randint(0, 90)
                granted = spell - days(gap)
            if slot["kind"] == "child":
                age = rng.randint(max(0, 2017 - year), 17)
                birth = self.birth_for_age(rng, age, cal.STATUS_DATE,
                                           latest=min(granted, spell) - days(30))
                birth = max(birth, date(1999, 7, 1))
            elif slot["kind"] == "dead":
                birth = self.birth_for_age(rng, rng.randint(58, 72), cal.STATUS_DATE)
            else:
                age = min(58, max(19, round(rng.gauss(31, 9))))
                birth = self.birth_for_age(rng, age, cal.STATUS_DATE, latest=date(1999, 3, 1))
            # children keep their birth date: 1 January would make some of them adults
            p = self.person(rng, "refugee/received", sex, birth,
                            jan1_chance=0.25 if slot["kind"] != "child" else 0.0)
            if p.birth >= granted:
                raise AssertionError("refugee child born after the permit")
            p.persona = "refugee"
            p.start_date = spell
            origin = "5103" if slot.get("was_stateless") else (
                "5999" if slot.get("was_unknown") else land)
            p.permits.append(self.permit(rng, "Asyl mv.", granted, origin))
            life = Life(p).arrive(spell, land, cal.HOME)
            if slot.get("moves_away"):
                life.move(rand_date(rng, spell + days(150), LAST_EVENT), other_municipality(rng))
                p.story = "refugee/received/moved-away"
            elif slot.get("emigrates"):
                life.emigrate(rand_date(rng, date(2017, 5, 2), date(2017, 5, 31)), land)
                p.story = "refugee/received/emigrated"
            elif slot["kind"] == "dead":
                life.die(rand_date(rng, date(2016, 2, 1), date(2016, 11, 30)))
                p.story = "refugee/received/died"
            life.build(self, rng, within=0.3)
            if slot.get("annulled_elsewhere"):
                # an annulled registration elsewhere between permit and arrival: if it were read,
                # this person's first spell after the permit would not be in 0151
                p.addresses.append(self.address(rng, "0165", granted + days(3), spell + days(20)))
                p.addresses[-1].annkor = "A"
            if origin != land:
                change = rand_date(rng, spell + days(20), spell + days(300))
                change = min(change, date(2017, 6, 1))
                p.citizenships = [Citizenship(origin, spell, change), Citizenship(land, change)]
            else:
                p.citizenships = [Citizenship(land, spell)]
            adult = slot["kind"] == "adult"
            p.expected = Expected(refugee=True, arrival_year=year,
                                  status=slot["status"] if adult else None)
            p.dream = make_history(p, rng, arrival=spell)

    def resident_immigrants(self) -> None:
        """The 760 immigrants (arrived 2013+) who still live in 0151 on 2017-06-30."""
        rng = self.rng("residents")
        slots: list[dict[str, Any]] = []
        for band, lo, hi in cal.AGE_BANDS:
            women, men = cal.RESIDENTS_AGE_SEX[band]
            slots += [{"sex": "K", "band": band, "lo": lo, "hi": hi} for _ in range(women)]
            slots += [{"sex": "M", "band": band, "lo": lo, "hi": hi} for _ in range(men)]
        turns18 = rng.choice([s for s in slots if s["band"] == "18-24"])
        for s in slots:
            if s is turns18:
                s["birth"] = cal.TURNS_18_BIRTH
                s["age"] = 18
                continue
            age = rng.randint(s["lo"], s["hi"])
            while True:
                birth = self.birth_for_age(rng, age, cal.RESIDENCE_DATE,
                                           latest=date(2017, 2, 28))
                if not (date(1999, 4, 4) <= birth <= date(1999, 6, 30)):
                    break
            s["birth"], s["age"] = birth, age

        def land_affinity(s: dict[str, Any], land: str) -> float:
            prof, age, man = profile(land), s["age"], s["sex"] == "M"
            if prof in ("eu_worker",):
                w = (1.3 if man else 0.8) * (1.5 if 20 <= age <= 50 else 0.4)
            elif prof in ("eu_skilled", "skilled", "nordic"):
                w = 1.5 if 22 <= age <= 50 else 0.5
            elif prof == "care":
                w = (0.3 if man else 2.0) * (2.0 if 20 <= age <= 40 else 0.4)
            elif prof == "student":
                w = (1.3 if man else 0.8) * (3.0 if 19 <= age <= 32 else 0.3)
            else:  # family, refugee
                w = 2.0 if age < 18 else (1.5 if age < 45 else 0.8)
            if age >= 60:
                w *= 2.0 if prof in ("family", "refugee") else 0.5
            return w

        quotas = {**cal.RESIDENTS_TOP15, **cal.RESIDENTS_OTHER}
        lands = allocate(rng, slots, quotas, land_affinity)
        for s, land in zip(slots, lands, strict=True):
            s["land"] = land
        directs = allocate(rng, slots, {True: cal.RESIDENTS_DIRECT,
                                        False: cal.IMMIGRANTS_RESIDENT - cal.RESIDENTS_DIRECT},
                           lambda s, k: (1.3 if profile(s["land"]) in cal.EU_PROFILES else 1.0)
                           if k else 1.0)

        def family_affinity(s: dict[str, Any], k: bool) -> float:
            prof = profile(s["land"])
            if prof in cal.EU_PROFILES or prof == "nordic":
                return 0.0 if k else 1.0
            if not k:
                return 1.0
            # family reunification to refugees: many Syrians, Afghans, Iranians, Eritreans
            w = {"family": 3.0, "refugee": 6.0, "care": 1.5}.get(prof, 0.6)
            if s["sex"] == "K" and 22 <= s["age"] <= 44:
                w *= 2.5
            elif s["age"] < 18:
                w *= 1.5
            return w

        families = allocate(rng, slots, {True: cal.RESIDENTS_FAMILY,
                                         False: cal.IMMIGRANTS_RESIDENT - cal.RESIDENTS_FAMILY},
                            family_affinity)
        for s, direct, family in zip(slots, directs, families, strict=True):
            s["direct"], s["family"] = direct, family
            kid_lo = add_years(s["birth"], 0) + days(30)
            lo = max(cal.PERIOD_START, kid_lo)
            weights = {2013: 13, 2014: 15, 2015: 20, 2016: 28, 2017: 24}
            if direct:
                s["arrival"] = self.arrival(rng, weights, lo, date(2017, 6, 20))
                s["entry"] = s["arrival"]
            else:
                s["arrival"] = self.arrival(rng, weights, lo, date(2017, 4, 20))
                room = (date(2017, 6, 20) - s["arrival"]).days
                s["entry"] = s["arrival"] + days(rng.randint(45, max(45, min(900, room))))
        # special paths
        adults = [s for s in slots if s["age"] >= 25 and s is not turns18]
        pool = [s for s in adults if s["direct"] and date(2013, 3, 1) <= s["arrival"]
                <= date(2016, 6, 30)]
        rng.shuffle(pool)
        for s in pool[:20]:
            s["path"] = "away-and-back"
        for s in pool[20:28]:
            s["path"] = "emigrated-and-back"
        pool = [s for s in adults if s["direct"] and date(2013, 3, 1) <= s["arrival"]
                <= date(2017, 2, 28) and "path" not in s]
        for s in rng.sample(pool, 10):
            s["path"] = "pre-2013-reentry"
        pool = [s for s in slots if s["direct"] and "path" not in s]
        for s in rng.sample(pool, 5):
            s["path"] = "late-citizenship"
        pool = [s for s in adults if not s["direct"] and s["arrival"] <= date(2015, 6, 30)
                and s["entry"] <= date(2016, 1, 31)]
        for s in rng.sample(pool, 5):
            s["path"] = "other-away-and-back"
        pool = [s for s in adults if not s["direct"] and "path" not in s
                and date(2013, 3, 1) <= s["arrival"] <= date(2017, 2, 28)]
        for s in rng.sample(pool, 5):
            s["path"] = "other-pre-2013-reentry"
        syrians = [s for s in slots if s["land"] == "5486" and "path" not in s]
        for s in rng.sample(syrians, 3):
            s["path"] = "was-stateless"

        # status at W14 of the adults (age on the status date)
        status_pop = [s for s in slots if age_on(s["birth"], cal.STATUS_DATE) >= 18]
        assert len(status_pop) == sum(cal.RESIDENTS_STATUS)
        forced = [s for s in status_pop if s["arrival"] > cal.STATUS_WEEK_END]
        free = [s for s in status_pop if s["arrival"] <= cal.STATUS_WEEK_END]
        for s in forced:
            s["status"] = "self_supporting_no_income"
        quotas_status = dict(zip(cal.STATUSES, cal.RESIDENTS_STATUS, strict=True))
        quotas_status["self_supporting_no_income"] -= len(forced)

        def status_affinity(s: dict[str, Any], st: str) -> float:
            prof, age = profile(s["land"]), s["age"]
            months = (cal.STATUS_DATE - s["arrival"]).days / 30
            if st == "job":
                w = {"eu_worker": 3, "eu_skilled": 3, "skilled": 3, "nordic": 3,
                     "care": 2, "student": 1, "family": 1, "refugee": 0.5}[prof]
                w *= 1.5 if 25 <= age <= 59 else (0.6 if age < 25 else 0.2)
                if s["family"] and s["sex"] == "K":
                    w *= 0.5
                if months < 3:
                    w *= 0.5
                return w
            if st == "education":
                w = 4.0 if prof == "student" else 1.0
                return w * (3.0 if age <= 29 else (0.6 if age <= 39 else 0.05))
            if st == "public_support":
                w = 2.5 if prof in ("family", "refugee") else 0.6
                w *= 1.5 if s["family"] else 1.0
                return w * (1.5 if age >= 50 else 1.0)
            w = 3.0 if s["family"] and s["sex"] == "K" else 1.0
            return w * (2.0 if months < 6 else 1.0)

        for s, st in zip(free, allocate(rng, free, quotas_status, status_affinity), strict=True):
            s["status"] = st

        # five residents leave in July 2017 (only the 2017-07 delivery sees it)
        leavers = rng.sample([s for s in slots if "path" not in s and s["age"] >= 18], 5)
        for i, s in enumerate(leavers):
            s["july"] = "move" if i < 3 else "emigrate"

        for s in slots:
            self._resident(rng, s)

    def _resident(self, rng: random.Random, s: dict[str, Any]) -> None:
        land, path = s["land"], s.get("path", "")
        story = "immigrant/resident/" + ("direct" if s["direct"] else "other")
        p = self.person(rng, story + (f"/{path}" if path else ""), s["sex"], s["birth"])
        age = s["age"]
        self.set_persona(p, land, s["family"], age)
        if s.get("status") == "education" and p.persona not in ("student",):
            p.persona = "student"
        arrival, entry = s["arrival"], s["entry"]
        p.start_date = arrival
        life = Life(p)
        first_arrival = arrival
        if path in ("pre-2013-reentry", "other-pre-2013-reentry"):
            first_arrival = rand_date(rng, max(date(2007, 1, 1), add_years(p.birth, 18)),
                                      date(2012, 6, 30))
            p.start_date = first_arrival
            left = rand_date(rng, first_arrival + days(180), min(arrival - days(60),
                                                                  first_arrival + days(1500)))
            kom = cal.HOME if rng.random() < 0.5 else other_municipality(rng)
            life.arrive(first_arrival, land, kom).emigrate(left, land)
            if path == "pre-2013-reentry":
                life.reenter(arrival, cal.HOME)
            else:
                life.reenter(arrival, other_municipality(rng)).move(entry, cal.HOME)
        elif s["direct"]:
            life.arrive(arrival, land, cal.HOME)
            if path == "away-and-back":
                away = rand_date(rng, arrival + days(90),
                                 min(arrival + days(500), LAST_EVENT - days(120)))
                back = rand_date(rng, away + days(60), min(away + days(700), LAST_EVENT))
                life.move(away, other_municipality(rng)).move(back, cal.HOME)
            elif path == "emigrated-and-back":
                left = rand_date(rng, arrival + days(90), min(arrival + days(700),
                                                             date(2016, 9, 30)))
                back = rand_date(rng, left + days(30), min(left + days(500), date(2017, 2, 28)))
                life.emigrate(left, land).reenter(back, cal.HOME)
        else:
            first = other_municipality(rng)
            life.arrive(arrival, land, first)
            if path == "other-away-and-back":
                away = rand_date(rng, entry + days(90), date(2016, 9, 30))
                back = rand_date(rng, away + days(60), LAST_EVENT)
                life.move(entry, cal.HOME).move(away, other_municipality(rng)).move(
                    back, cal.HOME)
            else:
                if (entry - arrival).days > 200 and rng.random() < 0.2:
                    life.move(rand_date(rng, arrival + days(60), entry - days(60)),
                              other_municipality(rng, exclude=first))
                life.move(entry, cal.HOME)
        if s.get("july") == "move":
            life.move(rand_date(rng, *JULY), other_municipality(rng))
            self._july_movers.append(p)
        elif s.get("july") == "emigrate":
            life.emigrate(rand_date(rng, *JULY), land)
            self._july_movers.append(p)
        life.build(self, rng, within=0.25)
        if path == "late-citizenship":
            # citizenship registered a little after the immigration: the citizenship in effect
            # on the immigration date falls back to the earliest record after it
            p.citizenships = [Citizenship(land, min(arrival + days(rng.randint(3, 40)),
                                                    date(2017, 6, 30)))]
        elif path == "was-stateless":
            change = min(arrival + days(rng.randint(30, 400)), date(2017, 6, 1))
            if change <= arrival:
                p.citizenships = [Citizenship(land, arrival)]
            else:
                p.citizenships = [Citizenship("5103", arrival, change), Citizenship(land, change)]
        else:
            p.citizenships = [Citizenship(land, first_arrival)]
        self.immigrant_permits(rng, p, land, first_arrival, s["family"])
        if s["family"] and not any(x.kategori == "Familiesammenføring" for x in p.permits):
            raise AssertionError("family-reunified resident without a family permit")
        p.expected = Expected(immigrant=True, direct=s["direct"], resident=True,
                              family=s["family"], status=s.get("status"))
        p.dream = make_history(p, rng, arrival=first_arrival)

    def moved_away_immigrants(self) -> None:
        """The 1032 immigrants (arrived 2013+) who lived in 0151 but no longer do."""
        rng = self.rng("moved-away")
        n = cal.IMMIGRANTS_TOTAL - cal.IMMIGRANTS_RESIDENT
        n_direct = cal.IMMIGRANTS_DIRECT - cal.RESIDENTS_DIRECT
        n_family = cal.IMMIGRANTS_FAMILY - cal.RESIDENTS_FAMILY
        slots: list[dict[str, Any]] = []
        for i in range(n):
            land = pick(rng, {k: float(v) for k, v in cal.MOVED_AWAY_WEIGHTS.items()})
            prof = profile(land)
            man = {"eu_worker": 0.62, "care": 0.25, "student": 0.6}.get(prof, 0.52)
            sex = "M" if rng.random() < man else "K"
            age = rng.randint(1, 17) if rng.random() < 0.08 else min(
                64, max(18, round(rng.gauss(30, 8))))
            slots.append({"i": i, "land": land, "sex": sex, "age": age,
                          "direct": i < n_direct})
        families = allocate(
            rng, slots, {True: n_family, False: n - n_family},
            lambda s, k: (0.0 if k else 1.0) if profile(s["land"]) in (
                *cal.EU_PROFILES, "nordic") else (
                ({"family": 3.0, "refugee": 3.0, "care": 1.5}.get(profile(s["land"]), 0.6)
                 * (2.0 if s["sex"] == "K" else 1.0)) if k else 1.0))
        deaths_direct, deaths_other = 4, 2
        for s, family in zip(slots, families, strict=True):
            land, direct = s["land"], s["direct"]
            age_now = s["age"]
            if not direct:
                deaths = deaths_other
            else:
                deaths = deaths_direct
            dies = deaths > 0 and age_now >= 40
            if dies:
                if direct:
                    deaths_direct -= 1
                else:
                    deaths_other -= 1
            birth = self.birth_for_age(rng, age_now, cal.RESIDENCE_DATE, latest=date(2016, 6, 1))
            p = self.person(rng, "immigrant/moved-away/" + ("direct" if direct else "other"),
                            s["sex"], birth, jan1_chance=0.02)
            self.set_persona(p, land, family, age_now)
            lo = max(cal.PERIOD_START, p.birth + days(30))
            arrival = self.arrival(rng, {2013: 24, 2014: 24, 2015: 22, 2016: 18, 2017: 8},
                                   lo, date(2017, 3, 15) if direct else date(2016, 12, 31))
            p.start_date = arrival
            life = Life(p)
            eu = profile(land) in (*cal.EU_PROFILES, "nordic")
            if direct:
                life.arrive(arrival, land, cal.HOME)
                left = rand_date(rng, arrival + days(30), min(arrival + days(1500), LAST_EVENT))
                r = rng.random()
                t1 = 0.5 if eu else 0.3
                if dies:
                    life.die(left)
                    p.story += "/died"
                elif r < t1:
                    life.emigrate(left, land)
                    p.story += "/emigrated"
                elif r < t1 + 0.03 and (LAST_EVENT - left).days > 60:
                    back = rand_date(rng, left + days(30), LAST_EVENT)
                    life.emigrate(left, land).reenter(back, other_municipality(rng))
                    p.story += "/emigrated-and-back-elsewhere"
                elif r < t1 + 0.08 and (LAST_EVENT - left).days > 60:
                    life.move(left, other_municipality(rng)).emigrate(
                        rand_date(rng, left + days(30), LAST_EVENT), land)
                    p.story += "/moved-then-emigrated"
                elif r < t1 + 0.11 and (LAST_EVENT - left).days > 150:
                    back = rand_date(rng, left + days(30), LAST_EVENT - days(90))
                    again = rand_date(rng, back + days(30), LAST_EVENT)
                    life.move(left, other_municipality(rng)).move(back, cal.HOME).move(
                        again, other_municipality(rng))
                    p.story += "/back-and-away-again"
                else:
                    life.move(left, other_municipality(rng))
                    p.story += "/moved"
            else:
                first = other_municipality(rng)
                life.arrive(arrival, land, first)
                entry = rand_date(rng, arrival + days(30), min(arrival + days(900),
                                                              LAST_EVENT - days(40)))
                left = rand_date(rng, entry + days(30), min(entry + days(1000), LAST_EVENT))
                life.move(entry, cal.HOME)
                if dies:
                    life.die(left)
                    p.story += "/died"
                elif rng.random() < (0.45 if eu else 0.3):
                    life.emigrate(left, land)
                    p.story += "/emigrated"
                else:
                    life.move(left, other_municipality(rng))
                    p.story += "/moved"
            life.build(self, rng, within=0.15)
            if rng.random() < 0.01 and profile(land) == "refugee":
                change = min(arrival + days(60), date(2017, 6, 1))
                p.citizenships = [Citizenship("5999", arrival, change), Citizenship(land, change)]
            else:
                p.citizenships = [Citizenship(land, arrival)]
            self.immigrant_permits(rng, p, land, arrival, family)
            p.expected = Expected(immigrant=True, direct=direct, resident=False, family=family)
            p.dream = make_history(p, rng, arrival=arrival)
        assert deaths_direct == 0 and deaths_other == 0

    # --- everybody else (counted in no cohort) --------------------------------------------------

    def natives(self, n: int = 2300) -> None:
        """Danes who never migrated: born here or moved in, moved within, out, back, died."""
        rng = self.rng("natives")
        for _ in range(n):
            age = min(95, int(rng.triangular(0, 96, 35)))
            birth = self.birth_for_age(rng, age, cal.RESIDENCE_DATE, latest=date(2017, 5, 31))
            sex = rng.choice("MK")
            p = self.person(rng, "native", sex, birth)
            p.persona = "ftp" if age >= 35 and rng.random() < 0.04 else "native"
            p.citizenships = [Citizenship(DK, birth)]
            first = max(birth, cal.CPR_START)
            if birth < cal.CPR_START:
                first = rand_date(rng, cal.CPR_START, date(1969, 12, 31))
            p.start_date = birth
            r = rng.random()
            life = Life(p)
            if r < 0.38 or first >= date(2016, 1, 1):
                life.start(first, cal.HOME)
                p.story = "native/lifelong"
                if age >= 70 and rng.random() < 0.2:
                    life.die(rand_date(rng, max(first + days(400), date(2010, 2, 1)),
                                       LAST_EVENT))
                    p.story = "native/died"
            else:
                born_in = other_municipality(rng)
                moved_in = rand_date(rng, first + days(200), date(2017, 3, 31))
                life.start(first, born_in)
                if r < 0.75:
                    life.move(moved_in, cal.HOME)
                    p.story = "native/moved-in"
                elif r < 0.86:
                    life.move(moved_in, cal.HOME)
                    out_lo = max(moved_in, date(2010, 1, 1)) + days(30)
                    if out_lo < LAST_EVENT:
                        life.move(rand_date(rng, out_lo, LAST_EVENT), other_municipality(rng))
                        p.story = "native/moved-out"
                    else:
                        p.story = "native/moved-in"
                elif r < 0.91:
                    life.move(moved_in, cal.HOME)
                    lo = max(moved_in, date(2010, 1, 1)) + days(30)
                    if (LAST_EVENT - lo).days > 200:
                        away = rand_date(rng, lo, LAST_EVENT - days(150))
                        back = rand_date(rng, away + days(60), LAST_EVENT)
                        life.move(away, other_municipality(rng)).move(back, cal.HOME)
                        p.story = "native/away-and-back"
                    else:
                        p.story = "native/moved-in"
                elif r < 0.97:
                    life.move(moved_in, cal.HOME)
                    lo = max(moved_in, date(2010, 1, 1)) + days(30)
                    if lo < LAST_EVENT and age >= 45:
                        life.die(rand_date(rng, lo, LAST_EVENT))
                        p.story = "native/died"
                    else:
                        p.story = "native/moved-in"
                elif age >= 20:
                    life.move(moved_in, cal.HOME)
                    lo = max(moved_in, date(2010, 1, 1)) + days(30)
                    if lo < LAST_EVENT:
                        life.emigrate(rand_date(rng, lo, LAST_EVENT),
                                      rng.choice(["5120", "5110", "5170", "5390", "5180"]))
                        p.story = "native/emigrated"
                    else:
                        p.story = "native/moved-in"
                else:
                    life.move(moved_in, cal.HOME)
                    p.story = "native/moved-in"
            life.build(self, rng, within=0.35)
            if rng.random() < 0.04:
                self._corrected_copy(rng, p)
            p.dream = make_history(p, rng)

    def _corrected_copy(self, rng: random.Random, p: Person) -> None:
        """A 'K' row: the old, wrong version of one of the person's ended addresses."""
        ended = [a for a in p.addresses if a.end is not None and a.end <= LAST_EVENT]
        if not ended:
            return
        a = rng.choice(ended)
        shift = days(rng.choice([-40, -12, -3, 5, 21]))
        if a.start + shift <= p.birth or a.start + shift >= a.end:
            shift = -shift if a.start - shift > p.birth else days(0)
        wrong = self.address(rng, a.komkod, a.start + shift, a.end)
        wrong.annkor = "K"
        p.addresses.append(wrong)

    def danish_returners(self) -> None:
        """Danish citizens back from abroad (024 with UDR and INDR): not immigrants."""
        rng = self.rng("danish-returners")
        for i in range(85):
            kind = "returner" if i < 70 else ("born-abroad" if i < 80 else "naturalised")
            sex = rng.choice("MK")
            abroad_land = rng.choice(["5120", "5110", "5170", "5390", "5180", "5164", "5502"])
            if kind == "born-abroad":
                birth = rand_date(rng, date(2004, 1, 1), date(2016, 6, 30))
                p = self.person(rng, "dane/born-abroad", sex, birth)
                p.citizenships = [Citizenship(DK, birth)]
                arrival = rand_date(rng, max(birth + days(60), cal.PERIOD_START), LAST_EVENT)
                p.start_date = arrival
                Life(p).arrive(arrival, abroad_land, cal.HOME).build(self, rng)
            else:
                age = rng.randint(25, 70)
                birth = self.birth_for_age(rng, age, cal.RESIDENCE_DATE)
                p = self.person(rng, f"dane/{kind}", sex, birth)
                life = Life(p)
                if kind == "naturalised":
                    origin = rng.choice(["5172", "5754", "5436", "5472"])
                    came = rand_date(rng, date(1988, 1, 1), date(1996, 12, 31))
                    came = max(came, birth + days(30))
                    nat = rand_date(rng, came + days(7 * 365), came + days(12 * 365))
                    p.citizenships = [Citizenship(origin, came, nat), Citizenship(DK, nat)]
                    p.start_date = came
                    life.arrive(came, origin, other_municipality(rng))
                    left = rand_date(rng, nat + days(60), date(2012, 12, 31))
                else:
                    p.citizenships = [Citizenship(DK, birth)]
                    p.start_date = birth
                    first = birth if birth >= cal.CPR_START else rand_date(
                        rng, cal.CPR_START, date(1969, 12, 31))
                    life.start(first, rng.choice([cal.HOME, other_municipality(rng)]))
                    lo = max(first + days(365 * 18), date(2004, 1, 1))
                    left = rand_date(rng, lo, lo + days(3000))
                    left = min(left, date(2016, 6, 30))
                back = rand_date(rng, max(left + days(120), date(2012, 6, 1)), LAST_EVENT)
                if rng.random() < 0.75:
                    life.emigrate(left, abroad_land).reenter(back, cal.HOME)
                else:
                    entry = rand_date(rng, back + days(1), LAST_EVENT + days(10))
                    entry = max(entry, back + days(1))
                    life.emigrate(left, abroad_land).reenter(back, other_municipality(rng))
                    life.move(entry, cal.HOME)
                life.build(self, rng)
            p.persona = "native"
            p.dream = make_history(p, rng)

    def early_immigrants(self, n: int = 350) -> None:
        """Immigrants who arrived before 2013 (some naturalised): not counted."""
        rng = self.rng("early-immigrants")
        for i in range(n):
            land = pick(rng, {k: float(v) for k, v in cal.EARLY_IMMIGRANT_WEIGHTS.items()})
            sex = rng.choice("MK")
            age = rng.randint(6, 80)
            birth = self.birth_for_age(rng, age, cal.RESIDENCE_DATE)
            p = self.person(rng, "immigrant/before-2013", sex, birth, jan1_chance=0.05)
            came = rand_date(rng, max(date(1985, 1, 1), birth + days(60)), date(2012, 12, 20))
            if i == 0:
                came = date(2012, 12, 31)  # the day before the period: not counted
                p.story += "/boundary"
            p.start_date = came
            self.set_persona(p, land, False, age)
            life = Life(p)
            home_from = came if rng.random() < 0.5 else None
            if home_from:
                life.arrive(came, land, cal.HOME)
            else:
                life.arrive(came, land, other_municipality(rng))
                entry = rand_date(rng, came + days(60), date(2016, 12, 31))
                life.move(entry, cal.HOME)
                home_from = entry
            r = rng.random()
            lo = max(home_from, date(2010, 1, 1)) + days(30)
            if r < 0.12 and lo < LAST_EVENT:
                life.move(rand_date(rng, lo, LAST_EVENT), other_municipality(rng))
                p.story += "/moved-away"
            elif r < 0.18 and lo < LAST_EVENT:
                life.emigrate(rand_date(rng, lo, LAST_EVENT), land)
                p.story += "/emigrated"
            elif r < 0.21 and lo < LAST_EVENT and age >= 50:
                life.die(rand_date(rng, lo, LAST_EVENT))
                p.story += "/died"
            life.build(self, rng, within=0.35)
            if rng.random() < 0.35 and came < date(2008, 1, 1):
                nat = rand_date(rng, came + days(7 * 365), min(came + days(14 * 365),
                                                               date(2016, 12, 31)))
                p.citizenships = [Citizenship(land, came, nat), Citizenship(DK, nat)]
            else:
                p.citizenships = [Citizenship(land, came)]
            prof = profile(land)
            if prof not in ("nordic",) and came >= date(1997, 1, 1) and rng.random() < 0.7:
                kategori = "EU/EØS" if prof in cal.EU_PROFILES else pick(
                    rng, {"Familiesammenføring": 5, "Erhverv": 3, "Studie": 1})
                p.permits.append(self.permit(rng, kategori, came - days(rng.randint(5, 90)),
                                             land))
            if rng.random() < 0.04:
                self._corrected_copy(rng, p)
            p.dream = make_history(p, rng, arrival=came)

    def early_refugees(self, n: int = 40) -> None:
        """Refugees received by 0151 before 2013: not counted."""
        rng = self.rng("early-refugees")
        for i in range(n):
            land = pick(rng, {k: float(v) for k, v in cal.EARLY_REFUGEE_WEIGHTS.items()})
            sex = "M" if rng.random() < 0.6 else "K"
            birth = self.birth_for_age(rng, rng.randint(20, 70), cal.RESIDENCE_DATE)
            p = self.person(rng, "refugee/before-2013", sex, birth, jan1_chance=0.3)
            p.persona = "refugee"
            spell = rand_date(rng, max(date(1993, 1, 1), birth + days(400)), date(2012, 11, 30))
            if i == 0:
                spell = date(2012, 12, 31)  # received the day before the period
                p.story += "/boundary"
            granted = spell - days(rng.randint(0, 90))
            p.permits.append(self.permit(rng, "Asyl mv.", granted, land))
            p.start_date = spell
            life = Life(p).arrive(spell, land, cal.HOME)
            if rng.random() < 0.15:
                life.move(rand_date(rng, max(spell, date(2010, 1, 1)) + days(60), LAST_EVENT),
                          other_municipality(rng))
                p.story += "/moved-away"
            life.build(self, rng, within=0.4)
            if spell < date(2006, 1, 1) and rng.random() < 0.4:
                nat = rand_date(rng, spell + days(9 * 365), date(2016, 12, 31))
                p.citizenships = [Citizenship(land, spell, nat), Citizenship(DK, nat)]
            else:
                p.citizenships = [Citizenship(land, spell)]
            p.dream = make_history(p, rng, arrival=spell)

    def refugees_received_elsewhere(self, n: int = 25) -> None:
        """Asylum permit, received by another municipality, moved to 0151 later: not counted."""
        rng = self.rng("refugees-elsewhere")
        for _ in range(n):
            land = pick(rng, {"5486": 10, "5216": 4, "5404": 3, "5438": 3, "5289": 1})
            sex = "M" if rng.random() < 0.65 else "K"
            birth = self.birth_for_age(rng, rng.randint(19, 55), cal.RESIDENCE_DATE)
            p = self.person(rng, "refugee/received-elsewhere", sex, birth, jan1_chance=0.2)
            p.persona = "refugee"
            spell = rand_date(rng, date(2012, 6, 1), date(2016, 9, 30))
            granted = spell - days(rng.randint(0, 90))
            p.permits.append(self.permit(rng, "Asyl mv.", granted, land))
            p.start_date = spell
            entry = rand_date(rng, spell + days(60), LAST_EVENT - days(30))
            life = Life(p).arrive(spell, land, other_municipality(rng)).move(entry, cal.HOME)
            if rng.random() < 0.2:
                life.move(rand_date(rng, entry + days(20), LAST_EVENT), other_municipality(rng))
            life.build(self, rng)
            p.citizenships = [Citizenship(land, spell)]
            p.dream = make_history(p, rng, arrival=spell)
        # lived in 0151 before the asylum permit (came on family reunification): not received
        for _ in range(3):
            land = rng.choice(["5486", "5438"])
            sex = rng.choice("MK")
            birth = self.birth_for_age(rng, rng.randint(22, 45), cal.RESIDENCE_DATE)
            p = self.person(rng, "refugee/permit-while-living-here", sex, birth)
            p.persona = "refugee"
            came = rand_date(rng, date(2012, 3, 1), date(2014, 6, 30))
            granted = came + days(rng.randint(200, 600))
            p.permits.append(self.permit(rng, "Familiesammenføring", came - days(30), land))
            p.permits.append(self.permit(rng, "Asyl mv.", granted, land))
            p.start_date = came
            Life(p).arrive(came, land, cal.HOME).move(
                rand_date(rng, granted + days(10), LAST_EVENT), cal.HOME).build(self, rng, 0)
            p.citizenships = [Citizenship(land, came)]
            p.dream = make_history(p, rng, arrival=came)

    def immigrants_elsewhere(self, n: int = 60) -> None:
        """Immigrants 2013+ with a permit who never lived in 0151 (6 with an annulled 0151 row)."""
        rng = self.rng("immigrants-elsewhere")
        for i in range(n):
            land = pick(rng, {"5432": 5, "5448": 4, "5474": 3, "5172": 3, "5472": 2, "5464": 2,
                              "5700": 2, "5704": 2, "5390": 1})
            sex = rng.choice("MK")
            birth = self.birth_for_age(rng, rng.randint(20, 50), cal.RESIDENCE_DATE)
            p = self.person(rng, "immigrant/elsewhere-only", sex, birth)
            self.set_persona(p, land, False, 30)
            came = rand_date(rng, date(2013, 1, 15), date(2017, 3, 1))
            p.start_date = came
            first = other_municipality(rng)
            life = Life(p).arrive(came, land, first)
            if rng.random() < 0.3:
                life.move(rand_date(rng, came + days(30), LAST_EVENT),
                          other_municipality(rng, exclude=first))
            life.build(self, rng)
            if i < 6:
                wrong = self.address(rng, cal.HOME, came + days(10), came + days(40))
                wrong.annkor = "A"  # annulled: would make them an immigrant who lived here
                p.addresses.append(wrong)
                p.story += "/annulled-0151-row"
            p.citizenships = [Citizenship(land, came)]
            kategori = pick(rng, {"Erhverv": 5, "Familiesammenføring": 3, "Studie": 2})
            p.permits.append(self.permit(rng, kategori, came - days(rng.randint(5, 60)), land))
            p.dream = make_history(p, rng, arrival=came)

    def left_before_immigrating_again(self, n: int = 15) -> None:
        """Lived in 0151 before 2013, emigrated, re-entered 2013+ elsewhere: not counted."""
        rng = self.rng("left-before")
        for _ in range(n):
            land = pick(rng, {"5154": 4, "5158": 3, "5128": 2, "5432": 2, "5448": 2, "5172": 2})
            sex = rng.choice("MK")
            birth = self.birth_for_age(rng, rng.randint(25, 55), cal.RESIDENCE_DATE)
            p = self.person(rng, "immigrant/0151-only-before-reentry", sex, birth)
            self.set_persona(p, land, False, 35)
            came = rand_date(rng, date(2006, 1, 1), date(2009, 6, 30))
            p.start_date = came
            life = Life(p).arrive(came, land, cal.HOME)
            moved = rand_date(rng, date(2010, 1, 15), date(2012, 3, 31))
            if rng.random() < 0.5:
                life.move(moved, other_municipality(rng))
                left = rand_date(rng, moved + days(30), date(2012, 10, 31))
            else:
                left = moved
            back = rand_date(rng, date(2013, 1, 10), date(2016, 12, 31))
            life.emigrate(left, land).reenter(back, other_municipality(rng))
            life.build(self, rng)
            p.citizenships = [Citizenship(land, came)]
            if profile(land) not in cal.EU_PROFILES:
                p.permits.append(self.permit(rng, "Erhverv", came - days(20), land))
            p.dream = make_history(p, rng, arrival=came)

    def deleted_numbers(self) -> None:
        """Status 30 (annulled) and 50 (deleted double number): dropped by the pipeline."""
        rng = self.rng("deleted")
        # a deleted double number with the history of an immigrant who lived here: a trap
        p = self.person(rng, "cpr/status-50-with-history", "M", date(1988, 3, 14))
        came = date(2014, 3, 1)
        Life(p).arrive(came, "5154", cal.HOME).move(date(2014, 8, 1), "0101").build(self, rng, 0)
        p.addresses = [a for a in p.addresses if a.end is not None]  # no 002 above status 30
        p.citizenships = [Citizenship("5154", came)]
        p.status_code, p.status_since = "50", date(2014, 8, 1)
        p.start_date = came
        q = self.person(rng, "cpr/status-50", "K", date(1979, 11, 2))
        q.citizenships = [Citizenship(DK, q.birth)]
        q.status_code, q.status_since = "50", date(2015, 2, 10)
        r = self.person(rng, "cpr/status-30", "K", date(1992, 6, 23))
        r.citizenships = [Citizenship("5172", date(2013, 5, 1))]
        r.status_code, r.status_since = "30", date(2013, 5, 20)
        r.start_date = date(2013, 5, 1)

    def status_03(self) -> None:
        """A few people with status 03 (a special road code 9900-9999): still active."""
        rng = self.rng("status-03")
        natives = [p for p in self.persons if p.story == "native/lifelong"]
        for p in rng.sample(natives, 6):
            cur = next((a for a in p.addresses if a.end is None and a.annkor == " "), None)
            if cur is not None and cur.komkod == cal.HOME:
                p.status_code = "03"
                cur.vejkod = f"99{rng.randint(0, 99):02d}"

    def july_arrivals(self) -> None:
        """New in July 2017: eight immigrants and two refugees (only the 2017-07 delivery)."""
        rng = self.rng("july")
        for i in range(10):
            refugee = i >= 8
            land = rng.choice(["5486", "5216"]) if refugee else rng.choice(
                ["5154", "5128", "5432", "5120", "5448", "5158", "5474", "5180"])
            sex = rng.choice("MK")
            birth = self.birth_for_age(rng, rng.randint(20, 40), cal.WORLD_END)
            p = self.person(rng, "july/" + ("refugee" if refugee else "immigrant"), sex, birth)
            came = rand_date(rng, *JULY)
            p.start_date = came
            self.set_persona(p, land, False, 30)
            Life(p).arrive(came, land, cal.HOME).build(self, rng, 0)
            p.citizenships = [Citizenship(land, came)]
            granted = rand_date(rng, date(2017, 7, 1), came)
            if refugee:
                p.permits.append(self.permit(rng, "Asyl mv.", granted, land))
            elif profile(land) not in ("nordic",):
                kategori = "EU/EØS" if profile(land) in cal.EU_PROFILES else "Erhverv"
                p.permits.append(self.permit(rng, kategori, granted, land))
            p.dream = make_history(p, rng, arrival=came)

    def extras(self) -> None:
        """Unknown record types (003, 008, 099) and the July DREAM revisions."""
        rng = self.rng("extras")
        names = ["Værge: Søren Ærø Ågård", "Værge: Åse Møller", "Værge: Jørgen Æbelø",
                 "Værge: Birthe Østergård"]
        for p in self.persons:
            r = rng.random()
            if r < 0.01:
                p.extra_records.append(("008", rng.choice(names), 60))
            elif r < 0.02 and p.addresses:
                a = p.addresses[-1]
                p.extra_records.append(("003", f"{a.street:<34}{a.postal:<34}", 249))
            elif r < 0.025:
                p.extra_records.append(("099", "2017010100000A1", 45))
        candidates = [p for p in self.persons if p.dream is not None
                      and any(p.dream.codes[w] not in ("997", "998") for w in REVISION_WEEKS)
                      and any(p.dream.codes)]
        for p in rng.sample(candidates, 20):
            assert p.dream is not None
            revise(p.dream, rng)


def build_population(seed: int) -> list[Person]:
    """Every story of the demo world (through 2017-07-31), sorted by CPR number."""
    b = Builder(seed)
    b.refugees()
    b.resident_immigrants()
    b.moved_away_immigrants()
    b.natives()
    b.danish_returners()
    b.early_immigrants()
    b.early_refugees()
    b.refugees_received_elsewhere()
    b.immigrants_elsewhere()
    b.left_before_immigrating_again()
    b.deleted_numbers()
    b.status_03()
    b.july_arrivals()
    b.extras()
    return sorted(b.persons, key=lambda p: p.pnr)
