"""Random histories of records, ratings, half-life changes and time jumps, checked against the Python replay.

A hypothesis rule-based state machine (plain hypothesis: brownie's wrapper breaks under its mypyc build).
Every receipt's ScoreChanged and HalfLifeChanged events are decoded into crowdledger.reputation records, and
after every step:
- replaying the log alone reproduces each event's newScore (replay raises otherwise);
- every scoreOf on chain equals the replayed score faded to the latest block with the half-life in force;
- the explanation of each score adds up to it.
Ratings are checked against the rules: a refusal must be the one the rules predict, and only then.
"""

from dataclasses import dataclass

import brownie
from brownie import accounts, chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from crowdledger.reputation import ReputationEvent, Role, Score, current_half_life, explain, replay, score_at
from tests.contracts.reputation.conftest import DAY, reason, reputation_events, tag

STATEFUL_EXAMPLES = 200
STEPS = 10
ROLES = (Role.CREATOR, Role.BACKER, Role.WORKER)
REFS = (1, 2)
HALF_LIVES = (0, 1, 3_600, 7_777, DAY, 90 * DAY)
TIME_JUMPS = (1, 59, 3_601, DAY + 7, 45 * DAY, 400 * DAY)
# (weightBps, role) the mock source reports for a (ref, rater, subject); 0 means no relationship
WEIGHTS = (0, 1, 3_333, 10_000, 25_000)


@dataclass
class World:
    reputation: object
    source: object
    recorder: object
    people: list  # each both a rater and a subject
    deployment_events: list[ReputationEvent]


def relationship(ref: int, rater: int, subject: int) -> tuple[int, Role]:
    """The weight and role the mock source was set up with for this triple (see the test below)."""
    weight = WEIGHTS[(ref + 2 * rater + 3 * subject) % len(WEIGHTS)]
    return weight, ROLES[(ref + rater + subject) % len(ROLES)]


person = st.integers(0, 2)
points = st.integers(-5, 5) | st.integers(-(10**30), 10**30)


class ReputationHistories(RuleBasedStateMachine):
    world: World  # bound by the test before it runs

    def __init__(self):
        super().__init__()
        chain.revert()  # every example starts from the snapshot the test took
        self.reputation = self.world.reputation
        self.people = self.world.people
        self.events: list[ReputationEvent] = list(self.world.deployment_events)
        self.rated: set[tuple[int, int, int]] = set()

    @rule(subject=person, role=st.sampled_from(ROLES), points=points)
    def record(self, subject, role, points):
        tx = self.reputation.record(
            self.people[subject], role, points, tag("random"), 0, {"from": self.world.recorder}
        )
        self.events += reputation_events(tx)

    @rule(ref=st.sampled_from(REFS), rater=person, subject=person, stars=st.integers(1, 5))
    def rate(self, ref, rater, subject, stars):
        source = self.world.source
        rater_account, subject_account = self.people[rater], self.people[subject]
        weight, role = relationship(ref, rater, subject)
        if rater == subject:
            expected_refusal = reason("SelfRating")
        elif (ref, rater, subject) in self.rated:
            expected_refusal = reason("AlreadyRated", source, ref, rater_account, subject_account)
        elif weight == 0:
            expected_refusal = reason("NotACounterparty", source, ref, rater_account, subject_account)
        else:
            expected_refusal = None
        if expected_refusal is not None:
            with brownie.reverts(expected_refusal):
                self.reputation.rate(source, ref, subject_account, stars, {"from": rater_account})
            return
        tx = self.reputation.rate(source, ref, subject_account, stars, {"from": rater_account})
        self.rated.add((ref, rater, subject))
        changed = tx.events["ScoreChanged"]
        assert changed["role"] == role
        assert changed["points"] == (stars - 3) * 10 * 10**18 * min(weight, 10_000) // 10_000
        self.events += reputation_events(tx)

    @rule(half_life=st.sampled_from(HALF_LIVES))
    def set_half_life(self, half_life):
        self.events += reputation_events(self.reputation.setHalfLife(half_life, {"from": accounts[0]}))

    @rule(seconds=st.sampled_from(TIME_JUMPS))
    def jump(self, seconds):
        chain.sleep(seconds)
        chain.mine()

    @invariant()
    def every_score_is_the_replay_of_its_events(self):
        scores = replay(self.events)  # raises ScoreMismatch if an event's newScore is not reproduced
        now = chain[-1].timestamp  # what a view sees as block.timestamp
        half_life = current_half_life(self.events)
        for account in self.people:
            for role in ROLES:
                expected = score_at(scores.get((account.address, role), Score(0, 0)), now, half_life)
                assert self.reputation.scoreOf(account, role) == expected
                lines = explain(account.address, role, self.events, now)
                assert sum(line.contribution for line in lines) == expected


def test_scores_always_equal_the_python_replay_of_the_log(reputation, source, recorder, owner):
    people = list(accounts[1:4])
    for ref in REFS:
        for rater in range(3):
            for subject in range(3):
                weight, role = relationship(ref, rater, subject)
                source.setWeight(ref, people[rater], people[subject], role, weight, {"from": owner})
    ReputationHistories.world = World(reputation, source, recorder, people, reputation_events(reputation.tx))
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
