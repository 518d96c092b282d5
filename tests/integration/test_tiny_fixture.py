"""The shared tiny delivery (written independently of the project) reproduces every figure of
its expected.json through the real Dagster definitions."""

import json

import pytest

from tests.conftest import TINY, read

EXPECTED = json.loads((TINY / "2017-06" / "expected.json").read_text(encoding="utf-8"))
KEY_COLS = {
    "refugees_by_citizenship": ["citizenship_code"],
    "refugees_by_arrival_year": ["arrival_year"],
    "residents_by_age_sex": ["age_band"],
    "residents_top_citizenships": ["rank"],
    "adult_status": ["cohort", "status"],
}


def test_key_figures(tiny_warehouse):
    df = read(tiny_warehouse, "SELECT figure, value FROM report.key_figures "
                              "WHERE delivery_month = '2017-06' AND municipality_code = '0151'")
    got = dict(zip(df["figure"], df["value"], strict=True))
    assert got == pytest.approx(EXPECTED["key_figures"])
    assert set(got) == set(EXPECTED["key_figures"])


@pytest.mark.parametrize("table", list(KEY_COLS))
def test_report_table(tiny_warehouse, table):
    expected = EXPECTED[table]
    cols = [c for c in expected[0] if c != "pct_exact"]
    df = read(tiny_warehouse, f"SELECT {', '.join(cols)} FROM report.{table} "
                              "WHERE delivery_month = '2017-06'")
    got = sorted(df.to_dict("records"), key=lambda r: [str(r[k]) for k in KEY_COLS[table]])
    want = sorted(({c: r[c] for c in cols} for r in expected),
                  key=lambda r: [str(r[k]) for k in KEY_COLS[table]])
    assert got == want


def test_report_tables_lead_with_month_and_municipality(tiny_warehouse):
    for table in list(KEY_COLS) + ["key_figures"]:
        cols = read(tiny_warehouse, f"DESCRIBE report.{table}")["column_name"].tolist()
        assert cols[:2] == ["delivery_month", "municipality_code"], table
