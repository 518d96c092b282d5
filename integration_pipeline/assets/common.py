"""Helpers shared by the asset modules: keys, metadata, errors shown to the user."""


import dagster as dg

from .. import __version__

POOL = "duckdb_warehouse"
CODE_VERSION = __version__


def key(table: str) -> dg.AssetKey:
    """'raw.cpr__persons' -> AssetKey(['raw', 'cpr__persons'])."""
    return dg.AssetKey(table.split("."))


def table_metadata(table: str, rows: int, warehouse: str) -> dict:
    return {"dagster/partition_row_count": rows,
            "dagster/table_name": table,
            "warehouse": dg.MetadataValue.path(warehouse)}


class PipelineFailure(dg.Failure):
    """A failure whose description is the one-paragraph message the user sees."""


def schema_metadata(table: str) -> dict:
    """Column schema (from the table's pandera model) for the UI's Columns tab."""
    from ..schemas import MODELS, column_schema

    if table not in MODELS:
        return {"dagster/table_name": table}
    return {"dagster/column_schema": column_schema(table), "dagster/table_name": table}
