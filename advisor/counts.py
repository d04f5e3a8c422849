"""Numbers as people write them: ``2000000``, ``2,000,000``, ``2m``, ``50k``, ``3e6``.

One reading for the interview's fields and the answers file alike (users and revenue).

    >>> parse_count("2,000,000"), parse_count("3m"), parse_count("3e6"), parse_count("1.5k")
    (2000000, 3000000, 3000000, 1500)
    >>> parse_amount("2.5b"), parse_amount("12.5")
    (2500000000, 12.5)
    >>> count_from_value(2_000_000.0)
    2000000
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decimal import Decimal

SCALES = {"k": 10 ** 3, "m": 10 ** 6, "b": 10 ** 9}
ACCEPTED_FORMS = "2000000, 2,000,000, 2m, 50k, 1.5b or 3e6 (k, m, b: thousand, million, billion)"
MAX_COUNT = 10 ** 12                 # more users than people on Earth
MAX_AMOUNT = 10 ** 15                # a revenue no organization reaches (US dollars)


def _decimal(text: str, what: str) -> Decimal:
    """The value ``text`` writes, scaled by a k/m/b suffix; ValueError in words."""
    from decimal import Decimal, InvalidOperation      # only for a count typed as text

    raw = text.strip().lower().replace("_", "").replace(",", "").replace(" ", "")
    if not raw:
        raise ValueError(f"enter a {what} (0 if none)")
    scale = SCALES.get(raw[-1], 1)
    digits = raw[:-1] if scale != 1 else raw
    try:
        value = Decimal(digits) * scale
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not a {what}: write {ACCEPTED_FORMS}") from None
    if not value.is_finite():
        raise ValueError(f"{text.strip()!r} is not a {what}: write {ACCEPTED_FORMS}")
    if value < 0:
        raise ValueError(f"a {what} cannot be negative")
    return value


def parse_count(text: str, what: str = "number of users") -> int:
    """A whole count (monthly active users); ValueError says what is wrong, in words."""
    value = _decimal(text, what)
    if value != value.to_integral_value():
        raise ValueError(f"{text.strip()!r} is not a whole {what}")
    if value > MAX_COUNT:
        raise ValueError("more users than people on Earth: check the number")
    return int(value)


def parse_amount(text: str, what: str = "revenue in US dollars") -> int | float:
    """An amount of money (annual revenue): whole amounts as int; ValueError in words."""
    value = _decimal(text, what)
    if value > MAX_AMOUNT:
        raise ValueError(f"{text.strip()!r} is more than any organization's revenue: "
                         "check the number")
    return int(value) if value == value.to_integral_value() else float(value)


def finite_number(value: Any) -> bool:
    """An int or float that is finite (huge ints included), never a bool."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:            # an int too large for a float
        return False


def count_from_value(value: Any, what: str = "number of users") -> int:
    """A count from a parsed YAML value: a whole number, or text in the forms above."""
    if isinstance(value, str):
        return parse_count(value, what)
    if finite_number(value) and value >= 0 and float(value).is_integer() and value <= MAX_COUNT:
        return int(value)
    raise ValueError(f"must be a whole number of at least 0 ({ACCEPTED_FORMS}), "
                     f"not {value!r}")


def amount_from_value(value: Any, what: str = "revenue in US dollars") -> int | float:
    """An amount from a parsed YAML value: a number (kept as given), or text in the
    forms above."""
    if isinstance(value, str):
        return parse_amount(value, what)
    if finite_number(value) and 0 <= value <= MAX_AMOUNT:
        return value
    raise ValueError(f"must be an amount in US dollars from 0 to {MAX_AMOUNT:g} "
                     f"({ACCEPTED_FORMS}) or null, not {value!r}")
