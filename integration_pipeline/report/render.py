"""The published report in Danish: HTML, Markdown and CSV files from the ``report.*`` tables.

What belongs here: the report's text (following the layout of the Ballerup 2017 note in
``shared/reference``), its tables and inline-SVG charts, Danish number and date formatting, and
writing the files. Every number in the text is taken from the tables; nothing is typed in.
What does not: which numbers are hidden (``disclosure``), drawing the SVG charts (``charts``),
SQL, DuckDB or Dagster (the asset loads the tables and calls ``render_report``).

Inputs: ``tables`` maps each ``report.*`` table name to its DataFrame (``month_over_month`` and
``refugee_followup`` are optional); ``params`` holds ``municipality_code``,
``municipality_name``, ``delivery_month``, ``residence_date``, ``status_week``, ``status_date``,
``period_start`` (dates or ISO strings) and ``disclosure_threshold``.

The report is built once as a list of blocks (headings, paragraphs, tables, figures) that the
HTML and Markdown writers both print, so the two always say the same. Charts exist only in
HTML. CSV files are ``;``-separated UTF-8 with a decimal comma and no thousands separator (the
Danish spreadsheet convention); with disclosure on they hold the same marks as the report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from string import Template

import pandas as pd

from integration_pipeline.report.charts import (
    COLORS,
    hbar_svg,
    line_chart_svg,
    pyramid_svg,
    status_bars_svg,
)
from integration_pipeline.report.disclosure import (
    COUNT_COLUMNS,
    PERCENT_COLUMNS,
    PERCENT_FIGURES,
    SECONDARY_MARK,
    STATUSES,
    TOTAL,
    ReportDisclosure,
    cell,
    is_active,
    kf,
    primary_mark,
    report_disclosure,
)

REQUIRED_TABLES = (
    "key_figures",
    "refugees_by_citizenship",
    "refugees_by_arrival_year",
    "residents_by_age_sex",
    "residents_top_citizenships",
    "adult_status",
)
REQUIRED_FIGURES = (
    "refugees_received",
    "refugees_received_men",
    "refugees_received_women",
    "refugees_adults",
    "immigrants_lived_here",
    "immigrants_still_resident",
    "immigrants_moved_away",
    "immigrants_family_reunified",
    "immigrants_direct_from_abroad",
    "immigrants_from_other_municipality",
    "residents_direct_from_abroad",
    "residents_from_other_municipality",
    "residents_women",
    "residents_men",
    "residents_adults_at_status_date",
    "top15_share_pct",
)
REQUIRED_PARAMS = (
    "municipality_code",
    "municipality_name",
    "delivery_month",
    "residence_date",
    "status_week",
    "status_date",
    "period_start",
    "disclosure_threshold",
)
FORMATS = ("html", "md", "csv")
SOURCE_NOTE = "Kilde: CPR, Udlændingeregistret og STAR's DREAM-data"

MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
STATUS_LABELS = {
    "job": "I job",
    "education": "I uddannelse",
    "self_supporting_no_income": "Selvforsørgende uden indkomst",
    "public_support": "Offentlig forsørgelse",
}
MONTH_COLUMN_LABELS = {
    "residents": "Bosatte indvandrere",
    "arrivals": "Tilgang i måneden",
    "refugees_received": "Modtagne flygtninge i alt",
    "job": "Job",
    "education": "Uddannelse",
    "self_supporting_no_income": "Selvforsørgende uden indkomst",
    "public_support": "Offentlig forsørgelse",
}


# ---------------------------------------------------------------------------------------------
# Danish formatting


def format_number(value: float, decimals: int = 0) -> str:
    """Danish number: ``1.792``, ``60,5`` (half-up rounding to ``decimals``)."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,"))


def format_percent(value: float, decimals: int = 0) -> str:
    """Percentage as in the note's tables: ``14%``, ``60,5%``."""
    return f"{format_number(value, decimals)}%"


