"""Random histories of deals, values, ratings, identity changes, half-life changes and time jumps, checked
against the Python replay and the Python prices.

A hypothesis rule-based state machine (plain hypothesis: brownie's wrapper breaks under its mypyc build).
Every receipt's ledger events are decoded into crowdledger.reputation records, and after every step:
- replaying the log alone reproduces each event's newScore (replay raises otherwise), across half-life
  changes;
- every scoreOf on chain equals the replayed score faded to the latest block across the half-life periods;
- the explanation of each score adds up to it;
- every price recomputed from its event's inputs equals the points written (check_prices raises otherwise).
Each deal and rating is also priced by the model from its own state (who is verified, how often each pair
dealt), and a refusal must be the one the rules predict, and only then.
"""

from dataclasses import dataclass

import brownie
from brownie import accounts, chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from crowdledger.reputation import (
    WAD,
    LedgerEvent,
    Role,
    Score,
    check_prices,
    deal_points,
    explain,
    half_life_periods,
    rating_points,
    replay,
    score_at,
    value_factor,
    value_points,
)
from tests.contracts.reputation.conftest import (
    DAY,
    ETH,
    ETH_MINIMUM,
    ETH_UNIT,
    UNREGISTERED,
    reason,
    reputation_events,
    tag,
)

