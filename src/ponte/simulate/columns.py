"""Vectorised column builders: numpy arrays in, Arrow arrays out, no Python loop per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.kernel import package_data

DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)


def load_data(name: str) -> dict[str, Any]:
    return package_data.load_yaml("ponte.simulate", name)


def ascii_strings(chars: np.ndarray) -> pa.StringArray:
    """An (n, k) matrix of ASCII codes as n strings of k characters (zero-copy layout)."""
    chars = np.ascontiguousarray(chars, dtype=np.uint8)
    n, k = chars.shape
    offsets = (np.arange(n + 1, dtype=np.int64) * k).astype(np.int32 if n * k < 2**31 else np.int64)
    kind = pa.string() if offsets.dtype == np.int32 else pa.large_string()
    arr = pa.Array.from_buffers(kind, n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())])
    return arr.cast(pa.string()) if kind != pa.string() else arr


def digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as an (n, width) int matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers[None, :]) % 10


def numbered(prefix: str, values: np.ndarray, width: int) -> pa.StringArray:
    """``prefix`` followed by ``values`` zero-padded to ``width`` digits (``ord_s7_00000042``)."""
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    mat = np.empty((len(values), len(head) + width), dtype=np.uint8)
    mat[:, : len(head)] = head
    mat[:, len(head) :] = DIGITS[digit_matrix(values, width)]
    return ascii_strings(mat)


def pick(options: Sequence[str], index: np.ndarray) -> pa.Array:
    """``options[index]`` for every row, as a plain string column."""
    dictionary = pa.array(list(options), type=pa.string())
    return pc.take(dictionary, pa.array(index.astype(np.int32)))


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def decimals(minor: np.ndarray, scale: int = 2, precision: int = 18) -> pa.Array:
    """Exact decimal column from integer minor units (cents): no float on the way."""
    lo = minor.astype(np.int64)
    hi = np.where(lo < 0, -1, 0).astype(np.int64)
    words = np.empty(len(lo) * 2, dtype=np.int64)
    words[0::2], words[1::2] = lo, hi
    return pa.Array.from_buffers(pa.decimal128(precision, scale), len(lo), [None, pa.py_buffer(words)])


def timestamps_us(micros: np.ndarray) -> pa.Array:
    return pa.array(micros.astype(np.int64), type=pa.int64()).cast(pa.timestamp("us", tz="UTC"))


def fill_pattern(rng: np.random.Generator, pattern: str, n: int) -> np.ndarray:
    """(n, len) ASCII matrix for a pattern: ``#`` random digit, ``@`` random letter, else literal."""
    raw = pattern.encode("utf-8")
    mat = np.tile(np.frombuffer(raw, dtype=np.uint8), (n, 1)) if raw else np.zeros((n, 0), np.uint8)
    letters = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)
    for i, ch in enumerate(raw):
        if ch == ord("#"):
            mat[:, i] = DIGITS[rng.integers(0, 10, n)]
        elif ch == ord("@"):
            mat[:, i] = letters[rng.integers(0, len(letters), n)]
    return mat
