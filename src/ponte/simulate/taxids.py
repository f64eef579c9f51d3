"""Valid tax and identity numbers, generated in bulk with their real check digits.

Each generator returns an (n, k) ASCII matrix; the algorithms are those the
authorities publish (and python-stdnum implements), so every number passes
:func:`ponte.reference.taxid.validate_tax_id`. The numbers are random: any
match with a real person or company is chance.
"""

from __future__ import annotations

import numpy as np

from ponte.simulate.columns import DIGITS

_RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
_RFC_BLACKLIST = {
    "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE", "COJA", "COJE", "COJI",
    "COJO", "CULO", "FETO", "GUEY", "JOTO", "KACA", "KACO", "KAGA", "KAGO", "KAKA", "KOGE", "KOJO",
    "KULO", "MAME", "MAMO", "MEAR", "MEAS", "MEON", "MION", "MOCO", "MULA", "PEDA", "PEDO", "PENE",
    "PUTA", "PUTO", "QULO", "RATA", "RUIN",
}  # fmt: skip
_LETTERS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)


def _digits(rng: np.random.Generator, n: int, k: int, first: tuple[int, int] = (0, 10)) -> np.ndarray:
    d = rng.integers(0, 10, (n, k))
    d[:, 0] = rng.integers(first[0], first[1], n)
    return d


def _ascii(d: np.ndarray) -> np.ndarray:
    return DIGITS[d]


def birth_dates(
    rng: np.random.Generator, n: int, first_year: int = 1970, last_year: int = 2005
) -> np.ndarray:
    lo = np.datetime64(f"{first_year}-01-01", "D").astype(np.int64)
    hi = np.datetime64(f"{last_year}-12-31", "D").astype(np.int64)
    return rng.integers(lo, hi + 1, n).astype("datetime64[D]")


def _ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    m = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, d


def cpf(rng: np.random.Generator, n: int) -> np.ndarray:
    d = _digits(rng, n, 9)
    same = (d == d[:, :1]).all(axis=1)
    d[same, 0] = (d[same, 0] + 1) % 10
    d1 = (11 - (d * np.arange(10, 1, -1)).sum(axis=1)) % 11 % 10
    d2 = (11 - ((d * np.arange(11, 2, -1)).sum(axis=1) + 2 * d1)) % 11 % 10
    return _ascii(np.column_stack([d, d1, d2]))


