"""Atomicity under faults and idempotent re-runs.

A load process is killed (SIGKILL) at several points of a month's load; the warehouse must be
exactly as before (table checksums), and a re-run must then complete. Loads are idempotent:
the same month twice gives identical tables, and months never touch each other."""

import os
import subprocess
import sys

import duckdb
import pytest

from integration_pipeline.warehouse import table_checksums
from tests.conftest import TEST_KEY, run_month
from tests.deliveries import copy_tiny, tiny_as_july


def checksums(wh, month=None, skip_ledger=False):
    with duckdb.connect(str(wh), read_only=True) as con:
        sums = table_checksums(con, month)
    if skip_ledger:
        sums.pop("audit.load_ledger", None)
    return sums


def cli_run(data_raw, wh, month, fault=None):
    env = dict(os.environ, INTEGRATION_PSEUDONYM_KEY=TEST_KEY)
    env.pop("INTEGRATION_FAULT_AT", None)
    if fault:
        env["INTEGRATION_FAULT_AT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "integration_pipeline.cli", "run", "--month", month,
         "--data-raw", str(data_raw), "--warehouse", str(wh), "--log-level", "ERROR"],
        env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def two_months(tmp_path):
    data_raw = tmp_path / "data_raw"
    copy_tiny(data_raw)
    tiny_as_july(data_raw)
    return data_raw


@pytest.mark.parametrize("fault", ["raw_written", "core_built", "before_commit"])
def test_kill_during_load_leaves_warehouse_unchanged(two_months, tmp_path, fault):
    wh = tmp_path / "wh.duckdb"
    assert cli_run(two_months, wh, "2017-06").returncode == 0
    before = checksums(wh)
    june = checksums(wh, "2017-06", skip_ledger=True)
    killed = cli_run(two_months, wh, "2017-07", fault=fault)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert checksums(wh) == before
    again = cli_run(two_months, wh, "2017-07")
    assert again.returncode == 0, again.stderr[-2000:]
    assert checksums(wh, "2017-07")["report.key_figures"][0] == 16
    assert checksums(wh, "2017-06", skip_ledger=True) == june


def test_kill_after_commit_keeps_the_whole_month(two_months, tmp_path):
    wh = tmp_path / "wh.duckdb"
    killed = cli_run(two_months, wh, "2017-06", fault="committed")
    assert killed.returncode == -9
    reference = tmp_path / "expected.duckdb"
    assert cli_run(two_months, reference, "2017-06").returncode == 0
    assert checksums(wh, "2017-06", skip_ledger=True) == checksums(reference, "2017-06",
                                                                    skip_ledger=True)


def test_same_month_twice_is_identical(two_months, tmp_path):
    wh = tmp_path / "wh.duckdb"
    assert run_month(two_months, wh, "2017-06").success
    first = checksums(wh, skip_ledger=True)
    assert run_month(two_months, wh, "2017-06").success
    assert checksums(wh, skip_ledger=True) == first
    with duckdb.connect(str(wh), read_only=True) as con:
        statuses = con.execute("SELECT status FROM audit.load_ledger WHERE "
                               "source_file = 'cpr_extract.txt'").fetchall()
    assert statuses == [("loaded",), ("loaded",)]


def test_months_do_not_touch_each_other(two_months, tmp_path):
    wh = tmp_path / "wh.duckdb"
    assert run_month(two_months, wh, "2017-06").success
    june = checksums(wh, "2017-06", skip_ledger=True)
    assert run_month(two_months, wh, "2017-07").success
    assert checksums(wh, "2017-06", skip_ledger=True) == june
    july = checksums(wh, "2017-07", skip_ledger=True)
    assert july["core.person"][0] == june["core.person"][0]
    assert july["raw.permits__residence_permits"][0] == \
        june["raw.permits__residence_permits"][0] + 1
    # re-loading the older month after the newer one
    assert run_month(two_months, wh, "2017-06").success
    assert checksums(wh, "2017-06", skip_ledger=True) == june
    assert checksums(wh, "2017-07", skip_ledger=True) == july
