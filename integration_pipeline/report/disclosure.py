"""Disclosure control for the published report: which counts are hidden, and why.

What belongs here: the suppression rules, the generic engine that applies them to any set of
published numbers, a DataFrame helper for one table, and the list of sums that tie the report's
numbers together (``report_disclosure``). What does not: number formatting for people, text,
HTML, charts (``render``), and anything that reads the warehouse. The warehouse keeps exact counts;
these rules are applied only when the report is rendered (spec ``report.md``, "Disclosure
control"; guide ``domain.md`` §4.1).

Rules (``threshold`` = the run parameter ``disclosure_threshold``, 3 for published output):

1. **Off.** ``threshold`` 0 or 1 suppresses nothing: every count is shown exactly (internal use).
2. **Zeros are shown.** A count of 0 is never suppressed, neither primarily nor secondarily.
3. **Primary suppression.** A count 1 … threshold−1 is hidden and shown as ``<threshold``
   (``<3``).
4. **Secondary suppression.** Published numbers are tied together by *lines*: a line says
   ``sum(parts) == sum(totals)`` (a table row and its row total, a column and its column total,
   men + women = persons, a figure in the text that repeats a table total). If exactly one member
   of a line is hidden, it could be recovered from the others, so the smallest other non-zero
   shown member is hidden too: a detail cell (``parts``) before a total. Repeated over all lines
   until nothing changes (a new hidden cell can expose another line). Secondarily hidden cells
   are shown as ``..`` (``SECONDARY_MARK``): they are at least the threshold, so printing ``<3``
   for them would be false.
5. **Derived numbers.** A percentage or share computed from counts is hidden (``..``) when any of
   those counts is hidden; charts leave such bars out.
6. **Conservative sums.** A sum is treated as published whenever the report prints it or
   could let a reader compute it (e.g. the top-15 total through its share of all residents),
   even when no table prints it.

The rule guarantees that no hidden count can be computed exactly from a single row or column.
It is the usual "at least two hidden cells per line" heuristic, not an optimal solver (such as
τ-ARGUS): combining several lines, the order of ranked lists, or knowledge of the "smallest
cell" choice can narrow a hidden cell to an interval, which is the accepted residual risk for
these head counts.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

Cell = Hashable
"""Any hashable key naming one published number; the report uses ``(table, row, column)``."""

SECONDARY_MARK = ".."
"""Shown for secondarily suppressed counts and for numbers derived from hidden counts."""

TOTAL = "total"
"""Row label of a column total in cell keys: ``(table, TOTAL, column)``."""


def primary_mark(threshold: int) -> str:
    """The text shown for a count 1 … threshold−1, e.g. ``<3``."""
    return f"<{threshold}"


def is_active(threshold: int) -> bool:
    """True when ``threshold`` suppresses anything (0 and 1 mean off)."""
    if threshold < 0:
        raise ValueError(f"disclosure threshold must be >= 0, got {threshold}")
    return threshold > 1


@dataclass(frozen=True)
class Line:
    """Published numbers tied by one sum: ``sum(parts) == sum(totals)``.

    ``parts`` are detail cells, ``totals`` the cells they add up to (an alias, "A is printed
    again as B", is ``Line((A,), (B,))``).
    """

    parts: tuple[Cell, ...]
    totals: tuple[Cell, ...] = ()

    @property
    def members(self) -> tuple[Cell, ...]:
        return tuple(dict.fromkeys(self.parts + self.totals))


@dataclass(frozen=True)
class Suppression:
    """The outcome of ``suppress``: which cells are hidden, and how to show any cell."""

    threshold: int
    primary: frozenset[Cell] = field(default_factory=frozenset)
    secondary: frozenset[Cell] = field(default_factory=frozenset)

    @property
    def hidden(self) -> frozenset[Cell]:
        return self.primary | self.secondary

    def is_hidden(self, cell: Cell) -> bool:
        return cell in self.primary or cell in self.secondary

    def hides_any(self, cells: Iterable[Cell]) -> bool:
        """True when any of ``cells`` is hidden (a number derived from them must be hidden)."""
        return any(self.is_hidden(c) for c in cells)

    def mark(self, cell: Cell) -> str | None:
        """``<3`` for a primary, ``..`` for a secondary suppression, None when shown."""
        if cell in self.primary:
            return primary_mark(self.threshold)
        if cell in self.secondary:
            return SECONDARY_MARK
        return None

    def show(self, cell: Cell, value: float, fmt: Callable[[float], str] = str) -> str:
        """The text for ``cell``: its mark if hidden, else ``fmt(value)``."""
        mark = self.mark(cell)
        return fmt(value) if mark is None else mark

    def show_derived(self, sources: Iterable[Cell], text: str) -> str:
        """``text`` (a percentage, a share) unless one of the counts it comes from is hidden."""
        return SECONDARY_MARK if self.hides_any(sources) else text


def suppress(values: Mapping[Cell, float], lines: Iterable[Line], threshold: int) -> Suppression:
    """Apply rules 1–4 of the module docstring to the published counts ``values``.

    Every cell named in ``lines`` must be in ``values``. The result is deterministic: ties
    between equally small candidates go to the one listed first in the line.
    """
    lines = list(lines)
    unknown = {c for line in lines for c in line.members if c not in values}
    if unknown:
        raise KeyError(f"lines name cells without a value: {sorted(map(str, unknown))}")
    if not is_active(threshold):
        return Suppression(threshold)
    for cell, value in values.items():
        if pd.isna(value) or value < 0:
            raise ValueError(f"count {cell!r} must be a non-negative number, got {value!r}")
    primary = {c for c, v in values.items() if 0 < v < threshold}
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(c in hidden for c in line.members) != 1:
                continue
            pick = _smallest_shown(line.parts, values, hidden)
            if pick is None:
                pick = _smallest_shown(line.totals, values, hidden)
            if pick is None:
                # Every other member is 0, so the sum says the hidden one is 0 too: the
                # numbers are inconsistent and the line reveals nothing exact.
                continue
            hidden.add(pick)
            changed = True
    return Suppression(threshold, frozenset(primary), frozenset(hidden - primary))


def _smallest_shown(
    cells: Sequence[Cell], values: Mapping[Cell, float], hidden: set[Cell]
) -> Cell | None:
    candidates = [c for c in cells if c not in hidden and values[c] != 0]
    return min(candidates, key=lambda c: values[c]) if candidates else None


def table_cells(
    table: str,
    df: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    row_total_column: str | None = None,
    column_totals: bool = False,
) -> tuple[dict[Cell, float], list[Line]]:
    """The cells and lines of one table, keyed ``(table, row position, column)``.

    ``count_columns`` are the detail counts; ``row_total_column`` (optional, not listed in
    ``count_columns``) is their sum in each row and gives one line per row. With
    ``column_totals`` every count column (and the row-total column) has a published total
    ``(table, TOTAL, column)`` with the column sum, giving one line per column, plus the line of
    the totals row when there is a row-total column.
    """
    columns = [c for c in count_columns if c != row_total_column]
    all_columns = columns + ([row_total_column] if row_total_column else [])
    missing = [c for c in all_columns if c not in df.columns]
    if missing:
        raise KeyError(f"{table}: missing count columns {missing}")
    values: dict[Cell, float] = {}
    lines: list[Line] = []
    for pos in range(len(df)):
        for col in all_columns:
            values[(table, pos, col)] = float(df[col].iloc[pos])
        if row_total_column:
            parts = tuple((table, pos, c) for c in columns)
            lines.append(Line(parts, ((table, pos, row_total_column),)))
    if column_totals:
        for col in all_columns:
            values[(table, TOTAL, col)] = float(df[col].sum())
            parts = tuple((table, pos, col) for pos in range(len(df)))
            lines.append(Line(parts, ((table, TOTAL, col),)))
        if row_total_column:
            parts = tuple((table, TOTAL, c) for c in columns)
            lines.append(Line(parts, ((table, TOTAL, row_total_column),)))
    return values, lines


def _plain_count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def suppress_counts(
    df: pd.DataFrame,
    count_columns: Sequence[str],
    threshold: int,
    row_total_column: str | None = None,
    column_totals: bool = False,
    fmt: Callable[[float], str] = _plain_count,
) -> pd.DataFrame:
    """One table with disclosure control applied, as display strings.

    Returns a copy of ``df`` in which the count columns (and ``row_total_column``) hold
    ``fmt(value)``, ``<threshold`` or ``..``; other columns are unchanged. With
    ``column_totals`` a last row labelled ``TOTAL`` holds the column totals (other columns
    empty). Secondary suppression takes the row totals and/or column totals into account,
    whether or not a total is finally printed by the caller.
    """
    values, lines = table_cells(
        "t", df, count_columns, row_total_column=row_total_column, column_totals=column_totals
    )
    suppression = suppress(values, lines, threshold)
    shown_columns = list(dict.fromkeys([*count_columns, *filter(None, [row_total_column])]))
    out = df.reset_index(drop=True).astype(object)
    rows = list(range(len(df)))
    if column_totals:
        out.loc[TOTAL] = ""
        rows.append(TOTAL)
    for row in rows:
        for col in shown_columns:
            key = ("t", row, col)
            out.at[row, col] = suppression.show(key, values[key], fmt)
    return out


def suppress_figure(
    value: float, threshold: int, fmt: Callable[[float], str] = _plain_count
) -> str:
    """A single stand-alone count: ``<threshold`` when 1 … threshold−1, else ``fmt(value)``.

    Only for a number that no published sum ties to others; otherwise put it in ``suppress``.
    """
    key = ("figure",)
    return suppress({key: float(value)}, [], threshold).show(key, value, fmt)


# ---------------------------------------------------------------------------------------------
# The report's published numbers and the sums that tie them together.

_SELF_SUPPORTING = "self_supporting_job_or_education"

STATUSES = ("job", "education", "self_supporting_no_income", "public_support")
"""The four statuses, in one order wherever they form a line (so ties break alike)."""

COUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "refugees_by_citizenship": ("women", "men", "persons"),
    "refugees_by_arrival_year": ("persons", "adults", _SELF_SUPPORTING),
    "residents_by_age_sex": ("women", "men", "total"),
    "residents_top_citizenships": ("persons",),
    "adult_status": ("persons",),
    "month_over_month": ("residents", "arrivals", "refugees_received", *STATUSES),
    "refugee_followup": ("persons", "job_or_education"),
}
"""Count columns of each report table (``key_figures`` holds its counts in ``value``)."""

PERCENT_FIGURES = frozenset({"top15_share_pct"})
"""Key figures that are percentages, not counts."""

PERCENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "residents_by_age_sex": ("pct_of_total",),
    "refugee_followup": ("share_pct",),
}
"""Columns holding percentages derived from counts (hidden with those counts)."""


def kf(figure: str) -> Cell:
    """Cell key of a key figure."""
    return ("key_figures", figure, "value")


def cell(table: str, row: int | str, column: str) -> Cell:
    """Cell key of a table cell (``row`` = position in the table as given) or ``TOTAL``."""
    return (table, row, column)


KEY_FIGURE_LINES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("refugees_received_men", "refugees_received_women"), "refugees_received"),
    (("immigrants_still_resident", "immigrants_moved_away"), "immigrants_lived_here"),
    (
        ("immigrants_direct_from_abroad", "immigrants_from_other_municipality"),
        "immigrants_lived_here",
    ),
    (
        ("residents_direct_from_abroad", "residents_from_other_municipality"),
        "immigrants_still_resident",
    ),
    (("residents_women", "residents_men"), "immigrants_still_resident"),
)
"""Definitional sums between key figures (spec ``report.md``): parts, total."""

COHORT_SIZE = {
    "refugees": kf("refugees_adults"),
    "immigrants": kf("residents_adults_at_status_date"),
}
"""The published size of each ``adult_status`` cohort (equal to its sum unless some are
censored)."""

TOTAL_ALIASES: dict[tuple[str, str], tuple[Cell, ...]] = {
    ("refugees_by_citizenship", "women"): (kf("refugees_received_women"),),
    ("refugees_by_citizenship", "men"): (kf("refugees_received_men"),),
    ("refugees_by_citizenship", "persons"): (kf("refugees_received"),),
    ("refugees_by_arrival_year", "persons"): (kf("refugees_received"),),
    ("refugees_by_arrival_year", "adults"): (kf("refugees_adults"),),
    ("residents_by_age_sex", "women"): (kf("residents_women"),),
    ("residents_by_age_sex", "men"): (kf("residents_men"),),
    ("residents_by_age_sex", "total"): (kf("immigrants_still_resident"),),
    ("refugee_followup", "persons"): (cell("adult_status", TOTAL, "refugees"),),
    ("refugee_followup", "job_or_education"): (
        cell("refugees_by_arrival_year", TOTAL, _SELF_SUPPORTING),
    ),
}
"""Column totals printed elsewhere too (tied to the first candidate with the same value)."""


def percent_sources(table: str, row: int | str, column: str) -> tuple[Cell, ...]:
    """The counts a published percentage is computed from (it is hidden when one of them is).

    ``row`` is a position, ``TOTAL`` for the totals row, or the figure name in ``key_figures``.
    """
    if table == "residents_by_age_sex" and column == "pct_of_total":
        return (cell(table, row, "total"), cell(table, TOTAL, "total"))
    if table == "residents_by_age_sex":  # the "Procent" row: a column total of all residents
        return (cell(table, TOTAL, column), cell(table, TOTAL, "total"))
    if table == "refugee_followup" and column == "share_pct":
        return (cell(table, row, "persons"), cell(table, row, "job_or_education"))
    if table == "key_figures" and row == "top15_share_pct":
        return (
            cell("residents_top_citizenships", TOTAL, "persons"),
            kf("immigrants_still_resident"),
        )
    raise KeyError(f"no percentage defined for {table}.{column} (row {row!r})")


@dataclass(frozen=True)
class ReportDisclosure:
    """Every published count of one report, and which of them are hidden."""

    values: Mapping[Cell, float]
    lines: tuple[Line, ...]
    suppression: Suppression

    @property
    def threshold(self) -> int:
        return self.suppression.threshold

    def show(self, key: Cell, fmt: Callable[[float], str] = _plain_count) -> str:
        return self.suppression.show(key, self.values[key], fmt)

    def is_hidden(self, key: Cell) -> bool:
        return self.suppression.is_hidden(key)

    def show_percent(self, table: str, row: int | str, column: str, text: str) -> str:
        """``text`` of a percentage, or ``..`` when a count it comes from is hidden."""
        return self.suppression.show_derived(percent_sources(table, row, column), text)


def report_disclosure(tables: Mapping[str, pd.DataFrame], threshold: int) -> ReportDisclosure:
    """Cells, lines and suppression for all report tables at once.

    One decision for the whole report keeps every number consistent: a count printed in the
    text and in a table (or a CSV) is hidden in both or in neither. Tables: ``key_figures``
    and the keys of ``COUNT_COLUMNS`` (all but ``key_figures`` may be missing).

    ``month_over_month`` repeats earlier months' figures: each row gets the same status line as
    that month's ``adult_status``, so the same rules hide the same cells again, and the row of
    this delivery month is tied to this report's own cells. (Secondary choices made in an
    earlier report through other lines are not looked up.)
    """
    unknown = set(tables) - set(COUNT_COLUMNS) - {"key_figures"}
    if unknown:
        raise ValueError(f"no disclosure rules for tables {sorted(unknown)}")
    values: dict[Cell, float] = {}
    lines: list[Line] = []

    figures = tables["key_figures"]
    for figure, value in zip(figures["figure"], figures["value"], strict=True):
        if figure not in PERCENT_FIGURES:
            values[kf(figure)] = float(value)
    for parts, total in KEY_FIGURE_LINES:
        if all(kf(f) in values for f in (*parts, total)):
            lines.append(Line(tuple(kf(f) for f in parts), (kf(total),)))

    def add(table: str, **kwargs) -> None:
        if table in tables:
            table_values, table_lines = table_cells(
                table, tables[table], COUNT_COLUMNS[table], **kwargs
            )
            values.update(table_values)
            lines.extend(table_lines)

    add("refugees_by_citizenship", row_total_column="persons", column_totals=True)
    add("residents_by_age_sex", row_total_column="total", column_totals=True)
    add("residents_top_citizenships", column_totals=True)  # the sum: via top15_share_pct
    add("refugees_by_arrival_year", column_totals=True)
    add("refugee_followup", column_totals=True)
    add("adult_status")
    add("month_over_month")

    status_cells: dict[str, dict[str, Cell]] = {}
    if "adult_status" in tables:
        status = tables["adult_status"]
        for cohort, size in COHORT_SIZE.items():
            status_cells[cohort] = {
                str(status["status"].iloc[p]): cell("adult_status", p, "persons")
                for p in range(len(status))
                if status["cohort"].iloc[p] == cohort
            }
            ordered = [status_cells[cohort][s] for s in STATUSES if s in status_cells[cohort]]
            _add_sum(values, lines, ordered, cell("adult_status", TOTAL, cohort))
            _link(values, lines, cell("adult_status", TOTAL, cohort), [size])
        if "refugees_by_arrival_year" in tables:
            # Refugees in job + education = the self-supporting column of the arrival years.
            parts = tuple(c for s, c in status_cells["refugees"].items() if s in STATUSES[:2])
            total = cell("refugees_by_arrival_year", TOTAL, _SELF_SUPPORTING)
            lines.append(Line(parts, (total,)))

    if "month_over_month" in tables:
        months = tables["month_over_month"]
        this_month = figures["delivery_month"].iloc[0] if "delivery_month" in figures else None
        for pos in range(len(months)):
            row = {c: cell("month_over_month", pos, c) for c in COUNT_COLUMNS["month_over_month"]}
            _add_sum(
                values, lines, [row[s] for s in STATUSES], cell("month_over_month", pos, TOTAL)
            )
            if months["delivery_month"].iloc[pos] == this_month:
                same = {"residents": kf("immigrants_still_resident"),
                        "refugees_received": kf("refugees_received"),
                        **status_cells.get("immigrants", {})}  # fmt: skip
                for column, other in same.items():
                    if column in row:
                        _link(values, lines, row[column], [other])

    for (table, column), candidates in TOTAL_ALIASES.items():
        if table in tables:
            _link(values, lines, cell(table, TOTAL, column), candidates)

    return ReportDisclosure(values, tuple(lines), suppress(values, lines, threshold))


def _add_sum(
    values: dict[Cell, float], lines: list[Line], parts: Sequence[Cell], total: Cell
) -> None:
    """Add ``total`` = the sum of ``parts`` as a published cell, with its line."""
    values[total] = sum(values[c] for c in parts)
    lines.append(Line(tuple(parts), (total,)))


def _link(
    values: dict[Cell, float], lines: list[Line], total: Cell, candidates: Sequence[Cell]
) -> None:
    """Tie ``total`` to the first candidate printing the same number (hidden alike)."""
    for other in candidates:
        if other in values and values[other] == values[total]:
            lines.append(Line((total,), (other,)))
            return
