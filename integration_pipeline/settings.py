"""Run settings: environment variables of the spec, their defaults, and the pseudonym key.

Only `Settings.from_env()` reads the environment, and only when called (never at import time).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_DATA_RAW = "data_raw"
DEFAULT_WAREHOUSE = "warehouse/integration.duckdb"
DEFAULT_MUNICIPALITY = "0151"
DEFAULT_PERIOD_START = "2013-01-01"
DEMO_KEY_FILE = Path.home() / ".config" / "integration-pipeline" / "demo_pseudonym.key"


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    data_raw: Path
    warehouse: Path
    municipality: str
    pseudonym_key_file: Path | None = None
    demo_mode: bool = False
    quarantine_max_share: float = 0.01
    quarantine_max_count: int = 10

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        s = cls(
            data_raw=Path(env.get("INTEGRATION_DATA_RAW", DEFAULT_DATA_RAW)),
            warehouse=Path(env.get("INTEGRATION_WAREHOUSE", DEFAULT_WAREHOUSE)),
            municipality=env.get("INTEGRATION_MUNICIPALITY", DEFAULT_MUNICIPALITY),
            pseudonym_key_file=(Path(env["INTEGRATION_PSEUDONYM_KEY_FILE"])
                                if env.get("INTEGRATION_PSEUDONYM_KEY_FILE") else None),
            demo_mode=env.get("INTEGRATION_DEMO", "") == "1",
        )
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if "data_raw" in overrides:
            overrides["data_raw"] = Path(overrides["data_raw"])
        if "warehouse" in overrides:
            overrides["warehouse"] = Path(overrides["warehouse"])
        s = replace(s, **overrides)
        validate_municipality(s.municipality)
        return s


def validate_municipality(code: str) -> str:
    if not (len(code) == 4 and code.isdigit()):
        raise ConfigError(f"municipality code must be 4 digits (e.g. 0151), got {code!r}")
    return code


def load_pseudonym_key(key_file: Path | None = None, demo_mode: bool = False) -> bytes:
    """The HMAC key: `INTEGRATION_PSEUDONYM_KEY`, else a key file, else (demo mode) a random
    key created once at `DEMO_KEY_FILE` with mode 0600. Outside demo mode a missing key is an
    error: pseudonyms must be stable across months, so the key is never made up silently."""
    value = os.environ.get("INTEGRATION_PSEUDONYM_KEY")
    if value:
        return value.encode("utf-8")
    path = key_file or (DEMO_KEY_FILE if demo_mode else None)
    if path is not None and path.exists():
        key = path.read_bytes().strip()
        if key:
            return key
    if demo_mode:
        path = path or DEMO_KEY_FILE
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_hex(32).encode("ascii")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        print(f"integration-pipeline: demo mode, created a random pseudonym key at {path} (mode 0600)")
        return key
    raise ConfigError(
        "no pseudonym key: set INTEGRATION_PSEUDONYM_KEY, or INTEGRATION_PSEUDONYM_KEY_FILE to a "
        "key file outside the repository and the warehouse (or use --demo for the demo delivery)"
    )
