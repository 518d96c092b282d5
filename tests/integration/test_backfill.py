"""A backfill of two months from the CLI (`dagster job backfill`), executed by the daemon that
`dagster dev` starts, with the project's dagster.yaml (one warehouse-writing run at a time):
both runs succeed and the warehouse holds both months."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

from integration_pipeline.demo.generator import generate_delivery
from tests.conftest import ROOT, TEST_KEY
from tests.integration.test_ui import _free_port, _gql

BIN = Path(sys.executable).parent


def test_cli_backfill_of_two_months(tmp_path):
    data_raw = tmp_path / "data_raw"
    for month in ("2017-06", "2017-07"):
        generate_delivery(data_raw, month=month)
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    wh = tmp_path / "wh" / "integration.duckdb"
    env = dict(os.environ, DAGSTER_HOME=str(home), INTEGRATION_DATA_RAW=str(data_raw),
               INTEGRATION_WAREHOUSE=str(wh), INTEGRATION_PSEUDONYM_KEY=TEST_KEY)
    port = _free_port()
    log = open(tmp_path / "dev.log", "w")
    dev = subprocess.Popen([str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h",
                            "127.0.0.1", "-p", str(port)], cwd=ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/server_info", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        res = subprocess.run([str(BIN / "dagster"), "job", "backfill", "-w", "workspace.yaml",
                              "-j", "monthly_load", "--partitions", "2017-06,2017-07",
                              "--noprompt"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=300)
        assert res.returncode == 0, res.stdout + res.stderr
        query = "{ runsOrError { ... on Runs { results { status tags { key value } } } } }"
        deadline = time.time() + 480
        while time.time() < deadline:
            runs = _gql(url, query)["data"]["runsOrError"]["results"]
            done = [r for r in runs if r["status"] in ("SUCCESS", "FAILURE", "CANCELED")]
            if len(runs) == 2 and len(done) == 2:
                break
            time.sleep(3)
        partitions = sorted(next(t["value"] for t in r["tags"] if t["key"] == "dagster/partition")
                            for r in runs)
        assert partitions == ["2017-06", "2017-07"], json.dumps(runs)
        assert [r["status"] for r in runs] == ["SUCCESS", "SUCCESS"], (tmp_path / "dev.log"
                                                                       ).read_text()[-3000:]
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        try:
            dev.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(dev.pid, signal.SIGKILL)
    with duckdb.connect(str(wh), read_only=True) as con:
        months = con.execute("SELECT DISTINCT delivery_month FROM report.key_figures "
                             "ORDER BY 1").fetchall()
    assert months == [("2017-06",), ("2017-07",)]
