"""Leaderboards by a query: the stored rank key orders faded scores well enough that reading a little more
than a page gives the exact page, whatever the scores, their ages and the half-life periods; the indexer keeps
the keys, which a half-life change (applying from its block forward) never invalidates; and the migration has
them computed for scores indexed before it. On both stores."""

import time
from types import SimpleNamespace

from brownie import chain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, delete, insert, select

from crowdledger.api import queries
from crowdledger.indexer.reputation import half_life_periods
from crowdledger.ranking import FADE_BOUND, rank_key, upper_bound
from crowdledger.reputation import DEFAULT_HALF_LIFE, HalfLifePeriod, Role, Score, fade, score_at
from crowdledger.store.models import RawEvent, ReputationScore, SyncState
from tests.backend.conftest import make_indexer, simulate, upgrade_from

DAY = 86400
WAD = 10**18
NOW = 1_800_000_000


def one_period(half_life: int) -> list[HalfLifePeriod]:
    return [HalfLifePeriod(0, half_life)]


def set_clock(engine: Engine, at: int, half_life: int | None, later: tuple[int, int] | None = None) -> None:
    """The index's time, and the half-life in force from time 0 (as the HalfLifeChanged event the API reads);
    `later`: a second period (since, half_life)."""
    with engine.begin() as conn:
        conn.execute(delete(SyncState))
        conn.execute(delete(RawEvent))
        conn.execute(
            insert(SyncState).values(
                id=1, chain_id=1, next_block=2, indexed_timestamp=at, chain_head=1, updated_at=time.time()
            )
        )
        if half_life is not None:
            conn.execute(
                insert(RawEvent).values(
                    block_number=1,
                    log_index=0,
                    timestamp=0,
                    tx_hash="0x" + "00" * 32,
                    contract="Reputation",
                    name="HalfLifeChanged",
                    actor=None,
                    args={"oldHalfLife": DEFAULT_HALF_LIFE, "newHalfLife": half_life},
                )
            )
        if later is not None:
            conn.execute(
                insert(RawEvent).values(
                    block_number=1,
                    log_index=1,
                    timestamp=later[0],
                    tx_hash="0x" + "00" * 32,
                    contract="Reputation",
                    name="HalfLifeChanged",
                    actor=None,
                    args={"oldHalfLife": half_life, "newHalfLife": later[1]},
                )
            )


def store_scores(
    engine: Engine,
    scores: list[tuple[int, int]],
    periods: list[HalfLifePeriod],
    role: Role = Role.CREATOR,
) -> None:
    """Scores (value, updated_at) for accounts 0x…0001, 0x…0002, …, with keys as the indexer writes them."""
    with engine.begin() as conn:
        conn.execute(delete(ReputationScore))
        if scores:
            conn.execute(
                insert(ReputationScore),
                [
                    {
                        "account": f"0x{n + 1:040x}",
                        "role": int(role),
                        "value": value,
                        "updated_at": updated_at,
                        "changes": 1,
                        "rank_key": rank_key(value, updated_at, periods),
                    }
                    for n, (value, updated_at) in enumerate(scores)
                ],
            )


def exact_board(
    scores: list[tuple[int, int]], at: int, periods: list[HalfLifePeriod], limit: int
) -> list[tuple[str, int]]:
    """Every score faded as the contract fades it, sorted: what the leaderboard must equal."""
    faded = [(f"0x{n + 1:040x}", score_at(Score(v, u), at, periods)) for n, (v, u) in enumerate(scores)]
    return sorted(faded, key=lambda entry: (-entry[1], entry[0]))[:limit]


def board(engine: Engine, limit: int) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return queries.leaderboard(conn, Role.CREATOR, limit).entries


