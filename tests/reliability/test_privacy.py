"""No CPR number of the input reaches the warehouse, the analysts' copy, the rendered reports,
Dagster's run storage and event log, or the captured output; nor does the pseudonym key."""

import os
import re
import subprocess
import sys

import duckdb

from integration_pipeline.extract.cpr import parse_cpr
from tests.conftest import TEST_KEY
from tests.deliveries import copy_tiny, tiny_as_july
from tests.privacy import assert_no_cpr


def input_pnrs(delivery) -> set[str]:
    """Every 10-digit number in the input files at a PNR position (CPR, permits, DREAM)."""
    cpr = parse_cpr(delivery / "cpr_extract.txt")
    pnrs = set(cpr.persons["pnr"]) | set(cpr.persons["pnr_current"])
    for line in (delivery / "cpr_extract.txt").read_bytes().splitlines()[1:-1]:
        if line[3:13].isdigit():
            pnrs.add(line[3:13].decode())
    for name in ("residence_permits.csv", "dream.csv"):
        for line in (delivery / name).read_text(encoding="utf-8").splitlines()[1:]:
            pnrs.add(line.split(";")[0])
    return {p for p in pnrs if re.fullmatch(r"\d{10}", p)}


def run_cli(*args, home, key=TEST_KEY):
    env = dict(os.environ, DAGSTER_HOME=str(home))
    env.pop("INTEGRATION_DEMO", None)
    if key is None:
        env.pop("INTEGRATION_PSEUDONYM_KEY", None)
    else:
        env["INTEGRATION_PSEUDONYM_KEY"] = key
    return subprocess.run([sys.executable, "-m", "integration_pipeline.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_no_cpr_anywhere_after_good_and_rejected_loads(tmp_path):
    data_raw = tmp_path / "data_raw"
    delivery = copy_tiny(data_raw)
    pnrs = input_pnrs(delivery)
    assert len(pnrs) >= 20
    home = tmp_path / "dagster_home"
    home.mkdir()
    wh = tmp_path / "wh" / "integration.duckdb"
    ok = run_cli("run", "--month", "2017-06", "--data-raw", str(data_raw), "--warehouse",
                 str(wh), "--log-level", "DEBUG", home=home)
    assert ok.returncode == 0, ok.stderr[-2000:]
    # a rejected delivery: DREAM row cut short (its line holds a PNR)
    bad = tiny_as_july(tmp_path / "bad_raw")
    lines = (bad / "dream.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = ";".join(lines[3].split(";")[:5])
    (bad / "dream.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejected = run_cli("run", "--month", "2017-07", "--data-raw", str(tmp_path / "bad_raw"),
                       "--warehouse", str(wh), "--log-level", "DEBUG", home=home)
    assert rejected.returncode == 1 and "dream.csv, line 4" in rejected.stderr

    outputs = ok.stdout + ok.stderr + rejected.stdout + rejected.stderr
    assert_no_cpr(outputs, pnrs, "captured output")
    files = [p for p in list(home.rglob("*")) + list(wh.parent.rglob("*")) if p.is_file()]
    assert any(p.suffix == ".db" for p in files)  # Dagster's sqlite run/event storage
    assert any(p.name == "report.html" for p in files)
    for path in files:
        assert_no_cpr(path, pnrs)
        assert TEST_KEY.encode() not in path.read_bytes(), path
    assert TEST_KEY not in outputs
    # and no table column holds one, whatever the storage compression
    with duckdb.connect(str(wh), read_only=True) as con:
        cols = con.execute("SELECT table_schema, table_name, column_name FROM "
                           "information_schema.columns WHERE data_type = 'VARCHAR'").fetchall()
        values = []
        for schema, table, col in cols:
            values += [r[0] for r in con.execute(
                f'SELECT DISTINCT "{col}" FROM {schema}.{table} WHERE "{col}" IS NOT NULL'
            ).fetchall()]
    assert_no_cpr("\n".join(map(str, values)), pnrs, "warehouse VARCHAR columns")


def test_no_key_is_refused_outside_demo_mode(tmp_path):
    data_raw = tmp_path / "data_raw"
    copy_tiny(data_raw)
    res = run_cli("run", "--month", "2017-06", "--data-raw", str(data_raw), "--warehouse",
                  str(tmp_path / "integration.duckdb"), "--log-level", "ERROR",
                  home=tmp_path, key=None)
    assert res.returncode == 1
    assert "no pseudonym key" in res.stderr and "INTEGRATION_PSEUDONYM_KEY" in res.stderr


def test_warehouse_file_is_private(tmp_path):
    data_raw = tmp_path / "data_raw"
    copy_tiny(data_raw)
    wh = tmp_path / "integration.duckdb"
    assert run_cli("run", "--month", "2017-06", "--data-raw", str(data_raw), "--warehouse",
                   str(wh), "--log-level", "ERROR", home=tmp_path).returncode == 0
    assert oct(wh.stat().st_mode & 0o777) == "0o600"
