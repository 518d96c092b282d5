"""Rendering of the published report: the note's text and tables, files, disclosure, HTML."""

from __future__ import annotations

import csv
import os
import re
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

from integration_pipeline.report import render
from integration_pipeline.report.browser import find_browser, screenshot_html
from integration_pipeline.report.disclosure import STATUSES

MONTH, CODE = "2017-06", "0151"


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df.insert(0, "municipality_code", CODE)
    df.insert(0, "delivery_month", MONTH)
    return df


def params(threshold: int = 0) -> dict:
    return {
        "municipality_code": CODE,
        "municipality_name": "Ballerup",
        "delivery_month": MONTH,
        "residence_date": date(2017, 6, 30),
        "status_week": "2017-W14",
        "status_date": date(2017, 4, 3),
        "period_start": date(2013, 1, 1),
        "disclosure_threshold": threshold,
    }


def key_figures(**values: float) -> pd.DataFrame:
    return frame([{"figure": k, "value": float(v)} for k, v in values.items()])


def note_tables() -> dict[str, pd.DataFrame]:
    """The Ballerup 2017 note's figures, typed from the note (spec report.md for 57/29 men/women).

    Not in the note, made up so that the sums hold: the sex split per country and the two
    remaining countries (6 refugees), the arrival years other than 2016.
    """
    citizenship = [
        ("5486", "Syrien", 14, 29),
        ("5438", "Iran", 6, 12),
        ("5216", "Eritrea", 4, 7),
        ("5404", "Afghanistan", 3, 5),
        ("5289", "Somalia", 1, 3),
        ("5436", "Irak", 1, 1),
    ]
    arrival = [(2013, 5, 5, 2), (2014, 12, 10, 3), (2015, 30, 25, 3), (2016, 24, 20, 7),
               (2017, 15, 13, 0)]  # fmt: skip
    ages = [("0-17", 47, 58), ("18-24", 58, 57), ("25-29", 105, 71), ("30-39", 115, 133),
            ("40-49", 39, 41), ("50-59", 12, 14), ("60-65", 3, 5), ("66+", 0, 2)]  # fmt: skip
    top = [("5128", "Bulgarien", 60), ("5154", "Polen", 55), ("5432", "Indien", 39),
           ("5120", "Sverige", 36), ("5172", "Tyrkiet", 35), ("5158", "Rumænien", 34),
           ("5448", "Kina", 28), ("5756", "Makedonien", 28), ("5474", "Filippinerne", 25),
           ("5464", "Nepal", 25), ("5438", "Iran", 21), ("5404", "Afghanistan", 20),
           ("5472", "Pakistan", 18), ("5486", "Syrien", 18),
           ("5180", "Tyskland,Forb.Rep", 18)]  # fmt: skip
    status = {"refugees": (10, 5, 16, 42), "immigrants": (301, 58, 245, 50)}
    return {
        "key_figures": key_figures(
            refugees_received=86,
            refugees_received_men=57,
            refugees_received_women=29,
            refugees_adults=73,
            immigrants_lived_here=1792,
            immigrants_still_resident=760,
            immigrants_moved_away=1032,
            immigrants_family_reunified=167,
            immigrants_direct_from_abroad=1256,
            immigrants_from_other_municipality=536,
            residents_direct_from_abroad=467,
            residents_from_other_municipality=293,
            residents_women=379,
            residents_men=381,
            residents_adults_at_status_date=654,
            top15_share_pct=60.5,
        ),  # fmt: skip
        "refugees_by_citizenship": frame(
            [
                {
                    "citizenship_code": c,
                    "citizenship_name": n,
                    "women": w,
                    "men": m,
                    "persons": w + m,
                }
                for c, n, w, m in citizenship
            ]
        ),  # fmt: skip
        "refugees_by_arrival_year": frame(
            [
                {
                    "arrival_year": y,
                    "persons": p,
                    "adults": a,
                    "self_supporting_job_or_education": s,
                }
                for y, p, a, s in arrival
            ]
        ),  # fmt: skip
        "residents_by_age_sex": frame(
            [
                {
                    "age_band": b,
                    "sort_order": i,
                    "women": w,
                    "men": m,
                    "total": w + m,
                    "pct_of_total": round(100 * (w + m) / 760, 1),
                }
                for i, (b, w, m) in enumerate(ages, start=1)
            ]
        ),  # fmt: skip
        "residents_top_citizenships": frame(
            [
                {"rank": r, "citizenship_code": c, "citizenship_name": n, "persons": p}
                for r, (c, n, p) in enumerate(top, start=1)
            ]
        ),
        "adult_status": frame(
            [
                {"cohort": cohort, "status": s, "persons": p}
                for cohort, counts in status.items()
                for s, p in zip(STATUSES, counts, strict=True)
            ]
        ),
    }