def cnpj(rng: np.random.Generator, n: int) -> np.ndarray:
    body = np.column_stack([_digits(rng, n, 8, (1, 10)), np.zeros((n, 3), int), np.ones((n, 1), int)])
    w1 = np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    c1 = (11 - (body * w1).sum(axis=1) % 11) % 11 % 10
    w2 = np.array([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    c2 = (11 - (np.column_stack([body, c1]) * w2).sum(axis=1) % 11) % 11 % 10
    return _ascii(np.column_stack([body, c1, c2]))


def rfc_person(rng: np.random.Generator, n: int) -> np.ndarray:
    letters = _LETTERS[rng.integers(0, 26, (n, 4))]
    bad = np.array([bytes(row).decode() in _RFC_BLACKLIST for row in letters])
    letters[bad, 0] = ord("X")
    y, m, d = _ymd(birth_dates(rng, n))
    date = np.column_stack([y % 100 // 10, y % 10, m // 10, m % 10, d // 10, d % 10])
    home1 = np.frombuffer(b"123456789ABCDEFGHIJKLMNOPQRSTUV", np.uint8)[rng.integers(0, 31, n)]
    home2 = np.frombuffer(b"123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8)[rng.integers(0, 35, n)]
    head = np.column_stack([letters, DIGITS[date], home1, home2])
    lookup = np.zeros(256, dtype=np.int64)
    for i, ch in enumerate(_RFC_ALPHABET.encode("latin-1")):
        lookup[ch] = i
    check = (lookup[head] * np.arange(13, 1, -1)).sum(axis=1)
    alphabet = np.frombuffer(_RFC_ALPHABET.encode("latin-1"), np.uint8)
    return np.column_stack([head, alphabet[(11 - check) % 11]])


def rut(rng: np.random.Generator, n: int) -> np.ndarray:
    body = rng.integers(10_000_000, 26_000_000, n)
    d = (body[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    weights = np.array([3, 2, 7, 6, 5, 4, 3, 2])  # 2..7 cycling from the right
    s = (d * weights).sum(axis=1)
    check = np.frombuffer(b"0123456789K", np.uint8)[(11 - s % 11) % 11]
    return np.column_stack([_ascii(d), check])


def nit(rng: np.random.Generator, n: int) -> np.ndarray:
    d = _digits(rng, n, 10)
    d[:, 0] = 1
    weights = np.array([3, 7, 13, 17, 19, 23, 29, 37, 41, 43])[::-1]
    s = (d * weights).sum(axis=1) % 11
    check = np.array([0, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1])[s]
    return _ascii(np.column_stack([d, check]))


def ruc_person(rng: np.random.Generator, n: int) -> np.ndarray:
    d = np.column_stack([np.ones(n, int), np.zeros(n, int), _digits(rng, n, 8, (1, 8))])
    s = (d * np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])).sum(axis=1)
    return _ascii(np.column_stack([d, (11 - s % 11) % 10]))


def cuit_person(rng: np.random.Generator, n: int) -> np.ndarray:
    female = rng.random(n) < 0.5
    d = np.column_stack([np.full(n, 2), np.where(female, 7, 0), _digits(rng, n, 8, (1, 5))])
    weights = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
    s = (d * weights).sum(axis=1) % 11
    clash = s == 1  # AFIP then issues prefix 23 instead
    d[clash, 1] = 3
    s = (d * weights).sum(axis=1) % 11
    check = np.array([0, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1])[s]
    return _ascii(np.column_stack([d, check]))


def nif_pt(rng: np.random.Generator, n: int) -> np.ndarray:
    d = _digits(rng, n, 8, (1, 3))
    s = (d * np.arange(9, 1, -1)).sum(axis=1)
    return _ascii(np.column_stack([d, (11 - s) % 11 % 10]))


def dni_es(rng: np.random.Generator, n: int) -> np.ndarray:
    number = rng.integers(10_000_000, 80_000_000, n)
    letters = np.frombuffer(b"TRWAGMYFPDXBNJZSQVHLCKE", np.uint8)[number % 23]
    return np.column_stack([_ascii(number[:, None] // 10 ** np.arange(7, -1, -1) % 10), letters])


def bir_mo(rng: np.random.Generator, n: int) -> np.ndarray:
    d = _digits(rng, n, 8)
    d[:, 0] = np.array([1, 5, 7])[rng.integers(0, 3, n)]
    return _ascii(d)


def ric_cn(rng: np.random.Generator, n: int, regions: list[str]) -> np.ndarray:
    region = np.array([[int(c) for c in r] for r in regions])[rng.integers(0, len(regions), n)]
    y, m, d = _ymd(birth_dates(rng, n))
    date = np.column_stack([y // 1000, y // 100 % 10, y // 10 % 10, y % 10, m // 10, m % 10, d // 10, d % 10])
    body = np.column_stack([region, date, rng.integers(0, 10, (n, 3))])
    weights = np.array([pow(2, 16 - i, 11) for i in range(17)])
    check = (1 - 2 * (body * weights).sum(axis=1)) % 11
    chars = np.frombuffer(b"0123456789X", np.uint8)[check]
    return np.column_stack([_ascii(body), chars])


def uscc(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unified social credit codes of enterprises (91 + region + organisation code)."""
    alphabet = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", np.uint8)
    head = np.column_stack([np.full(n, 9), np.full(n, 1), np.array([4, 4, 0, 3, 0, 0])[None, :].repeat(n, 0)])
    head[:, 5] = np.array([1, 3, 6])[rng.integers(0, 3, n)]  # 4401 Guangzhou, 4403 Shenzhen, 4406 Foshan
    org = rng.integers(0, 31, (n, 9))
    org[:, :8] = rng.integers(0, 10, (n, 8))
    values = np.column_stack([head, org])
    weights = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
    check = (31 - (values * weights).sum(axis=1) % 31) % 31
    return alphabet[np.column_stack([values, check])]
