"""`make bench` works: the harness at a few hundred persons runs every stage in its own process
and writes the report (no timing asserts; the benchmark itself is never part of the suite)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_bench_harness_runs_every_stage_at_tiny_n(tmp_path):
    doc = tmp_path / "benchmarks.md"
    work = tmp_path / "work"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_bench.py"), "--sizes", "200",
         "--long", "150:1991", "--work", str(work), "--doc", str(doc), "--keep"],
        capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    assert [(r["persons"], r["since"]) for r in results["runs"]] == [(200, 2008), (150, 1991)]
    for run in results["runs"]:
        stages = run["stages"]
        assert set(stages) == {"generate", "cpr_parse", "dream_load", "load_month", "a_scan",
                               "b_unpivot", "c_pandas", "d_polars"}
        for name, s in stages.items():
            assert s.get("ok") or s.get("skipped"), (name, s)
        assert stages["dream_load"]["rows"] == stages["b_unpivot"]["rows"] > 0
        assert stages["dream_load"]["reader"] == "numpy tokenizer"
        assert stages["dream_load"]["spells"] == stages["dream_load"]["runs"] > 0
        assert stages["load_month"]["quarantined"] == 0
    text = doc.read_text(encoding="utf-8")
    assert "## Machine" in text and "National-scale projection" in text
    assert "DREAM load (CSV → benefit spells) / (a) machine limit" in text
    assert "monthly employment pass" in text