NOTE_SENTENCES = [
    "Det samlede antal flygtninge, som Ballerup Kommune har modtaget siden 2013 er 86, heraf 43 "
    "fra Syrien, 18 fra Iran, 11 fra Eritrea og 8 fra Afghanistan.",
    "er 57 mænd og 29 kvinder.",
    "Udover ovennævnte 86 modtagne flygtninge siden 2013 har i alt 1.792 personer, som er "
    "indrejst til Danmark i 2013 eller senere, boet i Ballerup i kortere eller længere tid.",
    "Heraf bor 760 her fortsat (juni 2017). De resterende 1.032 personer bor ikke længere i "
    "Ballerup Kommune.",
    "herunder 167 familiesammenførte",
    "Af de i alt 1.792 er 1.256 indrejst til Ballerup uden forudgående kommune – de øvrige (536) "
    "er flyttet til Ballerup fra en anden dansk kommune.",
    "Af de 760, som fortsat bor her, er 467 indrejst til Ballerup uden forudgående kommune – de "
    "øvrige (293) er flyttet til Ballerup fra en anden dansk kommune.",
    "Af de ovennævnte 760 indrejste, som pt. bor her, er køns- og aldersfordelingen",
    "De 15 hyppigste statsborgerskabslande tegner sig for 60,5 pct. af de 760 indrejste.",
    "Top15-statsborgerskab for de 760 indrejste, som pt. bor her:",
    "Således har 7 ud af de 24 flygtninge, som Ballerup Kommune modtog i 2016,",
    "I den samlede gruppe på 86 flygtninge modtaget i årene 2013-2017 er 73 over 18 år. I starten "
    "af april 2017 var 10 af disse i job, 5 i uddannelse, 16 selvforsørgende uden indkomst og 42 "
    "borgere modtog offentlig forsørgelse.",
    "I den samlede gruppe på 760 ovennævnte indvandrere fra årene 2013-2017 er 654 over 18 år. I "
    "starten af april 2017 var 301 af disse i job, 58 i uddannelse, 245 selvforsørgende uden "
    "indkomst og 50 borgere modtog offentlig forsørgelse.",
    "Kilde: CPR, Udlændingeregistret og STAR's DREAM-data",
]

# The note's age table, line by line, and its top-15 table.
NOTE_AGE_TABLE = [
    ["0-17 år", "47", "58", "105", "14%"],
    ["18-24 år", "58", "57", "115", "15%"],
    ["25-29 år", "105", "71", "176", "23%"],
    ["30-39 år", "115", "133", "248", "33%"],
    ["40-49 år", "39", "41", "80", "11%"],
    ["50-59 år", "12", "14", "26", "3%"],
    ["60-65 år", "3", "5", "8", "1%"],
    ["Over 65 år", "0", "2", "2", "0%"],
    ["I alt", "379", "381", "760", "100%"],
    ["Procent", "50%", "50%", "100%", ""],
]
NOTE_TOP15 = [
    ["1", "Bulgarien", "60"], ["2", "Polen", "55"], ["3", "Indien", "39"],
    ["4", "Sverige", "36"], ["5", "Tyrkiet", "35"], ["6", "Rumænien", "34"],
    ["7", "Kina", "28"], ["8", "Makedonien", "28"], ["9", "Filippinerne", "25"],
    ["10", "Nepal", "25"], ["11", "Iran", "21"], ["12", "Afghanistan", "20"],
    ["13", "Pakistan", "18"], ["14", "Syrien", "18"], ["15", "Tyskland,Forb.Rep", "18"],
]  # fmt: skip


