"""Small deterministic helpers: dates, money in integer cents, ids, names, tax ids."""
from __future__ import annotations

import calendar
import datetime as dt
import random

from .config import COUNTRIES, NAME_SPACE, NAME_SYLLABLES, SHARD_ID_SPAN, SYLLABLES

DAY = dt.timedelta(days=1)


def add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from first's month to last's month, inclusive."""
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def ts(rng: random.Random, d: dt.date) -> str:
    """ISO 8601 UTC timestamp on day d at a random office-hours time."""
    return f"{d.isoformat()}T{rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


def rhu(num: int, den: int) -> int:
    """num / den rounded half up (away from zero), integers only."""
    if num < 0:
        return -rhu(-num, den)
    return (2 * num + den) // (2 * den)


def money(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    return f"{sign}{c // 100}.{c % 100:02d}"


def tax_of(subtotal: int, rate_bp: int) -> int:
    return rhu(subtotal * rate_bp, 10000)


class Ids:
    """Sequential counters of one shard: ids are unique strings, stable for a seed.

    Shard ``s`` numbers from ``s * SHARD_ID_SPAN``, so shards simulated apart (in
    parallel) never collide, and shard 0, the only shard up to SHARD_GROUPS groups,
    numbers from 1 exactly as a single sequential run always did.
    """

    def __init__(self, shard: int = 0) -> None:
        self.n: dict[str, int] = {}
        self.base = shard * SHARD_ID_SPAN

    def _bump(self, key: str) -> int:
        k = self.n.get(key, 0) + 1
        if k >= SHARD_ID_SPAN:
            raise RuntimeError(f"more than {SHARD_ID_SPAN - 1} {key} ids in one shard")
        self.n[key] = k
        return self.base + k

    def next(self, prefix: str, width: int = 7) -> str:
        return f"{prefix}-{self._bump(prefix):0{width}d}"

    def seq(self, key: str) -> int:
        return self._bump(key)


def name_stem(n: int) -> str:
    """A pronounceable word, a bijection of n over NAME_SPACE: never repeats."""
    x = (n * 2654435761 + 977) % NAME_SPACE
    parts = []
    for _ in range(NAME_SYLLABLES):
        parts.append(SYLLABLES[x % len(SYLLABLES)])
        x //= len(SYLLABLES)
    return "".join(parts).capitalize()


def tax_digits(n: int) -> str:
    """Nine digits, a bijection of n over 10**9: tax ids never collide."""
    return f"{(n * 387420489 + 123456) % 1_000_000_000:09d}"


def tax_id_canonical(country: str, digits: str) -> str:
    if country == "US":
        return f"{digits[:2]}-{digits[2:]}"
    if country == "FR":
        return f"FR{int(digits) % 97:02d}{digits}"
    if country == "NL":
        return f"NL{digits}B01"
    return f"{country}{digits}"


def tax_id_variant(rng: random.Random, country: str, digits: str) -> str:
    """The same tax id written another way: spaces, dots, dashes, no country prefix."""
    canon = tax_id_canonical(country, digits)
    k = rng.randrange(4)
    if country == "US":
        return (digits, f"{digits[:2]} {digits[2:]}", f"US{digits}", f"{digits[:2]}.{digits[2:]}")[k]
    body = canon[2:]
    if k == 0:
        return body
    if k == 1:
        return f"{country} " + " ".join(body[i:i + 3] for i in range(0, len(body), 3))
    if k == 2:
        return f"{country}-{body[:2]}.{body[2:5]}.{body[5:]}"
    return canon.lower()


def legal_suffix(rng: random.Random, country: str) -> str:
    return rng.choice(COUNTRIES[country][3])


def mess_enum(rng: random.Random, value: str, p: float) -> str:
    """Messy but valid: mixed case and stray whitespace around an enum value."""
    if rng.random() >= p:
        return value
    return rng.choice((value.title(), f" {value.upper()} ", f"{value} ", value.upper()))


def mess_bool(rng: random.Random, value: bool, p: float) -> str:
    if rng.random() >= p:
        return "true" if value else "false"
    return rng.choice(("TRUE", "True")) if value else rng.choice(("FALSE", "False"))


def mess_text(rng: random.Random, value: str, p: float) -> str:
    if rng.random() >= p:
        return value
    return rng.choice((f" {value}", f"{value}  ", f"  {value} "))
