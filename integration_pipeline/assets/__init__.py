"""Dagster assets: thin wrappers that open the warehouse, call a `load.*` function and report
metadata. Asset key = [schema, table] of the DuckDB table it writes (e.g. raw/cpr__persons is
raw.cpr__persons)."""
