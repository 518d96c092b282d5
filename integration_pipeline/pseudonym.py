"""Person key: HMAC-SHA256 of the current CPR number (spec "Person key").

The only place that turns a PNR into a `person_key` (one at a time, or looked up among the
known numbers of an extract: `KeyIndex`). A plain hash of a CPR number is not a
pseudonym (the space is small enough to enumerate), so the key is required.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import numpy as np
import pandas as pd

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


class KeyIndex:
    """PNR -> person key through one hash index of the known numbers as integers (`numbers`
    with their `keys`: an old number can carry its current number's key, and the same `persons`
    id; -1 = a text that is not 10 digits, looked up by text among `texts`); any other number
    gets its own key."""

    def __init__(self, numbers: np.ndarray, keys: np.ndarray, key_for: Callable[[str], str],
                 persons: np.ndarray | None = None, texts: np.ndarray | None = None):
        known = np.asarray(numbers) >= 0
        self._odd = ({} if texts is None or known.all() else
                     dict(zip(np.asarray(texts)[~known].tolist(),
                              np.asarray(keys, dtype=object)[~known].tolist(), strict=True)))
        self._index = pd.Index(np.asarray(numbers, dtype=np.int64)[known])
        self._keys = np.asarray(keys, dtype=object)[known]
        self._persons = (np.arange(len(self._keys)) if persons is None
                         else np.asarray(persons, dtype=np.int64)[known])
        self._key_for = key_for

    def lookup(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(key, person id) of each 10-digit number; person -1 for a number not known."""
        pos = self._index.get_indexer(np.asarray(numbers, dtype=np.int64))
        keys = np.full(len(pos), None, dtype=object)
        hit = pos >= 0
        keys[hit] = self._keys[pos[hit]]
        for i in np.flatnonzero(~hit):
            keys[i] = self._key_for(f"{numbers[i]:010d}")
        persons = np.full(len(pos), -1, dtype=np.int64)
        persons[hit] = self._persons[pos[hit]]
        return keys, persons

    def kept(self, pnrs) -> np.ndarray:
        """Whether each PNR text is a known number."""
        numbers, digits = pnr_numbers(pnrs)
        return np.where(digits, self._index.get_indexer(numbers) >= 0,
                        [p in self._odd for p in pnrs])

    def of(self, pnrs) -> np.ndarray:
        """Keys of the PNR texts `pnrs` (None where a PNR is missing)."""
        pnrs = np.asarray(pnrs, dtype=object)
        numbers, digits = pnr_numbers(pnrs)
        out = np.full(len(pnrs), None, dtype=object)
        out[digits] = self.lookup(numbers[digits])[0]
        for i in np.flatnonzero(~digits):
            p = pnrs[i]
            out[i] = (self._odd.get(p) or self._key_for(p)) if isinstance(p, str) else None
        return out


def pnr_numbers(pnrs) -> tuple[np.ndarray, np.ndarray]:
    """(number, is 10 digits) of PNR texts; the number is -1 where it is not 10 digits."""
    pnrs = list(pnrs)
    digits = np.fromiter((isinstance(p, str) and len(p) == 10 and p.isascii() and p.isdigit()
                          for p in pnrs), dtype=bool, count=len(pnrs))
    numbers = np.full(len(pnrs), -1, dtype=np.int64)
    if digits.any():
        numbers[digits] = np.array([p for p, d in zip(pnrs, digits, strict=True) if d],
                                   dtype="U10").astype(np.int64)
    return numbers, digits