class _Page(HTMLParser):
    """Checks that tags nest properly and collects text, table rows and SVG elements."""

    VOID = {"meta", "link", "br", "img", "hr", "input", "rect", "circle", "line", "polyline"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.svgs: list[dict[str, int]] = []
        self.hidden_marks_in_svg: list[str] = []
        self.in_hidden_mark = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.svgs.append({"kind": attrs.get("class", ""), "bar": 0, "point": 0})
        if self.svgs and attrs.get("class") in ("bar", "point"):
            self.svgs[-1][attrs["class"]] += 1
        self.in_hidden_mark = tag == "text" and attrs.get("class") == "hidden"
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)
        if self.in_hidden_mark:
            self.hidden_marks_in_svg.append(data)
            self.in_hidden_mark = False

    def body_rows(self, header_first_cell: str) -> list[list[str]]:
        for table in self.tables:
            if table and table[0] and table[0][0] == header_first_cell:
                return table[1:]
        raise AssertionError(f"no table starting with {header_first_cell!r}")


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == [], (parser.errors, parser.stack)
    return parser


def md_rows(markdown: str) -> list[list[str]]:
    """The cells of every Markdown table line."""
    return [
        [c.strip() for c in line.strip()[1:-1].split(" | ")]
        for line in markdown.splitlines()
        if line.startswith("|")
    ]


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# -- the note -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def note_html() -> str:
    return render.render_html(note_tables(), params())


@pytest.fixture(scope="module")
def note_markdown() -> str:
    return render.render_markdown(note_tables(), params())


@pytest.mark.parametrize("sentence", NOTE_SENTENCES)
def test_html_and_markdown_say_the_notes_sentences(note_html, note_markdown, sentence):
    assert sentence in plain("".join(parse(note_html).text))
    assert sentence in plain(note_markdown)


def test_age_table_is_the_notes(note_html, note_markdown):
    assert parse(note_html).body_rows("Antal personer") == NOTE_AGE_TABLE
    rows = md_rows(note_markdown)
    start = rows.index(["Antal personer", "Kvinder", "Mænd", "I alt", "Procent"])
    assert rows[start + 2 : start + 2 + len(NOTE_AGE_TABLE)] == NOTE_AGE_TABLE


def test_top15_table_is_the_notes(note_html):
    rows = parse(note_html).body_rows("Top 15")
    assert rows[:-1] == NOTE_TOP15
    assert rows[-1] == ["", "I alt", "460"]


def test_html_is_well_formed_self_contained_danish(note_html):
    page = parse(note_html)
    assert note_html.startswith("<!DOCTYPE html>")
    assert '<html lang="da">' in note_html and '<meta charset="utf-8">' in note_html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", note_html)
    assert "<script" not in note_html and "<link" not in note_html
    assert "url(" not in note_html and "@import" not in note_html
    text = "".join(page.text)
    for word in ("Mænd", "Rumænien", "Bopælsdato", "forudgående", "Udlændingeregistret", "år"):
        assert word in text
    assert {s["kind"] for s in page.svgs} >= {"chart age-pyramid", "chart status-bars"}
    pyramid = next(s for s in page.svgs if s["kind"] == "chart age-pyramid")
    assert pyramid["bar"] == 16  # women and men in 8 bands


