"""pandera models: one `DataFrameModel` per warehouse table of the month-keyed layers (raw.*,
core.*, report.*), the single definition of each column (type, nullability, allowed values,
analyst-facing description) and of each table's unique key.

Belongs here: the models (`raw.py`, `core.py`, `report.py`, shared pieces in `base.py`), the
`MODELS` registry keyed by qualified table name, and read-only views of a model for the UI
(`column_schema`) and the data dictionary (`sql_type`, `column_rules`, `row_rules`). Checks that
run the models are in `integration_pipeline.checks`; the ref.* code tables have no model (they
are shipped CSV data).
"""

from __future__ import annotations

import dagster as dg
import pandera.pandas as pa

from .core import CORE_MODELS
from .raw import RAW_MODELS
from .report import REPORT_MODELS

MODELS: dict[str, type[pa.DataFrameModel]] = {**RAW_MODELS, **CORE_MODELS, **REPORT_MODELS}

# pandas dtype of a model column -> the DuckDB type it is stored as
_SQL_TYPES = {
    "str": "VARCHAR", "bool": "BOOLEAN", "boolean": "BOOLEAN", "float64": "DOUBLE",
    "datetime64[ns]": "DATE",
    "int8": "TINYINT", "Int8": "TINYINT", "int16": "SMALLINT", "Int16": "SMALLINT",
    "int32": "INTEGER", "Int32": "INTEGER", "int64": "BIGINT", "Int64": "BIGINT",
}
# where the SQL produces a wider type than the model coerces to (see the column's description)
_SQL_TYPE_OVERRIDES: dict[tuple[str, str], str] = {}


def schema_of(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a qualified table name ('core.person')."""
    return MODELS[table].to_schema()


def sql_type(table: str, column: str) -> str:
    """The DuckDB type the column is stored as (as analysts see it in DESCRIBE)."""
    if (table, column) in _SQL_TYPE_OVERRIDES:
        return _SQL_TYPE_OVERRIDES[(table, column)]
    dtype = str(schema_of(table).columns[column].dtype)
    return _SQL_TYPES.get(dtype, dtype)


def _fmt(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def check_text(check: pa.Check) -> str:
    """A short human reading of a column check ('one of: M, K', '>= 0', …)."""
    stats = check.statistics or {}
    name = check.name
    if name == "isin":
        return "one of: " + ", ".join(_fmt(v) for v in stats["allowed_values"])
    if name == "notin":
        return "not: " + ", ".join(_fmt(v) for v in stats["forbidden_values"])
    if name == "str_matches":
        return f"matches `{stats['pattern']}`"
    if name == "in_range":
        return f"{stats['min_value']} to {stats['max_value']}"
    ops = {"greater_than_or_equal_to": ">=", "less_than_or_equal_to": "<=",
           "greater_than": ">", "less_than": "<"}
    if name in ops:
        return f"{ops[name]} {next(iter(stats.values()))}"
    if name == "str_length":
        lo, hi = stats.get("min_value"), stats.get("max_value")
        if lo is not None and hi is not None:
            return f"length {lo} to {hi}"
        return f"length >= {lo}" if lo is not None else f"length <= {hi}"
    return check.description or check.error or name


def column_rules(table: str, column: str) -> list[str]:
    return [check_text(c) for c in schema_of(table).columns[column].checks]


def row_rules(table: str) -> list[str]:
    """The model's dataframe-level checks as 'name: description'."""
    return [f"{c.name}: {c.description}" if c.description else str(c.name)
            for c in schema_of(table).checks]


def unique_key(table: str) -> list[str]:
    unique = schema_of(table).unique
    return [unique] if isinstance(unique, str) else list(unique or [])


def column_schema(table: str) -> dg.TableSchema:
    """The model as a Dagster TableSchema (for `dagster/column_schema` metadata): DuckDB type,
    description, nullability and value rules of every column, and the unique key."""
    schema = schema_of(table)
    columns = [
        dg.TableColumn(
            name=name, type=sql_type(table, name), description=col.description,
            constraints=dg.TableColumnConstraints(nullable=bool(col.nullable),
                                                  other=column_rules(table, name)))
        for name, col in schema.columns.items()
    ]
    other = [f"unique ({', '.join(unique_key(table))})"] if unique_key(table) else []
    return dg.TableSchema(columns=columns,
                          constraints=dg.TableConstraints(other=other + row_rules(table)))


__all__ = ["MODELS", "column_schema", "column_rules", "row_rules", "schema_of", "sql_type",
           "unique_key"]
