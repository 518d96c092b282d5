"""Person key: HMAC-SHA256 of the current CPR number (spec "Person key").

The only place that turns a PNR into a `person_key`. A plain hash of a CPR number is not a
pseudonym (the space is small enough to enumerate), so the key is required.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

KEY_HEX_CHARS = 32


def person_key(key: bytes, pnr: str) -> str:
    return hmac.new(key, pnr.encode("ascii"), hashlib.sha256).hexdigest()[:KEY_HEX_CHARS]


def person_keys(key: bytes, pnrs: Iterable[str]) -> dict[str, str]:
    """Map each distinct PNR to its person key."""
    return {p: person_key(key, p) for p in set(pnrs)}