def test_files_are_written(tmp_path):
    written = render.render_report(note_tables(), params(), tmp_path / "2017-06")
    tables = [*render.REQUIRED_TABLES]
    assert set(written) == {"report.html", "report.md", *(f"{t}.csv" for t in tables)}
    for path in written.values():
        assert path.parent == tmp_path / "2017-06" and path.stat().st_size > 0
    html_text = written["report.html"].read_bytes().decode("utf-8")  # strict UTF-8
    assert {"æ", "ø", "å"} <= set(html_text) and "Ã" not in html_text  # no mojibake
    with written["residents_top_citizenships.csv"].open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == [
        "delivery_month", "municipality_code", "rank", "citizenship_code", "citizenship_name",
        "persons",
    ]  # fmt: skip
    assert rows[6] == ["2017-06", "0151", "6", "5158", "Rumænien", "34"]
    figures = pd.read_csv(written["key_figures.csv"], sep=";", decimal=",", dtype={"value": str})
    assert dict(zip(figures["figure"], figures["value"], strict=True))["top15_share_pct"] == "60,5"
    ages = pd.read_csv(written["residents_by_age_sex.csv"], sep=";", decimal=",")
    assert ages["total"].tolist() == [105, 115, 176, 248, 80, 26, 8, 2]
    assert ages["pct_of_total"].tolist() == [13.8, 15.1, 23.2, 32.6, 10.5, 3.4, 1.1, 0.3]


def test_only_the_requested_formats_are_written(tmp_path):
    written = render.render_report(note_tables(), params(), tmp_path, formats=("md",))
    assert list(written) == ["report.md"]
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    with pytest.raises(ValueError, match="pdf"):
        render.render_report(note_tables(), params(), tmp_path, formats=("pdf",))


# -- disclosure in the rendered report -----------------------------------------------------


def small_tables() -> dict[str, pd.DataFrame]:
    """A made-up small municipality: 6 refugees (2 women), 5 residents."""
    return {
        "key_figures": key_figures(
            refugees_received=6,
            refugees_received_men=4,
            refugees_received_women=2,
            refugees_adults=5,
            immigrants_lived_here=9,
            immigrants_still_resident=5,
            immigrants_moved_away=4,
            immigrants_family_reunified=3,
            immigrants_direct_from_abroad=7,
            immigrants_from_other_municipality=2,
            residents_direct_from_abroad=4,
            residents_from_other_municipality=1,
            residents_women=2,
            residents_men=3,
            residents_adults_at_status_date=4,
            top15_share_pct=100.0,
        ),  # fmt: skip
        "refugees_by_citizenship": frame(
            [
                {
                    "citizenship_code": "5486",
                    "citizenship_name": "Syrien",
                    "women": 1,
                    "men": 3,
                    "persons": 4,
                },
                {
                    "citizenship_code": "5216",
                    "citizenship_name": "Eritrea",
                    "women": 1,
                    "men": 1,
                    "persons": 2,
                },
            ]
        ),  # fmt: skip
        "refugees_by_arrival_year": frame(
            [
                {
                    "arrival_year": 2015,
                    "persons": 4,
                    "adults": 3,
                    "self_supporting_job_or_education": 2,
                },
                {
                    "arrival_year": 2016,
                    "persons": 2,
                    "adults": 2,
                    "self_supporting_job_or_education": 0,
                },
            ]
        ),  # fmt: skip
        "residents_by_age_sex": frame(
            [
                {
                    "age_band": b,
                    "sort_order": i,
                    "women": w,
                    "men": m,
                    "total": w + m,
                    "pct_of_total": round(100 * (w + m) / 5, 1),
                }
                for i, (b, w, m) in enumerate(
                    [
                        ("0-17", 0, 0),
                        ("18-24", 1, 2),
                        ("25-29", 1, 0),
                        ("30-39", 0, 1),
                        ("40-49", 0, 0),
                        ("50-59", 0, 0),
                        ("60-65", 0, 0),
                        ("66+", 0, 0),
                    ],
                    start=1,
                )
            ]
        ),  # fmt: skip
        "residents_top_citizenships": frame(
            [
                {"rank": 1, "citizenship_code": "5154", "citizenship_name": "Polen", "persons": 3},
                {"rank": 2, "citizenship_code": "5432", "citizenship_name": "Indien", "persons": 2},
            ]
        ),
        "adult_status": frame(
            [
                {"cohort": c, "status": s, "persons": p}
                for c, counts in {"refugees": (1, 1, 2, 1), "immigrants": (1, 1, 1, 1)}.items()
                for s, p in zip(STATUSES, counts, strict=True)
            ]
        ),
    }


