"""Random lives of many campaigns at once, checked against an independent model after every step.

A hypothesis rule-based state machine. (Brownie's `state_machine` wrapper cannot be used: brownie 1.22 is
compiled with mypyc and its compiled type check rejects the machine classes it generates.) Hypothesis drives
launch, pledge, unpledge, cancel, claim, refund, milestone votes, fee withdrawals and time jumps across
several creators, backers, ETH and a token. The model predicts every payout from the rules alone, and the
invariants at the bottom are checked after each step:
- the contract holds exactly what it still owes in each asset (open pledges, unclaimed tranches, refund pools,
  fees);
- no backer ever gets back more than they put into a campaign;
- what went to creators, the treasury and refunds, plus what is still held, adds up to what was pledged.
"""

from dataclasses import dataclass, field

import brownie
from brownie import MockToken, chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.conftest import DAY, ETH, FEE_BPS

UNIT = 10**15
MILESTONE_PLANS = ([], [5000, 5000], [2000, 3000, 5000])
TIME_JUMPS = (3_607, DAY + 997, 3 * DAY + 11, 8 * DAY + 5)
FUNDING_DAYS = 4
MAX_CAMPAIGNS = 4
BOUNDARY_MARGIN = 120  # seconds; near a deadline the next block's time is not known exactly
VOTE_PERIOD = 7 * DAY
STATEFUL_EXAMPLES = 300
STATES = ("Upcoming", "Funding", "Succeeded", "Failed", "Cancelled", "Rejected")


@dataclass
class CampaignModel:
    campaign_id: int
    asset: str  # ETH or a token address
    creator: object
    goal: int
    starts_at: int
    deadline: int
    milestones: list[int]
    quorum_bps: int
    pledges: dict[str, int] = field(default_factory=dict)
    put_in: dict[str, int] = field(default_factory=dict)  # everything each backer ever pledged
    taken_back: dict[str, int] = field(default_factory=dict)  # unpledges and refunds
    released: int = 0
    cancelled: bool = False
    rejected: bool = False
    approved: int = 0
    vote_open: bool = False
    vote_ends_at: int = 0
    approve_weight: int = 0
    reject_weight: int = 0
    voters: set[str] = field(default_factory=set)
    pool_remaining: int = 0
    pool_weight: int = 0
    total: int = 0  # the campaign's `raised`: pledges in, minus unpledges

    def unlocked(self) -> int:
        tranches = self.approved + 1
        plan = self.milestones or [10_000]
        if tranches >= len(plan):
            return self.total
        return self.total * sum(plan[:tranches]) // 10_000

    def state(self, now: int) -> str | None:
        """The state the rules give at time `now`, or None too close to a boundary to tell."""
        if self.cancelled:
            return "Cancelled"
        if self.rejected:
            return "Rejected"
        for boundary in (self.starts_at, self.deadline):
            if abs(now - boundary) < BOUNDARY_MARGIN:
                return None
        if now < self.starts_at:
            return "Upcoming"
        if now < self.deadline:
            return "Funding"
        return "Succeeded" if self.total >= self.goal else "Failed"


@dataclass
class World:
    crowdfund: object
    token: object
    creators: list
    backers: list


campaign_index = st.integers(min_value=0, max_value=MAX_CAMPAIGNS - 1)
backer_index = st.integers(min_value=0, max_value=3)


