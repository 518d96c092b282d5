"""Reference assets: ref.* code tables loaded from the CSV files shipped in
`integration_pipeline/reference/` (unpartitioned; reloaded by every monthly run)."""


import dagster as dg

from ..resources import WarehouseResource
from ..warehouse import REFERENCE_TABLES, load_reference
from .common import CODE_VERSION, POOL, key

DESCRIPTIONS = {
    "ref.country": "CPR country codes (landekoder, authority 300) with Danish names and ISO 3166 "
                   "codes; snapshot 2012-07-02 of the CPR authority table.",
    "ref.municipality": "CPR municipality codes (kommunekoder) incl. pre-2007 codes and the "
                        "special tax-only codes 0010-0019.",
    "ref.dream_code": "DREAM benefit codes (ydelseskoder) with label and report group "
                      "(public_support, education, other, censored); editable data.",
    "ref.permit_category": "Residence permit categories (KATEGORI) and their residence group.",
}


@dg.multi_asset(
    specs=[dg.AssetSpec(key(t), description=DESCRIPTIONS[t], group_name="reference",
                        kinds={"duckdb", "csv"}, code_version=CODE_VERSION)
           for t in REFERENCE_TABLES],
    pool=POOL,
)
def reference_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        counts = load_reference(con)
    for table, n in counts.items():
        yield dg.MaterializeResult(asset_key=key(table), metadata={
            "dagster/row_count": n, "dagster/table_name": table})
