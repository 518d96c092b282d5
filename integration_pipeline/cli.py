"""Command line: `integration-pipeline run | generate-demo | generate-bench | report`.

Every command has --help. `run` materialises a month's partition through Dagster (in process;
with DAGSTER_HOME set the run and its lineage are recorded in that instance) and exits non-zero
with a one-paragraph message when the delivery is rejected or validation fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .settings import DEFAULT_DATA_RAW, DEFAULT_MUNICIPALITY, DEFAULT_WAREHOUSE


def _month(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"month must be YYYY-MM, got {text!r}")
    return text


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def cmd_run(args: argparse.Namespace) -> int:
    import dagster as dg

    from .definitions import build_defs
    from .resources import PipelineSettings, WarehouseResource

    settings = PipelineSettings(
        data_raw=str(args.data_raw), municipality=args.municipality,
        period_start=args.period_start, residence_date=args.residence_date or "",
        status_week=args.status_week or "", demo_mode=args.demo,
        disclosure_threshold=args.disclosure_threshold,
        reports_dir=str(args.reports_dir) if args.reports_dir else "")
    defs = build_defs({"warehouse": WarehouseResource(database=str(args.warehouse)),
                       "settings": settings})
    job = defs.resolve_job_def("monthly_load")
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None
    print(f"integration-pipeline: loading delivery {args.month} from {args.data_raw} into "
          f"{args.warehouse} (municipality {args.municipality})", flush=True)
    result = job.execute_in_process(
        partition_key=args.month, instance=instance, raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}})
    if result.success:
        print(f"integration-pipeline: {args.month} loaded; "
              f"{len(result.get_asset_materialization_events())} tables materialised, "
              f"run {result.run_id}")
        return 0
    print(f"integration-pipeline: run for {args.month} FAILED. {_failure_message(result)}",
          file=sys.stderr)
    return 1


def _failure_message(result) -> str:
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            return data.user_failure_data.description
        if data.error is not None:
            err = data.error
            while err.cause is not None:
                err = err.cause
            return f"{event.step_key}: {err.message.strip()}"
    return "see the log above"


def cmd_generate_demo(args: argparse.Namespace) -> int:
    from .demo.generator import generate_delivery

    for month in args.month:
        out = generate_delivery(Path(args.out), month=month, seed=args.seed)
        print(f"integration-pipeline: demo delivery {month} written to {out}")
    return 0


def cmd_generate_bench(args: argparse.Namespace) -> int:
    from .demo.scale import generate_scaled

    out = generate_scaled(Path(args.out), args.persons, since_year=args.since, month=args.month,
                          seed=args.seed)
    print(f"integration-pipeline: synthetic delivery of {args.persons:,} persons (DREAM weeks "
          f"since {args.since}) written to {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .publish import publish_report

    try:
        paths = publish_report(str(args.warehouse), args.month, args.municipality,
                               threshold=args.disclosure_threshold,
                               formats=tuple(args.format), out_root=args.out)
    except Exception as e:  # noqa: BLE001 - shown as a one-line message
        print(f"integration-pipeline: report for {args.month} failed: {e}", file=sys.stderr)
        return 1
    for p in paths.values():
        print(p)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="integration-pipeline",
        description="Monthly register extracts (CPR, residence permits, DREAM) -> DuckDB "
                    "warehouse -> the integration report.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="load one delivery month through Dagster",
                       description="Materialise every asset of a month's partition: reference "
                       "tables, raw, core and report tables, and the published report.")
    r.add_argument("--month", required=True, type=_month, help="delivery month YYYY-MM")
    r.add_argument("--data-raw", type=Path,
                   default=Path(_env("INTEGRATION_DATA_RAW", DEFAULT_DATA_RAW)),
                   help="folder holding <YYYY-MM>/ deliveries (env INTEGRATION_DATA_RAW, "
                        "default data_raw)")
    r.add_argument("--warehouse", type=Path,
                   default=Path(_env("INTEGRATION_WAREHOUSE", DEFAULT_WAREHOUSE)),
                   help="DuckDB file (env INTEGRATION_WAREHOUSE, default "
                        "warehouse/integration.duckdb)")
    r.add_argument("--municipality", default=_env("INTEGRATION_MUNICIPALITY",
                                                  DEFAULT_MUNICIPALITY),
                   help="4-digit municipality code (env INTEGRATION_MUNICIPALITY, default 0151)")
    r.add_argument("--period-start", default="2013-01-01",
                   help="first arrival date counted (default 2013-01-01)")
    r.add_argument("--residence-date", default=None,
                   help="reference date for 'still resident' (default: the CPR extract date)")
    r.add_argument("--status-week", default=None,
                   help="ISO week YYYY-Www for the status tables (default: first week whose "
                        "Thursday falls in the latest month DREAM covers)")
    r.add_argument("--disclosure-threshold", type=int, default=3,
                   help="published report: counts below this are suppressed (0 = off)")
    r.add_argument("--reports-dir", type=Path, default=None,
                   help="where rendered reports go (default: reports/ beside the warehouse)")
    r.add_argument("--demo", action="store_true",
                   help="demo mode: create a random pseudonym key on first use")
    r.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    r.set_defaults(func=cmd_run)

    g = sub.add_parser("generate-demo", help="write the deterministic demo delivery",
                       description="Write the demo delivery (calibrated to the Ballerup 2017 "
                       "note) into <out>/<month>/.")
    g.add_argument("--out", default=_env("INTEGRATION_DATA_RAW", DEFAULT_DATA_RAW),
                   help="target folder (default data_raw)")
    g.add_argument("--month", action="append", choices=["2017-06", "2017-07"],
                   help="delivery month; repeat for several (default 2017-06)")
    g.add_argument("--seed", type=int, default=20170630, help="random seed")
    g.set_defaults(func=cmd_generate_demo)

    gb = sub.add_parser("generate-bench", help="write a synthetic delivery of any size",
                        description="Write a synthetic delivery (not calibrated; for "
                        "benchmarks) of N persons into <out>/<month>/.")
    gb.add_argument("--persons", required=True, type=int, help="number of CPR persons")
    gb.add_argument("--since", type=int, default=2008,
                    help="first year of the DREAM weekly columns (default 2008; 1991 = all)")
    gb.add_argument("--out", required=True, help="target folder")
    gb.add_argument("--month", type=_month, default="2017-06", help="delivery month")
    gb.add_argument("--seed", type=int, default=1, help="random seed")
    gb.set_defaults(func=cmd_generate_bench)

    rp = sub.add_parser("report", help="render the published report of a loaded month",
                        description="Render report.html / report.md / CSV files of a month "
                        "from the warehouse's report tables, with disclosure control.")
    rp.add_argument("--month", required=True, type=_month)
    rp.add_argument("--warehouse", type=Path,
                    default=Path(_env("INTEGRATION_WAREHOUSE", DEFAULT_WAREHOUSE)))
    rp.add_argument("--municipality", default=_env("INTEGRATION_MUNICIPALITY",
                                                   DEFAULT_MUNICIPALITY))
    rp.add_argument("--format", action="append", choices=["html", "md", "csv"],
                    help="output format; repeat for several (default all)")
    rp.add_argument("--disclosure-threshold", type=int, default=3,
                    help="counts 1..N-1 shown as <N (0 = exact counts)")
    rp.add_argument("--out", type=Path, default=None,
                    help="output root (default: reports/ beside the warehouse)")
    rp.set_defaults(func=cmd_report)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "month", None) is None and args.command == "generate-demo":
        args.month = ["2017-06"]
    if args.command == "report" and not args.format:
        args.format = ["html", "md", "csv"]
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
