"""The core SQL rules on tiny hand-made raw tables (in-memory DuckDB, no files): municipality
spells, spell origins, benefit spells across week 53, status precedence, and the cohort rules
of the report spec."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from integration_pipeline.load.core import build_core
from integration_pipeline.params import ReportParams
from integration_pipeline.warehouse import ensure_schema, insert_frame, load_reference

M = "2017-06"
D = dt.date.fromisoformat


class Raw:
    """Builds the raw.* rows of one delivery month, one person at a time."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = {}
        self.line = 0
        self.dream_lines: dict[str, int] = {}   # person key -> the person's DREAM line

    def add(self, table: str, **row):
        self.line += 1
        row = {"delivery_month": M, "source_line": self.line, **row}
        self.rows.setdefault(table, []).append(row)
        return self

    def person(self, pk, sex="M", born="1990-01-01", status="01", status_date=None):
        return self.add("raw.cpr__persons", person_key=pk, status=status,
                        status_date=D(status_date) if status_date else None, sex=sex,
                        birth_date=D(born), is_birth_date_uncertain=False,
                        is_mod11_valid=True, has_changed_number=False, start_date=None,
                        end_date=None)

    def address(self, pk, muni, moved_in, moved_out=None):
        return self.add("raw.cpr__addresses", person_key=pk,
                        record_type="002" if moved_out is None else "023",
                        municipality_code=muni, road_code="0001", moved_in_date=D(moved_in),
                        moved_out_date=D(moved_out) if moved_out else None,
                        moved_to_municipality_date=None, from_municipality_code=None,
                        from_municipality_date=None)

    def migration(self, pk, out=None, into=None, out_country="5120", in_country="5154"):
        kind = ("emigration_reentry" if out and into else
                "first_immigration" if into else "emigration")
        return self.add("raw.cpr__migrations", person_key=pk, record_type="024",
                        migration_type=kind,
                        emigration_country_code=out_country if out else None,
                        emigration_date=D(out) if out else None,
                        immigration_country_code=in_country if into else None,
                        immigration_date=D(into) if into else None)

    def citizenship(self, pk, code, start, end=None):
        return self.add("raw.cpr__citizenships", person_key=pk,
                        record_type="010" if end is None else "027", country_code=code,
                        valid_from=D(start), valid_to=D(end) if end else None)

    def permit(self, pk, date, category):
        return self.add("raw.permits__residence_permits", person_key=pk, permit_date=D(date),
                        category=category, grundlag=None, forklar=None,
                        citizenship_code="5486")

    def dream_line(self, pk) -> int:
        """The person's DREAM line (its raw.dream__persons row is added the first time)."""
        if pk not in self.dream_lines:
            self.add("raw.dream__persons", person_key=pk)
            self.dream_lines[pk] = self.line
        return self.dream_lines[pk]

    def run(self, pk, year, week, code, weeks=1):
        """A run of `weeks` consecutive ISO weeks with one code, from (year, week)."""
        return self.add("raw.dream__benefit_weeks", source_line=self.dream_line(pk),
                        first_iso_year=year, first_iso_week=week, weeks=weeks, benefit_code=code)

    def grad(self, pk, year, month, degree):
        return self.add("raw.dream__employment_months", source_line=self.dream_line(pk),
                        year=year, month=month, industry_code="620100", employment_degree=degree)

    def build(self, residence="2017-06-30", status=(2017, 14)):
        con = duckdb.connect()
        ensure_schema(con)
        load_reference(con)
        self.add("raw.cpr__extract_info", extract_date=D(residence),
                 previous_extract_date=None, task_number="1", dropped_persons=0,
                 ignored_history_rows=0, skipped_records=0)
        self.add("raw.dream__coverage", first_week="2012-W01", last_week="2017-W17",
                 last_grad_month="2017-04", weeks=1, months=1, extra_columns=None)
        for table, rows in self.rows.items():
            df = pd.DataFrame(rows)
            if table in ("raw.cpr__extract_info", "raw.dream__coverage"):
                df = df.drop(columns=["source_line"])
            insert_frame(con, table, df)
        params = ReportParams(delivery_month=M, municipality="0151",
                              period_start=D("2013-01-01"), residence_date=D(residence),
                              status_year=status[0], status_week=status[1])
        build_core(con, params, log=lambda *_: None)
        return con


