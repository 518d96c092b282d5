"""The command line: --help everywhere, clear one-paragraph errors, parameter overrides."""

import pytest

from integration_pipeline.cli import main
from tests.conftest import TINY, read


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["generate-demo", "--help"],
                                  ["report", "--help"]])
def test_help(args, capsys):
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 0
    assert "usage: integration-pipeline" in capsys.readouterr().out


def test_bad_month_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["run", "--month", "2017-6"])
    assert e.value.code == 2
    assert "month must be YYYY-MM" in capsys.readouterr().err


def test_bad_status_week_fails_with_a_clear_message(tmp_path, capsys):
    rc = main(["run", "--month", "2017-06", "--data-raw", str(TINY), "--warehouse",
               str(tmp_path / "w.duckdb"), "--status-week", "2017-W60", "--log-level", "ERROR"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "2017 has no ISO week 60" in err


def test_bad_municipality_fails_with_a_clear_message(tmp_path, capsys):
    rc = main(["run", "--month", "2017-06", "--data-raw", str(TINY), "--warehouse",
               str(tmp_path / "w.duckdb"), "--municipality", "151", "--log-level", "ERROR"])
    assert rc == 1
    assert "municipality code must be 4 digits" in capsys.readouterr().err


def test_missing_delivery_names_the_folder(tmp_path, capsys):
    rc = main(["run", "--month", "2017-05", "--data-raw", str(TINY), "--warehouse",
               str(tmp_path / "w.duckdb"), "--log-level", "ERROR"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "2017-05" in err and "does not exist" in err


def test_parameter_overrides_reach_the_report(tmp_path):
    wh = tmp_path / "w.duckdb"
    rc = main(["run", "--month", "2017-06", "--data-raw", str(TINY), "--warehouse", str(wh),
               "--status-week", "2017-W10", "--period-start", "2014-01-01",
               "--log-level", "ERROR"])
    assert rc == 0
    p = read(wh, "SELECT period_start, status_week, status_date FROM report.parameters")
    assert str(p["period_start"][0].date()) == "2014-01-01"
    assert p["status_week"][0] == "2017-W10"
    assert str(p["status_date"][0].date()) == "2017-03-06"
    kf = read(wh, "SELECT value FROM report.key_figures WHERE figure = 'refugees_received'")
    assert kf["value"][0] == 5  # the 2013 arrival is now before the period
