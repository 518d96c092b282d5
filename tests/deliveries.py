"""Test deliveries derived from the shared tiny fixture (always written under tmp_path)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import TINY


def copy_tiny(data_raw: Path, month: str = "2017-06") -> Path:
    dst = data_raw / month
    shutil.copytree(TINY / "2017-06", dst)
    (dst / "expected.json").unlink()
    return dst


def tiny_as_july(data_raw: Path) -> Path:
    """The tiny delivery as if extracted a month later: new PRODDTO, one more permit row."""
    dst = copy_tiny(data_raw, "2017-07")
    cpr = dst / "cpr_extract.txt"
    data = cpr.read_bytes()
    header, rest = data.split(b"\n", 1)
    header = header[:19] + b"20170731" + b"20170630" + header[35:]
    cpr.write_bytes(header + b"\n" + rest)
    with open(dst / "residence_permits.csv", "a", encoding="utf-8") as f:
        f.write("2902960069;2017-07-03;Studie;41;4101;5120\n")
    return dst
