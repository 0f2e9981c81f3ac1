"""Row-level helpers the extract families share: ids, string and date columns, cohort windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import polars as pl
import pyarrow as pa

_DIGITS = np.array([[48 + (i // 10**k) % 10 for k in range(4, -1, -1)] for i in range(100_000)], dtype=np.uint8)


def format_ids(nums: np.ndarray, prefix: str, width: int) -> pl.Series:
    """'P000001234'-style ids from non-negative integers below 10**width, vectorised."""
    n = len(nums)
    groups: list[int] = []
    w = width
    while w > 0:
        groups.insert(0, min(5, w))
        w -= 5
    fields = [("p", f"V{len(prefix)}")] + [(f"g{i}", f"V{g}") for i, g in enumerate(groups)]
    rec = np.empty(n, dtype=np.dtype(fields))
    rec["p"] = np.frombuffer(prefix.encode(), dtype=f"V{len(prefix)}")[0]
    rem = nums.astype(np.int64)
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        part = rem % 100_000
        rem = rem // 100_000
        table = np.ascontiguousarray(_DIGITS[:, 5 - g:]).view(f"V{g}").ravel()
        rec[f"g{i}"] = table[part]
    length = len(prefix) + width
    offsets = np.arange(n + 1, dtype=np.int64) * length
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(rec.view(np.uint8)))
    return pl.Series(pl.from_arrow(arr))


def increasing_ids(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """n strictly increasing random integers below 10**width (an extract sorted by id): a
    random start and gaps of 1 to 64, like the ids of a register that also holds records
    outside the extract."""
    space = 10**width
    gap = max(1, min(64, space // (4 * max(n, 1))))
    if n * gap >= space:
        raise ValueError("too many ids for the id width")
    start = int(rng.integers(0, space - n * gap))
    return start + np.cumsum(rng.integers(1, gap + 1, n, dtype=np.int64))


def strings(values: Iterable[str], codes: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String).gather(codes.astype(np.uint32))


def dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def cohort_window(cohort: str) -> tuple[dt.date, dt.date]:
    y = int(cohort[:4])
    if len(cohort) > 4:
        return dt.date(y, 4, 1), dt.date(y + 1, 3, 31)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def treatment_window(cohort: str) -> tuple[dt.date, dt.date]:
    y1 = int(cohort[:4])
    y2 = (y1 // 100) * 100 + int(cohort[5:7])
    return dt.date(y1, 4, 1), dt.date(y2, 3, 31)
