"""Published report files and the analysts' snapshot after a run through Dagster."""

import duckdb

from integration_pipeline.cli import main
from integration_pipeline.publish import snapshot_path


def test_report_files_and_snapshot(tiny_warehouse):
    out = tiny_warehouse.parent / "reports" / "2017-06"
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "report.md", "key_figures.csv", "adult_status.csv"} <= names
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Ballerup" in html and "<3" in html.replace("&lt;", "<")  # threshold 3 by default
    snap = snapshot_path(tiny_warehouse)
    with duckdb.connect(str(snap), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM report.key_figures").fetchall()[0][0]
        assert n == 16
        # the analysts' copy keeps the macros
        st = con.execute("SELECT count(*) FROM core.status_at('2017-06', 2017, 14)").fetchall()
        assert st[0][0] > 0


def test_report_cli_threshold_off_shows_exact_counts(tiny_warehouse, tmp_path, capsys):
    rc = main(["report", "--month", "2017-06", "--warehouse", str(tiny_warehouse),
               "--disclosure-threshold", "0", "--format", "md", "--out", str(tmp_path)])
    assert rc == 0
    md = (tmp_path / "2017-06" / "report.md").read_text(encoding="utf-8")
    assert "<3" not in md
    assert "modtaget siden 2013 er 6" in md


def test_report_cli_unknown_month_fails_cleanly(tiny_warehouse, tmp_path, capsys):
    rc = main(["report", "--month", "2016-01", "--warehouse", str(tiny_warehouse),
               "--out", str(tmp_path)])
    assert rc == 1
    assert "run `integration-pipeline run`" in capsys.readouterr().err
