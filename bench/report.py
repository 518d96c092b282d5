"""Markdown report of a benchmark run (`run_bench.py --doc`): machine, per-stage table, the
issue's targets as ratios measured in the same run, and a national-scale projection."""

from __future__ import annotations

GIB = 2**30
NATIONAL_CPR = 6_000_000          # CPR persons
NATIONAL_DREAM = 5_000_000        # DREAM persons (rows)
NATIONAL_WEEKS = 1_800            # weekly columns since 1991
TARGET_RSS_MIB = 4096


def _f(x, fmt="{:,.2f}") -> str:
    return "–" if x is None else fmt.format(x)


def _stage_rows(run: dict) -> list[str]:
    out = []
    for name, s in run["stages"].items():
        if s.get("skipped"):
            out.append(f"| {name} | skipped: {s['skipped']} | | | | |")
            continue
        if not s.get("ok"):
            out.append(f"| {name} | FAILED | | | | |")
            continue
        rate = s["rows"] / s["seconds"] if s.get("rows") and s.get("seconds") else None
        label = name
        if name == "dream_load" and "months_seconds" in s:
            label = "dream_load: CSV → benefit spells"
        out.append(f"| {label} | {s['seconds']:,.2f} | {s['process_wall']:,.2f} | "
                   f"{s.get('rows') or 0:,} {s.get('unit', '')} | {_f(rate, '{:,.0f}')} | "
                   f"{_f(s.get('peak_rss_mib'), '{:,.0f}')} |")
        if name == "dream_load" and s.get("months_seconds"):
            m, rows = s["months_seconds"], s.get("employment_months") or 0
            out.append(f"| dream_load: monthly employment pass (same process) | {m:,.2f} | | "
                       f"{rows:,} employment months | {_f(rows / m if m else None, '{:,.0f}')} "
                       "| |")
    return out


def _secs(run: dict, stage: str) -> float | None:
    s = run["stages"].get(stage, {})
    return s.get("seconds") if s.get("ok") else None


def _total(run: dict, stage: str) -> float:
    """Whole stage time (the DREAM stage's `seconds` is its benefit-spell path only)."""
    s = run["stages"].get(stage, {})
    return (s.get("total_seconds") or s.get("seconds") or 0) if s.get("ok") else 0


