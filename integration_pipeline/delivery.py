"""Finding complete deliveries in the data_raw folder (used by the delivery sensor).

A delivery `<data_raw>/<YYYY-MM>/` is complete when its three extracts are present and, if it
has a MANIFEST.json, every file's sha256 matches the manifest; without a manifest the files
must also have been left untouched for `min_age_s` seconds (not still being copied).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

MONTH_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
REQUIRED = ("cpr_extract.txt", "residence_permits.csv")
DREAM = ("dream.csv", "dream.parquet")


@dataclass
class Found:
    month: str
    fingerprint: str  # sha256 over the files' sha256s: changes exactly when the content does

    @property
    def run_key(self) -> str:
        return f"{self.month}:{self.fingerprint[:16]}"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            h.update(chunk)
    return h.hexdigest()


def delivery_files(folder: Path) -> list[Path] | None:
    files = [folder / n for n in REQUIRED]
    dream = next((folder / n for n in DREAM if (folder / n).exists()), None)
    if dream is None or not all(f.exists() for f in files):
        return None
    return files + [dream]


def _stat_key(files: list[Path]) -> str:
    return ";".join(f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)


def check_manifest(folder: Path, files: list[Path], shas: dict[str, str]) -> str | None:
    """None if MANIFEST.json is absent or agrees; otherwise why the delivery is not ready."""
    manifest = folder / "MANIFEST.json"
    if not manifest.exists():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"MANIFEST.json unreadable: {e}"
    entries = data.get("files", data)
    if isinstance(entries, list):
        entries = {e.get("name") or e.get("file"): e for e in entries}
    for f in files:
        entry = entries.get(f.name)
        want = entry.get("sha256") if isinstance(entry, dict) else entry
        if want and want != shas[f.name]:
            return f"{f.name}: sha256 differs from MANIFEST.json (incomplete copy?)"
    return None


def scan(data_raw: Path, cursor: dict, now: float | None = None, min_age_s: float = 60.0,
         ) -> tuple[list[Found], dict, list[str]]:
    """Deliveries that are new or changed since `cursor`; returns (found, new cursor, notes)."""
    now = time.time() if now is None else now
    new_cursor = dict(cursor)
    found: list[Found] = []
    notes: list[str] = []
    if not data_raw.is_dir():
        return found, new_cursor, [f"{data_raw} does not exist"]
    for folder in sorted(p for p in data_raw.iterdir() if p.is_dir()):
        if not MONTH_DIR.match(folder.name):
            continue
        files = delivery_files(folder)
        if files is None:
            notes.append(f"{folder.name}: incomplete (waiting for all three extracts)")
            continue
        stat = _stat_key(files)
        seen = cursor.get(folder.name, {})
        if seen.get("stat") == stat:
            continue
        has_manifest = (folder / "MANIFEST.json").exists()
        if not has_manifest and now - max(f.stat().st_mtime for f in files) < min_age_s:
            notes.append(f"{folder.name}: files changed less than {min_age_s:.0f}s ago")
            continue
        shas = {f.name: sha256_file(f) for f in files}
        problem = check_manifest(folder, files, shas)
        if problem:
            notes.append(f"{folder.name}: {problem}")
            continue
        fingerprint = hashlib.sha256(
            ";".join(f"{n}={s}" for n, s in sorted(shas.items())).encode()).hexdigest()
        new_cursor[folder.name] = {"stat": stat, "sha": fingerprint}
        if seen.get("sha") != fingerprint:
            found.append(Found(folder.name, fingerprint))
    return found, new_cursor, notes
