"""Random lives of many campaigns at once, checked against an independent model after every step.

A hypothesis rule-based state machine. (Brownie's `state_machine` wrapper cannot be used: brownie 1.22 is
compiled with mypyc and its compiled type check rejects the machine classes it generates.) Hypothesis drives
launch, pledge, unpledge, cancel, claim, refund, milestone votes (pledge-weighted vetoes and one vote per
verified identity), delivery confirmations and reports, ratings, fee withdrawals and time jumps across several
creators, backers (two of them verified), ETH and a token, with the reputation ledger wired in. The model
predicts every payout and every vote from the rules alone, and the invariants at the bottom are checked after
each step:
- the contract holds exactly what it still owes in each asset (open pledges, unclaimed tranches, refund pools,
  fees);
- no backer ever gets back more than they put into a campaign;
- what went to creators, the treasury and refunds, plus what is still held, adds up to what was pledged.
"""

from dataclasses import dataclass, field

import brownie
from brownie import MockToken, Reputation, accounts, chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.conftest import DAY, ETH, FEE_BPS, ONE_PER_VERIFIED_IDENTITY, PLEDGE_WEIGHTED

UNIT = 10**15
MILESTONE_PLANS = ([], [5000, 5000], [2000, 3000, 5000])
# (vote mode, quorum bps, minimum attestation level) per launch choice
VOTE_PLANS = (
    (PLEDGE_WEIGHTED, 2000, 0),
    (PLEDGE_WEIGHTED, 5000, 0),
    (PLEDGE_WEIGHTED, 1, 0),
    (ONE_PER_VERIFIED_IDENTITY, 0, 1),
)
DELIVERY_DAYS = 5  # the delivery date, after the deadline
VERIFIED_BACKERS = (0, 2)  # backers with a level-1 attestation
UNVERIFIED_BPS = 5_000  # the ledger's default weight for the others
TIME_JUMPS = (3_607, DAY + 997, 3 * DAY + 11, 8 * DAY + 5)
FUNDING_DAYS = 4
MAX_CAMPAIGNS = 4
BOUNDARY_MARGIN = 120  # seconds; near a deadline the next block's time is not known exactly
VOTE_PERIOD = 7 * DAY
STATEFUL_EXAMPLES = 100  # with the other stateful tests, the suite stays within 30 minutes on 2 cores
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
    identity_votes: bool
    delivery_date: int
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
    delivered: set[str] = field(
        default_factory=set
    )  # backers who confirmed delivery or reported non-delivery
    rated: set[str] = field(default_factory=set)
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
    reputation: object
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
        self.reputation = self.world.reputation
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

    def _verified(self, backer) -> bool:
        return any(backer == self.backers[i] for i in VERIFIED_BACKERS)

    # ------------------------------------------------------------------ rules

    @rule(
        st_flag=st.booleans(),
        st_goal_units=st.integers(10, 150),
        st_choice=st.integers(0, 2),
        st_backer=st.integers(0, 1),
        st_vote_plan=st.integers(0, len(VOTE_PLANS) - 1),
    )
    def launch(self, st_flag, st_goal_units, st_choice, st_backer, st_vote_plan):
        if len(self.campaigns) >= MAX_CAMPAIGNS:
            return
        asset = self.token.address if st_flag else ETH
        creator = self.creators[st_backer % len(self.creators)]
        milestones = list(MILESTONE_PLANS[st_choice])
        deadline = self._now() + FUNDING_DAYS * DAY
        vote_mode, quorum_bps, min_level = VOTE_PLANS[st_vote_plan]
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
            deadline + DELIVERY_DAYS * DAY,
            vote_mode,
            min_level,
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
                identity_votes=vote_mode == ONE_PER_VERIFIED_IDENTITY,
                delivery_date=deadline + DELIVERY_DAYS * DAY,
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
        if c.identity_votes:
            assert self._verified(backer)
            weight = 1
        else:
            weight = (
                c.pledges[backer.address] * (10_000 if self._verified(backer) else UNVERIFIED_BPS) // 10_000
            )
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
        if c.identity_votes:
            rejected = c.reject_weight > c.approve_weight
        else:  # the quorum of what `raised` weighs unverified
            rejected = c.reject_weight > 0 and (
                c.reject_weight * 10_000 * 10_000 >= c.quorum_bps * c.total * UNVERIFIED_BPS
            )
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

    @rule(st_campaign=campaign_index, st_backer=backer_index, st_flag=st.booleans())
    def record_delivery(self, st_campaign, st_backer, st_flag):
        """Confirm delivery (st_flag) or report non-delivery; neither moves money."""
        c = self._campaign(st_campaign)
        if c is None:
            return
        backer = self.backers[st_backer]
        state = self._state(c)
        allowed = (
            state in ("Succeeded", "Rejected")
            and c.pledges.get(backer.address, 0) > 0
            and backer.address not in c.delivered
        )
        near_date = abs(self._now() - c.delivery_date) < BOUNDARY_MARGIN
        if not st_flag:
            allowed = allowed and (self._now() >= c.delivery_date or near_date)
        call = self.crowdfund.confirmDelivery if st_flag else self.crowdfund.reportNotDelivered
        must = allowed and (st_flag or not near_date)
        tx = self._attempt(call, c.campaign_id, {"from": backer}, must_succeed=must)
        if tx is None:
            return
        assert allowed
        event = tx.events["DeliveryConfirmed" if st_flag else "NonDeliveryReported"]
        assert event["pledge"] == c.pledges[backer.address]
        c.delivered.add(backer.address)

    @rule(st_campaign=campaign_index, st_backer=backer_index, st_stars=st.integers(1, 5))
    def rate(self, st_campaign, st_backer, st_stars):
        c = self._campaign(st_campaign)
        if c is None:
            return
        backer = self.backers[st_backer]
        allowed = (
            backer.address in c.delivered
            and c.pledges.get(backer.address, 0) > 0
            and backer.address not in c.rated
        )
        tx = self._attempt(
            self.reputation.rate,
            self.crowdfund,
            c.campaign_id,
            c.creator,
            st_stars,
            {"from": backer},
            must_succeed=allowed,
        )
        if tx is None:
            return
        assert allowed
        c.rated.add(backer.address)

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
                on_chain_pledge = self.crowdfund.pledges(c.campaign_id, backer)
                assert on_chain_pledge["amount"] == c.pledges.get(backer.address, 0)
                if on_chain_pledge["amount"]:
                    recorded = on_chain_pledge["deliveryConfirmed"] or on_chain_pledge["nonDeliveryReported"]
                    assert recorded == (backer.address in c.delivered)
                    assert on_chain_pledge["rated"] == (backer.address in c.rated)


def test_crowdfund_keeps_every_unit_of_money_accounted_for(crowdfund, owner, creator, backers):
    token = MockToken.deploy("Stable", "STB", 18, {"from": owner})
    for backer in backers[:4]:
        token.mint(backer, 10**24, {"from": owner})
        token.approve(crowdfund, 2**256 - 1, {"from": backer})
    reputation = Reputation.deploy(owner, {"from": owner})
    reputation.setModule(crowdfund, True, {"from": owner})
    reputation.setAsset(ETH, 10 * UNIT, UNIT, {"from": owner})
    reputation.setAsset(token, 10 * UNIT, UNIT, {"from": owner})
    reputation.setAttester(accounts[9], True, {"from": owner})
    for i in VERIFIED_BACKERS:
        reputation.attest(backers[i], 1, chain.time() + 10 * 365 * DAY, {"from": accounts[9]})
    crowdfund.setReputation(reputation, {"from": owner})
    CrowdfundLives.world = World(crowdfund, reputation, token, [creator, backers[5]], list(backers[:4]))
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