def spells(con, pk):
    return con.execute("SELECT municipality_code, start_date, end_date, origin, "
                       "from_municipality_code FROM core.residence_spell WHERE person_key = ? "
                       "ORDER BY spell_no", [pk]).fetchall()


def test_moves_within_a_municipality_are_one_spell():
    con = (Raw().person("a").address("a", "0151", "2013-01-01", "2014-03-01")
           .address("a", "0151", "2014-03-01", "2015-05-01").address("a", "0151", "2015-05-01")
           .build())
    assert spells(con, "a") == [("0151", D("2013-01-01"), None, "unknown", None)]


def test_a_move_to_another_municipality_starts_a_spell():
    con = (Raw().person("a").migration("a", into="2013-02-01")
           .address("a", "0101", "2013-02-01", "2014-03-01").address("a", "0151", "2014-03-01")
           .build())
    assert spells(con, "a") == [
        ("0101", D("2013-02-01"), D("2014-03-01"), "abroad", None),
        ("0151", D("2014-03-01"), None, "other_municipality", "0101")]


def test_emigration_between_two_addresses_in_one_municipality_splits_the_spell():
    con = (Raw().person("a", born="1980-05-05").address("a", "0151", "1980-05-05", "2012-01-01")
           .migration("a", out="2012-01-01", into="2013-06-01")
           .address("a", "0151", "2013-06-01").build())
    assert spells(con, "a") == [
        ("0151", D("1980-05-05"), D("2012-01-01"), "birth", None),
        ("0151", D("2013-06-01"), None, "abroad", None)]


def test_benefit_spell_runs_through_week_53():
    # raw runs: 2015-W52..2016-W01 (through week 53), a one-week run after a gap, and a run
    # across the end of 2016 (52 weeks)
    con = (Raw().person("a").run("a", 2015, 52, "130", weeks=3).run("a", 2016, 3, "130")
           .run("a", 2016, 51, "651", weeks=4).build())
    got = con.execute("SELECT first_iso_week, last_iso_week, first_week_start, last_week_end, "
                      "weeks, benefit_group FROM core.benefit_spell "
                      "ORDER BY first_week_start").fetchall()
    assert got == [
        ("2015-W52", "2016-W01", D("2015-12-21"), D("2016-01-10"), 3, "public_support"),
        ("2016-W03", "2016-W03", D("2016-01-18"), D("2016-01-24"), 1, "public_support"),
        ("2016-W51", "2017-W02", D("2016-12-19"), D("2017-01-15"), 4, "education")]


@pytest.mark.parametrize("code,degree,status", [
    ("130", 0.8, "public_support"),      # public support wins over a job
    ("651", 0.5, "education"),           # SU wins over a job
    (None, 0.5, "job"),
    ("121", 0.0, "self_supporting_no_income"),   # group 'other'
    ("881", 0.4, "job"),                 # 'other' code and employment -> job
    ("997", 0.0, "censored"),
    (None, None, "self_supporting_no_income"),   # no DREAM at all
])
def test_status_precedence(code, degree, status):
    raw = Raw().person("a")
    if code:
        raw.run("a", 2017, 12, code, weeks=4)    # 2017-W12..W15 covers the status week
    if degree is not None:
        raw.grad("a", 2017, 4, degree)
    raw.grad("a", 2017, 3, 1.0)  # another month's job must not count
    con = raw.build()
    got = con.execute("SELECT status FROM core.status_at(?, 2017, 14)", [M]).fetchall()
    assert got == [(status,)]


def test_status_week_between_two_runs_has_no_benefit():
    # runs 2017-W10..W13 and W15..W16: the status week 14 lies in the gap
    con = Raw().person("a").run("a", 2017, 10, "130", weeks=4).run("a", 2017, 15, "130",
                                                                    weeks=2).build()
    got = con.execute("SELECT benefit_code, status FROM core.status_at(?, 2017, 14)",
                      [M]).fetchall()
    assert got == [(None, "self_supporting_no_income")]


def _refugee(raw, pk, permit, first_muni, start, later=None):
    raw.person(pk).permit(pk, permit, "Asyl mv.").citizenship(pk, "5486", start)
    raw.migration(pk, into=start, in_country="5486")
    if later:
        raw.address(pk, first_muni, start, later[1]).address(pk, later[0], later[1])
    else:
        raw.address(pk, first_muni, start)
    return raw