def csv_number(value: float) -> str:
    """A number in a CSV file: ``1792``, ``60,5``."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")


def danish_date(day: date) -> str:
    """``30. juni 2017``."""
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def month_year(day: date) -> str:
    """``juni 2017``."""
    return f"{MONTHS_DA[day.month - 1]} {day.year}"


def part_of_month(day: date) -> str:
    """``starten af april 2017`` (days 1–10), ``midten af …`` (11–20), ``slutningen af …``."""
    part = "starten" if day.day <= 10 else "midten" if day.day <= 20 else "slutningen"
    return f"{part} af {month_year(day)}"


def join_da(items: list[str]) -> str:
    """``a, b og c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def danish_sort_key(name: str) -> str:
    """Danish alphabetical order, case-insensitive: æ, ø, å after z."""
    return name.casefold().translate(str.maketrans({"æ": "{", "ø": "|", "å": "}"}))


def age_band_label(band: str) -> str:
    """``0-17`` -> ``0-17 år``; ``66+`` -> ``Over 65 år`` (the note's labels)."""
    if band.endswith("+"):
        return f"Over {int(band[:-1]) - 1} år"
    return f"{band} år"


def municipality_long_name(name: str) -> str:
    """``Ballerup`` -> ``Ballerup Kommune`` (a name that already says "kommune" is kept)."""
    return name if "kommune" in name.casefold() else f"{name} Kommune"


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _month_date(delivery_month: str) -> date:
    return date.fromisoformat(f"{delivery_month}-01")


# ---------------------------------------------------------------------------------------------
# Document blocks, printed by both writers


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    foot: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)  # right-aligned columns
    caption: str = ""


@dataclass
class Figure:
    svg: str
    caption: str


Block = Heading | Paragraph | Bullets | Table | Figure


@dataclass
class Report:
    """The built report: its blocks, footer lines and the tables as published in CSV."""

    title: str
    lead: str
    blocks: list[Block]
    footer: list[tuple[str, str]]
    notes: list[str]
    csv_tables: dict[str, pd.DataFrame]


# ---------------------------------------------------------------------------------------------
# Building the report


def compose_report(tables: dict[str, pd.DataFrame], params: dict) -> Report:
    """Check the inputs, decide disclosure once, and build the report's blocks and CSV tables."""
    missing_tables = [t for t in REQUIRED_TABLES if t not in tables]
    if missing_tables:
        raise KeyError(f"report tables missing: {missing_tables}")
    missing_params = [p for p in REQUIRED_PARAMS if p not in params]
    if missing_params:
        raise KeyError(f"report parameters missing: {missing_params}")
    missing_figures = sorted(set(REQUIRED_FIGURES) - set(tables["key_figures"]["figure"]))
    if missing_figures:
        raise KeyError(f"key figures missing: {missing_figures}")
    return _ReportBuilder(tables, params).build()


