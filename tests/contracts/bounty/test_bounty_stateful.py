"""Random lives of many tasks at once, checked against an independent model after every step.

A hypothesis rule-based state machine (plain hypothesis, as in test_crowdfund_stateful.py: brownie's
`state_machine` wrapper breaks under its mypyc build). Hypothesis drives post (contests and micro-tasks, ETH
and a token, with or without a co-reviewer, with or without an arbiter), submit, reveal (some workers are
verified), the requester's award and the co-reviewer's confirmation or objection, the arbiter's award, the
finalization of a standing award, the default split, take, submit work, the requester's approval or
rejection, the co-reviewer's confirmation or objection, the arbiter's decision, appeals, the finalization of a
place, the default approval, reclaim, withdraw, fee withdrawals and time jumps. Each life starts in the middle
of the reviews (a contest with revealed entries, perhaps awarded; a micro-task with submitted work, perhaps
decided), so that the co-reviewer's, the arbiter's and everyone's calls are reached within its steps. Every
transaction is mined at a time the model chooses, so the model knows exactly which rule and window applies: it
predicts whether each call succeeds (and, when refused, with which error), who decided, and every amount paid.
Checked after each step:
- the contract holds exactly what it owes in each asset: the escrow of every task, the credited payouts not
  yet withdrawn, and the fees;
- what was deposited equals what went to workers, back to requesters and to the treasury, plus what is held;
- nobody is paid for nothing: a worker is credited only for a revealed entry that was awarded or is in the
  default split (the verified entries, if any), or for a submitted place that was approved, and never
  withdraws more than that;
- the touched task, place and worker's credit read the same on chain as in the model.
"""

from dataclasses import dataclass, field

import brownie
from brownie import MockToken, accounts, chain, web3
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.contracts.bounty.conftest import (
    APPEAL_WINDOW,
    ARBITRATION_WINDOW,
    BPS,
    BY_ARBITER,
    BY_BOTH_REVIEWERS,
    BY_DEFAULT,
    BY_REQUESTER,
    CO_REVIEW_WINDOW,
    DAY,
    ETH,
    FEE_BPS,
    HOUR,
    ZERO,
    commitment,
    deliverable,
    next_block_at,
    now,
    salt_of,
)

UNIT = 10**15
DURATION = 2 * DAY
REVIEW = DAY
WINDOW = DAY
TIME_JUMPS = (600, 5 * HOUR + 3, WINDOW + 7, 2 * DAY + 1)  # the rules wait for the longer windows themselves
MAX_TASKS = 4
MAX_PLACES = 3
STATEFUL_EXAMPLES = 80  # with the other stateful tests, the suite stays within 30 minutes on a slow 2-core CI
STATEFUL_STEPS = 30
STATUSES = ("Open", "Awarded", "SplitByDefault", "Reclaimed")
PLACE_STATUSES = ("Open", "Taken", "Submitted", "Approved", "Rejected", "Appealed")
VERDICTS = (None, "approve", "reject")


def fee_of(amount: int) -> int:
    return amount * FEE_BPS // BPS  # rounded down, as the contract does


@dataclass
class PlaceModel:
    worker: str | None = None
    since: int = 0  # taken, submitted, rejected or appealed at
    status: str = "Open"
    decision: str | None = None  # the requester's "approve" / "reject" waiting for the co-reviewer
    decided_at: int = 0
    objected: bool = False


@dataclass
class Proposal:
    winners: list
    shares: list[int]
    proposed_at: int
    objected: bool = False


@dataclass
class TaskModel:
    task_id: int
    kind: str  # "contest" or "micro"
    asset: str
    requester: object
    co_reviewer: object | None
    arbiter: object | None
    deadline: int
    reward: int = 0  # contest
    pay: int = 0  # micro
    places: list[PlaceModel] = field(default_factory=list)
    status: str = "Open"
    commits: dict[str, int] = field(default_factory=dict)  # worker -> version of their last commitment
    revealed: set[str] = field(default_factory=set)
    verified: set[str] = field(default_factory=set)  # revealed by a verified worker
    collected: set[str] = field(default_factory=set)  # default shares collected
    proposal: Proposal | None = None
    pending: int = 0
    settled: int = 0
    owed: dict[str, int] = field(default_factory=dict)
    earned: dict[str, int] = field(default_factory=dict)  # net ever credited, per worker
    withdrawn: dict[str, int] = field(default_factory=dict)

    @property
    def review_ends_at(self) -> int:
        return self.deadline + REVIEW

    def split_pool(self) -> set[str]:
        """Who shares a default split: the verified revealed entries, or every revealed one if none is."""
        return self.verified or self.revealed

    def stands_at(self, decided_at: int, objected: bool) -> int:
        """When a requester's decision stands without the co-reviewer's confirmation."""
        return decided_at + CO_REVIEW_WINDOW + (ARBITRATION_WINDOW if objected and self.arbiter else 0)

    def escrow(self) -> int:
        """What the task still holds for work not yet paid (before any credit)."""
        if self.kind == "micro":
            return self.pay * (len(self.places) - self.settled)
        if self.status == "Open":
            return self.reward
        if self.status == "SplitByDefault":
            return self.reward - sum(self.default_gross(i) for i in range(len(self.collected)))
        return 0

    def default_gross(self, index: int) -> int:
        """The gross share of the index-th default collector: rounded down, the first also takes the rest."""
        recipients = len(self.split_pool())
        share = self.reward // recipients
        return self.reward - share * (recipients - 1) if index == 0 else share

    def credit(self, worker: str, net: int) -> None:
        self.owed[worker] = self.owed.get(worker, 0) + net
        self.earned[worker] = self.earned.get(worker, 0) + net


@dataclass
class World:
    bounty: object
    token: object
    requesters: list
    co_reviewer: object
    arbiter: object
    workers: list
    verified_workers: list  # the workers the ledger says are verified, for the whole test
    treasury: object


task_index = st.integers(min_value=0, max_value=MAX_TASKS - 1)
worker_index = st.integers(min_value=0, max_value=3)
place_index = st.integers(min_value=0, max_value=MAX_PLACES - 1)
wait = st.integers(0, 3)  # 0: act now; otherwise wait for the moment the rule's window opens
far_wait = st.booleans()  # as wait, for a moment days ahead (which closes the other tasks' windows)
now_and_then = st.integers(0, 7)  # 0: make the wrong choice on purpose


