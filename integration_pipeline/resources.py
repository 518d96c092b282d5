"""Dagster resources: the warehouse connection and the run settings.

Both resolve environment variables when a run uses them, never at import time, so
`defs = build_defs()` is safe to import anywhere and tests override them with plain values.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from . import settings as s

# Files are created readable by DuckDB 1.5 clients (analysts' CLI, DBeaver, …).
STORAGE_COMPATIBILITY = "v1.5.0"


RESERVED_STEMS = {"raw", "core", "report", "ref", "audit", "main", "temp", "system"}


def check_warehouse_path(path: str) -> str:
    """DuckDB names the catalog after the file: a file called like a schema (core.duckdb)
    would make `core.person` ambiguous."""
    if path != ":memory:" and Path(path).stem.lower() in RESERVED_STEMS:
        raise s.ConfigError(f"warehouse file name {Path(path).name!r} clashes with a schema "
                            f"name; choose another name (e.g. integration.duckdb)")
    return path


# DuckDB resource limits from the environment (empty = DuckDB's default: 80 % of RAM, all cores,
# spilling next to the database file)
DUCKDB_ENV = {"memory_limit": "INTEGRATION_DUCKDB_MEMORY_LIMIT",
              "threads": "INTEGRATION_DUCKDB_THREADS",
              "temp_directory": "INTEGRATION_DUCKDB_TEMP_DIR"}


def duckdb_env_config() -> dict[str, str]:
    """`memory_limit` (e.g. "4GB"), `threads` and `temp_directory` set in the environment."""
    return {k: os.environ[v] for k, v in DUCKDB_ENV.items() if os.environ.get(v)}


class WarehouseResource(DuckDBResource):
    """DuckDBResource whose database defaults to `INTEGRATION_WAREHOUSE` (read at run time).

    A new warehouse file is created with mode 0600 and `storage_compatibility_version` v1.5.0.
    DuckDB's `memory_limit`, `threads` and `temp_directory` come from INTEGRATION_DUCKDB_*
    (`connection_config` wins over the environment)."""

    database: str = ""

    def path(self) -> str:
        return self.database or os.environ.get("INTEGRATION_WAREHOUSE", s.DEFAULT_WAREHOUSE)

    @contextmanager
    def get_connection(self):
        path = check_warehouse_path(self.path())
        config = {**duckdb_env_config(), **self.connection_config}
        if path != ":memory:" and not Path(path).exists():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            config.setdefault("storage_compatibility_version", STORAGE_COMPATIBILITY)
            con = duckdb.connect(path, config=config)
            con.close()
            os.chmod(path, 0o600)
            config.pop("storage_compatibility_version")
        # DuckDBResource.get_connection (with its lock-retry backoff), but closed on errors too:
        # its generator has no try/finally, so a failing step would leak the connection
        cm = DuckDBResource(database=path, connection_config=config).get_connection()
        con = cm.__enter__()
        try:
            yield con
        finally:
            con.close()


class PipelineSettings(dg.ConfigurableResource):
    """Where deliveries are, which municipality, report parameters and load thresholds.

    Empty strings mean: take the environment variable of the spec, else its default."""

    data_raw: str = ""
    municipality: str = ""
    period_start: str = s.DEFAULT_PERIOD_START
    residence_date: str = ""
    status_week: str = ""
    disclosure_threshold: int = 3
    reports_dir: str = ""
    quarantine_max_share: float = 0.01
    quarantine_max_count: int = 10
    pseudonym_key_file: str = ""
    demo_mode: bool = False

    def data_raw_path(self) -> Path:
        return Path(self.data_raw or os.environ.get("INTEGRATION_DATA_RAW", s.DEFAULT_DATA_RAW))

    def municipality_code(self) -> str:
        return s.validate_municipality(
            self.municipality or os.environ.get("INTEGRATION_MUNICIPALITY",
                                                s.DEFAULT_MUNICIPALITY))

    def reports_path(self, warehouse_path: str) -> Path:
        if self.reports_dir:
            return Path(self.reports_dir)
        base = Path(warehouse_path).parent if warehouse_path != ":memory:" else Path("warehouse")
        return base / "reports"

    def pseudonym_key(self) -> bytes:
        key_file = self.pseudonym_key_file or os.environ.get("INTEGRATION_PSEUDONYM_KEY_FILE", "")
        demo = self.demo_mode or os.environ.get("INTEGRATION_DEMO", "") == "1"
        return s.load_pseudonym_key(Path(key_file) if key_file else None, demo_mode=demo)
