"""Blocking schema checks: one `pandera_schema` asset check per modelled table, generated from
`schemas.MODELS`.

Each check loads the partition's rows (`WHERE delivery_month = ?`) through the `warehouse`
resource, validates them lazily against the table's pandera model and fails with ERROR severity,
so the run stops before anything downstream reads a table that breaks its contract. Belongs
here: the factory and the validation helper (`validate_table`) that tests call without Dagster.
Not here: the models themselves (`integration_pipeline.schemas`) and business rules
(`checks/expectations.py`).
"""


import math
from dataclasses import dataclass, field

import dagster as dg
import duckdb
import pandas as pd
import pandera.pandas as pa

from ..assets.common import POOL, key
from ..partitions import monthly_partitions
from ..resources import WarehouseResource
from ..schemas import MODELS, unique_key
from ..warehouse import table_exists

CHECK_NAME = "pandera_schema"
MAX_FAILURE_ROWS = 20          # failure cases shown in the check's metadata
MAX_CELL_CHARS = 80            # a failure value longer than this is cut in the metadata
# A partition larger than this is validated in slices of whole persons (hash of person_key),
# so memory stays bounded; only tables whose unique key contains person_key are sliced.
CHUNK_ROWS = 2_000_000


@dataclass
class SchemaOutcome:
    """Result of validating one table's partition against its model."""

    table: str
    month: str
    rows: int = 0
    failure_cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    num_failures: int = 0

    @property
    def passed(self) -> bool:
        return self.num_failures == 0

    def failed_checks(self) -> list[str]:
        if self.failure_cases.empty:
            return []
        fc = self.failure_cases
        column = fc["column"].where(fc["column"].notna(), fc["schema_context"]).astype(str)
        return sorted(set(column + ": " + fc["check"].astype(str)))

    def failure_markdown(self) -> str:
        if self.failure_cases.empty:
            return "No failures."
        cols = [c for c in ("column", "check", "failure_case", "index")
                if c in self.failure_cases.columns]
        shown = self.failure_cases[cols].head(MAX_FAILURE_ROWS).astype(str)
        shown = shown.apply(lambda s: s.str.slice(0, MAX_CELL_CHARS))
        return shown.to_markdown(index=False)

    def to_check_result(self) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            passed=self.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(f"{self.table} {self.month}: {self.rows:,} rows match the "
                         f"{MODELS[self.table].__name__} model" if self.passed else
                         f"{self.table} {self.month}: {self.num_failures:,} failure case(s) "
                         f"against the {MODELS[self.table].__name__} model"),
            metadata={
                "rows": self.rows,
                "num_failures": self.num_failures,
                "failure_cases": dg.MetadataValue.md(self.failure_markdown()),
                "failed_checks": self.failed_checks(),
            },
        )


def _missing_table(table: str, month: str) -> SchemaOutcome:
    fc = pd.DataFrame([{"schema_context": "DataFrameSchema", "column": None,
                        "check": "table_exists", "failure_case": table, "index": None}])
    return SchemaOutcome(table, month, 0, fc, 1)


def validate_table(con: duckdb.DuckDBPyConnection, table: str, month: str,
                   chunk_rows: int = CHUNK_ROWS) -> SchemaOutcome:
    """Validate the rows of `table` for delivery month `month` against `MODELS[table]`.

    All failures are collected (lazy validation); `failure_cases` keeps the first
    MAX_FAILURE_ROWS and `num_failures` counts all of them. `table` must be a key of MODELS
    (the only identifiers put into SQL)."""
    model = MODELS[table]
    if not table_exists(con, table):
        return _missing_table(table, month)
    rows = con.execute(f"SELECT count(*) FROM {table} WHERE delivery_month = ?",
                       [month]).fetchall()[0][0]
    slices = 1
    if rows > chunk_rows and "person_key" in unique_key(table):
        slices = math.ceil(rows / chunk_rows)
    kept: list[pd.DataFrame] = []
    num_failures = 0
    for i in range(slices):
        if slices == 1:
            df = con.execute(f"SELECT * FROM {table} WHERE delivery_month = ?", [month]).df()
        else:
            # NULL keys land in slice 0 (and fail the model there)
            df = con.execute(f"SELECT * FROM {table} WHERE delivery_month = ? "
                             "AND coalesce(hash(person_key), 0) % ? = ?",
                             [month, slices, i]).df()
        try:
            model.validate(df, lazy=True)
        except pa.errors.SchemaErrors as e:
            num_failures += len(e.failure_cases)
            if sum(len(k) for k in kept) < MAX_FAILURE_ROWS:
                kept.append(e.failure_cases.head(MAX_FAILURE_ROWS))
    failure_cases = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    return SchemaOutcome(table, month, rows, failure_cases.head(MAX_FAILURE_ROWS), num_failures)


def run_schema_check(warehouse: WarehouseResource, table: str,
                     month: str) -> dg.AssetCheckResult:
    """The body of the `pandera_schema` check of `table` for one month (callable without
    Dagster)."""
    with warehouse.get_connection() as con:
        outcome = validate_table(con, table, month)
    return outcome.to_check_result()


def _schema_check(table: str) -> dg.AssetChecksDefinition:
    model = MODELS[table]

    @dg.asset_check(
        asset=key(table),
        name=CHECK_NAME,
        blocking=True,
        partitions_def=monthly_partitions,
        pool=POOL,
        description=f"Blocking: the partition's rows of {table} match the pandera model "
                    f"{model.__name__} (columns, types, nullability, allowed values, unique "
                    "key). Failure cases are in the metadata.",
    )
    def _check(context: dg.AssetCheckExecutionContext,
               warehouse: WarehouseResource) -> dg.AssetCheckResult:
        return run_schema_check(warehouse, table, context.partition_key)

    return _check


def schema_checks() -> list[dg.AssetChecksDefinition]:
    """One blocking `pandera_schema` check per table in `schemas.MODELS` (all month-keyed)."""
    return [_schema_check(table) for table in MODELS]