class _ReportBuilder:
    def __init__(self, tables: dict[str, pd.DataFrame], params: dict) -> None:
        self.tables = {name: df.reset_index(drop=True) for name, df in tables.items()}
        self.threshold = int(params["disclosure_threshold"])
        self.disclosure: ReportDisclosure = report_disclosure(self.tables, self.threshold)
        self.name = str(params["municipality_name"])
        self.kommune = municipality_long_name(self.name)
        self.code = str(params["municipality_code"])
        self.delivery_month = str(params["delivery_month"])
        self.residence_date = _as_date(params["residence_date"])
        self.status_week = str(params["status_week"])
        self.status_date = _as_date(params["status_date"])
        self.period_start = _as_date(params["period_start"])
        self.first_year = self.period_start.year
        self.last_year = _month_date(self.delivery_month).year
        figures = self.tables["key_figures"]
        self.figures = dict(zip(figures["figure"], figures["value"], strict=True))

    # -- numbers ----------------------------------------------------------------------------

    def n(self, key) -> str:
        """A published count in Danish format, or its disclosure mark."""
        return self.disclosure.show(key, format_number)

    def kf(self, figure: str) -> str:
        return self.n(kf(figure))

    def hidden(self, key) -> bool:
        return self.disclosure.is_hidden(key)

    def chart_value(self, key) -> float | None:
        """The value a chart may draw, None when it is hidden."""
        return None if self.hidden(key) else self.disclosure.values[key]

    # -- report ----------------------------------------------------------------------------

    def build(self) -> Report:
        blocks: list[Block] = []
        blocks += self.flows_section()
        blocks += self.refugee_tables_section()
        blocks += self.status_section()
        if len(self.tables.get("month_over_month", ())):
            blocks += self.month_over_month_section()
        if len(self.tables.get("refugee_followup", ())):
            blocks += self.followup_section()
        return Report(
            title=f"Indvandrere og flygtninge i {self.kommune} – {self.delivery_label()}",
            lead=(
                "Status og resultater af indvandrer- og integrationsindsatsen. "
                f"Opgjort på data leveret i {self.delivery_label()}."
            ),
            blocks=blocks,
            footer=self.footer_items(),
            notes=self.footer_notes(),
            csv_tables=self.csv_tables(),
        )

    def delivery_label(self) -> str:
        return month_year(_month_date(self.delivery_month))

    def years(self) -> str:
        return f"{self.first_year}-{self.last_year}"

    def flows_section(self) -> list[Block]:
        since = f"siden {self.first_year}"
        blocks: list[Block] = [
            Heading(
                f"Status på modtagne indvandrere og flygtninge i {self.kommune} "
                f"i perioden {self.years()}"
            )
        ]
        countries = [
            f"{self.n(cell('refugees_by_citizenship', pos, 'persons'))} fra {name}"
            for pos, name in self.citizenship_order()
            if not self.hidden(cell("refugees_by_citizenship", pos, "persons"))
        ][:4]
        received = (
            f"Det samlede antal flygtninge, som {self.kommune} har modtaget {since} er "
            f"{self.kf('refugees_received')}"
        )
        received += f", heraf {join_da(countries)}." if countries else "."
        received += (
            f" Af de modtagne flygtninge {since} er {self.kf('refugees_received_men')} mænd "
            f"og {self.kf('refugees_received_women')} kvinder."
        )
        blocks.append(Paragraph(received))
        blocks.append(
            Paragraph(
                f"Udover ovennævnte {self.kf('refugees_received')} modtagne flygtninge {since} "
                f"har i alt {self.kf('immigrants_lived_here')} personer, som er indrejst til "
                f"Danmark i {self.first_year} eller senere, boet i {self.name} i kortere eller "
                f"længere tid. Heraf bor {self.kf('immigrants_still_resident')} her fortsat "
                f"({month_year(self.residence_date)}). De resterende "
                f"{self.kf('immigrants_moved_away')} personer bor ikke længere i "
                f"{self.kommune}. Tallene omfatter alle typer indvandrere, herunder "
                f"{self.kf('immigrants_family_reunified')} familiesammenførte, men "
                "flygtninge indgår ikke i tallene."
            )
        )
        elsewhere = f"er flyttet til {self.name} fra en anden dansk kommune"
        blocks.append(
            Bullets(
                [
                    f"Af de i alt {self.kf('immigrants_lived_here')} er "
                    f"{self.kf('immigrants_direct_from_abroad')} indrejst til {self.name} "
                    f"uden forudgående kommune – de øvrige "
                    f"({self.kf('immigrants_from_other_municipality')}) {elsewhere}.",
                    f"Af de {self.kf('immigrants_still_resident')}, som fortsat bor her, er "
                    f"{self.kf('residents_direct_from_abroad')} indrejst til {self.name} "
                    f"uden forudgående kommune – de øvrige "
                    f"({self.kf('residents_from_other_municipality')}) {elsewhere}.",
                ]
            )
        )
        blocks.append(
            Paragraph(
                f"Af de ovennævnte {self.kf('immigrants_still_resident')} indrejste, som pt. "
                "bor her, er køns- og aldersfordelingen hhv. følgende:"
            )
        )
        blocks.append(self.age_table())
        blocks.append(self.age_pyramid())
        blocks += self.top_citizenships()
        return blocks

    def citizenship_order(self) -> list[tuple[int, str]]:
        """Refugees' countries by persons, largest first; hidden counts last, by name."""
        df = self.tables["refugees_by_citizenship"]

        def key(pos: int) -> tuple:
            name = str(df["citizenship_name"].iloc[pos])
            c = cell("refugees_by_citizenship", pos, "persons")
            if self.hidden(c):
                return (1, 0.0, danish_sort_key(name))
            return (0, -float(df["persons"].iloc[pos]), danish_sort_key(name))

        order = sorted(range(len(df)), key=key)
        return [(pos, str(df["citizenship_name"].iloc[pos])) for pos in order]

    def age_table(self) -> Table:
        t = "residents_by_age_sex"
        df = self.tables[t]
        rows = []
        for pos in df.sort_values("sort_order").index:
            pct = format_percent(float(df["pct_of_total"].iloc[pos]))
            rows.append(
                [
                    age_band_label(str(df["age_band"].iloc[pos])),
                    self.n(cell(t, pos, "women")),
                    self.n(cell(t, pos, "men")),
                    self.n(cell(t, pos, "total")),
                    self.disclosure.show_percent(t, pos, "pct_of_total", pct),
                ]
            )
        total = self.disclosure.values[cell(t, TOTAL, "total")]
        totals = ["I alt"] + [self.n(cell(t, TOTAL, c)) for c in ("women", "men", "total")]
        percents = ["Procent"]
        for column in ("women", "men", "total"):
            value = self.disclosure.values[cell(t, TOTAL, column)]
            text = format_percent(100 * value / total) if total else "–"
            percents.append(self.disclosure.show_percent(t, TOTAL, column, text))
        return Table(
            header=["Antal personer", "Kvinder", "Mænd", "I alt", "Procent"],
            rows=rows,
            foot=[totals + [format_percent(100) if total else "–"], percents + [""]],
            numeric=[False, True, True, True, True],
        )

    def age_pyramid(self) -> Figure:
        t = "residents_by_age_sex"
        df = self.tables[t]
        bands = []
        for pos in df.sort_values("sort_order").index:
            bands.append(
                (
                    age_band_label(str(df["age_band"].iloc[pos])),
                    self.chart_value(cell(t, pos, "women")),
                    self.n(cell(t, pos, "women")),
                    self.chart_value(cell(t, pos, "men")),
                    self.n(cell(t, pos, "men")),
                )
            )
        return Figure(
            pyramid_svg(bands, title="Indvandrere, der bor her, efter alder og køn"),
            f"Aldersfordeling for de {self.kf('immigrants_still_resident')} indrejste, som bor "
            f"her ({month_year(self.residence_date)}). Kvinder til venstre, mænd til højre."
            + self.chart_hidden_note(),
        )

    def chart_hidden_note(self) -> str:
        if not is_active(self.threshold):
            return ""
        return f" Skjulte tal ({primary_mark(self.threshold)} og {SECONDARY_MARK}) er ikke tegnet."

    def top_citizenships(self) -> list[Block]:
        t = "residents_top_citizenships"
        df = self.tables[t].sort_values("rank")
        count = len(df)
        share = format_number(float(self.figures["top15_share_pct"]), 1)
        share = self.disclosure.show_percent("key_figures", "top15_share_pct", "value", share)
        residents = self.kf("immigrants_still_resident")
        rows = [
            [
                str(int(df["rank"].loc[pos])),
                str(df["citizenship_name"].loc[pos]),
                self.n(cell(t, pos, "persons")),
            ]
            for pos in df.index
        ]
        return [
            Paragraph(
                f"De {count} hyppigste statsborgerskabslande tegner sig for {share} pct. af de "
                f"{residents} indrejste."
            ),
            Paragraph(f"Top{count}-statsborgerskab for de {residents} indrejste, som pt. bor her:"),
            Table(
                header=[f"Top {count}", "Statsborgerskab", "Antal"],
                rows=rows,
                foot=[["", "I alt", self.n(cell(t, TOTAL, "persons"))]],
                numeric=[True, False, True],
            ),
        ]

    def refugee_tables_section(self) -> list[Block]:
        t = "refugees_by_citizenship"
        rows = [
            [name] + [self.n(cell(t, pos, c)) for c in ("women", "men", "persons")]
            for pos, name in self.citizenship_order()
        ]
        foot = [["I alt"] + [self.n(cell(t, TOTAL, c)) for c in ("women", "men", "persons")]]
        a = "refugees_by_arrival_year"
        years = self.tables[a].sort_values("arrival_year")
        columns = ("persons", "adults", "self_supporting_job_or_education")
        year_rows = [
            [str(int(years["arrival_year"].loc[pos]))] + [self.n(cell(a, pos, c)) for c in columns]
            for pos in years.index
        ]
        return [
            Heading(f"Flygtninge modtaget {self.years()}"),
            Table(
                caption=f"Modtagne flygtninge efter statsborgerskab ({month_year(self.residence_date)})",
                header=["Statsborgerskab", "Kvinder", "Mænd", "I alt"],
                rows=rows,
                foot=foot,
                numeric=[False, True, True, True],
            ),
            Table(
                caption="Modtagne flygtninge efter ankomstår",
                header=[
                    "Ankomstår",
                    "Modtagne flygtninge",
                    "Heraf over 18 år",
                    "Heraf selvforsørgende gennem arbejde eller uddannelse",
                ],
                rows=year_rows,
                foot=[["I alt"] + [self.n(cell(a, TOTAL, c)) for c in columns]],
                numeric=[False, True, True, True],
            ),
        ]

    def status_section(self) -> list[Block]:
        when = part_of_month(self.status_date)
        refugees = []
        year_sentence = self.arrival_year_sentence(when)
        if year_sentence:
            refugees.append(year_sentence)
        refugees.append(
            f"I den samlede gruppe på {self.kf('refugees_received')} flygtninge modtaget i "
            f"årene {self.years()} er {self.kf('refugees_adults')} over 18 år. "
            + self.status_sentence("refugees", when)
        )
        immigrants = (
            f"I den samlede gruppe på {self.kf('immigrants_still_resident')} ovennævnte "
            f"indvandrere fra årene {self.years()} er "
            f"{self.kf('residents_adults_at_status_date')} over 18 år. "
            + self.status_sentence("immigrants", when)
        )
        return [
            Heading("Status ift. job og uddannelse"),
            Paragraph(" ".join(refugees)),
            Paragraph(immigrants),
            Figure(
                self.status_svg(),
                f"Status for flygtninge og indvandrere over 18 år i {when} "
                f"(uge {int(self.status_week.split('W')[-1])}). Hver gruppe har sin egen "
                f"skala.{self.chart_hidden_note()}",
            ),
        ]

    def arrival_year_sentence(self, when: str) -> str | None:
        """The note's 2016 sentence, for the latest complete arrival year before the delivery."""
        a = "refugees_by_arrival_year"
        df = self.tables[a]
        earlier = df.index[df["arrival_year"] < self.last_year]
        if len(earlier) == 0:
            return None
        pos = max(earlier, key=lambda p: int(df["arrival_year"].loc[p]))
        year = int(df["arrival_year"].loc[pos])
        return (
            f"Således har {self.n(cell(a, pos, 'self_supporting_job_or_education'))} ud af de "
            f"{self.n(cell(a, pos, 'persons'))} flygtninge, som {self.kommune} modtog i {year}, "
            f"i {when} været selvforsørgende gennem arbejde eller uddannelse."
        )

    def status_cell(self, cohort: str, status: str):
        df = self.tables["adult_status"]
        match = df.index[(df["cohort"] == cohort) & (df["status"] == status)]
        return cell("adult_status", int(match[0]), "persons") if len(match) else None

    def status_text(self, cohort: str, status: str) -> str:
        key = self.status_cell(cohort, status)
        return "0" if key is None else self.n(key)

    def status_sentence(self, cohort: str, when: str) -> str:
        s = {status: self.status_text(cohort, status) for status in STATUSES}
        return (
            f"I {when} var {s['job']} af disse i job, {s['education']} i uddannelse, "
            f"{s['self_supporting_no_income']} selvforsørgende uden indkomst og "
            f"{s['public_support']} borgere modtog offentlig forsørgelse."
        )

    def status_svg(self) -> str:
        panels = []
        for cohort, label, figure in (
            ("refugees", "Flygtninge", "refugees_adults"),
            ("immigrants", "Indvandrere", "residents_adults_at_status_date"),
        ):
            bars = []
            for status in STATUSES:
                key = self.status_cell(cohort, status)
                value = 0.0 if key is None else self.chart_value(key)
                bars.append(
                    (STATUS_LABELS[status], value, self.status_text(cohort, status), status)
                )
            panels.append((f"{label} over 18 år ({self.kf(figure)})", bars))
        return status_bars_svg(panels, title="Status for voksne flygtninge og indvandrere")

    def month_over_month_section(self) -> list[Block]:
        t = "month_over_month"
        df = self.tables[t].sort_values("delivery_month")
        columns = list(MONTH_COLUMN_LABELS)
        rows = [
            [month_year(_month_date(str(df["delivery_month"].loc[pos])))]
            + [self.n(cell(t, pos, c)) for c in columns]
            for pos in df.index
        ]
        months = [_month_date(str(m)) for m in df["delivery_month"]]
        labels = [f"{MONTHS_DA[m.month - 1][:3]} {m.year % 100:02d}" for m in months]
        series = [
            (
                STATUS_LABELS[status],
                COLORS[status],
                [self.chart_value(cell(t, pos, status)) for pos in df.index],
            )
            for status in STATUSES
        ]
        arrivals = [
            (label, self.chart_value(cell(t, pos, "arrivals")), self.n(cell(t, pos, "arrivals")))
            for label, pos in zip(labels, df.index, strict=True)
        ]
        return [
            Heading("Udviklingen måned for måned"),
            Paragraph(
                f"De seneste {len(df)} leverancer. Job, uddannelse, selvforsørgende og offentlig "
                "forsørgelse er status for de bosatte indvandrere over 18 år i leverancens "
                "statusuge; tilgangen er indvandrere og flygtninge, der kom til i måneden."
            ),
            Table(
                header=["Måned"] + [MONTH_COLUMN_LABELS[c] for c in columns],
                rows=rows,
                numeric=[False] + [True] * len(columns),
            ),
            Figure(
                line_chart_svg(
                    labels, series, title="Status måned for måned", value_format=format_number
                ),
                "Bosatte indvandrere over 18 år pr. status i hver leverance."
                + self.chart_hidden_note(),
            ),
            Figure(
                hbar_svg(arrivals, title="Tilgang pr. måned", color=COLORS["arrivals"]),
                "Indvandrere og flygtninge, der kom til i måneden." + self.chart_hidden_note(),
            ),
        ]

    def followup_section(self) -> list[Block]:
        t = "refugee_followup"
        df = self.tables[t].sort_values("sort_order")
        rows, bars = [], []
        for pos in df.index:
            band = str(df["months_since_arrival_band"].loc[pos])
            share = self.disclosure.show_percent(
                t, pos, "share_pct", format_percent(float(df["share_pct"].loc[pos]), 1)
            )
            rows.append(
                [band, self.n(cell(t, pos, "persons")), self.n(cell(t, pos, "job_or_education")),
                 share]
            )  # fmt: skip
            hidden = share == SECONDARY_MARK
            bars.append((band, None if hidden else float(df["share_pct"].loc[pos]), share))
        return [
            Heading("Flygtninge i job eller uddannelse efter tid siden ankomst"),
            Table(
                header=["Tid siden ankomst", "Personer", "I job eller uddannelse", "Andel"],
                rows=rows,
                numeric=[False, True, True, True],
            ),
            Figure(
                hbar_svg(
                    bars, title="Andel i job eller uddannelse", color=COLORS["bar"], max_value=100.0
                ),
                "Andel af flygtningene i job eller uddannelse." + self.chart_hidden_note(),
            ),  # fmt: skip
        ]

    # -- footer and CSV --------------------------------------------------------------------

    def footer_items(self) -> list[tuple[str, str]]:
        week = int(self.status_week.split("W")[-1])
        return [
            ("Kommune", f"{self.kommune} ({self.code})"),
            ("Leverance", f"{self.delivery_month} ({self.delivery_label()})"),
            (
                "Periode",
                f"indrejst eller modtaget fra {danish_date(self.period_start)} "
                f"til {danish_date(self.residence_date)}",
            ),
            ("Bopælsdato", danish_date(self.residence_date)),
            (
                "Statusuge",
                f"{self.status_week} (uge {week}, mandag {danish_date(self.status_date)})",
            ),
            ("Diskretionering", self.disclosure_text()),
        ]

    def disclosure_text(self) -> str:
        if not is_active(self.threshold):
            return (
                f"slået fra (tærskel {self.threshold}): alle tal er eksakte og kun til intern brug."
            )
        small = "1" if self.threshold == 2 else f"1-{self.threshold - 1}"
        return (
            f"tærskel {self.threshold}: antal på {small} vises som "
            f"{primary_mark(self.threshold)}; {SECONDARY_MARK} er et tal, der er skjult, så et "
            f"{primary_mark(self.threshold)}-tal ikke kan regnes ud fra totaler, eller en andel "
            "beregnet af et skjult tal."
        )

    def footer_notes(self) -> list[str]:
        return [
            "Alder er fuldførte år på bopælsdatoen (tabellerne) og på statusugens mandag "
            "(status for job og uddannelse).",
            SOURCE_NOTE,
        ]

    def csv_tables(self) -> dict[str, pd.DataFrame]:
        out = {}
        for name, df in self.tables.items():
            shown = df.astype(object)
            if name == "key_figures":
                for pos, figure in enumerate(df["figure"]):
                    value = float(df["value"].iloc[pos])
                    if figure in PERCENT_FIGURES:
                        text = self.disclosure.show_percent(
                            name, figure, "value", csv_number(value)
                        )
                    else:
                        text = self.disclosure.show(kf(figure), csv_number)
                    shown.iat[pos, df.columns.get_loc("value")] = text
            for column in COUNT_COLUMNS.get(name, ()):
                for pos in range(len(df)):
                    shown.iat[pos, df.columns.get_loc(column)] = self.disclosure.show(
                        cell(name, pos, column), csv_number
                    )
            for column in PERCENT_COLUMNS.get(name, ()):
                for pos in range(len(df)):
                    text = csv_number(float(df[column].iloc[pos]))
                    shown.iat[pos, df.columns.get_loc(column)] = self.disclosure.show_percent(
                        name, pos, column, text
                    )
            out[name] = shown
        return out


