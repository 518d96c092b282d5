"""CPR numbers for the demo population: the century digit, the sex digit and modulus 11.

What belongs here: issuing unique, valid `DDMMYYSSSS` numbers for a birth date and sex, with or
without the modulus-11 check (numbers issued since 2007-10-01 need not satisfy it; the CPR office
used them for people born on 1 January of some years). Nothing else.
"""

from __future__ import annotations

import random
from datetime import date

WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
# birth years whose 1 January numbers the CPR office issued without modulus 11 (cpr.dk, June 2017)
NON_MOD11_YEARS = frozenset({1960, 1965, 1970, 1980, *range(1984, 1991)})


def century_digits(year: int) -> list[int]:
    """Digits allowed in position 7 for a birth year (extracts.md "PNR")."""
    yy = year % 100
    if 1900 <= year <= 1999:
        return [0, 1, 2, 3] + ([4, 9] if yy >= 37 else [])
    if 2000 <= year <= 2036:
        return [4, 4, 4, 9, 5, 6, 7, 8]
    if 2037 <= year <= 2057:
        return [5, 6, 7, 8]
    if 1858 <= year <= 1899:
        return [5, 6, 7, 8]
    raise ValueError(f"no CPR century digit for {year}")


def mod11_ok(pnr: str) -> bool:
    return sum(w * int(d) for w, d in zip(WEIGHTS, pnr, strict=True)) % 11 == 0


class PnrFactory:
    """Hands out unique numbers; deterministic for a given `random.Random` state."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self, birth: date, sex: str, *, mod11: bool = True) -> str:
        if not mod11 and not (birth.month == 1 and birth.day == 1
                              and birth.year in NON_MOD11_YEARS):
            raise ValueError(f"numbers without modulus 11 are only issued for 1 January ({birth})")
        prefix = birth.strftime("%d%m%y")
        digits7 = century_digits(birth.year)
        want_odd = sex == "M"
        for _ in range(10_000):
            d7 = self._rng.choice(digits7)
            d8, d9 = self._rng.randrange(10), self._rng.randrange(10)
            head = f"{prefix}{d7}{d8}{d9}"
            partial = sum(w * int(d) for w, d in zip(WEIGHTS[:9], head, strict=True))
            if mod11:
                d10 = (-partial) % 11
                if d10 == 10:
                    continue
            else:
                d10 = self._rng.randrange(10)
                if (partial + d10) % 11 == 0:
                    continue
            if (d10 % 2 == 1) != want_odd:
                continue
            pnr = f"{head}{d10}"
            if pnr in self._used:
                continue
            self._used.add(pnr)
            return pnr
        raise RuntimeError(f"no free CPR number for {birth} {sex}")
