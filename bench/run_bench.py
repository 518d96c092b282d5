"""Benchmark harness for issue 8: the monthly load at municipal to national scale.

`make bench` runs it (see bench/README.md). For each size it generates a synthetic delivery
(`integration_pipeline.demo.scale`) under a scratch folder and runs every stage in its own
process, each under `/usr/bin/time -v` (peak RSS; psutil polling where that is missing):

  generate      the synthetic delivery
  cpr_parse     `extract.cpr.parse_cpr` of cpr_extract.txt
  dream_load    ours: dream.csv -> raw.dream__benefit_weeks (runs) -> core.benefit_spell, timed
                as the target asks (CSV -> benefit spells); the monthly employment pass into
                raw.dream__employment_months runs after it and is reported beside it
                (keys, quarantine rules, code check, one transaction, a warehouse file)
  load_month    the whole monthly load `load.month.load_month` (raw, core, report) into a new file
  a_scan        anchor (a): DuckDB read_csv with explicit types parsing every column
                (sum of every code / string length), the machine's limit for reading the file
  b_unpivot     anchor (b): DuckDB read_csv (explicit types, auto_detect=false) + UNPIVOT of the
                week columns into a table of a database file
  c_pandas      anchor (c): pandas read_csv + melt + dropna (skipped when it would not fit)
  d_polars      anchor (d): polars scan_csv -> unpivot -> sink_parquet (streaming)

Times are measured inside each process around the work (imports excluded); the process wall
time and peak RSS come from the parent. Results go to <work>/results.json and, with --doc, to
docs/benchmarks.md. Generated files are deleted after each size (unless --keep).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2017-06"
KEY = b"benchmark-key-not-secret"
PANDAS_MAX_GIB = 12.0        # anchor (c) is skipped above this estimated peak RSS
RESULT_TAG = "BENCH_RESULT "


# --- stages (run in a child process) ----------------------------------------------------------

def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\r\n").split(";")


def _duckdb_types(cols: list[str]) -> dict[str, str]:
    return {c: "SMALLINT" if c.startswith("y_") else "VARCHAR" for c in cols}


def _connect(path: str):
    """A warehouse connection configured like the pipeline's (INTEGRATION_DUCKDB_* env)."""
    from integration_pipeline.resources import WarehouseResource

    return WarehouseResource(database=path).get_connection()


def stage_generate(a) -> dict:
    from integration_pipeline.demo.scale import generate_scaled

    t = time.perf_counter()
    folder = generate_scaled(Path(a.work), a.persons, since_year=a.since, month=MONTH)
    secs = time.perf_counter() - t
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    return {"seconds": secs, "rows": a.persons, "unit": "persons", "manifest": manifest}


def stage_cpr_parse(a) -> dict:
    from integration_pipeline import reference
    from integration_pipeline.extract.cpr import parse_cpr

    codes = reference.country_codes()
    t = time.perf_counter()
    x = parse_cpr(Path(a.delivery) / "cpr_extract.txt", codes)
    secs = time.perf_counter() - t
    return {"seconds": secs, "rows": sum(x.record_counts.values()), "unit": "records",
            "persons": len(x.persons), "quarantined": len(x.issues.quarantined)}