def test_threshold_3_hides_small_counts_in_text_tables_charts_and_csv(tmp_path):
    written = render.render_report(small_tables(), params(threshold=3), tmp_path)
    page_html = written["report.html"].read_text(encoding="utf-8")
    page = parse(page_html)
    text = plain("".join(page.text))
    md = written["report.md"].read_text(encoding="utf-8")

    # Text: 2 women is primary (<3); 4 men would give it away through 6 received, so it is hidden.
    assert "er .. mænd og <3 kvinder." in text and "er .. mænd og <3 kvinder." in md
    assert "&lt;3 kvinder" in page_html
    # Eritrea's 2 refugees are hidden, so Syria's 4 are too (6 received is printed): the
    # top-countries clause names no country.
    assert "har modtaget siden 2013 er 6. Af de" in text
    assert "fra Eritrea" not in text + md and "fra Syrien" not in text + md
    assert page.body_rows("Statsborgerskab") == [
        ["Eritrea", "<3", "<3", "<3"], ["Syrien", "<3", "..", ".."], ["I alt", "<3", "..", "6"],
    ]  # fmt: skip

    # The age table: 1s and 2s hidden, and one more cell per row/column where needed.
    age_rows = page.body_rows("Antal personer")
    assert age_rows[1] == ["18-24 år", "<3", "<3", "3", "60%"]
    assert age_rows[2] == ["25-29 år", "<3", "0", "<3", ".."]
    assert age_rows[3] == ["30-39 år", "0", "<3", "<3", ".."]
    assert age_rows[8][0] == "I alt" and age_rows[8][1] == "<3"
    assert all(cell not in ("1", "2") for row in age_rows for cell in row[1:4])
    assert ["25-29 år", "<3", "0", "<3", ".."] in md_rows(md)

    # The CSV holds exactly the same marks as the HTML table.
    csv_rows = read_csv(written["residents_by_age_sex.csv"])
    for html_row, csv_row in zip(age_rows[:8], csv_rows, strict=True):
        assert html_row[1:4] == [csv_row["women"], csv_row["men"], csv_row["total"]]
    assert csv_rows[2]["pct_of_total"] == ".."
    figures = {r["figure"]: r["value"] for r in read_csv(written["key_figures.csv"])}
    assert figures["refugees_received_women"] == "<3" and figures["refugees_received"] == "6"

    # Charts: no bar for a hidden value, the mark is written instead.
    pyramid = next(s for s in page.svgs if s["kind"] == "chart age-pyramid")
    assert pyramid["bar"] == 16 - 4  # four non-zero cells hidden
    assert page.hidden_marks_in_svg.count("<3") >= 4
    assert "Diskretionering" in text and "tærskel 3" in text


def test_threshold_0_shows_exact_small_counts():
    page = parse(render.render_html(small_tables(), params(threshold=0)))
    text = plain("".join(page.text))
    assert "er 4 mænd og 2 kvinder." in text
    assert "heraf 4 fra Syrien og 2 fra Eritrea." in text
    assert page.body_rows("Antal personer")[2] == ["25-29 år", "1", "0", "1", "20%"]
    assert "<3" not in text and "slået fra (tærskel 0)" in text


def test_arrival_year_sentence_uses_latest_year_before_the_delivery_year():
    tables = small_tables()
    assert "som Ballerup Kommune modtog i 2016," in render.render_markdown(tables, params())
    tables["refugees_by_arrival_year"]["arrival_year"] = [2016, 2017]
    assert "modtog i 2016" in render.render_markdown(tables, params())
    tables["refugees_by_arrival_year"]["arrival_year"] = [2017, 2018]
    assert "Således har" not in render.render_markdown(tables, params())


