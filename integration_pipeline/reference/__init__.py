"""Reference code tables shipped as data (CSV files beside this module) and their loaders.

`cpr_landekoder.csv` and `cpr_kommunekoder.csv` are copies of the CPR office's authority tables
(snapshot 2012-07-02, via magenta-aps/cprbroker `Authority_4357.txt`); `dream_codes.csv` is the
spec's benefit-code grouping (editable); `permit_categories.csv` the permit KATEGORI values.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd


def _read(name: str) -> pd.DataFrame:
    with resources.files(__package__).joinpath(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


@cache
def countries() -> pd.DataFrame:
    df = _read("cpr_landekoder.csv").rename(columns={"landekode": "country_code"})
    return df.replace({"": None})


@cache
def municipalities() -> pd.DataFrame:
    df = pd.concat([_read("cpr_kommunekoder.csv"), _read("municipality_special_codes.csv")],
                   ignore_index=True).rename(columns={"kommunekode": "municipality_code"})
    return df.replace({"": None}).drop_duplicates("municipality_code")


@cache
def dream_codes() -> pd.DataFrame:
    return _read("dream_codes.csv")


@cache
def permit_categories() -> pd.DataFrame:
    return _read("permit_categories.csv")


def country_codes() -> set[str]:
    return set(countries()["country_code"])


def benefit_codes() -> set[str]:
    return set(dream_codes()["benefit_code"])


def category_names() -> set[str]:
    return set(permit_categories()["category"])


def municipality_name(code: str) -> str:
    m = municipalities()
    hit = m.loc[m["municipality_code"] == code, "name_da"]
    return str(hit.iloc[0]) if len(hit) else f"Kommune {code}"