def stage_dream_load(a) -> dict:
    from integration_pipeline import reference
    from integration_pipeline.extract.dream import stage_dream
    from integration_pipeline.load.core import CORE_VIEWS, run_script
    from integration_pipeline.pseudonym import KeyIndex, keyer, person_key, pnr_numbers
    from integration_pipeline.warehouse import (
        ensure_schema,
        load_reference,
        replace_view,
        sql,
        transaction,
    )

    path = Path(a.delivery) / "dream.csv"
    db = str(Path(a.work) / "dream_load.duckdb")
    # In the monthly load the person keys come from the CPR parse (timed in cpr_parse) and the
    # DREAM reader looks them up in the load's index of the extract's numbers; so here too: the
    # keys computed before the clock starts, the lookup timed.
    # Every DREAM person is in the CPR extract (true here).
    with open(path, "rb") as f:
        f.readline()
        pnrs = sorted({ln[:10].decode() for ln in f})
    key_of = KeyIndex(pnr_numbers(pnrs)[0], [person_key(KEY, p) for p in pnrs],
                      keyer(KEY)).lookup

    with _connect(db) as con:
        ensure_schema(con)
        load_reference(con)
        run_script(con, "core_macros")
        t = time.perf_counter()
        with transaction(con):
            for table in ("raw.dream__persons", "raw.dream__benefit_weeks",
                          "raw.dream__employment_months"):
                con.execute(f"DELETE FROM {table} WHERE delivery_month = ?", [MONTH])
            st = stage_dream(con, path, key_of, reference.benefit_codes(), month=MONTH)
            # core.benefit_spell is a view over the raw runs: (re)created as the load does it
            # (which counts the raw runs), then the month's spells counted through it, which
            # computes every spell (dates, labels, group) once
            t_spells = time.perf_counter()
            replace_view(con, "core.benefit_spell", sql("core_benefit_spell"), MONTH,
                         rows_of=CORE_VIEWS["core.benefit_spell"])
            spells = con.execute("SELECT count(*) FROM core.benefit_spell WHERE "
                                 "delivery_month = ?", [MONTH]).fetchall()[0][0]
            t_spells = time.perf_counter() - t_spells
        secs = time.perf_counter() - t
    # the target's "DREAM load" is CSV -> benefit spells: the PNR pass, the weeks pass and
    # core.benefit_spell; the monthly employment pass is reported beside it
    benefits = st.seconds["rows"] + st.seconds["weeks"] + t_spells
    return {"seconds": benefits, "rows": st.benefit_weeks, "unit": "benefit weeks",
            "total_seconds": secs, "phases": dict(st.seconds, spells=t_spells),
            "months_seconds": st.seconds.get("months"), "reader": st.reader,
            "employment_months": st.employment_months, "runs": st.benefit_runs,
            "spells": spells, "wide_rows": st.rows_read, "quarantined": st.quarantined}


def stage_load_month(a) -> dict:
    from integration_pipeline.load.month import load_month

    db = str(Path(a.work) / "load_month.duckdb")
    with _connect(db) as con:
        t = time.perf_counter()
        r = load_month(con, Path(a.delivery), MONTH, KEY, "0151", log=lambda m: None)
        secs = time.perf_counter() - t
    return {"seconds": secs, "rows": r.raw.rows["raw.cpr__persons"], "unit": "persons",
            "benefit_runs": r.raw.rows["raw.dream__benefit_weeks"],
            "quarantined": r.raw.quarantined, "warnings": r.raw.warnings,
            "benefit_spells": r.core_rows["core.benefit_spell"]}


def stage_a_scan(a) -> dict:
    import duckdb

    path = str(Path(a.delivery) / "dream.csv")
    types = _duckdb_types(_header(Path(path)))
    expr = ", ".join(f'sum("{c}")' if t == "SMALLINT" else f'sum(length("{c}"))'
                     for c, t in types.items())
    con = duckdb.connect()
    t = time.perf_counter()
    sums = con.execute(f"SELECT {expr} FROM read_csv(?, header=true, delim=';', "
                       "auto_detect=false, columns=?)", [path, types]).fetchall()[0]
    total = sum(x or 0 for x in sums)
    secs = time.perf_counter() - t
    return {"seconds": secs, "rows": _long_rows(a), "unit": "benefit weeks", "check": total}


def stage_b_unpivot(a) -> dict:
    import duckdb

    path = str(Path(a.delivery) / "dream.csv")
    types = _duckdb_types(_header(Path(path)))
    weeks = ", ".join(f'"{c}"' for c in types if c.startswith("y_"))
    db = Path(a.work) / "b_unpivot.duckdb"
    con = duckdb.connect(str(db))
    t = time.perf_counter()
    con.execute(f"CREATE TABLE weeks AS SELECT PNR, week, code FROM read_csv(?, header=true, "
                f"delim=';', auto_detect=false, columns=?) UNPIVOT (code FOR week IN ({weeks}))",
                [path, types])
    con.close()
    secs = time.perf_counter() - t
    con = duckdb.connect(str(db), read_only=True)
    n = con.execute("SELECT count(*) FROM weeks").fetchall()[0][0]
    return {"seconds": secs, "rows": n, "unit": "benefit weeks"}


def stage_c_pandas(a) -> dict:
    import pandas as pd

    path = Path(a.delivery) / "dream.csv"
    cols = _header(path)
    weeks = [c for c in cols if c.startswith("y_")]
    t = time.perf_counter()
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, na_values=[""])
    long = df.melt(id_vars=["PNR"], value_vars=weeks, var_name="week", value_name="code")
    long = long.dropna(subset=["code"])
    secs = time.perf_counter() - t
    return {"seconds": secs, "rows": len(long), "unit": "benefit weeks"}


