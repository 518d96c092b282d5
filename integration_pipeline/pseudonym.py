"""Person key: HMAC-SHA256 of the current CPR number (spec "Person key").

The only place that turns a PNR into a `person_key`. A plain hash of a CPR number is not a
pseudonym (the space is small enough to enumerate), so the key is required.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

KEY_HEX_CHARS = 32
_BLOCK = hashlib.sha256().block_size


def person_key(key: bytes, pnr: str) -> str:
    return hmac.new(key, pnr.encode("ascii"), hashlib.sha256).hexdigest()[:KEY_HEX_CHARS]


def keyer(key: bytes) -> Callable[[str], str]:
    """`person_key(key, ·)` for many numbers: the key's padded inner and outer blocks are
    hashed once (RFC 2104), each number then costs two hash copies (twice as fast)."""
    k = hashlib.sha256(key).digest() if len(key) > _BLOCK else key
    k = k.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))

    def one(pnr: str) -> str:
        i = inner.copy()
        i.update(pnr.encode("ascii"))
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()[:KEY_HEX_CHARS]

    return one
