"""All assets of two months through Dagster's default (multiprocess) executor, as `dagster dev`
and the schedule run them: no DuckDB lock errors (one writing step at a time), every check
passes, and the two demo deliveries load one after the other."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from integration_pipeline.demo.generator import generate_delivery
from tests.conftest import ROOT, TEST_KEY

DAGSTER = str(Path(sys.executable).parent / "dagster")


def test_two_months_with_the_multiprocess_executor(tmp_path):
    data_raw = tmp_path / "data_raw"
    for month in ("2017-06", "2017-07"):
        generate_delivery(data_raw, month=month)
    home = tmp_path / "home"
    home.mkdir()
    wh = tmp_path / "wh" / "integration.duckdb"
    env = dict(os.environ, DAGSTER_HOME=str(home), INTEGRATION_DATA_RAW=str(data_raw),
               INTEGRATION_WAREHOUSE=str(wh), INTEGRATION_PSEUDONYM_KEY=TEST_KEY)
    for month in ("2017-06", "2017-07"):
        res = subprocess.run([DAGSTER, "job", "execute", "-m", "integration_pipeline.definitions",
                              "-j", "monthly_load", "--tags",
                              f'{{"dagster/partition": "{month}"}}'],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        log = res.stdout + res.stderr
        assert res.returncode == 0, log[-3000:]
        assert "Could not set lock" not in log
        assert "RUN_SUCCESS" in log
        assert "STEP_FAILURE" not in log
        assert log.count("ASSET_CHECK_EVALUATION") >= 31
    with duckdb.connect(str(wh), read_only=True) as con:
        months = con.execute("SELECT delivery_month, value FROM report.key_figures "
                             "WHERE figure = 'immigrants_still_resident' ORDER BY 1").fetchall()
        mom = con.execute("SELECT source_month FROM report.month_over_month "
                          "WHERE delivery_month = '2017-07' ORDER BY 1").fetchall()
    assert [m for m, _ in months] == ["2017-06", "2017-07"]
    assert months[0][1] == 760
    assert mom == [("2017-06",), ("2017-07",)]
