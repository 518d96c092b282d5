"""Shared fixtures. Tests never write into the checkout's warehouse/ or data_raw/: every
warehouse, report and delivery copy lives under pytest's tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TINY = FIXTURES / "tiny"
TEST_KEY = "test-pseudonym-key-not-secret"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.pop("DAGSTER_HOME", None)


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch):
    monkeypatch.setenv("INTEGRATION_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.delenv("INTEGRATION_DEMO", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # never the checkout's dagster_home


def run_month(data_raw: Path, warehouse: Path, month: str, **settings):
    """Materialise the month's partition through the real Definitions; returns the result."""
    from integration_pipeline.definitions import build_defs
    from integration_pipeline.resources import PipelineSettings, WarehouseResource

    defs = build_defs({"warehouse": WarehouseResource(database=str(warehouse)),
                       "settings": PipelineSettings(data_raw=str(data_raw),
                                                    reports_dir=str(warehouse.parent / "reports"),
                                                    **settings)})
    job = defs.resolve_job_def("monthly_load")
    return job.execute_in_process(partition_key=month, raise_on_error=False)


def read(warehouse: Path, query: str, params=None):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(query, params or []).df()


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    """The tiny shared fixture loaded once through Dagster."""
    os.environ["INTEGRATION_PSEUDONYM_KEY"] = TEST_KEY
    wh = tmp_path_factory.mktemp("tiny") / "warehouse.duckdb"
    result = run_month(TINY, wh, "2017-06")
    assert result.success
    return wh


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory):
    os.environ["INTEGRATION_PSEUDONYM_KEY"] = TEST_KEY
    root = tmp_path_factory.mktemp("demo")
    from integration_pipeline.demo.generator import generate_delivery

    generate_delivery(root / "data_raw", month="2017-06")
    wh = root / "warehouse" / "integration.duckdb"
    result = run_month(root / "data_raw", wh, "2017-06", disclosure_threshold=0)
    assert result.success
    return wh
