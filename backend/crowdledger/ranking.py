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

The half-life in force applies to the whole time since a score's last write (Reputation.fade), so a
HalfLifeChanged changes every key, and the indexer recomputes them all then (an owner's rare decision).
Under versioned decay, where each period fades with its own half-life from its block forward,
updated_at / half_life becomes the decay clock D(updated_at) = Σ (time spent in each period before
updated_at) / (its half-life): keys then never need recomputing, since a new period only moves D forward,
and FADE_BOUND becomes 1.0615 to the power of the periods a score's age spans.
"""

import math

FADE_BOUND = 1.0615  # max over r in [0, 1) of (1 - r/2) * 2**r = 1.06148, rounded up
_FLOAT_SLACK = 1e-6  # relative: covers a float key's rounding (|key| < 2**33 keeps it below 1e-7)


def decay_clock(at: int, half_life: int) -> float:
    """Half-lives elapsed from time 0 to `at`, with `half_life` in force throughout (0: no fading)."""
    return at / half_life if half_life else 0.0


def rank_key(value: int, updated_at: int, half_life: int) -> float:
    """The stored key that orders scores as they will read at any later time (up to FADE_BOUND)."""
    if value == 0:
        return 0.0
    magnitude = 1.0 + math.log2(abs(value)) + decay_clock(updated_at, half_life)
    return magnitude if value > 0 else -magnitude


def upper_bound(key: float, at: int, half_life: int) -> float:
    """The highest score, faded exactly to time `at`, that any row with a key of at most `key` can have."""
    if key == 0:
        return 1.0
    exponent = abs(key) - 1.0 - decay_clock(at, half_life)  # log2 of the exponential estimate's magnitude
    estimate = math.exp2(min(exponent, 1023.0))
    if key > 0:
        return estimate * FADE_BOUND * (1 + _FLOAT_SLACK) + 1
    return -estimate * (1 - _FLOAT_SLACK) + 1
