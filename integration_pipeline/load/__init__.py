"""Loads: one function per layer that writes a month into the warehouse atomically.

Each takes an open DuckDB connection and plain parameters, so tests call them without Dagster;
the Dagster assets in `integration_pipeline.assets` are thin wrappers over them.
"""
