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
import warnings
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
# A partition larger than this is validated in slices of whole persons (hash of person_key, or
# of source_line for the DREAM rows), so memory stays bounded; only tables whose unique key
# contains one of them are sliced.
CHUNK_ROWS = 2_000_000


@dataclass
class SchemaOutcome:
    """Result of validating one table's partition against its model: `failures` holds the first
    MAX_FAILURE_ROWS failure cases (one per failing value, or per failing row for row rules and
    the unique key), `num_failures` and `failed_checks` count all of them."""

    table: str
    month: str
    rows: int = 0
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)
    num_failures: int = 0
    failed_checks: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.num_failures == 0

    def failure_markdown(self) -> str:
        if self.failures.empty:
            return "No failures."
        shown = self.failures.head(MAX_FAILURE_ROWS).astype(str)
        return shown.apply(lambda s: s.str.slice(0, MAX_CELL_CHARS)).to_markdown(index=False)

    def to_check_result(self) -> dg.AssetCheckResult:
        model = MODELS[self.table].__name__
        return dg.AssetCheckResult(
            asset_key=key(self.table), check_name=CHECK_NAME,
            passed=self.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(f"{self.table} {self.month}: {self.rows:,} rows match the {model} "
                         "model" if self.passed else
                         f"{self.table} {self.month}: {self.num_failures:,} failure case(s) "
                         f"against the {model} model"),
            metadata={
                "rows": self.rows,
                "num_failures": self.num_failures,
                "failure_cases": dg.MetadataValue.md(self.failure_markdown()),
                "failed_checks": self.failed_checks,
            },
        )


def _fmt(value) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return "NULL"
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)


def _failures(fc: pd.DataFrame, df: pd.DataFrame, key_cols: list[str]) -> pd.DataFrame:
    """pandera's failure cases in a compact form: `column, check, value, row` where `row` names
    the failing row by its unique key. A row-level rule (a dataframe check or the unique key)
    is reported by pandera once per column; here it is one line per failing row."""

    def row_key(idx) -> str:
        if idx is None or pd.isna(idx) or idx not in df.index:
            return ""
        return ", ".join(f"{c}={_fmt(df.at[idx, c])}" for c in key_cols
                         if c in df.columns and c != "delivery_month")

    records = fc.to_dict("records")
    is_row_rule = [r["schema_context"] == "DataFrameSchema" and pd.notna(r["index"])
                   for r in records]
    out = [{"column": "" if pd.isna(r["column"]) else str(r["column"]), "check": str(r["check"]),
            "value": _fmt(r["failure_case"]), "row": row_key(r["index"])}
           for r, row_rule in zip(records, is_row_rule, strict=True) if not row_rule]
    seen = set()
    for r, row_rule in zip(records, is_row_rule, strict=True):
        if row_rule and (r["check"], r["index"]) not in seen:
            seen.add((r["check"], r["index"]))
            out.append({"column": "(row)", "check": str(r["check"]), "value": "",
                        "row": row_key(r["index"])})
    return pd.DataFrame(out, columns=["column", "check", "value", "row"])


def _missing_table(table: str, month: str) -> SchemaOutcome:
    failures = pd.DataFrame([{"column": "", "check": "table_exists", "value": table, "row": ""}])
    return SchemaOutcome(table, month, 0, failures, 1, ["table_exists"])


def validate_table(con: duckdb.DuckDBPyConnection, table: str, month: str,
                   chunk_rows: int = CHUNK_ROWS) -> SchemaOutcome:
    """Validate the rows of `table` for delivery month `month` against `MODELS[table]`.

    All failures are collected (lazy validation). `table` must be a key of MODELS (the only
    identifiers put into SQL)."""
    model = MODELS[table]
    if not table_exists(con, table):
        return _missing_table(table, month)
    rows = con.execute(f"SELECT count(*) FROM {table} WHERE delivery_month = ?",
                       [month]).fetchall()[0][0]
    key_cols = unique_key(table)
    # slices by a key column, so that rows sharing a unique key meet in one slice
    by = next((c for c in ("person_key", "source_line") if c in key_cols), None)
    slices = 1
    if rows > chunk_rows and by is not None:
        slices = math.ceil(rows / chunk_rows)
    kept: list[pd.DataFrame] = []
    num_failures, checks = 0, set()
    for i in range(slices):
        if slices == 1:
            df = con.execute(f"SELECT * FROM {table} WHERE delivery_month = ?", [month]).df()
        else:
            # NULL keys land in slice 0 (and fail the model there)
            df = con.execute(f"SELECT * FROM {table} WHERE delivery_month = ? "
                             f"AND coalesce(hash({by}), 0) % ? = ?",
                             [month, slices, i]).df()
        try:
            model.validate(df, lazy=True)
        except pa.errors.SchemaErrors as e:
            failures = _failures(e.failure_cases, df, key_cols)
            num_failures += len(failures)
            checks |= set((failures["column"] + ": " + failures["check"]).str.lstrip(": "))
            if sum(len(k) for k in kept) < MAX_FAILURE_ROWS:
                kept.append(failures.head(MAX_FAILURE_ROWS))
    failures = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    return SchemaOutcome(table, month, rows, failures.head(MAX_FAILURE_ROWS), num_failures,
                         sorted(checks))


def run_schema_check(warehouse: WarehouseResource, table: str,
                     month: str) -> dg.AssetCheckResult:
    """The body of the `pandera_schema` check of `table` for one month (callable without
    Dagster)."""
    with warehouse.get_connection() as con:
        outcome = validate_table(con, table, month)
    return outcome.to_check_result()


def schema_checks() -> list[dg.AssetChecksDefinition]:
    """Blocking `pandera_schema` checks, one per table in `schemas.MODELS` (all month-keyed),
    evaluated together in one step (one process and connection for all tables instead of one
    each under the multiprocess executor)."""
    # partitions_def on a check is a Dagster "preview" feature, chosen on purpose: results are
    # stored per delivery month instead of once for the asset (stack guide §4.6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        specs = [dg.AssetCheckSpec(
            CHECK_NAME, asset=key(table), blocking=True, partitions_def=monthly_partitions,
            description=f"Blocking: the partition's rows of {table} match the pandera model "
                        f"{MODELS[table].__name__} (columns, types, nullability, allowed "
                        "values, unique key). Failure cases are in the metadata.")
            for table in MODELS]

        @dg.multi_asset_check(name="pandera_schema_checks", specs=specs, pool=POOL,
                              can_subset=True,
                              description="pandera models of every month table (blocking).")
        def pandera_schema_checks(context: dg.AssetCheckExecutionContext,
                                  warehouse: WarehouseResource):
            selected = {k.asset_key for k in context.selected_asset_check_keys}
            with warehouse.get_connection() as con:
                for table in MODELS:
                    if key(table) in selected:
                        outcome = validate_table(con, table, context.partition_key)
                        yield outcome.to_check_result()

    return [pandera_schema_checks]
