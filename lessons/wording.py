"""Numbers in words: counts with the right plural, and comparisons that never claim a
difference the numbers cannot show.

The rule every one-line reading follows. Two figures are called different ("higher",
"rose", "the largest") only when both hold:

1. they differ at the precision the reading shows them (3.64 and 3.58 both read "3.6",
   so a reading that shows one decimal cannot call one of them higher); and
2. the difference is at least twice its standard error (about the 95% level), so that it
   is more than the noise of who happened to answer:
   - two means: SE = sqrt(sd1²/n1 + sd2²/n2), from the spread (sample standard deviation)
     of the answers behind each;
   - one mean change across paired answers (confidence before and after): SE = sd/sqrt(n);
   - two shares: SE = sqrt(p(1-p)(1/n1 + 1/n2)), with p the two shares pooled.

Otherwise the reading says "about the same". When the spread cannot be known (fewer than
two answers on a side, or none given) no difference is claimed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

# A difference must be this many standard errors wide to be called one (about 95%).
STANDARD_ERRORS = 2.0

HIGHER, SAME, LOWER = 1, 0, -1


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`count` and its noun: "1 comment", "2 comments", "1,204 responses", "0 people"."""
    word = singular if count == 1 else (many if many is not None else singular + "s")
    return f"{count:,} {word}"


def _shown(value: float, decimals: int) -> float:
    return round(value, decimals)


def _beyond_noise(difference: float, standard_error: float | None) -> bool:
    if standard_error is None or math.isnan(standard_error):
        return False
    return abs(difference) >= STANDARD_ERRORS * standard_error


def _finite(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def compare_means(
    first: tuple[float, int, float | None],
    second: tuple[float, int, float | None],
    decimals: int = 1,
) -> int:
    """HIGHER when the first mean is higher than the second, LOWER when lower, SAME when
    the difference is below what the numbers can show (see the module's rule). Each side
    is (mean, answers, standard deviation of the answers)."""
    (a, n_a, sd_a), (b, n_b, sd_b) = first, second
    if _shown(a, decimals) == _shown(b, decimals):
        return SAME
    if n_a < 2 or n_b < 2 or not (_finite(sd_a) and _finite(sd_b)):
        return SAME
    assert sd_a is not None and sd_b is not None
    standard_error = math.sqrt(sd_a**2 / n_a + sd_b**2 / n_b)
    if not _beyond_noise(a - b, standard_error):
        return SAME
    return HIGHER if a > b else LOWER


def compare_change(
    before: float, after: float, pairs: int, sd_change: float | None, decimals: int = 1
) -> int:
    """HIGHER when `after` is higher than `before`, LOWER when lower, SAME otherwise, for
    the same people answering twice: `sd_change` is the spread of each person's change."""
    if _shown(before, decimals) == _shown(after, decimals):
        return SAME
    if pairs < 2 or not _finite(sd_change):
        return SAME
    assert sd_change is not None
    if not _beyond_noise(after - before, sd_change / math.sqrt(pairs)):
        return SAME
    return HIGHER if after > before else LOWER


def compare_shares(first: tuple[int, int], second: tuple[int, int], decimals: int = 0) -> int:
    """HIGHER when the first share (count, out of) is higher than the second, LOWER when
    lower, SAME otherwise; `decimals` is the precision of the percentages shown."""
    (x_a, n_a), (x_b, n_b) = first, second
    if not (n_a and n_b):
        return SAME
    p_a, p_b = x_a / n_a, x_b / n_b
    if _shown(p_a * 100, decimals) == _shown(p_b * 100, decimals):
        return SAME
    pooled = (x_a + x_b) / (n_a + n_b)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if not _beyond_noise(p_a - p_b, standard_error):
        return SAME
    return HIGHER if p_a > p_b else LOWER


def spread_of_counts(counts: Mapping[int, float]) -> tuple[float, int, float | None]:
    """(mean, answers, sample standard deviation) of answers given as {value: how many}."""
    n = int(sum(counts.values()))
    if not n:
        return 0.0, 0, None
    mean = sum(value * k for value, k in counts.items()) / n
    if n < 2:
        return mean, n, None
    variance = sum(k * (value - mean) ** 2 for value, k in counts.items()) / (n - 1)
    return mean, n, math.sqrt(variance)
