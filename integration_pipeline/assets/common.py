"""Helpers shared by the asset modules: keys, metadata, errors shown to the user."""


import functools
import subprocess
from pathlib import Path

import dagster as dg

from .. import __version__

POOL = "duckdb_warehouse"
CODE_VERSION = __version__


def key(table: str) -> dg.AssetKey:
    """'raw.cpr__persons' -> AssetKey(['raw', 'cpr__persons'])."""
    return dg.AssetKey(table.split("."))


@functools.cache
def source_revision() -> str:
    """The git commit of the running code, when it runs from a checkout (else 'unknown')."""
    root = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def table_metadata(table: str, rows: int, warehouse: str) -> dict:
    return {"dagster/partition_row_count": rows,
            "dagster/table_name": table,
            "warehouse": dg.MetadataValue.path(warehouse),
            "code_version": CODE_VERSION,
            "source_revision": source_revision()}


class PipelineFailure(dg.Failure):
    """A failure whose description is the one-paragraph message the user sees."""


def schema_metadata(table: str) -> dict:
    """Column schema (from the table's pandera model) for the UI's Columns tab."""
    from ..schemas import MODELS, column_schema

    if table not in MODELS:
        return {"dagster/table_name": table}
    return {"dagster/column_schema": column_schema(table), "dagster/table_name": table}
