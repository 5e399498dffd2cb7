"""Random lives of campaigns and tasks, in ETH and a token, with the audit's replay checked against the chain
after every step.

A hypothesis rule-based state machine (brownie's `state_machine` wrapper breaks under its mypyc build). A step
is a whole life of a campaign or a task with random turns (who pledges what, an unpledge, a cancel, a vote and
its ballots; entries, places, an award, a default split, approvals, rejections, a reclaim), or a lone pledge,
claim, refund, withdrawal, reclaim, fee withdrawal or jump in time between them. The contracts refuse what
their rules forbid. The invariants, written once and checked after each step on the replay advanced to the
head:
- every event's carried totals follow from the events before it;
- every view function returns what the replay says;
- each contract holds exactly what the replay says it owes, in each asset (nothing is forced in here).
"""

import brownie
from brownie import MockToken, chain, web3
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from crowdledger.audit import views
from crowdledger.audit.model import Status
from crowdledger.audit.run import Auditor, audited_block
from crowdledger.chain.rpc import Rpc
from tests.backend.audit.conftest import entry, task_params
from tests.backend.conftest import rpc_url
from tests.conftest import DAY, ETH

UNIT = 10**15
MILESTONE_PLANS = ([], [5000, 5000], [2000, 3000, 5000])
TIME_JUMPS = (3_607, DAY + 997, 3 * DAY + 11, 8 * DAY + 5)
STATEFUL_EXAMPLES = 20
index = st.integers(0, 3)


class World:
    def __init__(self, crowdfund, bounty, deployment, token, people) -> None:
        self.crowdfund, self.bounty, self.deployment, self.token, self.people = (
            crowdfund,
            bounty,
            deployment,
            token,
            people,
        )


