"""ensure_schema migrates a warehouse written before issue 8 (one raw.dream__benefit_weeks row
per person-week) to runs of consecutive weeks, keeping every week."""

import duckdb

from integration_pipeline.warehouse import ensure_schema

OLD = """
CREATE SCHEMA raw;
CREATE TABLE raw.dream__benefit_weeks (delivery_month VARCHAR NOT NULL,
    person_key VARCHAR NOT NULL, iso_year SMALLINT NOT NULL, iso_week TINYINT NOT NULL,
    benefit_code VARCHAR NOT NULL, source_line BIGINT NOT NULL);
"""
WEEKS = [  # (month, key, year, week, code, line)
    ("2017-06", "a", 2015, 52, "111", 2), ("2017-06", "a", 2015, 53, "111", 2),
    ("2017-06", "a", 2016, 1, "111", 2),     # across week 53: one run of 3
    ("2017-06", "a", 2016, 3, "111", 2),     # after a gap: a new run
    ("2017-06", "a", 2016, 4, "211", 2),     # another code: a new run
    ("2017-06", "b", 2016, 1, "111", 3),
    ("2017-07", "a", 2015, 53, "111", 2),    # another delivery month stays apart
]


def test_old_weekly_rows_become_runs():
    con = duckdb.connect()
    con.execute(OLD)
    con.executemany("INSERT INTO raw.dream__benefit_weeks VALUES (?, ?, ?, ?, ?, ?)", WEEKS)
    ensure_schema(con)
    rows = con.execute("SELECT delivery_month, person_key, first_iso_year, first_iso_week, weeks, "
                       "benefit_code, source_line FROM raw.dream__benefit_weeks "
                       "ORDER BY ALL").fetchall()
    assert rows == [
        ("2017-06", "a", 2015, 52, 3, "111", 2),
        ("2017-06", "a", 2016, 3, 1, "111", 2),
        ("2017-06", "a", 2016, 4, 1, "211", 2),
        ("2017-06", "b", 2016, 1, 1, "111", 3),
        ("2017-07", "a", 2015, 53, 1, "111", 2),
    ]
    ensure_schema(con)  # a second run changes nothing
    assert con.execute("SELECT count(*) FROM raw.dream__benefit_weeks").fetchall() == [(5,)]
