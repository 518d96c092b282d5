"""The shipped dagster_home/dagster.yaml is a valid instance configuration (checked on a copy,
so the checkout's dagster_home is never written)."""

import shutil

import dagster as dg

from tests.conftest import ROOT


def test_instance_config_loads(tmp_path, monkeypatch):
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    instance = dg.DagsterInstance.get()
    try:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert {"key": "warehouse", "value": "duckdb", "limit": 1} in limits
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
    finally:
        instance.dispose()