def stage_d_polars(a) -> dict:
    import polars as pl

    path = Path(a.delivery) / "dream.csv"
    cols = _header(path)
    weeks = [c for c in cols if c.startswith("y_")]
    schema = {c: pl.Int16 if c.startswith("y_") else pl.Utf8 for c in cols}
    out = Path(a.work) / "d_polars.parquet"
    t = time.perf_counter()
    (pl.scan_csv(path, separator=";", schema=schema)
     .select(["PNR", *weeks])
     .unpivot(index="PNR", on=weeks, variable_name="week", value_name="code")
     .filter(pl.col("code").is_not_null())
     .sink_parquet(out))
    secs = time.perf_counter() - t
    n = pl.scan_parquet(out).select(pl.len()).collect().item()
    return {"seconds": secs, "rows": n, "unit": "benefit weeks"}


def _long_rows(a) -> int | None:
    m = Path(a.delivery) / "MANIFEST.json"
    if m.exists():
        return json.loads(m.read_text(encoding="utf-8"))["dream"]["benefit_weeks"]
    return None


STAGES = {"generate": stage_generate, "cpr_parse": stage_cpr_parse,
          "dream_load": stage_dream_load, "load_month": stage_load_month,
          "a_scan": stage_a_scan, "b_unpivot": stage_b_unpivot, "c_pandas": stage_c_pandas,
          "d_polars": stage_d_polars}
ANCHORS = ["a_scan", "b_unpivot", "c_pandas", "d_polars"]


def run_child(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=sorted(STAGES))
    p.add_argument("--work", required=True)
    p.add_argument("--delivery", default="")
    p.add_argument("--persons", type=int, default=0)
    p.add_argument("--since", type=int, default=2008)
    a = p.parse_args(argv)
    os.environ.setdefault("INTEGRATION_PSEUDONYM_KEY", KEY.decode())
    result = STAGES[a.stage](a)
    print(RESULT_TAG + json.dumps(result, default=str), flush=True)


# --- the parent: processes, peak RSS, report --------------------------------------------------

TIME_BIN = "/usr/bin/time"


