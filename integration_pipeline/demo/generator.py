"""Deterministic demo deliveries: `generate_delivery(out_dir, month, seed)`.

What belongs here: the public entry point that builds the demo population (`population.py`),
cuts it at the delivery's extract date and writes one delivery folder
`<out_dir>/<month>/{cpr_extract.txt, residence_permits.csv, dream.csv, MANIFEST.json}`.
The same seed gives byte-identical files. Supported months: 2017-06 (the calibrated one: run
through the pipeline it reproduces every figure of the Ballerup 2017 note) and 2017-07 (the same
people one month later).

What does not belong here: parsing or validating deliveries (that is `integration_pipeline.extract`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from integration_pipeline.demo.calibration import DELIVERIES
from integration_pipeline.demo.dream import covered
from integration_pipeline.demo.model import Person
from integration_pipeline.demo.population import build_population
from integration_pipeline.demo.render import render_cpr, render_dream, render_permits

DEFAULT_SEED = 20170630
SUPPORTED_MONTHS = tuple(DELIVERIES)
PRODUCER = "integration_pipeline.demo.generator (synthetic demo data, not real persons)"


@lru_cache(maxsize=2)
def _population(seed: int) -> tuple[Person, ...]:
    return tuple(build_population(seed))


def population(seed: int = DEFAULT_SEED) -> list[Person]:
    """The demo stories (shared between calls; do not modify them)."""
    return list(_population(seed))


def delivery_files(month: str = "2017-06", seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """The three extract files of a delivery month, as bytes."""
    if month not in DELIVERIES:
        raise ValueError(f"demo deliveries exist for {', '.join(SUPPORTED_MONTHS)}, not {month!r}")
    prod, previous, _, _ = DELIVERIES[month]
    persons = population(seed)
    views = [v for p in persons if (v := p.view(prod)) is not None]
    in_extract = [v.person for v in views if v.person.status_code not in ("30", "50")]
    n_weeks, n_months = covered(month)
    revised = month != SUPPORTED_MONTHS[0]
    return {
        "cpr_extract.txt": render_cpr(views, prod, previous),
        "residence_permits.csv": render_permits(views),
        "dream.csv": render_dream(in_extract, n_weeks, n_months, revised),
    }


def _rows(name: str, data: bytes) -> int:
    lines = data.count(b"\n")
    return lines if name.endswith(".txt") else lines - 1  # CSV: without the header


def generate_delivery(out_dir: Path, month: str = "2017-06", seed: int = DEFAULT_SEED) -> Path:
    """Write the demo delivery `month` into `<out_dir>/<month>/` and return that folder."""
    files = delivery_files(month, seed)
    folder = Path(out_dir) / month
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        entries[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                         "rows": _rows(name, data)}
    manifest = {"delivery_month": month, "municipality_code": "0151", "producer": PRODUCER,
                "seed": seed, "files": entries}
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (folder / "MANIFEST.json").write_text(text, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> None:
    """`python -m integration_pipeline.demo --out data_raw --month 2017-06`."""
    parser = argparse.ArgumentParser(description="Write a deterministic demo delivery.")
    parser.add_argument("--out", type=Path, default=Path("data_raw"), help="data_raw folder")
    parser.add_argument("--month", choices=SUPPORTED_MONTHS, action="append",
                        help="delivery month (repeatable; default: all)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    for month in args.month or SUPPORTED_MONTHS:
        print(generate_delivery(args.out, month, args.seed))
