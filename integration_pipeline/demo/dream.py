"""DREAM histories for the demo stories: weekly benefit codes and monthly employment.

What belongs here: the ISO-week and month grid the demo DREAM extracts cover, and turning a
person's story (presence in Denmark, age, death, a "persona" such as refugee, worker, student or
spouse) into a plausible weekly code / monthly `grad` / `branche` history. Benefit spells of
refugees fade with the time since arrival; codes 997 / 998 follow emigration / death; 999 is
folkepension. For members of the note's status populations the code of 2017-W14 and
`grad_2017_04` are set to give exactly the intended status (see `STATUS_STATES`).

What does not belong here: who the people are (`population.py`) and the CSV layout (`render.py`).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from integration_pipeline.demo.calibration import (
    CODE_GROUP,
    DELIVERIES,
    DREAM_FIRST_MONTH,
    DREAM_FIRST_WEEK,
    INDUSTRIES,
)
from integration_pipeline.demo.model import Dream, Person


def iso_weeks(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int, date]]:
    """(ISO year, ISO week, Monday) for every week from `first` to `last` inclusive."""
    monday = date.fromisocalendar(first[0], first[1], 1)
    end = date.fromisocalendar(last[0], last[1], 1)
    out = []
    while monday <= end:
        y, w, _ = monday.isocalendar()
        out.append((y, w, monday))
        monday += timedelta(days=7)
    return out


def month_list(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


_LAST_WEEK = max(d[2] for d in DELIVERIES.values())
_LAST_MONTH = max(d[3] for d in DELIVERIES.values())
WEEKS = iso_weeks(DREAM_FIRST_WEEK, _LAST_WEEK)
MONTHS = month_list(DREAM_FIRST_MONTH, _LAST_MONTH)
_MONTH_INDEX = {ym: i for i, ym in enumerate(MONTHS)}
# DREAM assigns a week to the month of its Thursday
WEEK_MONTH = [_MONTH_INDEX[((mon + timedelta(days=3)).year, (mon + timedelta(days=3)).month)]
              for _, _, mon in WEEKS]
STATUS_WEEK = next(i for i, (y, w, _) in enumerate(WEEKS) if (y, w) == (2017, 14))
STATUS_MONTH = _MONTH_INDEX[(2017, 4)]
REVISION_WEEKS = [i for i, (y, w, _) in enumerate(WEEKS) if y == 2017 and 10 <= w <= 12]


def covered(month: str) -> tuple[int, int]:
    """Number of weeks and months the DREAM extract of a delivery month covers."""
    _, _, last_week, last_month = DELIVERIES[month]
    n_weeks = next(i for i, (y, w, _) in enumerate(WEEKS) if (y, w) == last_week) + 1
    return n_weeks, _MONTH_INDEX[last_month] + 1


# states of a month -> weekly codes (first one is the usual)
STATE_CODES = {
    "job": [""], "none": [""], "unemp": ["111", "113"], "cash": ["130", "131"],
    "integ": ["140", "141"], "activ": ["213", "231"], "wagesub": ["521"], "su": ["651", "652"],
    "vus": ["661"], "sick": ["893", "890"], "flex": ["735"], "ftp": ["783"], "ress": ["813"],
    "efterl": ["611"], "pension": ["999"], "leave": ["881"], "orlov": ["412"],
}
MEAN_MONTHS = {"job": 30, "none": 8, "unemp": 4, "cash": 6, "integ": 14, "activ": 4,
               "wagesub": 6, "su": 20, "vus": 3, "sick": 2, "flex": 48, "ftp": 999, "ress": 8,
               "efterl": 999, "pension": 999, "leave": 8, "orlov": 4}
# status at the status week -> the April 2017 states that give it
STATUS_STATES = {
    "job": ["job"],
    "education": ["su", "su", "su", "vus"],
    "public_support": [],  # chosen by persona, see _support_state
    "self_supporting_no_income": ["none"],
}

for _codes in STATE_CODES.values():
    assert all(c == "" or c in CODE_GROUP for c in _codes)


def _age(birth: date, d: date) -> int:
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


def _distribution(persona: str, age: int, months_here: int, sex: str) -> dict[str, float]:
    if age < 18:
        return {"none": 0.8, "job": 0.2}
    if age >= 65:
        return {"pension": 1.0}
    if persona == "ftp" and age >= 30:
        return {"ftp": 1.0}
    if persona == "refugee":
        f = min(months_here / 60, 1.0)  # integration benefit fades over five years
        return {"integ": 0.85 - 0.55 * f, "activ": 0.07 + 0.05 * f, "wagesub": 0.02 + 0.08 * f,
                "job": 0.02 + 0.22 * f, "su": 0.01 + 0.06 * f, "none": 0.02 + 0.08 * f,
                "sick": 0.01 + 0.03 * f, "leave": 0.02 if sex == "K" else 0.0}
    leave = 0.03 if sex == "K" and age < 42 else 0.003
    if persona == "student" and age < 32:
        return {"su": 0.65, "job": 0.25, "none": 0.1}
    if persona == "spouse":
        f = min(months_here / 48, 1.0)
        return {"none": 0.45, "job": 0.12 + 0.2 * f, "cash": 0.12 - 0.06 * f, "activ": 0.05,
                "su": 0.05, "leave": leave * 2, "vus": 0.02, "sick": 0.01}
    if persona == "skilled":
        return {"job": 0.88, "unemp": 0.04, "none": 0.05, "leave": leave, "sick": 0.02}
    if persona == "worker":
        return {"job": 0.8, "unemp": 0.07, "sick": 0.03, "none": 0.05, "cash": 0.02,
                "leave": leave}
    # natives and everybody else
    if age < 25:
        return {"su": 0.45, "job": 0.4, "cash": 0.05, "none": 0.06, "unemp": 0.03, "sick": 0.01}
    if age < 60:
        return {"job": 0.84, "unemp": 0.04, "sick": 0.03, "cash": 0.02, "leave": leave,
                "flex": 0.01, "ress": 0.01, "vus": 0.01, "none": 0.02, "orlov": 0.002,
                "su": 0.02 if age < 35 else 0.0}
    return {"job": 0.55, "efterl": 0.35, "sick": 0.03, "unemp": 0.04, "none": 0.03}


def _support_state(persona: str, age: int, rng: random.Random) -> str:
    if age >= 65:
        return "pension"
    if persona == "refugee":
        return rng.choices(["integ", "activ", "wagesub"], [70, 15, 15])[0]
    if persona == "spouse":
        return rng.choices(["cash", "activ", "integ", "wagesub"], [45, 20, 20, 15])[0]
    if age >= 60:
        return rng.choice(["efterl", "ftp", "unemp"])
    return rng.choices(["unemp", "sick", "wagesub", "cash", "flex", "ress"],
                       [45, 25, 10, 10, 5, 5])[0]


def _grad(state: str, base: float, rng: random.Random) -> float | None:
    if state == "job":
        return min(1.0, max(0.05, base + rng.uniform(-0.12, 0.08)))
    if state == "wagesub":
        return rng.uniform(0.6, 1.0)
    if state == "flex":
        return rng.uniform(0.3, 0.6)
    if state == "su" and rng.random() < 0.35:
        return rng.uniform(0.1, 0.35)
    if state == "leave" and rng.random() < 0.5:
        return base
    return None


def presence(person: Person) -> list[tuple[date, date | None]]:
    """Periods the person lived in Denmark (valid addresses merged)."""
    spans: list[tuple[date, date | None]] = []
    for a in sorted((a for a in person.addresses if a.annkor == " "), key=lambda a: a.start):
        if spans and spans[-1][1] == a.start:
            spans[-1] = (spans[-1][0], a.end)
        else:
            spans.append((a.start, a.end))
    return spans


def _present(spans: list[tuple[date, date | None]], d: date) -> bool:
    return any(s <= d and (e is None or d < e) for s, e in spans)


def make_history(person: Person, rng: random.Random, arrival: date | None = None) -> Dream:
    """A DREAM history consistent with the story; honours `person.expected.status`."""
    spans = presence(person)
    first = spans[0][0] if spans else date(2100, 1, 1)
    arrival = arrival or first
    persona = person.persona
    n_months = len(MONTHS)
    states: list[str | None] = [None] * n_months
    base = rng.uniform(0.55, 1.0)
    su_code = rng.choice(STATE_CODES["su"])
    state: str | None = None
    remaining = 0
    for m, (y, mo) in enumerate(MONTHS):
        mid = date(y, mo, 15)
        age = _age(person.birth, mid)
        alive = person.death is None or mid < person.death
        if not (alive and age >= 16 and _present(spans, mid)):
            state, remaining = None, 0
            continue
        months_here = max(0, (mid - arrival).days // 30)
        if remaining <= 0 or (age >= 65 and state != "pension"):
            dist = _distribution(persona, age, months_here, person.sex)
            keys = [k for k, v in dist.items() if v > 0]
            state = rng.choices(keys, [dist[k] for k in keys])[0]
            remaining = max(1, round(rng.expovariate(1 / MEAN_MONTHS[state])))
        states[m] = state
        remaining -= 1

    target = person.expected.status
    if target is not None:
        age = _age(person.birth, date(2017, 4, 15))
        if target == "public_support":
            want = _support_state(persona, age, rng)
        else:
            want = rng.choice(STATUS_STATES[target])
        for m in (STATUS_MONTH - 1, STATUS_MONTH, STATUS_MONTH + 1):
            if m == STATUS_MONTH or (states[m] is not None and rng.random() < 0.5):
                states[m] = want

    grad: list[float | None] = [None] * n_months
    branche = [""] * n_months
    industry = rng.choice(INDUSTRIES)
    for m, st in enumerate(states):
        if st is None:
            continue
        g = _grad(st, base, rng)
        if st in ("job", "wagesub", "flex") and (m == 0 or states[m - 1] != st):
            if rng.random() < 0.3:
                industry = rng.choice(INDUSTRIES)
        if g is not None:
            grad[m] = round(g, 2)
            branche[m] = industry
        elif m > 0 and states[m - 1] == "job" and rng.random() < 0.3:
            grad[m] = 0.0  # the month after a job ended is often reported as 0

    codes = [""] * len(WEEKS)
    for w, (_, _, monday) in enumerate(WEEKS):
        thursday = monday + timedelta(days=3)
        if thursday < first or _age(person.birth, thursday) < 16:
            continue
        if person.death is not None and thursday >= person.death:
            codes[w] = "998"
            continue
        if not _present(spans, thursday):
            codes[w] = "997"
            continue
        st = states[WEEK_MONTH[w]]
        if st is None:
            continue
        options = STATE_CODES[st]
        if st == "su":
            code = su_code
        elif len(options) > 1 and rng.random() < 0.15:
            code = options[1]
        else:
            code = options[0]
        if st == "job" and rng.random() < 0.012:
            code = "893"  # a short sickness spell
        elif st == "unemp" and monday.month == 7 and rng.random() < 0.3:
            code = "121"  # feriedagpenge
        codes[w] = code

    if target is not None:
        sm = STATUS_MONTH
        if target == "job":
            codes[STATUS_WEEK] = "881" if person.sex == "K" and rng.random() < 0.05 else ""
            if not grad[sm]:
                grad[sm] = round(max(0.1, base), 2)
                branche[sm] = industry
        elif target == "self_supporting_no_income":
            codes[STATUS_WEEK] = ""
            grad[sm] = None
            branche[sm] = ""
        else:
            codes[STATUS_WEEK] = su_code if want == "su" else STATE_CODES[want][0]
    return Dream(codes=codes, grad=grad, branche=branche)


def revise(dream: Dream, rng: random.Random) -> None:
    """Give a history revised codes for 2017-W10..W12 (what the 2017-07 delivery restates)."""
    swap = {"140": "141", "141": "140", "130": "131", "131": "130", "111": "113", "113": "111",
            "651": "652", "652": "651", "213": "231", "231": "213", "893": "890", "890": "893"}
    for w in REVISION_WEEKS:
        old = dream.codes[w]
        if old == "":
            new = rng.choice(["893", "890", "111"])
        elif old in swap:
            new = swap[old]
        else:
            new = "893" if old not in ("997", "998", "999", "783") else old
        if new != old:
            dream.revisions[w] = new


def has_information(dream: Dream, n_weeks: int, n_months: int, revised: bool) -> bool:
    codes = dream.codes[:n_weeks]
    if any(codes) or any(g for g in dream.grad[:n_months]):
        return True
    return revised and any(w < n_weeks for w in dream.revisions)