# ---------------------------------------------------------------------------------------------
# Writers


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def render_html(tables: dict[str, pd.DataFrame], params: dict) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, ``lang="da"``)."""
    return report_html(compose_report(tables, params))


def render_markdown(tables: dict[str, pd.DataFrame], params: dict) -> str:
    """The report as Markdown (the same text and tables as the HTML, without charts)."""
    return report_markdown(compose_report(tables, params))


def report_html(report: Report) -> str:
    parts = [f"<h1>{esc(report.title)}</h1>", f'<p class="lead">{esc(report.lead)}</p>']
    for block in report.blocks:
        parts.append(_block_html(block))
    footer = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in report.footer)
    notes = "".join(f"<p>{esc(n)}</p>" for n in report.notes)
    parts.append(f"<footer><dl>{footer}</dl>{notes}</footer>")
    template = Template(_template("report.html"))
    return template.substitute(
        title=esc(report.title), css=_template("report.css"), body="\n".join(parts)
    )


def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def _cell_html(tag: str, text: str, numeric: bool) -> str:
    classes = ["num"] if numeric else []
    if text == SECONDARY_MARK or (text.startswith("<") and text[1:].isdigit()):
        classes.append("hidden")
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<{tag}{attr}>{esc(text)}</{tag}>"


NUM = ' class="num"'


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{esc(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{esc(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Figure):
        return f"<figure>{block.svg}<figcaption>{esc(block.caption)}</figcaption></figure>"
    numeric = block.numeric or [False] * len(block.header)

    def row(cells: list[str], first_tag: str = "td") -> str:
        out = [
            _cell_html(first_tag if i == 0 else "td", text, numeric[i])
            for i, text in enumerate(cells)
        ]
        return "<tr>" + "".join(out) + "</tr>"

    head = "".join(
        f'<th scope="col"{NUM if numeric[i] else ""}>{esc(h)}</th>'
        for i, h in enumerate(block.header)
    )
    head = f"<tr>{head}</tr>"
    caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
    body = "".join(row(r) for r in block.rows)
    foot = "".join(row(r, "th") for r in block.foot)
    foot = f"<tfoot>{foot}</tfoot>" if foot else ""
    return f"<table>{caption}<thead>{head}</thead><tbody>{body}</tbody>{foot}</table>"


def report_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", f"*{report.lead}*", ""]
    for block in report.blocks:
        lines += _block_markdown(block)
    lines += ["---", ""]
    lines += [f"- **{k}:** {v}" for k, v in report.footer]
    lines += [""] + [line for n in report.notes for line in (n, "")]
    return "\n".join(lines).rstrip() + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _block_markdown(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + block.text, ""]
    if isinstance(block, Paragraph):
        return [block.text, ""]
    if isinstance(block, Bullets):
        return [f"- {item}" for item in block.items] + [""]
    if isinstance(block, Figure):
        return []  # charts are in the HTML; their numbers are in the tables and text
    numeric = block.numeric or [False] * len(block.header)
    out = [f"**{block.caption}**", ""] if block.caption else []
    out.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
    out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for r in [*block.rows, *block.foot]:
        out.append("| " + " | ".join(_md_cell(c) for c in r) + " |")
    return out + [""]


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """A published table as ``;``-separated UTF-8 (values already display strings)."""
    df.to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")
    return path


def render_report(
    tables: dict[str, pd.DataFrame],
    params: dict,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
) -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` and ``<table>.csv`` into ``out_dir``.

    Returns the written files by file name. Disclosure control (``params
    ["disclosure_threshold"]``) is decided once and applied identically to every format.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report formats {sorted(unknown)}; choose from {FORMATS}")
    report = compose_report(tables, params)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if "html" in formats:
        path = out_dir / "report.html"
        path.write_text(report_html(report), encoding="utf-8")
        written[path.name] = path
    if "md" in formats:
        path = out_dir / "report.md"
        path.write_text(report_markdown(report), encoding="utf-8")
        written[path.name] = path
    if "csv" in formats:
        for name, df in report.csv_tables.items():
            path = write_csv(df, out_dir / f"{name}.csv")
            written[path.name] = path
    return written