def test_optional_tables_are_rendered_with_disclosure():
    tables = small_tables()
    months = [f"2016-{m:02d}" for m in range(7, 13)] + [f"2017-{m:02d}" for m in range(1, 7)]
    tables["month_over_month"] = pd.DataFrame(
        {
            "delivery_month": months,
            "municipality_code": CODE,
            "residents": range(40, 52),
            "arrivals": [1, 4, 5, 6, 3, 7, 8, 9, 2, 5, 6, 7],
            "refugees_received": [0] * 12,
            "public_support": [10] * 12,
            "job": range(20, 32),
            "education": [5] * 12,
            "self_supporting_no_income": [2] * 11 + [6],
        }
    )
    tables["refugee_followup"] = frame(
        [
            {"months_since_arrival_band": "0-12 mdr.", "sort_order": 1, "persons": 2,
             "job_or_education": 0, "share_pct": 0.0},
            {"months_since_arrival_band": "13-24 mdr.", "sort_order": 2, "persons": 4,
             "job_or_education": 2, "share_pct": 50.0},
        ]
    )  # fmt: skip
    page = parse(render.render_html(tables, params(threshold=3)))
    text = plain("".join(page.text))
    assert "Udviklingen måned for måned" in text and "juni 2017" in text
    months_rows = page.body_rows("Måned")
    assert months_rows[0][0] == "juli 2016" and months_rows[0][2] == "<3"
    followup = page.body_rows("Tid siden ankomst")
    assert followup[0] == ["0-12 mdr.", "<3", "0", ".."]
    assert followup[1] == ["13-24 mdr.", "..", "<3", ".."]
    kinds = [s["kind"] for s in page.svgs]
    assert "chart lines" in kinds and kinds.count("chart bars") == 2


def test_missing_inputs_are_named():
    tables = small_tables()
    del tables["adult_status"]
    with pytest.raises(KeyError, match="adult_status"):
        render.render_html(tables, params())
    with pytest.raises(KeyError, match="status_week"):
        render.render_html(
            small_tables(), {k: v for k, v in params().items() if k != "status_week"}
        )
    with pytest.raises(ValueError, match="no disclosure rules"):
        render.render_html({**small_tables(), "extra": frame([{"n": 1}])}, params())


# -- Danish formatting ----------------------------------------------------------------------


def test_danish_numbers_dates_and_order():
    assert render.format_number(1792) == "1.792"
    assert render.format_number(60.5, 1) == "60,5"
    assert render.format_number(1234567.891, 2) == "1.234.567,89"
    assert render.format_number(10.5) == "11"  # half up, as the note's 11%
    assert render.format_percent(13.8) == "14%"
    assert render.csv_number(1792.0) == "1792" and render.csv_number(60.5) == "60,5"
    assert render.danish_date(date(2017, 6, 30)) == "30. juni 2017"
    assert render.part_of_month(date(2017, 4, 3)) == "starten af april 2017"
    assert render.part_of_month(date(2017, 3, 27)) == "slutningen af marts 2017"
    assert render.join_da(["a", "b", "c"]) == "a, b og c"
    assert render.age_band_label("66+") == "Over 65 år"
    names = ["Åland", "Zambia", "Ægypten", "Østrig", "albanien"]
    assert sorted(names, key=render.danish_sort_key) == [
        "albanien", "Zambia", "Ægypten", "Østrig", "Åland",
    ]  # fmt: skip


# -- screenshot (BROWSER TEST: needs /usr/bin/chromium, skipped without it) ----------------


@pytest.mark.skipif(find_browser() is None and not os.environ.get("CI"),
                    reason="no headless Chromium installed (.ci/run installs it)")
def test_browser_screenshot_of_the_note(tmp_path):
    """BROWSER TEST: renders the note's report in headless Chromium to a PNG under tmp_path.

    To look at it: ``pytest -k screenshot --basetemp=/tmp/shots`` and open the PNG.
    """
    written = render.render_report(note_tables(), params(), tmp_path, formats=("html",))
    png = screenshot_html(written["report.html"], tmp_path / "report.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # text, tables and charts, not a blank page
