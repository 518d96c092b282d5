"""integration-pipeline: monthly register extracts -> validated DuckDB warehouse -> integration report.

Subpackages: `extract` (pure parsers), `assets` (thin Dagster wrappers), `sql` (set-based
transformations), `schemas` (pandera models), `checks` (asset checks), `report` (rendering and
disclosure control), `demo` (deterministic demo delivery).
"""

__version__ = "0.1.0"