def targets(run: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, rule, met) for one run."""
    ours, a, b = _secs(run, "dream_load"), _secs(run, "a_scan"), _secs(run, "b_unpivot")
    c, d, month = _secs(run, "c_pandas"), _secs(run, "d_polars"), _secs(run, "load_month")
    rows = []

    def ratio(name, x, y, rule, ok):
        if x is None or y is None:
            rows.append((name, "not measured", rule, None))
        else:
            r = x / y
            rows.append((name, f"{r:.2f}×", rule, ok(r)))

    ratio("DREAM load (CSV → benefit spells) / (a) machine limit", ours, a, "≤ 2×",
          lambda r: r <= 2)
    ratio("DREAM load (CSV → benefit spells) / (d) polars", ours, d, "≤ 1.0×",
          lambda r: r <= 1.0)
    ratio("(c) pandas / DREAM load (CSV → benefit spells)", c, ours, "≥ 10×", lambda r: r >= 10)
    ratio("whole monthly load / (b) read_csv+UNPIVOT", month, b, "≤ 3×", lambda r: r <= 3)
    peaks = [s.get("peak_rss_mib") for n, s in run["stages"].items()
             if n in ("cpr_parse", "dream_load", "load_month") and s.get("ok")]
    if peaks:
        top = max(p for p in peaks if p is not None)
        rows.append(("peak RSS of the pipeline's stages", f"{top:,.0f} MiB", "< 4 GiB",
                     top < TARGET_RSS_MIB))
    return rows


def projection(results: dict) -> list[str]:
    runs = [r for r in results["runs"] if r["stages"].get("load_month", {}).get("ok")]
    if not runs:
        return ["No successful run to project from."]
    big = max((r for r in runs if r["since"] != 1991), key=lambda r: r["persons"],
              default=runs[-1])
    long = next((r for r in runs if r["since"] == 1991), big)
    n = big["persons"]
    cpr_t = _secs(big, "cpr_parse") or 0
    month_t = _secs(big, "load_month") or 0
    dream_t = _total(long, "dream_load")
    long_weeks = long["stages"]["dream_load"].get("rows") or 1
    share = long["dream"]["filled_week_share"]
    nat_weeks = NATIONAL_DREAM * NATIONAL_WEEKS * share
    dream_nat = dream_t / long_weeks * nat_weeks
    rest = max(month_t - cpr_t - _total(big, "dream_load"), 0) / n * NATIONAL_CPR
    cpr_nat = cpr_t / n * NATIONAL_CPR
    wh = big.get("warehouse_bytes") or 0
    big_weeks = big["stages"]["dream_load"].get("rows") or 1
    disk_nat = wh / big_weeks * nat_weeks if wh else None
    csv_nat = (long["files"]["dream.csv"] / (long["stages"]["generate"]["manifest"]["files"]
                                               ["dream.csv"]["rows"] * long["dream"]["columns"])
               * NATIONAL_DREAM * (NATIONAL_WEEKS + 2 * 12 * 26 + 2))
    cpr_rss = big["stages"]["cpr_parse"].get("peak_rss_mib") or 0
    lines = [
        f"Linear in the measured work: CPR parsing per person from the {n:,}-person run "
        f"({cpr_t:.1f} s), DREAM per long benefit-week row from the {long['persons']:,}-person "
        f"run since {long['since']} ({dream_t:.1f} s for {long_weeks:,} rows; "
        f"{share:.1%} of weekly cells filled), core + report per person.",
        "",
        "| quantity | national estimate |",
        "|---|---|",
        f"| DREAM CSV ({NATIONAL_DREAM:,} rows × ~{NATIONAL_WEEKS:,} weekly + monthly columns) | "
        f"{csv_nat / GIB:,.0f} GiB |",
        f"| long benefit-week rows per delivery | {nat_weeks / 1e9:,.2f} billion |",
        f"| CPR parse ({NATIONAL_CPR:,} persons) | {cpr_nat / 60:,.1f} min |",
        f"| DREAM load (CSV → raw weeks/months → benefit spells) | {dream_nat / 60:,.1f} min |",
        f"| core + report tables | {rest / 60:,.1f} min |",
        f"| whole monthly load | {(cpr_nat + dream_nat + rest) / 60:,.1f} min |",
    ]
    if disk_nat:
        lines.append(f"| warehouse growth per delivery month (DuckDB file) | "
                     f"{disk_nat / GIB:,.0f} GiB |")
    lines.append(f"| peak RSS: CPR parse (the file's bytes and its columns, linear in persons) | "
                 f"{cpr_rss / n * NATIONAL_CPR / 1024:,.1f} GiB |")
    lines.append("| peak RSS: DuckDB stages | bounded by INTEGRATION_DUCKDB_MEMORY_LIMIT "
                 "(spills to INTEGRATION_DUCKDB_TEMP_DIR) |")
    month_rss = big["stages"]["load_month"].get("peak_rss_mib")
    if month_rss:
        limit = results["machine"].get("duckdb_env", {}).get("INTEGRATION_DUCKDB_MEMORY_LIMIT")
        lines.append(f"| peak RSS: whole monthly load | measured {month_rss:,.0f} MiB at {n:,} "
                     f"persons (DuckDB memory_limit {limit or 'default'}); at national scale "
                     "the CPR parse above sets the peak |")
    return lines


def render(results: dict) -> str:
    m = results["machine"]
    v = m["versions"]
    out = [
        "# Benchmarks: the monthly load at municipal to national scale",
        "",
        f"Generated by `make bench` (`bench/run_bench.py`) on {results['started']}. "
        "Each stage ran in its own process; seconds are measured inside the process around "
        "the work (imports excluded), *process* is the wall time of the whole process, peak "
        "RSS comes from `/usr/bin/time -v`.",
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['platform']}",
        f"- Python {m['python']}, duckdb {v['duckdb']}, pandas {v['pandas']}, numpy {v['numpy']}, "
        f"polars {v['polars']}, dagster {v['dagster']}",
        f"- DuckDB settings: {m['duckdb_env'] or 'defaults'}",
        "",
    ]
    for run in results["runs"]:
        d = run.get("dream", {})
        f = run.get("files", {})
        out += [
            f"## {run['persons']:,} persons, DREAM weeks since {run['since']}",
            "",
            f"Files: cpr_extract.txt {f.get('cpr_extract.txt', 0) / 2**20:,.0f} MiB, dream.csv "
            f"{f.get('dream.csv', 0) / 2**20:,.0f} MiB ({d.get('columns', 0)} columns: "
            f"{d.get('weeks', 0)} weeks, {d.get('months', 0)} months; "
            f"{d.get('filled_week_share', 0):.1%} of weekly and "
            f"{d.get('filled_month_share', 0):.1%} of monthly cells filled). "
            + (f"Warehouse after the monthly load: {run['warehouse_bytes'] / 2**20:,.0f} MiB."
               if run.get("warehouse_bytes") else ""),
            "",
            "| stage | seconds | process s | rows | rows/s | peak RSS MiB |",
            "|---|---:|---:|---:|---:|---:|",
            *_stage_rows(run),
            "",
        ]
        t = targets(run)
        if any(met is not None for *_, met in t):
            out += ["| target | measured | rule | met |", "|---|---:|---|---|"]
            out += [f"| {name} | {val} | {rule} | "
                    f"{'–' if met is None else ('yes' if met else '**no**')} |"
                    for name, val, rule, met in t]
            out.append("")
    out += ["## National-scale projection", "", *projection(results), ""]
    return "\n".join(out)
