"""Ranking scores that fade, by a stored key, without fading every score on every request.

A score written as `value` at time `updated_at` reads `fade(value, t - updated_at, half_life)` at time t
(crowdledger.reputation.fade, as the contract computes it). Were the fade a true exponential, the score at t
would be

    value · 2^(-(t - updated_at) / half_life)  =  2^(-t / half_life) · value · 2^(updated_at / half_life)

and since 2^(-t / half_life) is the same for every score, the scores at any time t would be in the order
of value · 2^(updated_at / half_life): a key that does not depend on t, so it can be stored and indexed. It
is kept in log2 space, log2|value| + updated_at / half_life, so that it fits a float whatever the ages and
the half-life, and signed, because a negative score fades up towards zero: among negative scores the larger
magnitude ranks lower. Positive keys are > 0, zero scores 0, negative keys < 0.

The contract's fade is not exactly exponential: it halves once per whole half-life and, within one, takes
(1 - r/2) where the exponential takes 2^-r (r the fraction of the half-life gone). The ratio of the two lies
between 1 and max_r (1 - r/2)·2^r = 1.06148 (at r = 2 - 1/ln 2), and truncation to whole wei adds at most 1
either way. So the key orders scores correctly up to that factor, and the leaderboard is made exact by
reading rows in key order, fading each exactly, and stopping once even `upper_bound` of the next key (its
exponential estimate times 1.0615, plus 1 wei) cannot reach the lowest score on the page: usually one read
of a little more than a page, whatever the number of scores.

Under versioned decay each half-life period fades with its own half-life from its block forward, so
updated_at / half_life becomes the decay clock D(updated_at) = Σ (time spent in each period before
updated_at) / (its half-life), and the order argument holds unchanged with D in place of t / half_life.
Keys never need recomputing: a new period only moves D forward, for every score alike. The contract fades a
score's age one period at a time, each piece with its own (1 - r/2) step and truncation, so across k periods
the estimate is within FADE_BOUND ** k (and k wei); `upper_bound` allows for every period there is.
"""

import math
from collections.abc import Sequence

from crowdledger.reputation import HalfLifePeriod

FADE_BOUND = 1.0615  # max over r in [0, 1) of (1 - r/2) * 2**r = 1.06148, rounded up
_FLOAT_SLACK = 1e-6  # relative: covers a float key's rounding (|key| < 2**33 keeps it below 1e-7)


def decay_clock(at: int, periods: Sequence[HalfLifePeriod]) -> float:
    """Half-lives elapsed from time 0 to `at`, each period counted with its own half-life (0: no fading)."""
    clock = 0.0
    for period, following in zip(periods, [*periods[1:], None], strict=True):
        end = at if following is None else min(at, following.since)
        if end <= period.since:
            break
        if period.half_life:
            clock += (end - period.since) / period.half_life
    return clock


def rank_key(value: int, updated_at: int, periods: Sequence[HalfLifePeriod]) -> float:
    """The stored key that orders scores as they will read at any later time (up to FADE_BOUND)."""
    if value == 0:
        return 0.0
    magnitude = 1.0 + math.log2(abs(value)) + decay_clock(updated_at, periods)
    return magnitude if value > 0 else -magnitude


def upper_bound(key: float, at: int, periods: Sequence[HalfLifePeriod]) -> float:
    """The highest score, faded exactly to time `at`, that any row with a key of at most `key` can have."""
    pieces = max(1, len(periods))  # the most periods a score's age can span, each its own fade
    if key == 0:
        return float(pieces)
    exponent = abs(key) - 1.0 - decay_clock(at, periods)  # log2 of the exponential estimate's magnitude
    estimate = math.exp2(min(exponent, 1023.0))
    if key > 0:
        return estimate * FADE_BOUND**pieces * (1 + _FLOAT_SLACK) + pieces
    return -estimate * (1 - _FLOAT_SLACK) + pieces