def test_refugees_received():
    raw = Raw()
    _refugee(raw, "here", "2016-01-10", "0151", "2016-02-01")
    _refugee(raw, "moved_on", "2016-01-10", "0151", "2016-02-01", later=("0101", "2017-01-01"))
    _refugee(raw, "elsewhere_first", "2016-01-10", "0101", "2016-02-01",
             later=("0151", "2016-09-01"))
    _refugee(raw, "before_period", "2012-05-01", "0151", "2012-06-01")
    # lived here before the permit and only moved within the municipality afterwards
    raw.person("already").permit("already", "2015-01-01", "Asyl mv.")
    raw.citizenship("already", "5486", "2014-01-01")
    raw.address("already", "0151", "2014-01-01", "2015-06-01").address("already", "0151",
                                                                       "2015-06-01")
    con = raw.build()
    got = con.execute("SELECT person_key, arrival_year, is_still_resident FROM "
                      "core.refugee_received ORDER BY 1").fetchall()
    assert got == [("here", 2016, True), ("moved_on", 2016, False)]
    assert con.execute("SELECT count(*) FROM core.immigrant").fetchall() == [(0,)]


def test_immigrant_rules():
    raw = Raw()
    # direct from abroad, still resident
    raw.person("direct").migration("direct", into="2014-03-01").citizenship(
        "direct", "5154", "2014-03-01").address("direct", "0151", "2014-03-01")
    # via another municipality, moved away later
    raw.person("via").migration("via", into="2014-03-01").citizenship("via", "5154",
                                                                      "2014-03-01")
    raw.address("via", "0101", "2014-03-01", "2015-01-01")
    raw.address("via", "0151", "2015-01-01", "2016-01-01").address("via", "0175", "2016-01-01")
    # a Dane coming home is not an immigrant
    raw.person("dane").migration("dane", out="2010-01-01", into="2014-01-01").citizenship(
        "dane", "5100", "1990-01-01").address("dane", "0151", "2014-01-01")
    # citizenship registered three weeks after the immigration: the fallback rule applies
    raw.person("late_cit").migration("late_cit", into="2015-01-01").citizenship(
        "late_cit", "5432", "2015-01-22").address("late_cit", "0151", "2015-01-01")
    # lived here only before immigrating again: no spell here overlaps the immigration
    raw.person("old").migration("old", into="2011-01-01").citizenship("old", "5120",
                                                                      "2011-01-01")
    raw.address("old", "0151", "2011-01-01", "2012-01-01").migration("old", out="2012-01-01",
                                                                     into="2014-01-01")
    raw.address("old", "0101", "2014-01-01")
    # died here: moved away (not still resident)
    raw.person("dead", status="90", status_date="2016-05-01").migration(
        "dead", into="2013-05-01").citizenship("dead", "5488", "2013-05-01")
    raw.address("dead", "0151", "2013-05-01", "2016-05-01")
    raw.permit("dead", "2013-04-01", "Familiesammenføring")
    con = raw.build()
    got = con.execute("SELECT person_key, is_direct_from_abroad, is_still_resident, "
                      "is_family_reunified, citizenship_code FROM core.immigrant "
                      "ORDER BY 1").fetchall()
    assert got == [("dead", True, False, True, "5488"), ("direct", True, True, False, "5154"),
                   ("late_cit", True, True, False, "5432"), ("via", False, False, False, "5154")]


def test_age_counts_the_birthday_itself_and_leap_days():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    from integration_pipeline.load.core import run_script
    run_script(con, "core_macros")
    q = "SELECT core.age_on(DATE '{}', DATE '{}')"
    assert con.execute(q.format("2000-04-03", "2017-04-03")).fetchall() == [(17,)]
    assert con.execute(q.format("2000-04-04", "2017-04-03")).fetchall() == [(16,)]
    assert con.execute(q.format("1996-02-29", "2017-02-28")).fetchall() == [(20,)]
    assert con.execute(q.format("1996-02-29", "2017-03-01")).fetchall() == [(21,)]
    assert con.execute("SELECT core.iso_week_monday(2015, 53), core.iso_week_monday(2017, 14)"
                       ).fetchall() == [(D("2015-12-28"), D("2017-04-03"))]


