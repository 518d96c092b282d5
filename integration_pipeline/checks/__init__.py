"""Asset checks, generated from declarations rather than written one by one.

- `schema_checks()` (`schema.py`): one blocking `pandera_schema` check per modelled table, the
  structural contract from `integration_pipeline.schemas`; ERROR severity stops the run.
- `expectation_checks()` (`expectations.py`): great-expectations suites for business rules and
  sums that must match totals, as `ge_<suite>` checks with WARN severity and Data Docs.

Wire both into `build_defs()`: `asset_checks=[*schema_checks(), *expectation_checks()]`.
Great Expectations is imported only when a `ge_*` check runs, never at import time.
"""

from .expectations import expectation_checks
from .schema import schema_checks

__all__ = ["expectation_checks", "schema_checks"]
