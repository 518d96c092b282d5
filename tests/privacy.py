"""Privacy assertions for tests: no CPR number of the input may leak into warehouse files,
tables, error messages or log output."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_PNR = re.compile(r"^\d{10}$")


def _forms(pnr: str) -> list[str]:
    """The plain number and its usual printed form DDMMYY-SSSS."""
    return [pnr, f"{pnr[:6]}-{pnr[6:]}"]


def _masked(pnr: str) -> str:
    # never print a whole number in an assertion message (CI logs are not private)
    return pnr[:4] + "******"


def assert_no_cpr(text_or_bytes: str | bytes | Path, pnrs: Iterable[str], what: str = "") -> None:
    """Fail if any of `pnrs` (10-digit CPR numbers) occurs in the text, the bytes, or the file.

    Bytes are searched as ASCII and as UTF-16 (LE and BE), the encodings a number can take in a
    binary file or a log; a str is searched as is."""
    pnrs = sorted(set(pnrs))
    assert pnrs, "no CPR numbers given: the check would be vacuous"
    bad = [p for p in pnrs if not _PNR.match(p)]
    assert not bad, f"not 10-digit CPR numbers: {[_masked(p) for p in bad]}"
    if isinstance(text_or_bytes, Path):
        what = what or str(text_or_bytes)
        text_or_bytes = text_or_bytes.read_bytes()
    hits = []
    for p in pnrs:
        for form in _forms(p):
            if isinstance(text_or_bytes, bytes):
                needles = [form.encode("ascii"), form.encode("utf-16-le"),
                           form.encode("utf-16-be")]
                found = [text_or_bytes.find(n) for n in needles]
                offset = next((o for o in found if o >= 0), -1)
            else:
                offset = text_or_bytes.find(form)
            if offset >= 0:
                hits.append(f"{_masked(p)} at offset {offset}")
    assert not hits, f"CPR number(s) found in {what or 'output'}: {', '.join(hits)}"
