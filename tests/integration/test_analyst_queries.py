"""Every query of docs/analyst_queries.md runs on the demo warehouse's analyst snapshot and
returns rows."""

import re
from pathlib import Path

import duckdb
import pytest

from integration_pipeline.publish import snapshot_path

DOC = Path(__file__).resolve().parents[2] / "docs" / "analyst_queries.md"
QUERIES = re.findall(r"### (.+?)\n.*?```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_doc_has_queries():
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("title,sql", QUERIES, ids=[t for t, _ in QUERIES])
def test_query_runs(demo_warehouse, title, sql):
    with duckdb.connect(str(snapshot_path(demo_warehouse)), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    if title.startswith("What did the load set aside"):
        return  # the demo delivery may have nothing in quarantine
    assert rows, title
