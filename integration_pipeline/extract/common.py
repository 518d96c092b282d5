"""Shared parser plumbing: delivery errors, encoding detection, issue records, date and digit
helpers."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

_C1_CHARS = re.compile("[\x80-\x9f]")
_UTF8_2BYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")
ISSUE_COLUMNS = ["source_file", "line", "record_type", "rule", "field", "reason", "pnr"]


class DeliveryError(Exception):
    """The delivery (or one whole file of it) is unusable: the load is rejected.

    The message names the file, the line (or byte offset) and the field."""

    def __init__(self, file: str | Path, reason: str, line: int | None = None,
                 field: str | None = None, byte_offset: int | None = None):
        self.file = str(Path(file).name)
        self.path = str(file)
        self.line = line
        self.field = field
        self.reason = reason
        where = self.file
        if line is not None:
            where += f", line {line}"
        elif byte_offset is not None:
            where += f", byte offset {byte_offset}"
        if field:
            where += f", field {field}"
        super().__init__(f"{where}: {reason}")


@dataclass
class Issues:
    """Quarantined records and warnings collected while parsing one file."""

    source_file: str
    quarantined: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    def quarantine(self, line, record_type, rule, fld, reason, pnr=None):
        self.quarantined.append(dict(source_file=self.source_file, line=line,
                                     record_type=record_type, rule=rule, field=fld,
                                     reason=reason, pnr=pnr))

    def warn(self, line, record_type, rule, fld, reason, pnr=None):
        self.warnings.append(dict(source_file=self.source_file, line=line,
                                  record_type=record_type, rule=rule, field=fld,
                                  reason=reason, pnr=pnr))

    def frame(self, which: str) -> pd.DataFrame:
        rows = self.quarantined if which == "quarantine" else self.warnings
        return pd.DataFrame(rows, columns=ISSUE_COLUMNS).astype(
            {"line": "Int64", "source_file": "string", "record_type": "string",
             "rule": "string", "field": "string", "reason": "string", "pnr": "string"})


def decimal_values(b: np.ndarray) -> np.ndarray:
    """The numbers written by the rows of `b`, (n, k) uint8 characters '0'-'9' (the caller
    checks the digits: other bytes give a meaningless number), as int64."""
    v = np.zeros(len(b), np.int64)
    for k in range(b.shape[1]):
        v = v * 10 + (b[:, k] - np.uint8(48))
    return v


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def detect_encoding(path: Path, data: bytes | None = None) -> str:
    """Return 'utf-8-sig', 'utf-8' or 'latin-1' for a delivery file, or raise DeliveryError.

    UTF-8 (with or without BOM) is accepted; otherwise ISO-8859-1, but not a file that mixes
    UTF-8 sequences with other bytes, and not one with C1 control bytes 0x80-0x9F (a cp1252
    file: its quotes and dashes would silently turn into control characters)."""
    if data is None:
        data = read_bytes(path)
    if data.isascii():   # the usual case, decided without decoding: ASCII is valid UTF-8
        return "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    else:
        enc = "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        if enc == "utf-8-sig":
            start = e.start + len(codecs.BOM_UTF8)  # utf-8-sig reports offsets after the BOM
            raise DeliveryError(path, f"byte 0x{data[start]:02x} is not valid UTF-8 although "
                                f"the file starts with a UTF-8 byte-order mark",
                                line=_line_of_offset(data, start)) from None
        if _has_utf8_multibyte(data[: e.start]):
            raise DeliveryError(path, f"mixed encodings: UTF-8 text before byte 0x{data[e.start]:02x}"
                                f" (offset {e.start}), which is not valid UTF-8",
                                line=_line_of_offset(data, e.start)) from None
        later, c1 = _latin1_suspects(data, e.start)
        if later is not None:
            raise DeliveryError(path, f"mixed encodings: byte 0x{data[e.start]:02x} (offset "
                                f"{e.start}) is not valid UTF-8, but UTF-8 text follows at "
                                f"offset {later}", line=_line_of_offset(data, later)) from None
        if c1 is not None:
            raise DeliveryError(path, f"byte 0x{data[c1]:02x} at offset {c1} is a C1 control "
                                "character in ISO-8859-1 (a Windows-1252 file?); expected "
                                "ISO-8859-1 or UTF-8", line=_line_of_offset(data, c1)) from None
        return "latin-1"
    m = _C1_CHARS.search(text)
    if m is not None:
        c1 = m.start()
        line = text.count("\n", 0, c1) + 1
        raise DeliveryError(path, f"C1 control character U+{ord(text[c1]):04X} in UTF-8 text",
                            line=line)
    return enc


def _latin1_suspects(data: bytes, start: int) -> tuple[int | None, int | None]:
    """(offset of the first UTF-8 two-byte sequence at or after `start`, offset of the first C1
    byte 0x80-0x9F), None where there is none; numpy over the non-ASCII bytes only (a regex
    scan of a 0.5 GiB file takes seconds)."""
    b = np.frombuffer(data, np.uint8)
    step = 64 << 20   # in pieces: a whole-file mask would cost a byte per byte of the file
    pos = np.concatenate([np.flatnonzero(b[i:i + step] >= 0x80) + i
                          for i in range(0, len(b), step)] or [np.zeros(0, np.int64)])
    v = b[pos]
    c1 = np.flatnonzero(v <= 0x9F)
    lead = (v[:-1] >= 0xC2) & (v[:-1] <= 0xDF) & (v[1:] <= 0xBF) & (pos[1:] == pos[:-1] + 1)
    pairs = pos[:-1][lead]
    pairs = pairs[pairs >= start]
    return (int(pairs[0]) if len(pairs) else None, int(pos[c1[0]]) if len(c1) else None)


def _has_utf8_multibyte(data: bytes) -> bool:
    return _UTF8_2BYTE.search(data) is not None


def read_bytes(path: Path) -> bytes:
    path = Path(path)
    if not path.exists():
        raise DeliveryError(path, "file is missing from the delivery")
    data = path.read_bytes()
    if not data:
        raise DeliveryError(path, "file is empty (0 bytes)")
    return data


def read_text(path: Path) -> tuple[str, str]:
    """Decode a delivery file; returns (text, encoding)."""
    data = read_bytes(path)
    enc = detect_encoding(path, data)
    return data.decode(enc), enc