class AuditedLives(RuleBasedStateMachine):
    world: World

    def __init__(self) -> None:
        super().__init__()
        chain.revert()  # every example starts from the snapshot the test took
        w = self.world
        self.crowdfund, self.bounty, self.token, self.people = w.crowdfund, w.bounty, w.token, w.people
        self.campaigns: list[int] = []
        self.tasks: list[int] = []
        self.rpc = Rpc(rpc_url(), attempts=2, backoff=0.01)
        self.auditor = Auditor(self.rpc, w.deployment, transfers=False, funding_window=0, max_span=1_000)

    # ------------------------------------------------------------------ helpers

    def _attempt(self, fn, *args):
        try:
            return fn(*args)
        except brownie.exceptions.VirtualMachineError:
            return None

    def _who(self, i: int):
        return self.people[i % len(self.people)]

    def _asset(self, flag: bool) -> str:
        return self.token.address if flag else ETH

    def _value(self, asset: str, amount: int) -> int:
        return amount if asset == ETH else 0

    def _campaign(self, i: int) -> int | None:
        return self.campaigns[i % len(self.campaigns)] if self.campaigns else None

    def _task(self, i: int) -> int | None:
        return self.tasks[i % len(self.tasks)] if self.tasks else None

    # ------------------------------------------------------------------ whole lives, with random turns

    @rule(
        flag=st.booleans(),
        goal=st.integers(1, 40),
        plan=st.integers(0, 2),
        creator=index,
        pledges=st.lists(st.tuples(index, st.integers(1, 20)), min_size=1, max_size=4),
        leaver=st.one_of(st.none(), index),
        cancel=st.booleans(),
        ballots=st.lists(st.tuples(index, st.booleans()), max_size=4),
    )
    def campaign_life(self, flag, goal, plan, creator, pledges, leaver, cancel, ballots):
        """A campaign from launch to its last refund: pledges, maybe an unpledge or a cancel, the deadline, a
        claim, a milestone vote, refunds and a recorded failure, whichever the rules allow."""
        before = len(self.campaigns)
        self.launch(flag, goal, plan, creator)
        if len(self.campaigns) == before:
            return
        c = len(self.campaigns) - 1
        for who, amount in pledges:
            self.pledge(c, who, amount)
        if leaver is not None:
            self.unpledge(c, leaver)
        if cancel:
            self.cancel(c, creator)
        self.time_passes(3 * DAY + 11)
        self.claim(c, creator)
        self.open_vote(c, creator)
        for who, approve in ballots:
            self.vote(c, who, approve)
        self.time_passes(8 * DAY + 5)
        self.close_vote(c)
        self.claim(c, creator)
        for who, _ in pledges:
            self.refund(c, who)
        self.record_failure(c)

    @rule(
        contest=st.booleans(),
        flag=st.booleans(),
        reward=st.integers(1, 20),
        requester=index,
        workers=st.lists(index, min_size=1, max_size=3, unique=True),
        decision=st.sampled_from(("award", "split", "reclaim", "approve", "reject", "default")),
    )
    def task_life(self, contest, flag, reward, requester, workers, decision):
        """A contest or a micro-task from posting to the last withdrawal: entries or places, the deadline,
        reveals, an award, a default split or a reclaim; approvals, rejections or approvals by default."""
        before = len(self.tasks)
        if contest:
            self.post_contest(flag, reward, requester)
        else:
            self.post_micro_task(flag, reward, len(workers), requester)
        if len(self.tasks) == before:
            return
        t = len(self.tasks) - 1
        for place, who in enumerate(workers):
            self.enter(t, who)
            self.take(t, place, who)
            self.submit_work(t, place, who)
        if decision in ("approve", "reject"):
            for place, _ in enumerate(workers):
                self.review(t, place, requester, decision == "approve")
        self.time_passes(DAY + 997)
        for who in workers:
            self.reveal(t, who)
        if decision == "award":
            self.award(t, requester, workers[0])
        self.time_passes(3 * DAY + 11)
        if decision == "split":
            self.split_by_default(t)
        for place, _ in enumerate(workers):
            self.approve_by_default(t, place)
        self.reclaim(t, requester)
        for who in workers:
            self.withdraw(t, who)

    # ------------------------------------------------------------------ crowdfunding

    def launch(self, flag, goal, plan, who):
        deadline = chain.time() + 2 * DAY
        params = (
            self._asset(flag),
            goal * UNIT,
            0,
            deadline,
            2000,
            list(MILESTONE_PLANS[plan]),
            [],
            "",
            b"\1" * 32,
        )
        tx = self._attempt(self.crowdfund.launch, params, {"from": self._who(who)})
        if tx is not None:
            self.campaigns.append(tx.return_value)

    @rule(c=index, who=index, amount=st.integers(1, 30))
    def pledge(self, c, who, amount):
        campaign = self._campaign(c)
        if campaign is not None:
            asset = self.crowdfund.campaign(campaign)["token"]
            value = self._value(asset, amount * UNIT)
            self._attempt(
                self.crowdfund.pledge, campaign, 0, amount * UNIT, {"from": self._who(who), "value": value}
            )

    def unpledge(self, c, who):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.unpledge, campaign, self._who(who), {"from": self._who(who)})

    def cancel(self, c, who):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.cancel, campaign, {"from": self._who(who)})

    @rule(c=index, who=index)
    def claim(self, c, who):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.claim, campaign, self._who(who), {"from": self._who(who)})

    @rule(c=index, who=index)
    def refund(self, c, who):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.refund, campaign, self._who(who), {"from": self._who(who)})

    def record_failure(self, c):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.recordFailure, campaign, {"from": self._who(0)})

    def open_vote(self, c, who):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.openVote, campaign, {"from": self._who(who)})

    def vote(self, c, who, approve):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.vote, campaign, approve, {"from": self._who(who)})

    def close_vote(self, c):
        if (campaign := self._campaign(c)) is not None:
            self._attempt(self.crowdfund.closeVote, campaign, {"from": self._who(0)})

    @rule(flag=st.booleans(), bounty=st.booleans())
    def withdraw_fees(self, flag, bounty):
        contract = self.bounty if bounty else self.crowdfund
        self._attempt(contract.withdrawFees, self._asset(flag), {"from": self._who(0)})

    # ------------------------------------------------------------------ crowdsourcing

    def post_contest(self, flag, reward, who):
        asset = self._asset(flag)
        params = (asset, *task_params(chain.time() + DAY)[1:])
        value = self._value(asset, reward * UNIT)
        tx = self._attempt(
            self.bounty.postContest, params, reward * UNIT, {"from": self._who(who), "value": value}
        )
        if tx is not None:
            self.tasks.append(tx.return_value)

    def post_micro_task(self, flag, pay, places, who):
        asset = self._asset(flag)
        params = (asset, *task_params(chain.time() + DAY)[1:])
        value = self._value(asset, pay * UNIT * places)
        tx = self._attempt(
            self.bounty.postMicroTask,
            params,
            pay * UNIT,
            places,
            3600 * 4,
            {"from": self._who(who), "value": value},
        )
        if tx is not None:
            self.tasks.append(tx.return_value)

    def enter(self, t, who):
        if (task := self._task(t)) is not None:
            self._attempt(self.bounty.submit, task, entry(self._who(who))[2], [], {"from": self._who(who)})

    def reveal(self, t, who):
        if (task := self._task(t)) is not None:
            deliverable, salt, _ = entry(self._who(who))
            self._attempt(self.bounty.reveal, task, deliverable, "ipfs://w", salt, {"from": self._who(who)})

    def award(self, t, who, winner):
        if (task := self._task(t)) is not None:
            self._attempt(self.bounty.award, task, [self._who(winner)], [10_000], {"from": self._who(who)})

    def split_by_default(self, t):
        if (task := self._task(t)) is not None:
            self._attempt(self.bounty.splitByDefault, task, {"from": self._who(0)})

    def take(self, t, place, who):
        if (task := self._task(t)) is not None:
            self._attempt(self.bounty.take, task, place, [], {"from": self._who(who)})

    def submit_work(self, t, place, who):
        if (task := self._task(t)) is not None:
            self._attempt(
                self.bounty.submitWork, task, place, keccak(text=f"{place}"), {"from": self._who(who)}
            )

    def review(self, t, place, who, approve):
        if (task := self._task(t)) is not None:
            decide = self.bounty.approve if approve else self.bounty.reject
            self._attempt(decide, task, place, {"from": self._who(who)})

    def approve_by_default(self, t, place):
        if (task := self._task(t)) is not None:
            self._attempt(self.bounty.approveByDefault, task, place, {"from": self._who(0)})

    @rule(t=index, who=index)
    def reclaim(self, t, who):
        if (task := self._task(t)) is not None:
            self._attempt(self.bounty.reclaim, task, self._who(who), {"from": self._who(who)})

    @rule(t=index, who=index)
    def withdraw(self, t, who):
        if (task := self._task(t)) is not None:
            self._attempt(self.bounty.withdraw, task, self._who(who), {"from": self._who(who)})

    @rule(jump=st.sampled_from(TIME_JUMPS))
    def time_passes(self, jump):
        chain.sleep(jump)
        chain.mine()

    # ------------------------------------------------------------------ the invariants

    @invariant()
    def the_replay_agrees_with_the_chain_and_every_asset_is_held_exactly(self):
        head = web3.eth.block_number
        self.auditor.advance(head)
        block = audited_block(self.rpc, head)
        problems = [p.message for r in self.auditor.replays.values() for p in r.problems]
        assert problems == []
        checked = views.check(self.rpc, block, self.auditor.replays.values(), self.world.deployment.contracts)
        assert checked.status == Status.PASS, [m.to_json() for m in checked.mismatches]
        for p in self.auditor.positions(block, self.auditor.obligations(block)):
            assert p.held == p.owed, (p.contract, p.asset, p.held, p.owed)


def test_the_audit_replay_equals_the_contracts_through_random_lives(
    crowdfund, bounty, deployment, owner, backers
):
    token = MockToken.deploy("Stable", "STB", 18, {"from": owner})
    people = list(backers[:4])
    for person in people:
        token.mint(person, 10**24, {"from": owner})
        token.approve(crowdfund, 2**256 - 1, {"from": person})
        token.approve(bounty, 2**256 - 1, {"from": person})
    AuditedLives.world = World(crowdfund, bounty, deployment, token, people)
    chain.snapshot()
    run_state_machine_as_test(
        AuditedLives,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        ),
    )
