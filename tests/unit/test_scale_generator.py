"""The scalable synthetic delivery (`demo/scale.py`, issue 8): exact formats, valid PNRs, and a
tiny delivery that loads through the whole monthly load without quarantine or rejects."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest

from integration_pipeline.demo.scale import generate_scaled, make_pnrs, period
from integration_pipeline.extract.cpr import LAYOUT, pnr_birth_date, pnr_mod11_ok
from integration_pipeline.extract.dream import parse_header
from integration_pipeline.load.month import load_month


@pytest.fixture(scope="module")
def delivery(tmp_path_factory):
    return generate_scaled(tmp_path_factory.mktemp("scale"), 300, since_year=2008, seed=3)


def test_period_has_consecutive_iso_weeks_with_week_53_years():
    p = period("2017-06", 1991)
    assert p.weeks[0] == (1991, 1) and p.weeks[-1] == (2017, 17)
    assert {y for y, w in p.weeks if w == 53} == {1992, 1998, 2004, 2009, 2015}
    assert p.months[0] == (1991, 1) and p.months[-1] == (2017, 4)


def test_cpr_records_have_their_layout_lengths_and_valid_pnrs(delivery):
    lines = (delivery / "cpr_extract.txt").read_bytes().decode("iso-8859-1").splitlines()
    assert lines[0].startswith("000") and lines[-1].startswith("999")
    assert int(lines[-1][3:13]) == len(lines)
    for line in lines:
        assert len(line) == LAYOUT[line[:3]][0], line[:3]
    pnrs = [ln[3:13] for ln in lines if ln.startswith("001")]
    assert len(pnrs) == len(set(pnrs)) == 300
    assert all(pnr_birth_date(p) is not None for p in pnrs)
    assert sum(pnr_mod11_ok(p) for p in pnrs) >= 0.95 * len(pnrs)
    assert {ln[:3] for ln in lines} >= {"000", "001", "002", "010", "023", "024", "999"}


def test_dream_header_and_sparsity(delivery, tmp_path):
    header = (delivery / "dream.csv").read_text(encoding="utf-8").splitlines()[0].split(";")
    h = parse_header(header, tmp_path / "dream.csv")
    assert (h.first_week, h.last_week) == ("2008-W01", "2017-W17")
    assert h.grad_months[-1] == (2017, 4)
    manifest = json.loads((delivery / "MANIFEST.json").read_text(encoding="utf-8"))
    assert 0 < manifest["dream"]["filled_week_share"] < 0.5   # most weekly cells are empty


def test_tiny_delivery_loads_without_quarantine_or_rejects(delivery, tmp_path):
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    r = load_month(con, delivery, "2017-06", b"test-key", "0151", log=lambda m: None)
    assert r.raw.quarantined == 0
    assert r.raw.rows["raw.cpr__persons"] == 300
    # benefit weeks are stored as runs: the rows count runs, their lengths the filled cells
    rows, weeks, runs = _dream_counts(delivery / "dream.csv")
    assert 0 < runs < weeks
    assert r.raw.rows["raw.dream__benefit_weeks"] == runs
    assert con.execute("SELECT count(*), sum(weeks) FROM raw.dream__benefit_weeks"
                       ).fetchall() == [(runs, weeks)]
    # one DREAM row per person: every run is a spell
    assert r.core_rows["core.benefit_spell"] == runs
    [(counts, loaded)] = con.execute("SELECT records_by_type, rows_loaded FROM audit.load_ledger "
                                     "WHERE source_file = 'dream.csv'").fetchall()
    counts = json.loads(counts)
    assert (counts["rows"], counts["benefit_weeks"], counts["benefit_runs"]) == (rows, weeks,
                                                                                  runs)
    # the file's rows written: one raw.dream__persons row per kept line, the runs, the months
    assert con.execute("SELECT count(*) FROM raw.dream__persons").fetchall() == [(rows,)]
    assert loaded == rows + runs + counts["employment_months"]
    status = con.execute("SELECT status FROM audit.load_ledger").fetchall()
    assert {s for (s,) in status} == {"loaded"}


def _dream_counts(path) -> tuple[int, int, int]:
    """Data rows, filled week cells and runs of consecutive equal codes in a DREAM CSV, counted in
    Python (the week columns are consecutive ISO weeks in file order here)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    cols = [i for i, c in enumerate(header) if c.startswith("y_")]
    weeks = runs = 0
    for line in lines[1:]:
        cells = line.split(";")
        prev = ""
        for i in cols:
            code = cells[i]
            weeks += code != ""
            runs += code != "" and code != prev
            prev = code
    return len(lines) - 1, weeks, runs


def test_pnrs_stay_unique_when_birth_dates_are_crowded():
    """National scale crowds each birth date: 40,000 persons on 20 dates of the 1950s (about
    1,000 per date and sex, more than the ~180 modulus-11 numbers a date and sex has) still get
    unique numbers of their date and sex, modulus 11 as long as the date has them."""
    rng = np.random.default_rng(5)
    n = 40_000
    dates = np.datetime64("1950-03-01") + np.arange(20) * 97
    birth = dates[rng.integers(0, 20, n)]
    male = rng.random(n) < 0.5
    pnrs = [r.tobytes().decode() for r in make_pnrs(rng, birth, male)]
    assert len(set(pnrs)) == n
    assert all(pnr_birth_date(p) == b.astype(object) for p, b in zip(pnrs, birth, strict=True))
    assert [int(p[9]) % 2 == 1 for p in pnrs] == male.tolist()
    mod11 = sum(pnr_mod11_ok(p) for p in pnrs)
    assert 20 * 2 * 150 < mod11 < n    # most of each date's modulus-11 numbers are used
