"""Disclosure control rules on small tables (module docstring of ``report.disclosure``)."""

from __future__ import annotations

import pandas as pd
import pytest

from integration_pipeline.report.disclosure import (
    SECONDARY_MARK,
    STATUSES,
    TOTAL,
    Line,
    cell,
    kf,
    report_disclosure,
    suppress,
    suppress_counts,
    suppress_figure,
    table_cells,
)


def counts(**columns: list[int]) -> pd.DataFrame:
    return pd.DataFrame(columns)


def assert_no_line_gives_a_cell_away(values, lines, suppression):
    for line in lines:
        hidden = [c for c in line.members if suppression.is_hidden(c)]
        assert len(hidden) != 1, (line, hidden)


def test_primary_only():
    out = suppress_counts(counts(n=[0, 1, 2, 3, 5]), ["n"], threshold=3)
    assert out["n"].tolist() == ["0", "<3", "<3", "3", "5"]


def test_threshold_is_part_of_the_mark():
    out = suppress_counts(counts(n=[4, 5, 9]), ["n"], threshold=5)
    assert out["n"].tolist() == ["<5", "5", "9"]


@pytest.mark.parametrize("threshold", [0, 1])
def test_threshold_0_or_1_shows_exact_values(threshold):
    df = counts(a=[1, 0], b=[2, 7], total=[3, 7])
    out = suppress_counts(df, ["a", "b"], threshold, row_total_column="total", column_totals=True)
    assert out.loc[0].tolist() == ["1", "2", "3"]
    assert out.loc[TOTAL].tolist() == ["1", "9", "10"]


def test_negative_threshold_is_an_error():
    with pytest.raises(ValueError, match=">= 0"):
        suppress_counts(counts(n=[1]), ["n"], threshold=-1)


def test_zeros_are_never_suppressed():
    # Row 0: the 1 is hidden and needs a partner; the 0 is smaller but stays shown.
    df = counts(a=[1, 0], b=[0, 0], c=[6, 0], total=[7, 0])
    out = suppress_counts(df, ["a", "b", "c"], 3, row_total_column="total")
    assert out.loc[0].tolist() == ["<3", "0", SECONDARY_MARK, "7"]
    assert out.loc[1].tolist() == ["0", "0", "0", "0"]


def test_secondary_in_a_row():
    df = counts(a=[1, 4], b=[5, 6], c=[7, 8], total=[13, 18])
    out = suppress_counts(df, ["a", "b", "c"], 3, row_total_column="total")
    assert out.loc[0].tolist() == ["<3", "..", "7", "13"]  # 5 is the smallest other cell
    assert out.loc[1].tolist() == ["4", "6", "8", "18"]


def test_secondary_in_a_column():
    out = suppress_counts(counts(n=[1, 6, 4]), ["n"], 3, column_totals=True)
    assert out["n"].tolist() == ["<3", "6", "..", "11"]


def test_no_secondary_without_a_published_total():
    out = suppress_counts(counts(a=[1], b=[5]), ["a", "b"], 3)
    assert out.loc[0].tolist() == ["<3", "5"]


def test_two_small_cells_in_a_line_protect_each_other():
    df = counts(a=[1], b=[2], c=[9], total=[12])
    out = suppress_counts(df, ["a", "b", "c"], 3, row_total_column="total")
    assert out.loc[0].tolist() == ["<3", "<3", "9", "12"]


def test_secondary_iterates_until_stable():
    # Each new hidden cell leaves a lone hidden cell in a crossing line, three passes deep:
    # row 0 hides 10; columns a, b hide 5 and 12; rows 1, 2 hide 8 and 9; column c hides 20.
    df = counts(a=[1, 5, 9], b=[10, 30, 12], c=[20, 8, 40], total=[31, 43, 61])
    out = suppress_counts(df, ["a", "b", "c"], 3, row_total_column="total", column_totals=True)
    assert out.loc[0].tolist() == ["<3", "..", "..", "31"]
    assert out.loc[1].tolist() == ["..", "30", "..", "43"]
    assert out.loc[2].tolist() == ["..", "..", "40", "61"]
    assert out.loc[TOTAL].tolist() == ["15", "52", "68", "135"]
    values, lines = table_cells("t", df, ["a", "b", "c"], row_total_column="total",
                                column_totals=True)  # fmt: skip
    assert_no_line_gives_a_cell_away(values, lines, suppress(values, lines, 3))


def test_a_hidden_total_hides_a_detail_cell_not_another_total():
    # x = 1 is hidden; in the line t + x = g the partner is t (a part) rather than g (a total);
    # then t is the lone hidden member of a + b = t, so a (the smaller part) is hidden too.
    values = {"a": 4, "b": 5, "t": 9, "x": 1, "g": 10}
    lines = [Line(("a", "b"), ("t",)), Line(("t", "x"), ("g",))]
    result = suppress(values, lines, 3)
    assert result.primary == {"x"} and result.secondary == {"t", "a"}


def test_a_hidden_total_of_shown_cells_hides_one_of_them():
    values = {"a": 1, "b": 1, "t": 2, "alias": 2}
    # t = a + b with a, b hidden; "alias" prints t again (the same value, hidden alike).
    result = suppress(values, [Line(("a", "b"), ("t",)), Line(("t",), ("alias",))], 3)
    assert result.hidden == {"a", "b", "t", "alias"}