def _measure(stage: str, args: list[str], env: dict) -> dict:
    """Run one stage in its own process; wall time and peak RSS of that process."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", stage, *args]
    use_time = os.path.exists(TIME_BIN)
    if use_time:
        cmd = [TIME_BIN, "-v", *cmd]
    t = time.perf_counter()
    if use_time:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        peak_kb = _time_peak(proc.stderr)
    else:
        proc, peak_kb = _run_polled(cmd, env)
    wall = time.perf_counter() - t
    out = {"stage": stage, "process_wall": wall, "peak_rss_mib": peak_kb / 1024 if peak_kb else None,
           "ok": proc.returncode == 0}
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            out.update(json.loads(line[len(RESULT_TAG):]))
    if proc.returncode != 0:
        out["error"] = (proc.stderr or "")[-2000:]
    return out


def _time_peak(stderr: str) -> int | None:
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) if m else None


def _run_polled(cmd: list[str], env: dict):
    """Fallback without /usr/bin/time: poll the RSS of the process tree with psutil."""
    import psutil

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    proc.stdout, proc.stderr = stdout, stderr
    return proc, peak // 1024


def machine(env: dict) -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        mem = int(m.group(1)) * 1024 if m else 0
    except OSError:
        pass
    versions = {}
    for mod in ("duckdb", "pandas", "numpy", "polars", "dagster"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = "not installed"
    duck = {k: v for k, v in env.items() if k.startswith("INTEGRATION_DUCKDB_")
            and k != "INTEGRATION_DUCKDB_TEMP_DIR"}
    return {"cores": os.cpu_count(), "ram_gib": round(mem / 2**30, 1), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions, "duckdb_env": duck}


def run_size(persons: int, since: int, work: Path, env: dict, anchors: bool,
             pandas_est: dict, keep: bool, log) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    res = {"persons": persons, "since": since, "stages": {}}
    common = ["--work", str(work), "--persons", str(persons), "--since", str(since)]
    delivery = work / MONTH
    gen = _measure("generate", common, env)
    res["stages"]["generate"] = gen
    log(_line(persons, since, gen))
    if not gen["ok"]:
        return res
    res["files"] = {n: (delivery / n).stat().st_size for n in
                    ("cpr_extract.txt", "dream.csv", "residence_permits.csv")}
    res["dream"] = gen["manifest"]["dream"]
    args = [*common, "--delivery", str(delivery)]
    stages = ["cpr_parse", "dream_load", "load_month"]
    if anchors:
        stages += ANCHORS
    for stage in stages:
        if stage == "d_polars" and importlib.util.find_spec("polars") is None:
            res["stages"][stage] = {"stage": stage,
                                    "skipped": "polars not installed (pip install -e .[bench])"}
            log(f"  {stage:<11} skipped: polars not installed")
            continue
        if stage == "c_pandas":
            skip = _pandas_skip(pandas_est, res)
            if skip:
                res["stages"][stage] = {"stage": stage, "skipped": skip}
                log(f"  {stage:<11} skipped: {skip}")
                continue
        r = _measure(stage, args, env)
        res["stages"][stage] = r
        if stage == "c_pandas" and r.get("ok") and r.get("peak_rss_mib"):
            pandas_est["mib_per_cell"] = r["peak_rss_mib"] / _cells(res)
        if stage == "load_month" and r.get("ok"):
            res["warehouse_bytes"] = (work / "load_month.duckdb").stat().st_size
        log(_line(persons, since, r))
        for f in work.glob("*.duckdb*"):
            if f.name != "load_month.duckdb":
                f.unlink()
        (work / "d_polars.parquet").unlink(missing_ok=True)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return res


def _cells(res: dict) -> int:
    d = res["dream"]
    return max(1, d["columns"] * res["stages"]["generate"]["manifest"]["files"]["dream.csv"]
               ["rows"])


def _pandas_skip(est: dict, res: dict) -> str | None:
    if "mib_per_cell" not in est:
        return None
    gib = est["mib_per_cell"] * _cells(res) / 1024
    if gib > PANDAS_MAX_GIB:
        return (f"estimated peak {gib:.1f} GiB (from the smaller run's RSS per wide cell) "
                f"> {PANDAS_MAX_GIB:.0f} GiB limit")
    return None


def _line(persons: int, since: int, r: dict) -> str:
    if not r.get("ok"):
        return f"  {r['stage']:<11} FAILED: {r.get('error', '')[-500:]}"
    rate = r["rows"] / r["seconds"] if r.get("rows") and r.get("seconds") else 0
    return (f"  {persons:>9,} since {since} {r['stage']:<11} {r['seconds']:8.2f} s "
            f"(process {r['process_wall']:6.2f} s) {rate:12,.0f} {r.get('unit', '')}/s "
            f"peak {r['peak_rss_mib'] or 0:8.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        run_child(argv[1:])
        return 0
    p = argparse.ArgumentParser(description="Benchmark the monthly load (issue 8).")
    p.add_argument("--sizes", default="50000,250000,1000000",
                   help="persons per run, DREAM weeks since --since (comma separated)")
    p.add_argument("--since", type=int, default=2008)
    p.add_argument("--long", default="100000:1991",
                   help="one extra run PERSONS:SINCE_YEAR with a long DREAM history ('' = none)")
    p.add_argument("--work", default="", help="scratch folder (default /tmp/bench-<random>)")
    p.add_argument("--doc", default="", help="write the markdown report here")
    p.add_argument("--no-anchors", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep generated files")
    a = p.parse_args(argv)
    work = Path(a.work or tempfile.mkdtemp(prefix="bench-", dir="/tmp"))
    env = dict(os.environ, INTEGRATION_PSEUDONYM_KEY=KEY.decode(), GX_ANALYTICS_ENABLED="false")
    env.setdefault("INTEGRATION_DUCKDB_TEMP_DIR", str(work / "duckdb_tmp"))
    env.setdefault("INTEGRATION_DUCKDB_MEMORY_LIMIT", "2GB")  # keeps the load under 4 GiB
    runs = [(int(n), a.since) for n in a.sizes.split(",") if n.strip()]
    if a.long:
        n, since = a.long.split(":")
        runs.append((int(n), int(since)))
    results = {"machine": machine(env), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
               "runs": []}
    out = work / "results.json"
    pandas_est: dict = {}

    def log(msg: str) -> None:
        print(msg, flush=True)

    log(f"benchmark in {work}: {runs}")
    for persons, since in runs:
        res = run_size(persons, since, work / f"n{persons}_s{since}", env, not a.no_anchors,
                       pandas_est, a.keep, log)
        results["runs"].append(res)
        out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    log(f"results: {out}")
    if a.doc:
        from report import render  # bench/report.py

        Path(a.doc).write_text(render(results), encoding="utf-8")
        log(f"report: {a.doc}")
    failed = [s for r in results["runs"] for s in r["stages"].values()
              if not s.get("ok", True) and not s.get("skipped")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