def test_employment_month_is_a_view_of_the_raw_months():
    con = (Raw().person("a").grad("a", 2017, 2, 0.5).grad("a", 2017, 3, 0.0)
           .grad("a", 2017, 4, None).build())
    kind = con.execute("SELECT table_type FROM information_schema.tables WHERE "
                       "table_schema = 'core' AND table_name = 'employment_month'").fetchall()
    assert kind == [("VIEW",)]
    got = con.execute("SELECT delivery_month, person_key, month_start, employment_degree, "
                      "industry_code, is_employed FROM core.employment_month "
                      "ORDER BY month_start").fetchall()
    assert got == [(M, "a", D("2017-02-01"), 0.5, "620100", True),
                   (M, "a", D("2017-03-01"), 0.0, "620100", False),
                   (M, "a", D("2017-04-01"), None, "620100", False)]


@pytest.mark.parametrize("view", ["core.employment_month", "core.benefit_spell"])
def test_copied_table_of_an_older_warehouse_becomes_the_view(view):
    raw = Raw().person("a").grad("a", 2017, 2, 0.5).run("a", 2017, 1, "130", weeks=2)
    con = raw.build()
    # a warehouse written before the view: the core table was a copy of the raw rows
    con.execute(f"DROP VIEW {view}")
    con.execute(f"CREATE TABLE {view} AS SELECT 'stale' AS delivery_month")
    params = ReportParams(delivery_month=M, municipality="0151",
                          period_start=D("2013-01-01"), residence_date=D("2017-06-30"),
                          status_year=2017, status_week=14)
    rows = build_core(con, params, log=lambda *_: None)
    assert rows[view] == 1
    schema, name = view.split(".")
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = ? "
                       "AND table_name = ?", [schema, name]).fetchall() == [("VIEW",)]
    assert con.execute(f"SELECT person_key FROM {view}").fetchall() == [("a",)]


def test_benefit_spell_is_a_view_of_the_raw_runs():
    con = (Raw().person("a").run("a", 2015, 52, "130", weeks=3).run("a", 2016, 9, "997")
           .build())
    got = con.execute("SELECT delivery_month, person_key, benefit_code, benefit_group, "
                      "first_iso_week, last_iso_week, first_week_start, last_week_end, weeks "
                      "FROM core.benefit_spell ORDER BY first_week_start").fetchall()
    # 2015 has 53 ISO weeks: the run 2015-W52 + 3 weeks ends in 2016-W01
    assert got == [(M, "a", "130", "public_support", "2015-W52", "2016-W01", D("2015-12-21"),
                    D("2016-01-10"), 3),
                   (M, "a", "997", "censored", "2016-W09", "2016-W09", D("2016-02-29"),
                    D("2016-03-06"), 1)]


@pytest.mark.parametrize("view", ["core.employment_month", "core.benefit_spell"])
def test_a_core_view_shows_its_raw_rows_one_for_one(view):
    """build_core counts a view's rows in its raw table: every raw row is one view row (a
    person on two lines, runs across a 53-week year and up to the calendar's ends)."""
    con = (Raw().person("a").person("b").grad("a", 2017, 2, 0.5).grad("b", 2017, 2, None)
           .grad("a", 2017, 3, 0.0).run("a", 2015, 52, "130", weeks=3).run("b", 1991, 1, "997")
           .run("b", 2016, 9, "651", weeks=200).build())
    params = ReportParams(delivery_month=M, municipality="0151",
                          period_start=D("2013-01-01"), residence_date=D("2017-06-30"),
                          status_year=2017, status_week=14)
    rows = build_core(con, params, log=lambda *_: None)
    through_view = con.execute(f"SELECT count(*) FROM {view} WHERE delivery_month = ?",
                               [M]).fetchall()[0][0]
    assert rows[view] == through_view == {"core.employment_month": 3,
                                          "core.benefit_spell": 3}[view]


@pytest.mark.parametrize("view", ["core.employment_month", "core.benefit_spell"])
def test_dream_row_without_its_key_shows_as_a_null_key(view):
    con = Raw().person("a").grad("a", 2017, 2, 0.5).run("a", 2017, 1, "130").build()
    con.execute("DELETE FROM raw.dream__persons")   # a broken warehouse: the key row is gone
    assert con.execute(f"SELECT person_key FROM {view}").fetchall() == [(None,)]