class BountyLives(RuleBasedStateMachine):
    world: World  # bound by the test before it runs

    def __init__(self):
        super().__init__()
        chain.revert()  # every example starts from the snapshot the test took
        w = self.world
        self.bounty, self.token, self.workers = w.bounty, w.token, w.workers
        self.requesters, self.treasury = w.requesters, w.treasury
        self.co_reviewer, self.arbiter = w.co_reviewer, w.arbiter
        self.clock = now()
        self.tasks: list[TaskModel] = []
        self.verified_workers = {worker.address for worker in w.verified_workers}
        self.fees = {ETH: 0, self.token.address: 0}
        self.flows = {a: {"deposited": 0, "workers": 0, "requesters": 0, "treasury": 0} for a in self.fees}
        self.start_held = {asset: self._held(asset) for asset in self.fees}
        # successful transactions so far, and up to which one each on-chain invariant has checked: they read
        # the chain only after a change, since a refused transaction changes nothing
        self.changes = 0
        self.checked: dict[str, int] = {}
        self.touched: tuple[TaskModel, str | None, int | None] | None = None

    # ------------------------------------------------------------------ helpers

    def _held(self, asset: str) -> int:
        if asset == ETH:
            return web3.eth.get_balance(self.bounty.address)
        return self._read(self.token, "balanceOf", self.bounty.address)

    @staticmethod
    def _read(contract, view: str, *args) -> int:
        """A uint view read with a bare eth_call (brownie's call machinery is the slow part of a step)."""
        data = getattr(contract, view).encode_input(*args)
        return int.from_bytes(web3.eth.call({"to": contract.address, "data": data}), "big")

    def _words(self, view: str, *args) -> list[int]:
        """A Bounty view's return data as 32-byte words, read with a bare eth_call."""
        data = getattr(self.bounty, view).encode_input(*args)
        raw = web3.eth.call({"to": self.bounty.address, "data": data})
        return [int.from_bytes(raw[i : i + 32], "big") for i in range(0, len(raw), 32)]

    def _balance(self, asset: str, account) -> int:
        return (
            web3.eth.get_balance(account.address)
            if asset == ETH
            else self._read(self.token, "balanceOf", account)
        )

    def _send(self, fn, *args, sender, refusal: str | None, value: int = 0):
        """Mine `fn(*args)` at the next second; it must succeed when `refusal` is None, and otherwise be
        refused with that error. Returns the receipt, or None when refused."""
        self.clock += 1
        next_block_at(self.clock)
        try:
            tx = fn(*args, {"from": sender, "value": value})
        except brownie.exceptions.VirtualMachineError as refused:
            message = refused.revert_msg or ""
            assert refusal is not None, f"{fn._name} refused: {message}"
            assert message.split(":")[0] == refusal, f"{fn._name}: expected {refusal}, got {message}"
            return None
        assert refusal is None, f"{fn._name} succeeded where the rules say {refusal}"
        assert tx.timestamp == self.clock
        self.changes += 1
        return tx

    def _unchecked(self, invariant_name: str) -> bool:
        """Whether the chain changed since `invariant_name` last looked; marks it as looking now."""
        unchecked = self.checked.get(invariant_name, 0) < self.changes
        self.checked[invariant_name] = self.changes
        return unchecked

    @staticmethod
    def _pick(candidates: list, index: int):
        """The index-th candidate, round the list (the rules' preconditions make sure there is one)."""
        return candidates[index % len(candidates)]

    def _wait_until(self, moment: int, wait: int) -> None:
        """With `wait`, let the clock run to `moment` when it is still ahead, so that the next transaction is
        mined exactly then: rules use it to reach the window they act in, landing on its first second."""
        if wait and self.clock + 1 < moment:
            self.clock = moment - 1

    def _by_address(self, address: str):
        return next(w for w in self.workers if w.address == address)

    # ------------------------------------------------------------------ posting and time

    def _post(self, micro, token, units, requester_index, co, arbiter, places) -> None:
        asset = self.token.address if token else ETH
        requester = self.requesters[requester_index]
        deadline = self.clock + 1 + DURATION
        params = (
            asset,
            deadline,
            REVIEW,
            self.co_reviewer.address if co else ZERO,
            self.arbiter.address if arbiter else ZERO,
            0,
            0,
            b"\x00" * 32,
            0,
            "ipfs://t",
            b"\x01" * 32,
        )
        amount = units * UNIT + units % 7  # odd amounts, so that rounding shows
        total = amount * places if micro else amount
        value = total if asset == ETH else 0
        if micro:
            call = (self.bounty.postMicroTask, params, amount, places, WINDOW)
        else:
            call = (self.bounty.postContest, params, amount)
        tx = self._send(*call, sender=requester, refusal=None, value=value)
        assert (tx.events["TaskPosted"]["reward"], tx.events["TaskPosted"]["feeBps"]) == (total, FEE_BPS)
        t = TaskModel(
            task_id=tx.return_value,
            kind="micro" if micro else "contest",
            asset=asset,
            requester=requester,
            co_reviewer=self.co_reviewer if co else None,
            arbiter=self.arbiter if arbiter else None,
            deadline=deadline,
            reward=0 if micro else amount,
            pay=amount if micro else 0,
            places=[PlaceModel() for _ in range(places)] if micro else [],
        )
        self.tasks.append(t)
        self.flows[asset]["deposited"] += total
        self.touched = (t, None, None)

    @initialize(
        st_tokens=st.tuples(st.booleans(), st.booleans()),
        st_units=st.integers(1, 50),
        st_reviewers=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
        st_places=st.integers(1, MAX_PLACES),
        st_entrants=st.integers(0, 15),
        st_revealers=st.integers(0, 15),
        st_submitted=st.integers(0, MAX_PLACES),
        st_award=st.integers(1, 15),
        st_decisions=st.integers(0, 4**MAX_PLACES - 1),  # per place: decide?, approve?
    )
    def start_with_work_in_review(
        self,
        st_tokens,
        st_units,
        st_reviewers,
        st_places,
        st_entrants,
        st_revealers,
        st_submitted,
        st_award,
        st_decisions,
    ):
        """A contest with entries, some revealed, in its review period, which the requester may have awarded;
        a micro-task with work submitted, on some of which the requester may have decided. Lives start in the
        middle of the reviews, so that they reach the co-reviewer's, the arbiter's and everyone's calls within
        their steps."""
        co_contest, arbiter_contest, co_micro, arbiter_micro = st_reviewers
        self._post(False, st_tokens[0], st_units, 0, co_contest, arbiter_contest, 1)
        contest = self.tasks[-1]
        entrants = [w for i, w in enumerate(self.workers) if st_entrants >> i & 1]
        for worker in entrants:
            self._enter(contest, worker, 0)
        self.clock = contest.deadline - 1
        for worker in entrants:
            if st_revealers >> self.workers.index(worker) & 1:
                self._send(
                    self.bounty.reveal,
                    contest.task_id,
                    deliverable(worker, 0),
                    "ipfs://w",
                    salt_of(worker, 0),
                    sender=worker,
                    refusal=None,
                )
                contest.revealed.add(worker.address)
                if worker.address in self.verified_workers:
                    contest.verified.add(worker.address)
        if contest.revealed and st_award % 4:  # the award rule, in time, with revealed winners
            self.award(0, st_award >> 2, 1, 1)
        self._post(True, st_tokens[1], st_units, 1, co_micro, arbiter_micro, st_places)
        micro = self.tasks[-1]
        for index in range(min(st_submitted, st_places)):
            worker = self.workers[index]
            self._send(self.bounty.take, micro.task_id, index, [], sender=worker, refusal=None)
            micro.places[index] = PlaceModel(worker=worker.address, since=self.clock, status="Taken")
            self._send(
                self.bounty.submitWork, micro.task_id, index, b"\x77" * 32, sender=worker, refusal=None
            )
            micro.places[index].status, micro.places[index].since = "Submitted", self.clock
            micro.pending += 1
        for index in range(min(st_submitted, st_places)):
            if st_decisions >> 2 * index & 1:  # the requester's decision rule, in time, either way
                self.decide(1, index, bool(st_decisions >> 2 * index + 1 & 1), 1, 1)

    @precondition(lambda self: len(self.tasks) < MAX_TASKS)
    @rule(
        st_micro=st.booleans(),
        st_token=st.booleans(),
        st_units=st.integers(1, 50),
        st_requester=st.integers(0, 1),
        st_co=st.booleans(),
        st_arbiter=st.booleans(),
        st_places=st.integers(1, MAX_PLACES),
    )
    def post(self, st_micro, st_token, st_units, st_requester, st_co, st_arbiter, st_places):
        self._post(st_micro, st_token, st_units, st_requester, st_co, st_arbiter, st_places)

    @rule(st_jump=st.integers(0, len(TIME_JUMPS) - 1))
    def jump(self, st_jump):
        self.clock += TIME_JUMPS[st_jump]

    # ------------------------------------------------------------------ contests
    # Each rule acts on a task where it can matter (its precondition says there is one), so that lives reach
    # their payouts; refusals still come from the clock, from wrong choices the rules make on purpose now and
    # then, and from racing the other rules.

    def _contests(self, predicate) -> list[TaskModel]:
        return [t for t in self.tasks if t.kind == "contest" and t.status == "Open" and predicate(t)]

    def _unrevealed(self, t: TaskModel) -> list:
        return [w for w in self.workers if w.address in t.commits and w.address not in t.revealed]

    def _winners(self, t: TaskModel, mask: int, anyone: bool) -> tuple[list, list[int]]:
        """A non-empty subset of the revealed workers (of all workers when `anyone`), equal shares, the last
        with the bps remainder."""
        pool = self.workers if anyone else [w for w in self.workers if w.address in t.revealed]
        winners = [w for i, w in enumerate(pool) if (mask % (2 ** len(pool) - 1) + 1) >> i & 1]
        shares = [BPS // len(winners)] * len(winners)
        shares[-1] += BPS - sum(shares)
        return winners, shares

    def _execute_award(self, t: TaskModel, tx, winners: list, shares: list[int], decided_by: int) -> None:
        t.status, t.proposal = "Awarded", None
        unpaid = t.reward
        events = list(tx.events["Awarded"])
        assert len(events) == len(winners)
        for i, (winner, share) in enumerate(zip(winners, shares, strict=True)):
            gross = unpaid if i == len(winners) - 1 else t.reward * share // BPS
            unpaid -= gross
            fee = fee_of(gross)
            assert (events[i]["worker"], events[i]["amount"], events[i]["fee"]) == (winner, gross - fee, fee)
            assert events[i]["decidedBy"] == decided_by
            t.credit(winner.address, gross - fee)
            self.fees[t.asset] += fee
        self.touched = (t, winners[-1].address, None)

    def _entering(self, t: TaskModel) -> bool:
        return self.clock + 1 < t.deadline and len(t.commits) < len(self.workers)

    @precondition(lambda self: self._contests(self._entering))
    @rule(st_task=task_index, st_worker=worker_index, st_again=now_and_then, st_version=st.integers(0, 1))
    def submit(self, st_task, st_worker, st_again, st_version):
        """A worker who has not entered yet enters; now and then one enters again with another version."""
        t = self._pick(self._contests(self._entering), st_task)
        newcomers = [w for w in self.workers if w.address not in t.commits]
        worker = self._pick(newcomers, st_worker) if st_again else self.workers[st_worker]
        self._enter(t, worker, st_version)

    def _enter(self, t: TaskModel, worker, version: int) -> None:
        c = commitment(deliverable(worker, version), worker, salt_of(worker, version))
        tx = self._send(self.bounty.submit, t.task_id, c, [], sender=worker, refusal=None)
        t.commits[worker.address] = version
        assert tx.events["EntrySubmitted"]["entryCount"] == len(t.commits)
        self.touched = (t, worker.address, None)

    def _revealable(self, t: TaskModel) -> bool:
        return bool(self._unrevealed(t)) and self.clock + 1 < t.review_ends_at

    @precondition(lambda self: self._contests(self._revealable))
    @rule(st_task=task_index, st_worker=worker_index, st_wrong=now_and_then, st_wait=wait)
    def reveal(self, st_task, st_worker, st_wrong, st_wait):
        t = self._pick(self._contests(self._revealable), st_task)
        worker = self._pick(self._unrevealed(t), st_worker)
        self._wait_until(t.deadline, st_wait)
        version = t.commits[worker.address]
        if st_wrong == 0:
            version = 1 - version  # another deliverable than the one committed to
        at = self.clock + 1
        if at < t.deadline:
            refusal = "RevealNotOpenYet"
        elif at >= t.review_ends_at:
            refusal = "ReviewPeriodOver"
        elif version != t.commits[worker.address]:
            refusal = "CommitmentMismatch"
        else:
            refusal = None
        tx = self._send(
            self.bounty.reveal,
            t.task_id,
            deliverable(worker, version),
            "ipfs://w",
            salt_of(worker, version),
            sender=worker,
            refusal=refusal,
        )
        if tx is None:
            return
        t.revealed.add(worker.address)
        verified = worker.address in self.verified_workers
        if verified:
            t.verified.add(worker.address)
        revealed = tx.events["EntryRevealed"]
        assert (revealed["revealedCount"], revealed["verified"], revealed["verifiedCount"]) == (
            len(t.revealed),
            verified,
            len(t.verified),
        )
        self.touched = (t, worker.address, None)

    @precondition(lambda self: self._contests(self._awardable))
    @rule(st_task=task_index, st_mask=st.integers(1, 15), st_wrong=now_and_then, st_outsider=now_and_then)
    def award(self, st_task, st_mask, st_wrong, st_outsider):
        t = self._pick(self._timely(self._awardable, lambda t: t.revealed, st_wrong), st_task)
        winners, shares = self._winners(t, st_mask, anyone=st_outsider == 0)
        caller = t.requester if st_wrong else self.co_reviewer  # the co-reviewer cannot award
        at = self.clock + 1
        if caller != t.requester:
            refusal = "NotRequester"
        elif at >= t.review_ends_at:
            refusal = "ReviewPeriodOver"
        elif any(w.address not in t.revealed for w in winners):
            refusal = "WinnerNotRevealed"
        elif t.co_reviewer and t.proposal and t.proposal.objected:
            refusal = "AlreadyObjected"
        else:
            refusal = None
        tx = self._send(self.bounty.award, t.task_id, winners, shares, sender=caller, refusal=refusal)
        if tx is None:
            return
        if t.co_reviewer is None:
            self._execute_award(t, tx, winners, shares, BY_REQUESTER)
            return
        assert "Awarded" not in tx.events
        assert tx.events["AwardProposed"]["standsAt"] == at + CO_REVIEW_WINDOW
        t.proposal = Proposal(winners, shares, at)
        self.touched = (t, None, None)

    def _awardable(self, t: TaskModel) -> bool:
        objected = t.co_reviewer and t.proposal and t.proposal.objected
        return bool(t.revealed) and self.clock + 1 < t.review_ends_at and not objected

    def _timely(self, timely, anyway, st_now: int) -> list[TaskModel]:
        """The open contests where the rule can still take effect; now and then (st_now 0), or when there is
        none, any open contest where it applies."""
        candidates = self._contests(timely)
        return candidates if candidates and st_now else self._contests(anyway)

    def _proposed(self, t: TaskModel) -> bool:
        return t.proposal is not None

    def _confirmable_award(self, t: TaskModel) -> bool:
        p = t.proposal
        return (
            bool(t.co_reviewer)
            and p is not None
            and not p.objected
            and self.clock + 1 < p.proposed_at + CO_REVIEW_WINDOW
        )

    def _other_award(self, t: TaskModel) -> tuple[list, list[int]]:
        """An award other than the proposed one, when there is another (else the same)."""
        p = t.proposal
        if len(p.winners) > 1:
            return p.winners[:1], [BPS]
        revealed = [w for w in self.workers if w.address in t.revealed and w != p.winners[0]]
        return (revealed[:1], [BPS]) if revealed else (p.winners, p.shares)

    @precondition(lambda self: self._contests(self._confirmable_award))
    @rule(st_task=task_index, st_wrong=now_and_then, st_late=now_and_then)
    def confirm_award(self, st_task, st_wrong, st_late):
        anyway = lambda t: t.co_reviewer and self._proposed(t)  # noqa: E731
        t = self._pick(self._timely(self._confirmable_award, anyway, st_late), st_task)
        p = t.proposal
        winners, shares = (p.winners, p.shares) if st_wrong else self._other_award(t)
        at = self.clock + 1
        if p.objected:
            refusal = "AlreadyObjected"
        elif at >= p.proposed_at + CO_REVIEW_WINDOW:
            refusal = "CoReviewWindowOver"
        elif (winners, shares) != (p.winners, p.shares):
            refusal = "AwardDiffers"
        else:
            refusal = None
        tx = self._send(
            self.bounty.confirmAward, t.task_id, winners, shares, sender=self.co_reviewer, refusal=refusal
        )
        if tx is not None:
            self._execute_award(t, tx, winners, shares, BY_BOTH_REVIEWERS)

    @precondition(lambda self: self._contests(self._confirmable_award))
    @rule(st_task=task_index, st_late=now_and_then)
    def object_to_award(self, st_task, st_late):
        anyway = lambda t: t.co_reviewer and self._proposed(t)  # noqa: E731
        t = self._pick(self._timely(self._confirmable_award, anyway, st_late), st_task)
        p = t.proposal
        at = self.clock + 1
        if p.objected:
            refusal = "AlreadyObjected"
        elif at >= p.proposed_at + CO_REVIEW_WINDOW:
            refusal = "CoReviewWindowOver"
        else:
            refusal = None
        tx = self._send(self.bounty.objectToAward, t.task_id, sender=self.co_reviewer, refusal=refusal)
        if tx is None:
            return
        until = p.proposed_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW if t.arbiter else 0
        assert tx.events["AwardObjected"]["arbiterUntil"] == until
        p.objected = True
        self.touched = (t, None, None)

    def _arbitrable_contest(self, t: TaskModel) -> bool:
        return bool(t.arbiter and t.revealed and (t.proposal is None or t.proposal.objected))

    @precondition(lambda self: self._contests(self._arbitrable_contest))
    @rule(st_task=task_index, st_mask=st.integers(1, 15), st_wrong=now_and_then, st_wait=wait)
    def arbitrate_award(self, st_task, st_mask, st_wrong, st_wait):
        t = self._pick(self._contests(self._arbitrable_contest), st_task)
        winners, shares = self._winners(t, st_mask, anyone=False)
        caller = self.arbiter if st_wrong else t.requester
        if t.proposal is None:
            self._wait_until(t.review_ends_at, st_wait)
        at = self.clock + 1
        if t.proposal is not None:
            ends_at = t.proposal.proposed_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW
        else:
            ends_at = t.review_ends_at + ARBITRATION_WINDOW
        if caller != self.arbiter:
            refusal = "NotArbiter"
        elif t.proposal is None and at < t.review_ends_at:
            refusal = "ReviewStillRunning"
        elif at >= ends_at:
            refusal = "ArbitrationOver"
        else:
            refusal = None
        tx = self._send(
            self.bounty.arbitrateAward, t.task_id, winners, shares, sender=caller, refusal=refusal
        )
        if tx is not None:
            self._execute_award(t, tx, winners, shares, BY_ARBITER)

    @precondition(lambda self: self._contests(self._proposed))
    @rule(st_task=task_index, st_wrong=now_and_then, st_wait=far_wait, st_worker=worker_index)
    def finalize_award(self, st_task, st_wrong, st_wait, st_worker):
        t = self._pick(self._contests(self._proposed), st_task)
        p = t.proposal
        winners, shares = (p.winners, p.shares) if st_wrong else self._other_award(t)
        stands_at = t.stands_at(p.proposed_at, p.objected)
        self._wait_until(stands_at, st_wait)
        if (winners, shares) != (p.winners, p.shares):
            refusal = "AwardDiffers"
        elif self.clock + 1 < stands_at:
            refusal = "NotFinalYet"
        else:
            refusal = None
        sender = self.workers[st_worker]
        tx = self._send(self.bounty.finalizeAward, t.task_id, winners, shares, sender=sender, refusal=refusal)
        if tx is not None:
            self._execute_award(t, tx, winners, shares, BY_REQUESTER)

    @precondition(lambda self: self._contests(lambda t: t.revealed))
    @rule(st_task=task_index, st_worker=worker_index, st_wait=far_wait)
    def split_by_default(self, st_task, st_worker, st_wait):
        t = self._pick(self._contests(lambda t: t.revealed), st_task)
        default_at = t.review_ends_at + (ARBITRATION_WINDOW if t.arbiter else 0)
        self._wait_until(default_at, st_wait)
        at = self.clock + 1
        if at < t.review_ends_at:
            refusal = "ReviewStillRunning"
        elif at < default_at:
            refusal = "ArbitrationStillOpen"
        elif t.proposal is not None:
            refusal = "RequesterDecided"
        else:
            refusal = None
        tx = self._send(
            self.bounty.splitByDefault, t.task_id, sender=self.workers[st_worker], refusal=refusal
        )
        if tx is None:
            return
        t.status = "SplitByDefault"
        split = tx.events["ContestSplitByDefault"]
        pool = t.split_pool()
        assert (split["recipients"], split["share"], split["verifiedOnly"]) == (
            len(pool),
            t.reward // len(pool),
            bool(t.verified),
        )
        self.touched = (t, None, None)

    # ------------------------------------------------------------------ micro-tasks

    def _micro_tasks(self, predicate) -> list[TaskModel]:
        return [t for t in self.tasks if t.kind == "micro" and predicate(t)]

    def _places(self, t: TaskModel, *statuses: str) -> list[int]:
        return [i for i, p in enumerate(t.places) if p.status in statuses]

    def _place_held(self, t: TaskModel, index: int) -> bool:
        """Taken and still within its work window at the next transaction."""
        p = t.places[index]
        return p.status == "Taken" and self.clock + 1 < p.since + WINDOW

    def _free(self, t: TaskModel, index: int) -> bool:
        return t.places[index].status == "Open" or (
            t.places[index].status == "Taken" and not self._place_held(t, index)
        )

    def _offering(self, t: TaskModel) -> bool:
        return self.clock + 1 < t.deadline and any(self._free(t, i) for i in range(len(t.places)))

    @precondition(lambda self: self._micro_tasks(self._offering))
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_any=now_and_then)
    def take(self, st_task, st_place, st_worker, st_any):
        t = self._pick(self._micro_tasks(self._offering), st_task)
        worker = self.workers[st_worker]
        free = [i for i in range(len(t.places)) if self._free(t, i)]
        if st_any == 0 or not free:
            st_place = min(st_place, len(t.places))  # any place, or one past the last
        else:
            st_place = self._pick(free, st_place)
        at = self.clock + 1
        refusal = None
        if st_place >= len(t.places):
            refusal = "PlaceNotFound"
        elif self._place_held(t, st_place):
            refusal = "PlaceHeldUntil"
        elif t.places[st_place].status not in ("Open", "Taken"):
            refusal = "PlaceNotFree"
        tx = self._send(self.bounty.take, t.task_id, st_place, [], sender=worker, refusal=refusal)
        if tx is None:
            return
        t.places[st_place] = PlaceModel(worker=worker.address, since=at, status="Taken")
        self.touched = (t, worker.address, st_place)

    @precondition(lambda self: self._micro_tasks(lambda t: self._places(t, "Taken")))
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_holder=now_and_then)
    def submit_work(self, st_task, st_place, st_worker, st_holder):
        t = self._pick(self._micro_tasks(lambda t: self._places(t, "Taken")), st_task)
        held = [i for i in self._places(t, "Taken") if self._place_held(t, i)]
        index = self._pick(held if held and st_holder else self._places(t, "Taken"), st_place)
        p = t.places[index]
        worker = self._by_address(p.worker) if st_holder else self.workers[st_worker]
        at = self.clock + 1
        if p.worker != worker.address:
            refusal = "NotPlaceHolder"
        elif at >= p.since + WINDOW:
            refusal = "WorkWindowOver"
        elif at >= t.deadline:
            refusal = "DeadlinePassed"
        else:
            refusal = None
        tx = self._send(
            self.bounty.submitWork, t.task_id, index, b"\x77" * 32, sender=worker, refusal=refusal
        )
        if tx is None:
            return
        p.status, p.since = "Submitted", at
        t.pending += 1
        self.touched = (t, worker.address, index)

    def _carry_out(self, t: TaskModel, index: int, approve: bool, decided_by: int, tx) -> None:
        """The effect of a decision about place `index` that took effect in `tx`."""
        p = t.places[index]
        worker = p.worker
        if approve:
            fee = fee_of(t.pay)
            approved = tx.events["PlaceApproved"]
            assert (approved["worker"], approved["amount"], approved["fee"]) == (worker, t.pay - fee, fee)
            assert approved["decidedBy"] == decided_by
            p.status, p.decision, p.objected = "Approved", None, False
            t.pending -= 1
            t.settled += 1
            t.credit(worker, t.pay - fee)
            self.fees[t.asset] += fee
        else:
            rejected = tx.events["PlaceRejected"]
            assert (rejected["worker"], rejected["decidedBy"]) == (worker, decided_by)
            if t.arbiter and decided_by != BY_ARBITER:  # held for an appeal
                assert rejected["appealableUntil"] == tx.timestamp + APPEAL_WINDOW
                t.places[index] = PlaceModel(worker=worker, since=tx.timestamp, status="Rejected")
            else:
                assert rejected["appealableUntil"] == 0
                t.places[index] = PlaceModel()
                t.pending -= 1
        self.touched = (t, worker, index)

    def _submitted_place(self, predicate, st_task: int, st_place: int, timely=None, st_now: int = 1):
        """(task, place index) of a place where `predicate` holds: where `timely` holds too, if there is
        one, but now and then (st_now 0) any."""
        if timely is not None and st_now:
            applies = predicate
            both = lambda t, p: applies(t, p) and timely(t, p)  # noqa: E731
            if self._micro_tasks(lambda t: any(both(t, p) for p in t.places)):
                predicate = both
        t = self._pick(self._micro_tasks(lambda t: any(predicate(t, p) for p in t.places)), st_task)
        return t, self._pick([i for i, p in enumerate(t.places) if predicate(t, p)], st_place)

    @precondition(lambda self: self._micro_tasks(lambda t: any(self._decidable(t, p) for p in t.places)))
    @rule(
        st_task=task_index,
        st_place=place_index,
        st_approve=st.booleans(),
        st_wrong=now_and_then,
        st_late=now_and_then,
    )
    def decide(self, st_task, st_place, st_approve, st_wrong, st_late):
        """The requester approves or rejects (a second call replaces a decision awaiting the co-reviewer)."""
        submitted = lambda t, p: p.status == "Submitted"  # noqa: E731
        t, index = self._submitted_place(submitted, st_task, st_place, self._decidable, st_late)
        p = t.places[index]
        caller = t.requester if st_wrong else self.workers[0]
        at = self.clock + 1
        if caller != t.requester:
            refusal = "NotRequester"
        elif at >= p.since + REVIEW:
            refusal = "ReviewPeriodOver"
        elif t.co_reviewer and p.objected:
            refusal = "AlreadyObjected"
        else:
            refusal = None
        fn = self.bounty.approve if st_approve else self.bounty.reject
        tx = self._send(fn, t.task_id, index, sender=caller, refusal=refusal)
        if tx is None:
            return
        if t.co_reviewer is None:
            self._carry_out(t, index, st_approve, BY_REQUESTER, tx)
            return
        proposed = tx.events["PlaceDecisionProposed"]
        assert (proposed["approve"], proposed["standsAt"]) == (st_approve, at + CO_REVIEW_WINDOW)
        p.decision, p.decided_at = ("approve" if st_approve else "reject"), at
        self.touched = (t, p.worker, index)

    @staticmethod
    def _confirmable(t: TaskModel, p: PlaceModel) -> bool:
        return bool(t.co_reviewer) and p.status == "Submitted" and p.decision is not None

    def _in_co_review(self, t: TaskModel, p: PlaceModel) -> bool:
        return not p.objected and self.clock + 1 < p.decided_at + CO_REVIEW_WINDOW

    def _co_reviewable(self, t: TaskModel, p: PlaceModel) -> bool:
        return self._confirmable(t, p) and self._in_co_review(t, p)

    def _decidable(self, t: TaskModel, p: PlaceModel) -> bool:
        return p.status == "Submitted" and self.clock + 1 < p.since + REVIEW and not p.objected

    @precondition(lambda self: self._micro_tasks(lambda t: any(self._co_reviewable(t, p) for p in t.places)))
    @rule(st_task=task_index, st_place=place_index, st_wrong=now_and_then, st_late=now_and_then)
    def confirm_place(self, st_task, st_place, st_wrong, st_late):
        t, index = self._submitted_place(self._confirmable, st_task, st_place, self._in_co_review, st_late)
        p = t.places[index]
        approve = (p.decision == "approve") == bool(st_wrong)  # now and then the other decision
        at = self.clock + 1
        if p.objected:
            refusal = "AlreadyObjected"
        elif at >= p.decided_at + CO_REVIEW_WINDOW:
            refusal = "CoReviewWindowOver"
        elif approve != (p.decision == "approve"):
            refusal = "PlaceDecisionDiffers"
        else:
            refusal = None
        tx = self._send(
            self.bounty.confirmPlace, t.task_id, index, approve, sender=self.co_reviewer, refusal=refusal
        )
        if tx is not None:
            self._carry_out(t, index, approve, BY_BOTH_REVIEWERS, tx)

    @precondition(lambda self: self._micro_tasks(lambda t: any(self._co_reviewable(t, p) for p in t.places)))
    @rule(st_task=task_index, st_place=place_index, st_late=now_and_then)
    def object_to_place(self, st_task, st_place, st_late):
        t, index = self._submitted_place(self._confirmable, st_task, st_place, self._in_co_review, st_late)
        p = t.places[index]
        at = self.clock + 1
        if p.objected:
            refusal = "AlreadyObjected"
        elif at >= p.decided_at + CO_REVIEW_WINDOW:
            refusal = "CoReviewWindowOver"
        else:
            refusal = None
        tx = self._send(self.bounty.objectToPlace, t.task_id, index, sender=self.co_reviewer, refusal=refusal)
        if tx is None:
            return
        until = p.decided_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW if t.arbiter else 0
        assert tx.events["PlaceObjected"]["arbiterUntil"] == until
        p.objected = True
        self.touched = (t, p.worker, index)

    @staticmethod
    def _arbitrable_place(t: TaskModel, p: PlaceModel) -> bool:
        return bool(t.arbiter) and (
            p.status == "Appealed" or (p.status == "Submitted" and (p.decision is None or p.objected))
        )

    @precondition(
        lambda self: self._micro_tasks(lambda t: any(self._arbitrable_place(t, p) for p in t.places))
    )
    @rule(
        st_task=task_index,
        st_place=place_index,
        st_approve=st.booleans(),
        st_wrong=now_and_then,
        st_wait=wait,
    )
    def arbitrate_place(self, st_task, st_place, st_approve, st_wrong, st_wait):
        t, index = self._submitted_place(self._arbitrable_place, st_task, st_place)
        p = t.places[index]
        caller = self.arbiter if st_wrong else self.co_reviewer
        silent_requester = p.status == "Submitted" and p.decision is None
        if silent_requester:
            self._wait_until(p.since + REVIEW, st_wait)
        if p.status == "Appealed":
            ends_at = p.since + ARBITRATION_WINDOW
        elif silent_requester:
            ends_at = p.since + REVIEW + ARBITRATION_WINDOW
        else:
            ends_at = p.decided_at + CO_REVIEW_WINDOW + ARBITRATION_WINDOW
        at = self.clock + 1
        if caller != self.arbiter:
            refusal = "NotArbiter"
        elif silent_requester and at < p.since + REVIEW:
            refusal = "ReviewStillRunning"
        elif at >= ends_at:
            refusal = "ArbitrationOver"
        else:
            refusal = None
        tx = self._send(
            self.bounty.arbitratePlace, t.task_id, index, st_approve, sender=caller, refusal=refusal
        )
        if tx is not None:
            self._carry_out(t, index, st_approve, BY_ARBITER, tx)

    @precondition(lambda self: self._micro_tasks(lambda t: self._places(t, "Rejected", "Appealed")))
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_wrong=now_and_then)
    def appeal(self, st_task, st_place, st_worker, st_wrong):
        t, index = self._submitted_place(lambda t, p: p.status in ("Rejected", "Appealed"), st_task, st_place)
        p = t.places[index]
        worker = self._by_address(p.worker) if st_wrong else self.workers[st_worker]
        at = self.clock + 1
        if p.status == "Appealed":
            refusal = "AlreadyAppealed"
        elif worker.address != p.worker:
            refusal = "NotPlaceHolder"
        elif at >= p.since + APPEAL_WINDOW:
            refusal = "AppealWindowOver"
        else:
            refusal = None
        tx = self._send(self.bounty.appeal, t.task_id, index, sender=worker, refusal=refusal)
        if tx is None:
            return
        assert tx.events["PlaceAppealed"]["arbiterUntil"] == at + ARBITRATION_WINDOW
        p.status, p.since = "Appealed", at
        self.touched = (t, p.worker, index)

    @staticmethod
    def _finalizable(t: TaskModel, p: PlaceModel) -> bool:
        return p.status in ("Rejected", "Appealed") or (p.status == "Submitted" and p.decision is not None)

    @precondition(lambda self: self._micro_tasks(lambda t: any(self._finalizable(t, p) for p in t.places)))
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_wait=far_wait)
    def finalize_place(self, st_task, st_place, st_worker, st_wait):
        t, index = self._submitted_place(self._finalizable, st_task, st_place)
        p = t.places[index]
        if p.status == "Submitted":
            final_at = t.stands_at(p.decided_at, p.objected)
        else:
            final_at = p.since + (APPEAL_WINDOW if p.status == "Rejected" else ARBITRATION_WINDOW)
        self._wait_until(final_at, st_wait)
        refusal = "NotFinalYet" if self.clock + 1 < final_at else None
        tx = self._send(
            self.bounty.finalizePlace, t.task_id, index, sender=self.workers[st_worker], refusal=refusal
        )
        if tx is None:
            return
        if p.status == "Submitted":
            self._carry_out(t, index, p.decision == "approve", BY_REQUESTER, tx)
            return
        assert (tx.events["PlaceReopened"]["worker"], tx.events["PlaceReopened"]["placeIndex"]) == (
            p.worker,
            index,
        )
        t.places[index] = PlaceModel()
        t.pending -= 1
        self.touched = (t, None, index)

    @precondition(lambda self: self._micro_tasks(lambda t: self._places(t, "Submitted")))
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_wait=far_wait)
    def approve_by_default(self, st_task, st_place, st_worker, st_wait):
        t, index = self._submitted_place(lambda t, p: p.status == "Submitted", st_task, st_place)
        p = t.places[index]
        review_ends_at = p.since + REVIEW
        default_at = review_ends_at + (ARBITRATION_WINDOW if t.arbiter else 0)
        self._wait_until(default_at, st_wait)
        at = self.clock + 1
        if at < review_ends_at:
            refusal = "ReviewStillRunning"
        elif at < default_at:
            refusal = "ArbitrationStillOpen"
        elif p.decision is not None:
            refusal = "RequesterDecided"
        else:
            refusal = None
        sender = self.workers[st_worker]
        tx = self._send(self.bounty.approveByDefault, t.task_id, index, sender=sender, refusal=refusal)
        if tx is not None:
            self._carry_out(t, index, True, BY_DEFAULT, tx)

    # ------------------------------------------------------------------ payouts

    def _reclaim_pending(self, t: TaskModel) -> bool:
        """Whether the requester may yet get something back: an open contest, or a micro-task with places
        neither approved nor reclaimed."""
        return t.status == "Open" if t.kind == "contest" else t.settled < len(t.places)

    def _reclaim_due(self, t: TaskModel) -> bool:
        """Whether a reclaim pays now: the time has come and no work can claim the money any more."""
        due_at = t.review_ends_at if t.kind == "contest" and t.commits else t.deadline
        if t.kind == "contest":
            claimable = not t.revealed
        else:
            claimable = len(t.places) - t.settled - t.pending > 0
        return self._reclaim_pending(t) and claimable and self.clock + 1 >= due_at

    @precondition(lambda self: any(self._reclaim_due(t) for t in self.tasks))
    @rule(st_task=task_index, st_early=now_and_then)
    def reclaim(self, st_task, st_early):
        """Acts where the time for a reclaim has come, now and then too early; it never moves the clock itself
        (waiting for a deadline would close every other window)."""
        due = [t for t in self.tasks if self._reclaim_due(t)]
        t = self._pick(
            due if due and st_early else [t for t in self.tasks if self._reclaim_pending(t)], st_task
        )
        at = self.clock + 1
        unused = 0
        if t.kind == "contest":
            reclaimable_at = t.deadline if not t.commits else t.review_ends_at
            if t.revealed:
                refusal = "EntriesRevealed"
            elif at < reclaimable_at:
                refusal = "TooEarlyToReclaim"
            else:
                refusal = None
            amount = t.reward
        else:
            unused = len(t.places) - t.settled - t.pending
            refusal = "TooEarlyToReclaim" if at < t.deadline else "NothingToReclaim" if unused == 0 else None
            amount = unused * t.pay
        before = self._balance(t.asset, t.requester)
        tx = self._send(self.bounty.reclaim, t.task_id, t.requester, sender=t.requester, refusal=refusal)
        if tx is None:
            return
        reclaimed = tx.events["RewardReclaimed"]
        assert (reclaimed["amount"], reclaimed["placesReclaimed"]) == (amount, unused)
        assert self._balance(t.asset, t.requester) - before == amount
        if t.kind == "contest":
            t.status = "Reclaimed"
        else:
            t.settled += unused
        self.flows[t.asset]["requesters"] += amount
        self.touched = (t, None, None)

    def _default_share_due(self, t: TaskModel, worker: str) -> bool:
        return t.status == "SplitByDefault" and worker in t.split_pool() and worker not in t.collected

    def _earners(self, t: TaskModel) -> list:
        return [w for w in self.workers if t.owed.get(w.address) or self._default_share_due(t, w.address)]

    @precondition(lambda self: any(self._earners(t) for t in self.tasks))
    @rule(st_task=task_index, st_worker=worker_index, st_anyone=now_and_then)
    def withdraw(self, st_task, st_worker, st_anyone):
        t = self._pick([t for t in self.tasks if self._earners(t)], st_task)
        worker = self._pick(self._earners(t), st_worker) if st_anyone else self.workers[st_worker]
        default_share = self._default_share_due(t, worker.address)
        gross = t.default_gross(len(t.collected)) if default_share else 0
        amount = t.owed.get(worker.address, 0) + gross - fee_of(gross)
        before = self._balance(t.asset, worker)
        refusal = None if amount > 0 else "NothingToWithdraw"
        tx = self._send(self.bounty.withdraw, t.task_id, worker, sender=worker, refusal=refusal)
        if tx is None:
            return
        assert tx.events["Withdrawn"]["amount"] == amount
        assert self._balance(t.asset, worker) - before == amount
        if default_share:
            t.collected.add(worker.address)
            t.earned[worker.address] = t.earned.get(worker.address, 0) + gross - fee_of(gross)
            self.fees[t.asset] += fee_of(gross)
        t.owed[worker.address] = 0
        t.withdrawn[worker.address] = t.withdrawn.get(worker.address, 0) + amount
        self.flows[t.asset]["workers"] += amount
        self.touched = (t, worker.address, None)

    @precondition(lambda self: any(self.fees.values()))
    @rule(st_token=st.booleans(), st_worker=worker_index)
    def withdraw_fees(self, st_token, st_worker):
        asset = self.token.address if st_token else ETH
        amount = self.fees[asset]
        before = self._balance(asset, self.treasury)
        refusal = None if amount > 0 else "NoFees"
        tx = self._send(self.bounty.withdrawFees, asset, sender=self.workers[st_worker], refusal=refusal)
        if tx is None:
            return
        assert self._balance(asset, self.treasury) - before == amount
        self.fees[asset] = 0
        self.flows[asset]["treasury"] += amount

    # ------------------------------------------------------------------ invariants

    @invariant()
    def the_contract_holds_exactly_what_it_owes(self):
        if not self._unchecked("holdings"):
            return
        for asset, fees in self.fees.items():
            tasks = [t for t in self.tasks if t.asset == asset]
            owed = sum(t.escrow() + sum(t.owed.values()) for t in tasks) + fees
            held = self._held(asset) - self.start_held[asset]
            assert held == owed
            flows = self.flows[asset]
            assert flows["deposited"] == flows["workers"] + flows["requesters"] + flows["treasury"] + held

    @invariant()
    def nobody_is_paid_for_nothing(self):
        for t in self.tasks:
            for worker, earned in t.earned.items():
                if t.kind == "contest":
                    assert worker in t.revealed
                    assert t.status == "Awarded" or (
                        t.status == "SplitByDefault" and worker in t.split_pool()
                    )
                else:
                    assert any(p.worker == worker and p.status == "Approved" for p in t.places)
                assert t.withdrawn.get(worker, 0) + t.owed.get(worker, 0) == earned
            for worker, withdrawn in t.withdrawn.items():
                assert withdrawn <= t.earned.get(worker, 0)
            paid_out = sum(t.earned.values())
            assert paid_out <= (t.reward if t.kind == "contest" else t.pay * len(t.places))

    @invariant()
    def the_touched_task_reads_the_same_on_chain(self):
        if not self._unchecked("touched"):
            return
        for asset, fees in self.fees.items():
            assert self._read(self.bounty, "feesAccrued", asset) == fees
        if self.touched is None:
            return
        t, worker, index = self.touched
        self.touched = None
        # the views return static structs: one 32-byte word per field, in declaration order
        if t.kind == "contest":
            status = self._words("task", t.task_id)[4]  # after requester, deadline, reviewPeriod, kind
            assert STATUSES[status] == t.status
            assert self._words("contest", t.task_id) == [
                t.reward,
                len(t.commits),
                len(t.revealed),
                len(t.verified),
                len(t.collected),
            ]
        else:
            pay, places, window, pending, settled = self._words("microTask", t.task_id)
            assert (pay, places, window, pending, settled) == (
                t.pay,
                len(t.places),
                WINDOW,
                t.pending,
                t.settled,
            )
        if index is not None:
            holder, _, status, decision, _, objected = self._words("placeOf", t.task_id, index)
            p = t.places[index]
            assert (PLACE_STATUSES[status], VERDICTS[decision], bool(objected)) == (
                p.status,
                p.decision,
                p.objected,
            )
            assert holder == (int(p.worker, 16) if p.worker else 0)
        if worker is not None:
            assert self._words("entryOf", t.task_id, worker)[1] == t.owed.get(worker, 0)  # commitment, owed


def test_bounty_keeps_every_unit_of_money_accounted_for(
    bounty, reputation, owner, requester, outsider, co_reviewer, arbiter, treasury
):
    token = MockToken.deploy("Stable", "STB", 18, {"from": owner})
    requesters = [requester, outsider]
    for account in requesters:
        token.mint(account, 10**24, {"from": owner})
        token.approve(bounty, 2**256 - 1, {"from": account})
    workers = list(accounts[2:6])
    for worker in workers[::2]:  # two verified workers, two not: default splits of both kinds happen
        reputation.setVerified(worker, 0, {"from": owner})
    BountyLives.world = World(
        bounty, token, requesters, co_reviewer, arbiter, workers, workers[::2], treasury
    )
    chain.snapshot()
    run_state_machine_as_test(
        BountyLives,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            # no example database and no target phase: their extra runs (pareto optimising, replaying) would
            # double the time without exploring new lives
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        ),
    )
