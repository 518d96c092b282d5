"""Parsers: raw delivery files -> tidy pandas frames (pure functions, no Dagster, no warehouse).

The raw CPR number (`pnr`) exists only inside this package; `integration_pipeline.pseudonym`
replaces it by `person_key` before anything is written.
"""