# Values around the same faded size, which the piecewise-linear fade can reorder relative to an exponential,
# plus zero, negatives and the extremes an int192 score can reach.
values = st.one_of(
    st.integers(-(2**191), 2**191 - 1),
    st.integers(-50 * WAD, 50 * WAD),
    st.sampled_from([0, 1, -1, WAD, 2 * WAD, 3 * WAD // 2]),
)
ages = st.one_of(st.integers(0, 400 * DAY), st.sampled_from([0, 1, 45 * DAY, 90 * DAY, 135 * DAY]))
half_lives = st.sampled_from([0, 1, 3600, 30 * DAY, DEFAULT_HALF_LIFE])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(scores=st.lists(st.tuples(values, ages), max_size=60), half_life=half_lives, limit=st.integers(1, 25))
def test_the_leaderboard_equals_every_score_faded_and_sorted(engine, scores, half_life, limit):
    stored = [(value, NOW - age) for value, age in scores]
    set_clock(engine, NOW, half_life)
    store_scores(engine, stored, one_period(half_life))
    assert board(engine, limit) == exact_board(stored, NOW, one_period(half_life), limit)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    scores=st.lists(st.tuples(values, ages), max_size=40),
    first=half_lives,
    second=half_lives,
    change_age=st.integers(0, 400 * DAY),
    limit=st.integers(1, 25),
)
def test_the_leaderboard_is_exact_across_a_half_life_change(engine, scores, first, second, change_age, limit):
    """Scores written before and after a change fade with the rule of each period they lived through."""
    stored = [(value, NOW - age) for value, age in scores]
    periods = [HalfLifePeriod(0, first), HalfLifePeriod(NOW - change_age, second)]
    set_clock(engine, NOW, first, later=(NOW - change_age, second))
    store_scores(engine, stored, periods)
    assert board(engine, limit) == exact_board(stored, NOW, periods, limit)


def test_close_scores_of_different_ages_rank_by_their_exact_fade(engine):
    """Where the contract's linear step between halvings departs most from an exponential (r = 0.557 of a
    half-life), an older score can outrank a younger one that an exponential key would put first."""
    h = DEFAULT_HALF_LIFE
    older = (1000 * WAD, NOW - int(0.557 * h))  # faded by the linear step: 0.7215
    younger = (int(1000 * WAD * 0.6808), NOW - 1)  # barely faded, but a true exponential puts it ahead
    scores = [older, younger] + [(WAD, NOW - 100 * DAY)] * 30
    set_clock(engine, NOW, h)
    store_scores(engine, scores, one_period(h))
    exact = exact_board(scores, NOW, one_period(h), 2)
    assert [account for account, _ in exact] == ["0x" + "0" * 39 + "1", "0x" + "0" * 39 + "2"]
    assert rank_key(*older, one_period(h)) < rank_key(
        *younger, one_period(h)
    )  # the key alone gets this wrong
    assert board(engine, 1) == exact[:1]


class CountingConnection:
    """A connection that counts the score rows each query brings back."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.score_rows = 0

    def execute(self, statement, *args, **kwargs):
        result = self.conn.execute(statement, *args, **kwargs)
        if "reputation_scores" not in str(statement):
            return result
        rows = result.all()
        self.score_rows += len(rows)
        return SimpleNamespace(all=lambda: rows)


def test_a_page_reads_a_bounded_number_of_rows_not_every_score(engine):
    scores = [((n * 7919 % 5000 + 1) * WAD, NOW - (n * 104729 % (300 * DAY))) for n in range(5000)]
    set_clock(engine, NOW, DEFAULT_HALF_LIFE)
    store_scores(engine, scores, one_period(DEFAULT_HALF_LIFE))
    with engine.connect() as conn:
        counting = CountingConnection(conn)
        page = queries.leaderboard(counting, Role.CREATOR, 20).entries  # type: ignore[arg-type]
    assert page == exact_board(scores, NOW, one_period(DEFAULT_HALF_LIFE), 20)
    assert counting.score_rows <= 100, counting.score_rows


def test_the_bound_covers_the_largest_gap_between_the_fade_and_an_exponential():
    h = 1000
    for elapsed in range(0, 3 * h, 7):
        value = 10**30
        key = rank_key(value, NOW - elapsed, one_period(h))
        assert fade(value, elapsed, h) <= upper_bound(key, NOW, one_period(h))
        negative = rank_key(-value, NOW - elapsed, one_period(h))
        assert fade(-value, elapsed, h) <= upper_bound(negative, NOW, one_period(h))
    assert FADE_BOUND > max((1 - r / 1000 / 2) * 2 ** (r / 1000) for r in range(1000))


# ----------------------------------------------------------------------------- kept by the indexer


def keys_match(engine: Engine) -> int:
    with engine.connect() as conn:
        rows = conn.execute(select(ReputationScore.__table__)).all()
        periods = half_life_periods(conn)
    for row in rows:
        assert row.rank_key == rank_key(row.value, row.updated_at, periods), row.account
    return len(rows)


def test_the_indexer_keeps_every_key_and_a_half_life_change_leaves_them_valid(
    engine, crowdfund, reputation, token, owner, creator, backers
):
    simulate(crowdfund, token, creator, backers)
    indexer = make_indexer(engine, crowdfund)
    indexer.run(follow=False)
    assert keys_match(engine) > 0
    with engine.connect() as conn:
        before = {(r.account, r.role): r.rank_key for r in conn.execute(select(ReputationScore.__table__))}
    reputation.setHalfLife(7 * DAY, {"from": owner})
    chain.sleep(30 * DAY)
    chain.mine()
    indexer.run(follow=False)
    assert keys_match(engine) > 0
    with engine.connect() as conn:
        after = {(r.account, r.role): r.rank_key for r in conn.execute(select(ReputationScore.__table__))}
        assert queries.half_life(conn) == 7 * DAY
        entries = queries.leaderboard(conn, Role.CREATOR, 10).entries
        on_chain = sorted(((a, reputation.scoreOf(a, 0)) for a, _ in entries), key=lambda e: (-e[1], e[0]))
    assert after == before  # the past keeps the rule it was earned under
    assert entries == on_chain


def test_the_migration_has_the_indexer_compute_keys_for_scores_indexed_before_it(engine):
    set_clock(engine, NOW, DEFAULT_HALF_LIFE)
    upgrade_from(engine, "0006")
