"""Fast path of the DREAM CSV reader: a set-based tokenizer in numpy over the memory-mapped file.

Belongs here: splitting the file into fields with vectorised byte operations, benefit weeks
run-length encoded straight from the wide rows (no per-week rows), and the monthly cells as
numbers. Nothing here decides quarantine, rejects or warehouse tables: `extract/dream.py` does,
and uses this module only for files the fast path fully understands (LF or CRLF line ends).
Anything unusual (a quote character, a CR byte that does not end a line with CRLF, a non-ASCII
byte, a row with another number of fields, a week cell that is not 3 digits, a `grad_` that is
not a plain decimal, a `branche_` that is not digits) raises
`NotFast`, and the caller reads the file with DuckDB `read_csv` instead, which gives the exact
rejects and quarantines. Both readers give the same rows (tests/unit/test_dream_scan.py).

Worker threads process line-aligned chunks (numpy releases the GIL for these operations).
"""

from __future__ import annotations

import mmap
import os
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .common import decimal_values

SEMI, NL, CR = 59, 10, 13
CHUNK_BYTES = 8 << 20
PNR_BLOCK = 1 << 16           # lines per block of the PNR pass
MAX_GRAD_CHARS = 15           # digits of a grad_ value; more cannot be parsed exactly here
MAX_BRANCHE_CHARS = 9


class NotFast(Exception):
    """The file needs the general reader (the reason says why)."""


@dataclass
class Layout:
    """Column positions (0-based) of the validated header."""

    ncol: int
    weeks: np.ndarray            # column of each week, in calendar order
    grad: np.ndarray             # column of grad_ per month (calendar order), -1 if missing
    branche: np.ndarray          # column of branche_ per month, -1 if missing


@dataclass
class Runs:
    """Benefit runs of the rows [row0, row0 + rows) of the file (row 0 = line 2)."""

    row0: int
    rows: int
    row: np.ndarray              # file row of each run
    first: np.ndarray            # index of the run's first week column
    weeks: np.ndarray            # number of weeks
    code: np.ndarray             # benefit code 0-999


@dataclass
class Cells:
    """Monthly cells with a grad_ or branche_ value of the rows [row0, row0 + rows)."""

    row0: int
    rows: int
    row: np.ndarray
    month: np.ndarray            # index of the month in calendar order
    has_grad: np.ndarray
    grad: np.ndarray
    branche_len: np.ndarray      # 0 = no branche_ value
    branche: np.ndarray


