"""Acceptance: the pipeline, run through Dagster on the generated demo delivery 2017-06,
reproduces every figure of the Ballerup 2017 note. The figures below are typed from the note
(shared/reference/ballerup_2017_integration_note.txt), not computed."""

from decimal import ROUND_HALF_UP, Decimal

from tests.conftest import read
from tests.note import NOTE_KEY_FIGURES

NOTE_AGE_SEX = [  # band, women, men, total, percent as printed (whole %)
    ("0-17", 47, 58, 105, 14), ("18-24", 58, 57, 115, 15), ("25-29", 105, 71, 176, 23),
    ("30-39", 115, 133, 248, 33), ("40-49", 39, 41, 80, 11), ("50-59", 12, 14, 26, 3),
    ("60-65", 3, 5, 8, 1), ("66+", 0, 2, 2, 0),
]
NOTE_TOP15 = [
    ("Bulgarien", 60), ("Polen", 55), ("Indien", 39), ("Sverige", 36), ("Tyrkiet", 35),
    ("Rumænien", 34), ("Kina", 28), ("Makedonien", 28), ("Filippinerne", 25), ("Nepal", 25),
    ("Iran", 21), ("Afghanistan", 20), ("Pakistan", 18), ("Syrien", 18),
    ("Tyskland,Forb.Rep", 18),
]
NOTE_STATUS = {
    ("refugees", "job"): 10, ("refugees", "education"): 5,
    ("refugees", "self_supporting_no_income"): 16, ("refugees", "public_support"): 42,
    ("immigrants", "job"): 301, ("immigrants", "education"): 58,
    ("immigrants", "self_supporting_no_income"): 245, ("immigrants", "public_support"): 50,
}


def q(wh, sql):
    return read(wh, sql + (" WHERE " if " WHERE " not in sql else " AND ")
                + "delivery_month = '2017-06' AND municipality_code = '0151'")


def test_key_figures(demo_warehouse):
    df = q(demo_warehouse, "SELECT figure, value FROM report.key_figures")
    assert dict(zip(df["figure"], df["value"], strict=True)) == NOTE_KEY_FIGURES


def test_refugees_by_citizenship(demo_warehouse):
    df = q(demo_warehouse, "SELECT citizenship_name, persons FROM report.refugees_by_citizenship")
    got = dict(zip(df["citizenship_name"], df["persons"], strict=True))
    assert {k: got[k] for k in ("Syrien", "Iran", "Eritrea", "Afghanistan")} == {
        "Syrien": 43, "Iran": 18, "Eritrea": 11, "Afghanistan": 8}
    assert sum(got.values()) - 80 == 6


def test_refugees_received_in_2016(demo_warehouse):
    df = q(demo_warehouse, "SELECT * FROM report.refugees_by_arrival_year WHERE arrival_year = 2016")
    assert df["persons"].tolist() == [24]
    assert df["self_supporting_job_or_education"].tolist() == [7]


def test_age_sex_table(demo_warehouse):
    df = q(demo_warehouse, "SELECT * FROM report.residents_by_age_sex").sort_values("sort_order")
    got = [(r.age_band, r.women, r.men, r.total, half_up(r.pct_of_total))
           for r in df.itertuples()]
    assert got == NOTE_AGE_SEX
    assert df["pct_of_total"].round(1).tolist() == [
        round(100 * t / 760, 1) for *_, t, _ in NOTE_AGE_SEX]


def half_up(x: float) -> int:
    return int(Decimal(str(x)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def test_top15(demo_warehouse):
    df = q(demo_warehouse, "SELECT * FROM report.residents_top_citizenships").sort_values("rank")
    assert list(zip(df["citizenship_name"], df["persons"], strict=True)) == NOTE_TOP15
    assert df["rank"].tolist() == list(range(1, 16))


def test_adult_status(demo_warehouse):
    df = q(demo_warehouse, "SELECT cohort, status, persons FROM report.adult_status")
    got = {(r.cohort, r.status): r.persons for r in df.itertuples()}
    assert got == NOTE_STATUS


def test_rendered_note_text(demo_warehouse):
    md = (demo_warehouse.parent / "reports" / "2017-06" / "report.md").read_text("utf-8")
    for sentence in ("modtaget siden 2013 er 86, heraf 43 fra Syrien, 18 fra Iran, 11 fra "
                     "Eritrea og 8 fra Afghanistan", "1.792", "Heraf bor 760 her fortsat",
                     "De resterende 1.032", "7 ud af de 24"):
        assert sentence in md, sentence
