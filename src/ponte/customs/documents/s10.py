"""UPU S10 item identifiers (``RR123456785CN``): two service letters, eight serial digits, a check digit,
the ISO country code of the issuing post. The check digit weighs the serial 8 6 4 2 3 5 9 7, takes
11 minus the sum modulo 11, and writes 10 as 0 and 11 as 5 (UPU standard S10)."""

from __future__ import annotations

import re

__all__ = ["check_digit", "is_s10"]

_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10 = re.compile(r"^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$")


def check_digit(serial: str) -> int:
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial has 8 digits")
    c = 11 - sum(int(d) * w for d, w in zip(serial, _WEIGHTS, strict=True)) % 11
    return 0 if c == 10 else 5 if c == 11 else c


def is_s10(code: str) -> bool:
    m = _S10.match(code)
    return m is not None and check_digit(m.group(1)) == int(m.group(2))