class DreamScan:
    """A memory-mapped DREAM CSV whose first column is PNR. Use as a context manager."""

    def __init__(self, path: Path, layout: Layout, threads: int | None = None):
        """`threads` worker threads (default: the machine's cores)."""
        self.path = Path(path)
        self.layout = layout
        self.threads = max(1, threads or os.cpu_count() or 1)
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        self._mm = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        self.data = np.frombuffer(self._mm, np.uint8)
        self.eol = NL          # the byte that ends a line's last field (CR: CRLF line ends)
        try:
            self.body = self._mm.find(b"\n") + 1     # first byte of line 2
            if self.body == 0:
                raise NotFast("no data rows")
            self.line_starts = self._line_starts()
        except BaseException as e:
            traceback.clear_frames(e.__traceback__)
            self.close()
            raise

    def close(self) -> None:
        self.data = None
        with suppress(BufferError):  # a view still alive somewhere: the GC closes the map
            self._mm.close()
        self._file.close()

    def __enter__(self) -> DreamScan:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if tb is not None:  # frames of a NotFast hold views of the map
            traceback.clear_frames(tb)
        self.close()

    @property
    def rows(self) -> int:
        return len(self.line_starts) - 1

    # --- pass 1: lines and PNRs -------------------------------------------------------------

    def _line_starts(self) -> np.ndarray:
        """Start of every data line, plus the end of the file (a last line without a newline
        counts). Also the whole-file screening: quotes and non-ASCII bytes need the general
        reader, and so does a CR byte unless every line of the body ends in CRLF (then the
        CR ends the last field: `eol`)."""
        size = len(self.data)
        bounds = list(range(self.body, size, CHUNK_BYTES * 4)) + [size]

        def work(i: int) -> tuple[np.ndarray, np.ndarray]:
            lo, hi = bounds[i], bounds[i + 1]
            a = self.data[lo:hi]
            # memchr-based searches and one reduction: a fraction of numpy's compare passes
            if self._mm.find(b'"', lo, hi) >= 0 or (len(a) and a.view(np.int8).min() < 0):
                raise NotFast("quotes or non-ASCII bytes")   # min < 0: a byte >= 128
            out = np.flatnonzero(a == NL) + (lo + 1)
            crs = (np.flatnonzero(a == CR) + lo if self._mm.find(b"\r", lo, hi) >= 0
                   else out[:0])
            self._release(lo, hi)
            return out, crs

        with ThreadPoolExecutor(self.threads) as ex:
            parts = list(ex.map(work, range(len(bounds) - 1)))
        starts = np.concatenate([np.array([self.body]), *(p[0] for p in parts)])
        crs = np.concatenate([np.zeros(0, np.int64), *(p[1] for p in parts)])
        if len(crs):   # CRLF line ends: one CR right before each newline, and no other CR
            newlines = starts[1:] - 1
            if len(crs) != len(newlines) or not (crs + 1 == newlines).all():
                raise NotFast("CR bytes that are not CRLF line ends")
            self.eol = CR
        if starts[-1] != size:        # the last line has no newline
            starts = np.append(starts, size)
        return starts

    def pnrs(self) -> tuple[np.ndarray, np.ndarray]:
        """The PNR of every data row as a number (int64), and whether its field, trimmed of
        spaces like DuckDB's trim(), is 10 digits (else the number is -1). Read in blocks of
        lines whose pages are released after each block (a gather at every line start would
        otherwise leave the whole file resident)."""
        ls, a = self.line_starts, self.data
        n = self.rows
        numbers = np.full(n, -1, np.int64)
        ok = np.zeros(n, dtype=bool)
        window = np.lib.stride_tricks.sliding_window_view(a, 11) if len(a) >= 11 else None
        for lo in range(0, n if window is not None else 0, PNR_BLOCK):
            hi = min(lo + PNR_BLOCK, n)
            starts = ls[lo:hi]
            fits = starts + 10 < len(a)
            b = window[np.where(fits, starts, 0)]       # the first 11 bytes of each line
            # uint8: non-digits wrap above 9
            good = fits & ((b[:, :10] - np.uint8(48)) < 10).all(axis=1) & (b[:, 10] == SEMI)
            numbers[lo:hi] = np.where(good, decimal_values(b[:, :10]), -1)
            ok[lo:hi] = good
            self._release(int(ls[lo]), int(ls[hi]))
        for i in np.flatnonzero(~ok):          # rare: spaces, or not 10 digits (quarantined)
            line = bytes(a[ls[i]:ls[i + 1]]).rstrip(b"\r\n")
            p = line.split(b";", 1)[0].strip(b" ")
            if len(p) == 10 and p.isdigit():
                numbers[i], ok[i] = int(p), True
        return numbers, ok

    # --- pass 2: runs and monthly cells -----------------------------------------------------

    def runs(self, rows_per_chunk: int | None = None) -> Iterator[Runs]:
        """Benefit runs, chunk by chunk in file order."""
        return self._chunks(self._runs, rows_per_chunk)

    def cells(self, rows_per_chunk: int | None = None) -> Iterator[Cells]:
        """Monthly cells, chunk by chunk in file order."""
        return self._chunks(self._months, rows_per_chunk)

    def _chunks(self, what, rows_per_chunk: int | None):
        """Chunks in file order; at most `threads + 1` are in flight (bounded memory)."""
        n = self.rows
        if rows_per_chunk is None:
            avg = max(1, (len(self.data) - self.body) // max(n, 1))
            rows_per_chunk = max(1, CHUNK_BYTES // avg)
        starts = list(range(0, n, rows_per_chunk))
        with ThreadPoolExecutor(self.threads) as ex:
            pending: list[Future] = []
            for r0 in starts:
                pending.append(ex.submit(self._chunk, what, r0, min(r0 + rows_per_chunk, n)))
                if len(pending) > self.threads:
                    yield pending.pop(0).result()
            for f in pending:
                yield f.result()

    def _chunk(self, what, r0: int, r1: int):
        lay = self.layout
        lo, hi = int(self.line_starts[r0]), int(self.line_starts[r1])
        a = self.data[lo:hi]
        n = r1 - r0
        ends = np.flatnonzero((a == SEMI) | (a == self.eol)).astype(np.int32)
        if len(ends) == n * lay.ncol - 1 and (len(a) == 0 or a[-1] != NL):
            ends = np.append(ends, np.int32(len(a)))   # the file's last line has no newline
        if len(ends) != n * lay.ncol:
            raise NotFast("a row with another number of fields")
        e = ends.reshape(n, lay.ncol)
        last = e[:, -1]
        if not ((last == len(a)) | (a[np.minimum(last, len(a) - 1)] == self.eol)).all():
            raise NotFast("a row with another number of fields")
        out = what(a, e, r0, n)
        self._release(lo, hi)
        return out

    def _release(self, lo: int, hi: int) -> None:
        """Drop the mapped pages of a processed byte range from this process's resident set
        (they stay in the page cache; a later pass faults them in again). Keeps the peak RSS
        at the chunks in flight instead of the whole file."""
        if hasattr(mmap, "MADV_DONTNEED") and hi > lo:
            start = lo - lo % mmap.PAGESIZE
            with suppress(OSError, ValueError):
                self._mm.madvise(mmap.MADV_DONTNEED, start, hi - start)

    def _runs(self, a, e, r0, n) -> Runs:
        w = self.layout.weeks
        ws, wl = _spans(e, w)
        filled = wl > 0
        if np.count_nonzero(wl == 3) != np.count_nonzero(filled):   # lengths are 0 or 3
            raise NotFast("a week cell that is not 3 digits")
        st = ws[filled]
        d = [a[st + k] - np.uint8(48) for k in range(3)]   # uint8: non-digits wrap above 9
        if ((d[0] > 9) | (d[1] > 9) | (d[2] > 9)).any():
            raise NotFast("a week cell that is not 3 digits")
        code = np.zeros((n, len(w) + 2), np.int16)          # 0 = empty, else code + 1
        inner = code[:, 1:-1]
        inner[filled] = d[0].astype(np.int16) * 100 + d[1] * 10 + d[2] + 1
        change = code[:, 1:] != code[:, :-1]                # (n, weeks + 1)
        first = np.flatnonzero(filled & change[:, :-1])
        last = np.flatnonzero(filled & change[:, 1:])
        nw = len(w)
        return Runs(r0, n, (first // nw + r0).astype(np.int32), (first % nw).astype(np.int16),
                    (last - first + 1).astype(np.int16), inner.ravel()[first] - 1)

    def _months(self, a, e, r0, n) -> Cells:
        lay = self.layout
        m = len(lay.grad)
        if m == 0:
            z = np.zeros(0, np.int32)
            return Cells(r0, n, z, z.astype(np.int16), z.astype(bool), z.astype(float),
                         z.astype(np.int8), z)
        gs, gl = _spans(e, lay.grad)
        bs, bl = _spans(e, lay.branche)
        present = (gl > 0) | (bl > 0)
        idx = np.flatnonzero(present)
        gl, gs, bl, bs = gl.ravel()[idx], gs.ravel()[idx], bl.ravel()[idx], bs.ravel()[idx]
        grad = _decimals(a, gs, gl)
        if (bl > MAX_BRANCHE_CHARS).any():
            raise NotFast("a branche_ value longer than 9 characters")
        branche = _digits(a, bs, bl, "branche_")
        return Cells(r0, n, (idx // m + r0).astype(np.int32), (idx % m).astype(np.int16),
                     gl > 0, grad, bl.astype(np.int8), branche.astype(np.int32))


def _spans(e: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, length) of the given columns (never column 0; -1 = missing: length 0) from the
    field ends `e` (n, ncol). Consecutive columns are sliced, not gathered."""
    if len(cols) and (cols > 0).all() and (np.diff(cols) == 1).all():
        block = e[:, cols[0] - 1:cols[-1] + 1]
        return block[:, :-1] + 1, np.diff(block, axis=1) - 1
    have = cols > 0
    c = np.where(have, cols, 1)
    start = e[:, c - 1] + 1
    return start, np.where(have, e[:, c] - start, 0)


# SWAR ("SIMD within a register"): a cell of at most 8 characters is read as one little-endian
# uint64 (its first character in the lowest byte) and checked and converted by whole-word
# arithmetic, a few operations per cell instead of a pass per character position.
_ONES = 0x0101010101010101
_ZEROS, _DOTS = np.uint64(0x30 * _ONES), np.uint64(0x2E * _ONES)
_SIXES, _HIGH_NIBBLES = np.uint64(0x06 * _ONES), np.uint64(0xF0 * _ONES)
_LOW7, _HIGH_BITS = np.uint64(0x7F * _ONES), np.uint64(0x80 * _ONES)
_LOW_BYTES = np.array([(1 << 8 * k) - 1 for k in range(9)], np.uint64)   # the k lowest bytes
_POW10 = 10.0 ** np.arange(9)
_U1, _U6, _U8 = np.uint64(1), np.uint64(6), np.uint64(8)


def _load8(a: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The 8 bytes of `a` from each start as a little-endian uint64 (bytes past the end of `a`
    are 0). One unaligned gather; starts in the last 7 bytes read a zero-padded copy."""
    n = len(a)
    words = np.ndarray((max(n - 7, 0),), "<u8", a, 0, (1,))
    if len(starts) == 0 or starts.max() <= n - 8:
        return words[starts]
    tail = np.zeros(16, np.uint8)
    tail[:min(n, 8)] = a[max(n - 8, 0):]
    padded = np.ndarray((9,), "<u8", tail, 0, (1,))
    near_end = starts > n - 8
    out = np.empty(len(starts), np.uint64)
    out[~near_end] = words[starts[~near_end]]
    out[near_end] = padded[starts[near_end] - max(n - 8, 0)]
    return out


def _cells8(a, starts, lens) -> np.ndarray:
    """Cells of at most 8 characters as words whose bytes past the cell's length are '0'."""
    low = _LOW_BYTES[lens]
    return (_load8(a, starts) & low) | (_ZEROS & ~low)


def _all_digits(w: np.ndarray) -> np.ndarray:
    """Every byte of each word is '0'-'9' (high nibble 3; adding 6 does not carry out of it)."""
    return ((w & _HIGH_NIBBLES) == _ZEROS) & (((w + _SIXES) & _HIGH_NIBBLES) == _ZEROS)


def _swar_value(w: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """The number written by the `digits` (0-8) lowest bytes of each word, digit characters with
    the first one lowest: moved to the top (leading zero bytes below), then pairs, quads and
    octets of digits are combined by three multiply-shifts (uint64 wraps as intended)."""
    w = (w << (_U8 * (_U8 - digits.astype(np.uint64)))) & np.uint64(0x0F * _ONES)
    w = (w * np.uint64(10 * 256 + 1)) >> _U8
    w = ((w & np.uint64(0x00FF00FF00FF00FF)) * np.uint64(100 * 65536 + 1)) >> np.uint64(16)
    w = ((w & np.uint64(0x0000FFFF0000FFFF)) * np.uint64(10000 * 2 ** 32 + 1)) >> np.uint64(32)
    return w.astype(np.int64)


def _digits(a, starts, lens, what):
    """Integer value of cells made of digits only (empty cells give 0)."""
    short = lens <= 8
    if short.all():
        w = _cells8(a, starts, lens)
        if not _all_digits(w).all():
            raise NotFast(f"a {what} value that is not digits")
        return _swar_value(w, lens)
    value = np.zeros(len(lens), np.int64)
    value[short] = _digits(a, starts[short], lens[short], what)
    value[~short] = _digits_by_position(a, starts[~short], lens[~short], what)
    return value


def _digits_by_position(a, starts, lens, what):
    """`_digits` for cells of any length, one character position at a time over all cells."""
    value = np.zeros(len(lens), np.int64)
    for k in range(int(lens.max()) if len(lens) else 0):
        has = lens > k
        d = a[np.where(has, starts + k, 0)] - np.uint8(48)   # uint8: non-digits wrap above 9
        if (has & (d > 9)).any():
            raise NotFast(f"a {what} value that is not digits")
        value = np.where(has, value * 10 + d, value)
    return value


def _decimals(a, starts, lens):
    """Value of plain decimals `digits[.digits]` (empty cells give 0). Computed as one exact
    integer divided by a power of ten, so it equals a correctly rounded parse (DuckDB's)."""
    short = lens <= 8
    if not short.all():
        value = np.zeros(len(lens), np.float64)
        value[short] = _decimals(a, starts[short], lens[short])
        value[~short] = _decimals_by_position(a, starts[~short], lens[~short])
        return value
    w = _cells8(a, starts, lens)
    x = w ^ _DOTS
    dots = ~(((x & _LOW7) + _LOW7) | x) & _HIGH_BITS     # 0x80 in each byte that is a '.'
    has = dots != 0
    w = w + (dots >> _U6)                                # each '.' -> '0' for the digit check
    bad = ~_all_digits(w)
    digits, scale = lens, np.zeros(len(lens), np.int64)
    if has.any():
        first = np.bitwise_count((dots & (~dots + _U1)) - _U1).astype(np.int64) >> 3
        dot = np.where(has, first, lens)
        # a dot needs a digit on both sides and comes once
        bad |= has & ((np.bitwise_count(dots) > 1) | (dot == 0) | (dot == lens - 1))
        below = _LOW_BYTES[dot]
        w = (w & below) | ((w >> _U8) & ~below)          # the dot taken out
        digits = lens - has
        scale = digits - dot
    if bad.any():
        raise NotFast("a grad_ value that is not a plain decimal")
    return _swar_value(w, digits) / _POW10[scale]


def _decimals_by_position(a, starts, lens):
    """`_decimals` for cells of up to MAX_GRAD_CHARS digits, one character position at a time."""
    width = int(lens.max()) if len(lens) else 0
    if width > MAX_GRAD_CHARS + 1:
        raise NotFast("a grad_ value with too many digits")
    value = np.zeros(len(lens), np.int64)
    scale = np.zeros(len(lens), np.int64)
    dot = np.zeros(len(lens), bool)
    bad = np.zeros(len(lens), bool)
    for k in range(width):
        has = lens > k
        c = a[np.where(has, starts + k, 0)]
        is_dot = has & (c == ord("."))
        d = c - np.uint8(48)                               # uint8: non-digits wrap above 9
        digit = has & ~is_dot
        # a dot needs a digit on both sides and comes once
        bad |= (digit & (d > 9)) | (is_dot & (dot | (k == 0) | (lens == k + 1)))
        value = np.where(digit, value * 10 + d, value)
        scale += digit & dot
        dot |= is_dot
    if bad.any():
        raise NotFast("a grad_ value that is not a plain decimal")
    if (value >= 2 ** 53).any():
        raise NotFast("a grad_ value with too many digits")
    return value / 10.0 ** scale
