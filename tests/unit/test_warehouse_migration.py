"""ensure_schema migrates warehouses written by older versions: one raw.dream__benefit_weeks row
per person-week (before issue 8) becomes runs of consecutive weeks, keeping every week; and the
person key on every DREAM long row moves to raw.dream__persons (one row per DREAM line)."""

import duckdb

from integration_pipeline.warehouse import ensure_schema, sql

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
# runs and months with the person key on every row (issue 8, before raw.dream__persons)
KEYED = """
CREATE SCHEMA raw;
CREATE SCHEMA core;
CREATE TABLE raw.dream__benefit_weeks (delivery_month VARCHAR NOT NULL,
    person_key VARCHAR NOT NULL, first_iso_year SMALLINT NOT NULL,
    first_iso_week TINYINT NOT NULL, weeks SMALLINT NOT NULL, benefit_code VARCHAR NOT NULL,
    source_line BIGINT NOT NULL);
CREATE TABLE raw.dream__employment_months (delivery_month VARCHAR NOT NULL,
    person_key VARCHAR NOT NULL, year SMALLINT NOT NULL, month TINYINT NOT NULL,
    industry_code VARCHAR, employment_degree DOUBLE, source_line BIGINT NOT NULL);
INSERT INTO raw.dream__benefit_weeks VALUES ('2017-06', 'a', 2016, 1, 3, '111', 2),
    ('2017-06', 'a', 2016, 9, 1, '211', 2), ('2017-06', 'b', 2016, 1, 1, '111', 3),
    ('2017-07', 'a', 2016, 1, 4, '111', 5);
INSERT INTO raw.dream__employment_months VALUES ('2017-06', 'a', 2017, 1, '620100', 0.5, 2),
    ('2017-06', 'c', 2017, 1, NULL, 1.0, 4), ('2017-07', 'a', 2017, 2, '620100', 0.5, 5);
CREATE VIEW core.employment_month AS SELECT delivery_month, person_key, year, month
    FROM raw.dream__employment_months;
"""


def _persons(con) -> list[tuple]:
    return con.execute("SELECT delivery_month, person_key, source_line FROM raw.dream__persons "
                       "ORDER BY ALL").fetchall()


def test_old_weekly_rows_become_runs():
    con = duckdb.connect()
    con.execute(OLD)
    con.executemany("INSERT INTO raw.dream__benefit_weeks VALUES (?, ?, ?, ?, ?, ?)", WEEKS)
    ensure_schema(con)
    rows = con.execute("SELECT delivery_month, first_iso_year, first_iso_week, weeks, "
                       "benefit_code, source_line FROM raw.dream__benefit_weeks "
                       "ORDER BY ALL").fetchall()
    assert rows == [
        ("2017-06", 2015, 52, 3, "111", 2),
        ("2017-06", 2016, 1, 1, "111", 3),
        ("2017-06", 2016, 3, 1, "111", 2),
        ("2017-06", 2016, 4, 1, "211", 2),
        ("2017-07", 2015, 53, 1, "111", 2),
    ]
    assert _persons(con) == [("2017-06", "a", 2), ("2017-06", "b", 3), ("2017-07", "a", 2)]
    ensure_schema(con)  # a second run changes nothing
    assert con.execute("SELECT count(*) FROM raw.dream__benefit_weeks").fetchall() == [(5,)]
    assert len(_persons(con)) == 3


def test_person_keys_move_from_the_long_rows_to_dream_persons():
    con = duckdb.connect()
    con.execute(KEYED)
    ensure_schema(con)
    assert _persons(con) == [("2017-06", "a", 2), ("2017-06", "b", 3), ("2017-06", "c", 4),
                             ("2017-07", "a", 5)]
    for t in ("raw.dream__benefit_weeks", "raw.dream__employment_months"):
        cols = [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()]
        assert "person_key" not in cols and "source_line" in cols
    assert con.execute("SELECT count(*), sum(weeks) FROM raw.dream__benefit_weeks"
                       ).fetchall() == [(4, 9)]
    # the view over the months is recreated: it reads the keys through raw.dream__persons
    assert con.execute("SELECT delivery_month, person_key, year, month, employment_degree "
                       "FROM core.employment_month ORDER BY ALL").fetchall() == [
        ("2017-06", "a", 2017, 1, 0.5), ("2017-06", "c", 2017, 1, 1.0),
        ("2017-07", "a", 2017, 2, 0.5)]
    view = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'employment_month'"
                       ).fetchall()[0][0]
    assert "raw.dream__persons" in view and "dream__persons" in sql("core_employment_month")
    ensure_schema(con)  # a second run changes nothing
    assert len(_persons(con)) == 4