class CrowdfundLives(RuleBasedStateMachine):
    world: World  # bound by the test before it runs

    def __init__(self):
        super().__init__()
        chain.revert()  # every example starts from the snapshot the test took
        self.crowdfund = self.world.crowdfund
        self.token = self.world.token
        self.creators = self.world.creators
        self.backers = self.world.backers
        self.campaigns: list[CampaignModel] = []
        self.fees = {ETH: 0, self.token.address: 0}
        self.paid = {asset: {"pledged": 0, "creators": 0, "treasury": 0, "backers": 0} for asset in self.fees}
        self.start_balance = {asset: self._held(asset) for asset in self.fees}

    # ------------------------------------------------------------------ helpers

    def _held(self, asset: str) -> int:
        if asset == ETH:
            return self.crowdfund.balance()
        return self.token.balanceOf(self.crowdfund)

    def _balance_of(self, asset: str, account) -> int:
        return account.balance() if asset == ETH else self.token.balanceOf(account)

    def _attempt(self, fn, *args, must_succeed: bool = False):
        """Send a transaction; return it, or None when the contract refused it with a named error."""
        try:
            return fn(*args)
        except brownie.exceptions.VirtualMachineError as refused:
            message = refused.revert_msg or ""
            assert "Panic" not in message and "Unknown" not in message, f"unnamed revert: {message}"
            assert not must_succeed, f"{fn._name} refused: {message}"
            return None

    def _campaign(self, index: int) -> CampaignModel | None:
        return self.campaigns[index] if index < len(self.campaigns) else None

    def _now(self) -> int:
        return chain.time()

    def _state(self, c: CampaignModel) -> str:
        """The model's state, or the contract's when the clock is too close to a boundary to call it."""
        return c.state(self._now()) or STATES[self.crowdfund.stateOf(c.campaign_id)]

    # ------------------------------------------------------------------ rules

    @rule(
        st_flag=st.booleans(),
        st_goal_units=st.integers(10, 150),
        st_choice=st.integers(0, 2),
        st_backer=st.integers(0, 1),
    )
    def launch(self, st_flag, st_goal_units, st_choice, st_backer):
        if len(self.campaigns) >= MAX_CAMPAIGNS:
            return
        asset = self.token.address if st_flag else ETH
        creator = self.creators[st_backer % len(self.creators)]
        milestones = list(MILESTONE_PLANS[st_choice])
        deadline = self._now() + FUNDING_DAYS * DAY
        quorum_bps = (2000, 5000, 0)[st_choice]
        params = (
            asset,
            st_goal_units * UNIT,
            0,
            deadline,
            quorum_bps,
            milestones,
            [(2 * UNIT, 2)],
            "ipfs://x",
            b"\x01" * 32,
        )
        tx = self.crowdfund.launch(params, {"from": creator})
        launched = tx.events["CampaignLaunched"]
        assert launched["feeBps"] == FEE_BPS
        self.campaigns.append(
            CampaignModel(
                campaign_id=tx.return_value,
                asset=asset,
                creator=creator,
                goal=st_goal_units * UNIT,
                starts_at=launched["startsAt"],
                deadline=deadline,
                milestones=milestones,
                quorum_bps=quorum_bps,
            )
        )

    @rule(
        st_campaign=campaign_index, st_backer=backer_index, st_units=st.integers(1, 60), st_flag=st.booleans()
    )
    def pledge(self, st_campaign, st_backer, st_units, st_flag):
        c = self._campaign(st_campaign)
        if c is None:
            return
        backer = self.backers[st_backer]
        amount = st_units * UNIT
        tier = 1 if st_flag else 0
        value = amount if c.asset == ETH else 0
        before = self._held(c.asset)
        tx = self._attempt(
            self.crowdfund.pledge, c.campaign_id, tier, amount, {"from": backer, "value": value}
        )
        if tx is None:
            return
        assert c.state(tx.timestamp) in ("Funding", None)
        assert self._held(c.asset) - before == amount
        c.pledges[backer.address] = c.pledges.get(backer.address, 0) + amount
        c.put_in[backer.address] = c.put_in.get(backer.address, 0) + amount
        c.total += amount
        self.paid[c.asset]["pledged"] += amount
        assert tx.events["Pledged"]["raised"] == c.total

    @rule(st_campaign=campaign_index, st_backer=backer_index)
    def unpledge(self, st_campaign, st_backer):
        c = self._campaign(st_campaign)
        if c is None:
            return
        backer = self.backers[st_backer]
        before = self._balance_of(c.asset, backer) if c.asset != ETH else None
        tx = self._attempt(self.crowdfund.unpledge, c.campaign_id, backer, {"from": backer})
        if tx is None:
            return
        amount = c.pledges.pop(backer.address)
        assert tx.events["Unpledged"]["amount"] == amount
        if before is not None:
            assert self._balance_of(c.asset, backer) - before == amount
        c.total -= amount
        c.taken_back[backer.address] = c.taken_back.get(backer.address, 0) + amount
        self.paid[c.asset]["backers"] += amount

    @rule(st_campaign=campaign_index)
    def cancel(self, st_campaign):
        c = self._campaign(st_campaign)
        if c is None:
            return
        expected = self._state(c)
        tx = self._attempt(
            self.crowdfund.cancel, c.campaign_id, {"from": c.creator}, must_succeed=expected == "Funding"
        )
        if tx is not None:
            c.cancelled = True

    @rule(st_jump=st.integers(0, len(TIME_JUMPS) - 1))
    def jump(self, st_jump):
        chain.sleep(TIME_JUMPS[st_jump])
        chain.mine()

    @rule(st_campaign=campaign_index)
    def claim(self, st_campaign):
        c = self._campaign(st_campaign)
        if c is None:
            return
        state = self._state(c)
        due = c.unlocked() - c.released if state in ("Succeeded", "Rejected") else 0
        tx = self._attempt(
            self.crowdfund.claim, c.campaign_id, c.creator, {"from": c.creator}, must_succeed=due > 0
        )
        if tx is None:
            return
        fee = due * FEE_BPS // 10_000
        claimed = tx.events["Claimed"]
        assert (claimed["amount"], claimed["fee"]) == (due - fee, fee)
        c.released += due
        self.fees[c.asset] += fee
        self.paid[c.asset]["creators"] += due - fee

    @rule(st_campaign=campaign_index, st_backer=backer_index)
    def refund(self, st_campaign, st_backer):
        c = self._campaign(st_campaign)
        if c is None:
            return
        backer = self.backers[st_backer]
        pledged = c.pledges.get(backer.address, 0)
        state = self._state(c)
        if state == "Rejected" and pledged:
            expected = (
                c.pool_remaining if pledged == c.pool_weight else c.pool_remaining * pledged // c.pool_weight
            )
        else:
            expected = pledged if state in ("Failed", "Cancelled") else 0
        must = pledged > 0 and state in ("Failed", "Cancelled", "Rejected")
        tx = self._attempt(self.crowdfund.refund, c.campaign_id, backer, {"from": backer}, must_succeed=must)
        if tx is None:
            return
        assert tx.events["Refunded"]["amount"] == expected
        del c.pledges[backer.address]
        if c.rejected:
            c.pool_remaining -= expected
            c.pool_weight -= pledged
        c.taken_back[backer.address] = c.taken_back.get(backer.address, 0) + expected
        self.paid[c.asset]["backers"] += expected

    @rule(st_campaign=campaign_index, st_flag=st.booleans())
    def open_vote(self, st_campaign, st_flag):
        c = self._campaign(st_campaign)
        if c is None:
            return
        opener = c.creator if st_flag else self.backers[0]
        tx = self._attempt(self.crowdfund.openVote, c.campaign_id, {"from": opener})
        if tx is None:
            return
        assert c.state(tx.timestamp) in ("Succeeded", None)
        assert c.approved + 1 < len(c.milestones)
        c.vote_open, c.vote_ends_at = True, tx.events["VoteOpened"]["endsAt"]
        c.approve_weight = c.reject_weight = 0
        c.voters = set()

    @rule(st_campaign=campaign_index, st_backer=backer_index, st_flag=st.booleans())
    def vote(self, st_campaign, st_backer, st_flag):
        c = self._campaign(st_campaign)
        if c is None:
            return
        backer = self.backers[st_backer]
        tx = self._attempt(self.crowdfund.vote, c.campaign_id, st_flag, {"from": backer})
        if tx is None:
            return
        assert c.vote_open and backer.address not in c.voters
        c.voters.add(backer.address)
        weight = c.pledges[backer.address]
        if st_flag:
            c.approve_weight += weight
        else:
            c.reject_weight += weight
        voted = tx.events["Voted"]
        assert (voted["approveWeight"], voted["rejectWeight"]) == (c.approve_weight, c.reject_weight)

    @rule(st_campaign=campaign_index)
    def close_vote(self, st_campaign):
        c = self._campaign(st_campaign)
        if c is None:
            return
        tx = self._attempt(self.crowdfund.closeVote, c.campaign_id, {"from": self.backers[1]})
        if tx is None:
            return
        cast = c.approve_weight + c.reject_weight
        rejected = c.reject_weight > c.approve_weight and cast * 10_000 >= c.quorum_bps * c.total
        c.vote_open = False
        closed = tx.events["VoteClosed"]
        assert closed["approved"] == (not rejected)
        if rejected:
            c.rejected = True
            c.pool_remaining = c.total - c.unlocked()
            c.pool_weight = c.total
            assert closed["refundPool"] == c.pool_remaining
        else:
            c.approved += 1

    @rule(st_flag=st.booleans())
    def withdraw_fees(self, st_flag):
        asset = self.token.address if st_flag else ETH
        must = self.fees[asset] > 0
        tx = self._attempt(self.crowdfund.withdrawFees, asset, {"from": self.backers[2]}, must_succeed=must)
        if tx is None:
            return
        assert tx.events["FeesWithdrawn"]["amount"] == self.fees[asset]
        self.paid[asset]["treasury"] += self.fees[asset]
        self.fees[asset] = 0

    # ------------------------------------------------------------------ invariants

    @invariant()
    def contract_holds_exactly_what_it_owes(self):
        for asset in self.fees:
            owed = self.fees[asset]
            for c in self.campaigns:
                if c.asset != asset:
                    continue
                if c.rejected:
                    owed += c.pool_remaining + c.unlocked() - c.released
                elif c.cancelled or self._state(c) == "Failed":
                    owed += sum(c.pledges.values())
                else:
                    owed += c.total - c.released
            assert self._held(asset) - self.start_balance[asset] == owed
            assert self.crowdfund.feesAccrued(asset) == self.fees[asset]

    @invariant()
    def no_backer_gets_back_more_than_they_put_in(self):
        for c in self.campaigns:
            for backer, amount in c.taken_back.items():
                assert amount <= c.put_in[backer]

    @invariant()
    def payouts_add_up_to_what_was_pledged(self):
        for asset, flows in self.paid.items():
            held = self._held(asset) - self.start_balance[asset]
            assert flows["pledged"] == flows["creators"] + flows["treasury"] + flows["backers"] + held

    @invariant()
    def on_chain_state_matches_the_model(self):
        now = self._now()
        for c in self.campaigns:
            expected = c.state(now)
            if expected is not None:
                assert STATES[self.crowdfund.stateOf(c.campaign_id)] == expected
            on_chain = self.crowdfund.campaign(c.campaign_id)
            assert on_chain["raised"] == c.total
            assert on_chain["released"] == c.released
            for backer in self.backers:
                assert self.crowdfund.pledges(c.campaign_id, backer)[0] == c.pledges.get(backer.address, 0)


def test_crowdfund_keeps_every_unit_of_money_accounted_for(crowdfund, owner, creator, backers):
    token = MockToken.deploy("Stable", "STB", 18, {"from": owner})
    for backer in backers[:4]:
        token.mint(backer, 10**24, {"from": owner})
        token.approve(crowdfund, 2**256 - 1, {"from": backer})
    CrowdfundLives.world = World(crowdfund, token, [creator, backers[5]], list(backers[:4]))
    chain.snapshot()
    run_state_machine_as_test(
        CrowdfundLives,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