def test_derived_percentages_and_single_figures():
    result = suppress({"n": 2, "total": 40}, [], 3)
    assert result.show_derived(["n", "total"], "5%") == SECONDARY_MARK
    assert result.show_derived(["total"], "100%") == "100%"
    assert [suppress_figure(v, 3) for v in (0, 1, 2, 3, 1792)] == ["0", "<3", "<3", "3", "1792"]
    assert suppress_figure(2, 0) == "2"


def test_lines_must_name_known_cells():
    with pytest.raises(KeyError, match="without a value"):
        suppress({"a": 1}, [Line(("a",), ("missing",))], 3)


# -- the report's numbers together ---------------------------------------------------------


def report_tables() -> dict[str, pd.DataFrame]:
    figures = {
        "refugees_received": 6, "refugees_received_men": 4, "refugees_received_women": 2,
        "refugees_adults": 5, "immigrants_lived_here": 9, "immigrants_still_resident": 5,
        "immigrants_moved_away": 4, "residents_women": 2, "residents_men": 3,
        "top15_share_pct": 100.0,
    }  # fmt: skip
    return {
        "key_figures": pd.DataFrame({"figure": list(figures), "value": list(figures.values())}),
        "refugees_by_citizenship": counts(women=[1, 1], men=[3, 1], persons=[4, 2]),
        "residents_top_citizenships": counts(rank=[1, 2], persons=[3, 2]),
        "adult_status": pd.DataFrame(
            {
                "cohort": ["refugees"] * 4,
                "status": ["job", "education", "self_supporting_no_income", "public_support"],
                "persons": [0, 0, 1, 4],
            }
        ),
    }


def test_a_number_in_the_text_and_in_a_table_is_hidden_alike():
    d = report_disclosure(report_tables(), threshold=3)
    # 2 women: primary, in the key figures and as the women total of the citizenship table.
    assert d.show(kf("refugees_received_women")) == "<3"
    assert d.show(cell("refugees_by_citizenship", TOTAL, "women")) == "<3"
    # 4 men would give the 2 women away through 6 received: hidden in the text and the table.
    assert d.show(kf("refugees_received_men")) == SECONDARY_MARK
    assert d.show(cell("refugees_by_citizenship", TOTAL, "men")) == SECONDARY_MARK
    assert d.show(kf("refugees_received")) == "6"
    assert_no_line_gives_a_cell_away(d.values, d.lines, d.suppression)


def test_status_counts_are_protected_by_the_published_cohort_size():
    d = report_disclosure(report_tables(), threshold=3)
    # 0 + 0 + 1 + 4 = 5 adults (printed in the text): the 1 is hidden, so is the 4.
    shown = [d.show(cell("adult_status", p, "persons")) for p in range(4)]
    assert shown == ["0", "0", "<3", SECONDARY_MARK]


def test_top15_share_is_hidden_only_when_its_counts_are():
    d = report_disclosure(report_tables(), threshold=3)
    assert d.show(cell("residents_top_citizenships", 1, "persons")) == "<3"
    assert d.show(cell("residents_top_citizenships", 0, "persons")) == SECONDARY_MARK
    assert d.show_percent("key_figures", "top15_share_pct", "value", "100,0") == "100,0"
    tables = report_tables()
    tables["residents_top_citizenships"] = counts(rank=[1], persons=[2])
    d = report_disclosure(tables, threshold=3)
    assert d.show_percent("key_figures", "top15_share_pct", "value", "40,0") == SECONDARY_MARK


def test_month_over_month_repeats_this_months_marks():
    tables = report_tables()
    figures = tables["key_figures"].set_index("figure")
    figures.loc["immigrants_lived_here", "value"] = 7
    figures.loc["immigrants_moved_away", "value"] = 2  # hides the 5 still resident (5 + 2 = 7)
    tables["key_figures"] = figures.reset_index().assign(delivery_month="2017-06")
    tables["adult_status"] = pd.DataFrame(
        {
            "cohort": ["refugees"] * 4 + ["immigrants"] * 4,
            "status": list(STATUSES) * 2,
            "persons": [0, 0, 1, 4, 2, 7, 5, 9],
        }
    )
    tables["month_over_month"] = pd.DataFrame(
        {
            "delivery_month": ["2017-05", "2017-06"],
            "residents": [5, 5],
            "arrivals": [0, 1],
            "refugees_received": [6, 6],
            **{s: [2, p] for s, p in zip(STATUSES, [2, 7, 5, 9], strict=True)},
        }
    )
    d = report_disclosure(tables, threshold=3)
    assert d.show(kf("immigrants_still_resident")) == SECONDARY_MARK
    rows = [[d.show(cell("month_over_month", r, c)) for c in ("residents", *STATUSES)]
            for r in (0, 1)]  # fmt: skip
    assert rows[1] == ["..", "<3", "7", "..", "9"]  # this month: as in the report's text
    assert rows[1][1:] == [d.show(cell("adult_status", p, "persons")) for p in range(4, 8)]
    assert rows[0][0] == "5"  # an earlier month's residents: no published sum ties it here
    assert_no_line_gives_a_cell_away(d.values, d.lines, d.suppression)


def test_report_with_threshold_0_hides_nothing():
    d = report_disclosure(report_tables(), threshold=0)
    assert d.suppression.hidden == frozenset()


def test_unknown_report_table_is_refused():
    with pytest.raises(ValueError, match="no disclosure rules"):
        report_disclosure({**report_tables(), "surprise": counts(n=[1])}, threshold=3)