STATEFUL_EXAMPLES = 80  # with the other stateful tests, the suite stays within 30 minutes on a slow 2-core CI
STEPS = 12
ROLES = (Role.CREATOR, Role.BACKER, Role.WORKER)
REFS = (1, 2)
HALF_LIVES = (0, 1, 3_600, 7_777, DAY, 90 * DAY)
TIME_JUMPS = (1, 59, 3_601, DAY + 7, 45 * DAY, 400 * DAY)
AMOUNTS = (1, ETH_MINIMUM - 1, ETH_MINIMUM, ETH_UNIT // 3, ETH_UNIT, 7 * ETH_UNIT + 5, 10**30)
# the (token, value) the mock source reports for a (ref, rater, subject); None: no relationship
RELATIONSHIPS = (None, (ETH, 1), (ETH, ETH_UNIT // 7), (ETH, 5 * ETH_UNIT), (UNREGISTERED, ETH_UNIT))
MAX_PERIODS = 16


@dataclass
class World:
    reputation: object
    source: object
    recorder: object
    attester: object
    people: list  # each both a rater and a subject
    deployment_events: list[LedgerEvent]


def relationship(ref: int, rater: int, subject: int) -> tuple[tuple[str, int] | None, Role]:
    """What the mock source was set up with for this triple (see the test below)."""
    return (
        RELATIONSHIPS[(ref + 2 * rater + 3 * subject) % len(RELATIONSHIPS)],
        ROLES[(ref + rater + subject) % len(ROLES)],
    )


def asset_value(token: str, amount: int) -> int:
    return value_factor(amount, ETH_UNIT, ETH_MINIMUM) if token == ETH else 0


person = st.integers(0, 2)
base_points = st.integers(-5, 5) | st.integers(-(10**30), 10**30)


class ReputationHistories(RuleBasedStateMachine):
    world: World  # bound by the test before it runs

    def __init__(self):
        super().__init__()
        chain.revert()  # every example starts from the snapshot the test took
        self.reputation = self.world.reputation
        self.people = self.world.people
        self.events: list[LedgerEvent] = list(self.world.deployment_events)
        self.rated: set[tuple[int, int, int]] = set()
        self.verified: set[int] = set()
        self.pair_deals: dict[frozenset[int], int] = {}
        self.periods = 1  # the constructor's

    def _weight(self, index: int) -> int:
        return 10_000 if index in self.verified else 5_000

    @rule(subject=person, role=st.sampled_from(ROLES), points=base_points, amount=st.sampled_from(AMOUNTS))
    def value(self, subject, role, points, amount):
        tx = self.reputation.recordValue(
            self.people[subject],
            role,
            points,
            ETH,
            0,
            amount,
            tag("random"),
            0,
            {"from": self.world.recorder},
        )
        expected = value_points(points, 0, asset_value(ETH, amount))
        written = [e["points"] for e in tx.events if e.name == "ScoreChanged"]
        assert written == ([expected] if expected else [])
        self.events += reputation_events(tx)

    @rule(
        payee=person,
        payer=person,
        payee_points=base_points,
        payer_points=base_points,
        amount=st.sampled_from(AMOUNTS),
        registered=st.booleans(),
    )
    def deal(self, payee, payer, payee_points, payer_points, amount, registered):
        token = ETH if registered else UNREGISTERED
        args = (
            self.people[payee],
            Role.WORKER,
            payee_points,
            self.people[payer],
            Role.REQUESTER,
            payer_points,
            token,
            amount,
            tag("deal"),
            3,
        )
        if payee == payer:
            with brownie.reverts(reason("SelfDeal", self.people[payee])):
                self.reputation.recordDeal(args, {"from": self.world.recorder})
            return
        tx = self.reputation.recordDeal(args, {"from": self.world.recorder})
        pair = frozenset((payee, payer))
        earlier = self.pair_deals.get(pair, 0)
        self.pair_deals[pair] = earlier + 1
        factor = asset_value(token, amount)
        expected = [
            deal_points(payee_points, factor, self._weight(payer), earlier),
            deal_points(payer_points, factor, self._weight(payee), earlier),
        ]
        assert [e["points"] for e in tx.events if e.name == "ScoreChanged"] == [p for p in expected if p]
        self.events += reputation_events(tx)

    @rule(ref=st.sampled_from(REFS), rater=person, subject=person, stars=st.integers(1, 5))
    def rate(self, ref, rater, subject, stars):
        source = self.world.source
        rater_account, subject_account = self.people[rater], self.people[subject]
        related, role = relationship(ref, rater, subject)
        if rater == subject:
            expected_refusal = reason("SelfRating")
        elif related is None:
            expected_refusal = reason("NoRelationship", ref, rater_account, subject_account)
        elif (ref, rater, subject) in self.rated:
            expected_refusal = reason("AlreadyRated", ref, rater_account, subject_account)
        else:
            expected_refusal = None
        if expected_refusal is not None:
            with brownie.reverts(expected_refusal):
                self.reputation.rate(source, ref, subject_account, stars, {"from": rater_account})
            return
        tx = self.reputation.rate(source, ref, subject_account, stars, {"from": rater_account})
        self.rated.add((ref, rater, subject))
        token, value = related
        factor = min(asset_value(token, value), WAD)
        deals = self.pair_deals.get(frozenset((rater, subject)), 0)
        changed = tx.events["ScoreChanged"]
        assert changed["role"] == role
        assert changed["points"] == rating_points(stars, factor, self._weight(rater), deals)
        self.events += reputation_events(tx)

    @rule(who=person)
    def toggle_identity(self, who):
        account = self.people[who]
        if who in self.verified:
            self.reputation.revoke(account, {"from": self.world.attester})
            self.verified.remove(who)
        else:
            self.reputation.attest(account, 1, chain.time() + 10_000 * DAY, {"from": self.world.attester})
            self.verified.add(who)

    @rule(half_life=st.sampled_from(HALF_LIVES))
    def set_half_life(self, half_life):
        if self.periods == MAX_PERIODS:
            with brownie.reverts(reason("HalfLifeHistoryFull", MAX_PERIODS)):
                self.reputation.setHalfLife(half_life, {"from": accounts[0]})
            return
        self.events += reputation_events(self.reputation.setHalfLife(half_life, {"from": accounts[0]}))
        self.periods += 1

    @rule(seconds=st.sampled_from(TIME_JUMPS))
    def jump(self, seconds):
        chain.sleep(seconds)
        chain.mine()

    @invariant()
    def every_score_is_the_replay_of_its_events_and_every_price_its_inputs(self):
        scores = replay(self.events)  # raises ScoreMismatch if an event's newScore is not reproduced
        check_prices(self.events)  # raises PriceMismatch if a price is not what its inputs give
        now = chain[-1].timestamp  # what a view sees as block.timestamp
        periods = half_life_periods(self.events)
        for account in self.people:
            for role in (*ROLES, Role.REQUESTER):
                expected = score_at(scores.get((account.address, role), Score(0, 0)), now, periods)
                assert self.reputation.scoreOf(account, role) == expected
                lines = explain(account.address, role, self.events, now)
                assert sum(line.contribution for line in lines) == expected


def test_scores_always_equal_the_python_replay_of_the_log(reputation, source, recorder, attester, owner):
    people = list(accounts[1:4])
    for ref in REFS:
        for rater in range(3):
            for subject in range(3):
                related, role = relationship(ref, rater, subject)
                if related is not None:
                    token, value = related
                    source.setRelationship(
                        ref, people[rater], people[subject], role, token, value, {"from": owner}
                    )
    ReputationHistories.world = World(
        reputation, source, recorder, attester, people, reputation_events(reputation.tx)
    )
    chain.snapshot()
    run_state_machine_as_test(
        ReputationHistories,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
