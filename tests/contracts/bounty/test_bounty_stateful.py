"""Random lives of many tasks at once, checked against an independent model after every step.

A hypothesis rule-based state machine (plain hypothesis, as in test_crowdfund_stateful.py: brownie's
`state_machine` wrapper breaks under its mypyc build). Hypothesis drives post (contests and micro-tasks, ETH
and a token, with and without a co-reviewer), submit, reveal, award, the default split, take, submit work,
approve, reject, the default approval, reclaim, withdraw, fee withdrawals and time jumps. Every transaction
is mined at a time the model chooses, so the model knows exactly which rule applies: it predicts whether each
call succeeds (and, when refused, with which error) and every amount paid. Checked after each step:
- the contract holds exactly what it owes in each asset: the escrow of every task, the credited payouts not
  yet withdrawn, and the fees;
- what was deposited equals what went to workers, back to requesters and to the treasury, plus what is held;
- nobody is paid for nothing: a worker is credited only for a revealed entry the reviewers awarded or the
  default split, or for a submitted place that was approved, and never withdraws more than that;
- the touched task, and its worker's credit, read the same on chain as in the model.
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
    BPS,
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
TIME_JUMPS = (600, 5 * HOUR + 3, WINDOW + 7, 2 * DAY + 1)
MAX_TASKS = 4
MAX_PLACES = 3
STATEFUL_EXAMPLES = 200
STATUSES = ("Open", "Awarded", "SplitByDefault", "Reclaimed")
PLACE_STATUSES = ("Open", "Taken", "Submitted", "Approved")
NO_ONE, REQUESTER, CO_REVIEWER = 0, 1, 2


def fee_of(amount: int) -> int:
    return amount * FEE_BPS // BPS  # rounded down, as the contract does


@dataclass
class PlaceModel:
    worker: str | None = None
    since: int = 0
    status: str = "Open"
    proposed_by: int = NO_ONE
    proposed_approval: bool = False


@dataclass
class TaskModel:
    task_id: int
    kind: str  # "contest" or "micro"
    asset: str
    requester: object
    co_reviewer: object | None
    deadline: int
    reward: int = 0  # contest
    pay: int = 0  # micro
    places: list[PlaceModel] = field(default_factory=list)
    status: str = "Open"
    commits: dict[str, int] = field(default_factory=dict)  # worker -> version of their last commitment
    revealed: set[str] = field(default_factory=set)
    collected: set[str] = field(default_factory=set)  # default shares collected
    award_proposal: tuple | None = None  # (role, winners, shares)
    pending: int = 0
    settled: int = 0
    owed: dict[str, int] = field(default_factory=dict)
    earned: dict[str, int] = field(default_factory=dict)  # net ever credited, per worker
    withdrawn: dict[str, int] = field(default_factory=dict)

    @property
    def review_ends_at(self) -> int:
        return self.deadline + REVIEW

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
        share = self.reward // len(self.revealed)
        return self.reward - share * (len(self.revealed) - 1) if index == 0 else share

    def credit(self, worker: str, net: int) -> None:
        self.owed[worker] = self.owed.get(worker, 0) + net
        self.earned[worker] = self.earned.get(worker, 0) + net


@dataclass
class World:
    bounty: object
    token: object
    requesters: list
    co_reviewer: object
    workers: list
    treasury: object


task_index = st.integers(min_value=0, max_value=MAX_TASKS - 1)
worker_index = st.integers(min_value=0, max_value=3)
place_index = st.integers(min_value=0, max_value=MAX_PLACES - 1)


class BountyLives(RuleBasedStateMachine):
    world: World  # bound by the test before it runs

    def __init__(self):
        super().__init__()
        chain.revert()  # every example starts from the snapshot the test took
        w = self.world
        self.bounty, self.token, self.workers = w.bounty, w.token, w.workers
        self.requesters, self.co_reviewer, self.treasury = w.requesters, w.co_reviewer, w.treasury
        self.clock = now()
        self.tasks: list[TaskModel] = []
        self.fees = {ETH: 0, self.token.address: 0}
        self.flows = {a: {"deposited": 0, "workers": 0, "requesters": 0, "treasury": 0} for a in self.fees}
        self.start_held = {asset: self._held(asset) for asset in self.fees}
        # successful transactions so far, and up to which one each on-chain invariant has checked: they read
        # the chain only after a change, since a refused transaction changes nothing
        self.changes = 0
        self.checked: dict[str, int] = {}
        self.touched: tuple[TaskModel, str | None] | None = None

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
    def _pick(candidates: list, index: int, fallback):
        """The index-th candidate, round the list; `fallback` when there is none."""
        return candidates[index % len(candidates)] if candidates else fallback

    def _wait_until(self, moment: int, wait: bool) -> None:
        """With `wait`, let the clock run to `moment` when it is still ahead, so that the next transaction is
        mined exactly then: rules use it to reach the phase they act in, landing on its first second."""
        if wait and self.clock + 1 < moment:
            self.clock = moment - 1

    def _role(self, t: TaskModel, caller) -> int:
        if caller == t.requester:
            return REQUESTER
        if t.co_reviewer is not None and caller == t.co_reviewer:
            return CO_REVIEWER
        return NO_ONE

    def _reviewer(self, t: TaskModel, by_co_reviewer: bool):
        return self.co_reviewer if by_co_reviewer else t.requester

    # ------------------------------------------------------------------ posting and time

    def _post(
        self, micro: bool, token: bool, units: int, requester_index: int, co: bool, places: int
    ) -> None:
        asset = self.token.address if token else ETH
        requester = self.requesters[requester_index]
        deadline = self.clock + 1 + DURATION
        co_reviewer = self.co_reviewer.address if co else ZERO
        params = (asset, deadline, REVIEW, co_reviewer, 0, 0, b"\x00" * 32, 0, "ipfs://t", b"\x01" * 32)
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
            deadline=deadline,
            reward=0 if micro else amount,
            pay=amount if micro else 0,
            places=[PlaceModel() for _ in range(places)] if micro else [],
        )
        self.tasks.append(t)
        self.flows[asset]["deposited"] += total
        self.touched = (t, None)

    @initialize(
        st_tokens=st.tuples(st.booleans(), st.booleans()),
        st_units=st.integers(1, 50),
        st_co=st.tuples(st.booleans(), st.booleans()),
        st_places=st.integers(1, MAX_PLACES),
    )
    def post_a_contest_and_a_micro_task(self, st_tokens, st_units, st_co, st_places):
        self._post(False, st_tokens[0], st_units, 0, st_co[0], 1)
        self._post(True, st_tokens[1], st_units, 1, st_co[1], st_places)

    @precondition(lambda self: len(self.tasks) < MAX_TASKS)
    @rule(
        st_micro=st.booleans(),
        st_token=st.booleans(),
        st_units=st.integers(1, 50),
        st_requester=st.integers(0, 1),
        st_co=st.booleans(),
        st_places=st.integers(1, MAX_PLACES),
    )
    def post(self, st_micro, st_token, st_units, st_requester, st_co, st_places):
        self._post(st_micro, st_token, st_units, st_requester, st_co, st_places)

    @rule(st_jump=st.integers(0, len(TIME_JUMPS) - 1))
    def jump(self, st_jump):
        self.clock += TIME_JUMPS[st_jump]

    # ------------------------------------------------------------------ contests
    # Each rule acts on a task where it can matter (its precondition says there is one), so that lives reach
    # their payouts; refusals still come from the clock, from wrong choices the rules make on purpose now and
    # then, and from racing the other rules.

    def _contests(self, predicate) -> list[TaskModel]:
        return [t for t in self.tasks if t.kind == "contest" and predicate(t)]

    def _accepting_entries(self, t: TaskModel) -> bool:
        return self.clock + 1 < t.deadline

    def _unrevealed(self, t: TaskModel) -> list:
        return [w for w in self.workers if w.address in t.commits and w.address not in t.revealed]

    def _revealable(self, t: TaskModel) -> bool:
        return t.status == "Open" and bool(self._unrevealed(t)) and self.clock + 1 < t.review_ends_at

    def _awardable(self, t: TaskModel) -> bool:
        return t.status == "Open" and bool(t.revealed)

    @precondition(lambda self: self._contests(self._accepting_entries))
    @rule(st_task=task_index, st_worker=worker_index, st_version=st.integers(0, 1))
    def submit(self, st_task, st_worker, st_version):
        t = self._pick(self._contests(self._accepting_entries), st_task, None)
        worker = self.workers[st_worker]
        c = commitment(deliverable(worker, st_version), worker, salt_of(worker, st_version))
        tx = self._send(self.bounty.submit, t.task_id, c, [], sender=worker, refusal=None)
        t.commits[worker.address] = st_version
        assert tx.events["EntrySubmitted"]["entryCount"] == len(t.commits)
        self.touched = (t, worker.address)

    @precondition(lambda self: self._contests(self._revealable))
    @rule(st_task=task_index, st_worker=worker_index, st_wrong=st.integers(0, 4), st_wait=st.integers(0, 3))
    def reveal(self, st_task, st_worker, st_wrong, st_wait):
        t = self._pick(self._contests(self._revealable), st_task, None)
        worker = self._pick(self._unrevealed(t), st_worker, None)
        self._wait_until(t.deadline, st_wait > 0)
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
        assert tx.events["EntryRevealed"]["revealedCount"] == len(t.revealed)
        self.touched = (t, worker.address)

    @precondition(lambda self: self._contests(self._awardable))
    @rule(
        st_task=task_index, st_mask=st.integers(1, 15), st_by_co=st.booleans(), st_outsider=st.integers(0, 9)
    )
    def award(self, st_task, st_mask, st_by_co, st_outsider):
        t = self._pick(self._contests(self._awardable), st_task, None)
        pool = [w for w in self.workers if w.address in t.revealed]
        if st_outsider == 0:
            pool = self.workers  # now and then a winner who did not reveal
        winners = [w for i, w in enumerate(pool) if (st_mask % (2 ** len(pool) - 1) + 1) >> i & 1]
        shares = [BPS // len(winners)] * len(winners)
        shares[-1] += BPS - sum(shares)
        caller = self._reviewer(t, st_by_co)
        role = self._role(t, caller)
        if role == NO_ONE:
            refusal = "NotAReviewer"
        elif self.clock + 1 >= t.review_ends_at:
            refusal = "ReviewPeriodOver"
        elif any(w.address not in t.revealed for w in winners):
            refusal = "WinnerNotRevealed"
        else:
            refusal = None
        tx = self._send(self.bounty.award, t.task_id, winners, shares, sender=caller, refusal=refusal)
        if tx is None:
            return
        self.touched = (t, winners[-1].address)
        decision = ([w.address for w in winners], shares)
        if t.co_reviewer is not None:
            proposal = t.award_proposal
            if proposal is None or proposal[0] == role or proposal[1:] != decision:
                t.award_proposal = (role, *decision)
                assert "Awarded" not in tx.events
                return
            t.award_proposal = None
        t.status = "Awarded"
        unpaid = t.reward
        events = list(tx.events["Awarded"])
        assert len(events) == len(winners)
        for i, (winner, share) in enumerate(zip(winners, shares, strict=True)):
            gross = unpaid if i == len(winners) - 1 else t.reward * share // BPS
            unpaid -= gross
            fee = fee_of(gross)
            assert (events[i]["worker"], events[i]["amount"], events[i]["fee"]) == (winner, gross - fee, fee)
            t.credit(winner.address, gross - fee)
            self.fees[t.asset] += fee

    @precondition(lambda self: self._contests(self._awardable))
    @rule(st_task=task_index, st_worker=worker_index, st_wait=st.integers(0, 3))
    def split_by_default(self, st_task, st_worker, st_wait):
        t = self._pick(self._contests(self._awardable), st_task, None)
        self._wait_until(t.review_ends_at, st_wait > 0)
        refusal = "ReviewStillRunning" if self.clock + 1 < t.review_ends_at else None
        tx = self._send(
            self.bounty.splitByDefault, t.task_id, sender=self.workers[st_worker], refusal=refusal
        )
        if tx is None:
            return
        t.status = "SplitByDefault"
        assert tx.events["ContestSplitByDefault"]["share"] == t.reward // len(t.revealed)
        self.touched = (t, None)

    # ------------------------------------------------------------------ micro-tasks

    def _micro_tasks(self, predicate) -> list[TaskModel]:
        return [t for t in self.tasks if t.kind == "micro" and predicate(t)]

    def _places(self, t: TaskModel, status: str) -> list[int]:
        return [i for i, p in enumerate(t.places) if p.status == status]

    def _offering_places(self, t: TaskModel) -> bool:
        return self.clock + 1 < t.deadline

    def _place_held(self, t: TaskModel, index: int) -> bool:
        """Taken and still within its work window at the next transaction."""
        p = t.places[index]
        return p.status == "Taken" and self.clock + 1 < p.since + WINDOW

    def _free(self, t: TaskModel, index: int) -> bool:
        return t.places[index].status == "Open" or (
            t.places[index].status == "Taken" and not self._place_held(t, index)
        )

    @precondition(lambda self: self._micro_tasks(self._offering_places))
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_any=st.integers(0, 3))
    def take(self, st_task, st_place, st_worker, st_any):
        t = self._pick(self._micro_tasks(self._offering_places), st_task, None)
        worker = self.workers[st_worker]
        free = [i for i in range(len(t.places)) if self._free(t, i)]
        if st_any == 0 or not free:
            st_place = min(st_place, len(t.places))  # any place, or one past the last
        else:
            st_place = self._pick(free, st_place, None)
        at = self.clock + 1
        refusal = None
        if st_place >= len(t.places):
            refusal = "PlaceNotFound"
        elif self._place_held(t, st_place):
            refusal = "PlaceHeldUntil"
        elif t.places[st_place].status in ("Submitted", "Approved"):
            refusal = "PlaceNotFree"
        tx = self._send(self.bounty.take, t.task_id, st_place, [], sender=worker, refusal=refusal)
        if tx is None:
            return
        t.places[st_place] = PlaceModel(worker=worker.address, since=at, status="Taken")
        self.touched = (t, worker.address)

    @precondition(lambda self: self._micro_tasks(lambda t: self._places(t, "Taken")))
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_holder=st.integers(0, 5))
    def submit_work(self, st_task, st_place, st_worker, st_holder):
        t = self._pick(self._micro_tasks(lambda t: self._places(t, "Taken")), st_task, None)
        held = [i for i in self._places(t, "Taken") if self._place_held(t, i)]
        index = self._pick(held if held and st_holder > 0 else self._places(t, "Taken"), st_place, None)
        p = t.places[index]
        by_address = {w.address: w for w in self.workers}
        worker = by_address[p.worker] if st_holder > 0 else self.workers[st_worker]
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
        self.touched = (t, worker.address)

    def _awaiting_review(self) -> list[TaskModel]:
        return self._micro_tasks(lambda t: self._places(t, "Submitted"))

    def _submitted_place(self, st_task: int, st_place: int) -> tuple[TaskModel, int]:
        t = self._pick(self._awaiting_review(), st_task, None)
        return t, self._pick(self._places(t, "Submitted"), st_place, None)

    def _decided(self, t: TaskModel, p: PlaceModel, role: int, approval: bool, tx) -> bool:
        """The four-eyes rule for a place, as the model sees it; records a proposal when not decided."""
        if t.co_reviewer is None:
            return True
        if p.proposed_by not in (NO_ONE, role) and p.proposed_approval == approval:
            return True
        p.proposed_by, p.proposed_approval = role, approval
        assert "PlaceDecisionProposed" in tx.events
        return False

    def _approve(self, t: TaskModel, p: PlaceModel, tx, by_default: bool) -> None:
        fee = fee_of(t.pay)
        approved = tx.events["PlaceApproved"]
        assert (approved["worker"], approved["amount"], approved["fee"]) == (p.worker, t.pay - fee, fee)
        assert approved["byDefault"] is by_default
        p.status, p.proposed_by = "Approved", NO_ONE
        t.pending -= 1
        t.settled += 1
        t.credit(p.worker, t.pay - fee)
        self.fees[t.asset] += fee
        self.touched = (t, p.worker)

    @precondition(lambda self: self._awaiting_review())
    @rule(st_task=task_index, st_place=place_index, st_by_co=st.booleans())
    def approve(self, st_task, st_place, st_by_co):
        t, index = self._submitted_place(st_task, st_place)
        caller = self._reviewer(t, st_by_co)
        role = self._role(t, caller)
        refusal = "NotAReviewer" if role == NO_ONE else None
        tx = self._send(self.bounty.approve, t.task_id, index, sender=caller, refusal=refusal)
        if tx is not None and self._decided(t, t.places[index], role, True, tx):
            self._approve(t, t.places[index], tx, by_default=False)

    @precondition(lambda self: self._awaiting_review())
    @rule(st_task=task_index, st_place=place_index, st_by_co=st.booleans())
    def reject(self, st_task, st_place, st_by_co):
        t, index = self._submitted_place(st_task, st_place)
        caller = self._reviewer(t, st_by_co)
        role = self._role(t, caller)
        if role == NO_ONE:
            refusal = "NotAReviewer"
        elif self.clock + 1 >= t.places[index].since + REVIEW:
            refusal = "ReviewPeriodOver"
        else:
            refusal = None
        tx = self._send(self.bounty.reject, t.task_id, index, sender=caller, refusal=refusal)
        if tx is not None and self._decided(t, t.places[index], role, False, tx):
            assert tx.events["PlaceRejected"]["worker"] == t.places[index].worker
            t.places[index] = PlaceModel()
            t.pending -= 1
            self.touched = (t, None)

    @precondition(lambda self: self._awaiting_review())
    @rule(st_task=task_index, st_place=place_index, st_worker=worker_index, st_wait=st.integers(0, 3))
    def approve_by_default(self, st_task, st_place, st_worker, st_wait):
        t, index = self._submitted_place(st_task, st_place)
        p = t.places[index]
        self._wait_until(p.since + REVIEW, st_wait > 0)
        refusal = "ReviewStillRunning" if self.clock + 1 < p.since + REVIEW else None
        sender = self.workers[st_worker]
        tx = self._send(self.bounty.approveByDefault, t.task_id, index, sender=sender, refusal=refusal)
        if tx is not None:
            self._approve(t, p, tx, by_default=True)

    # ------------------------------------------------------------------ payouts

    def _reclaim_pending(self, t: TaskModel) -> bool:
        """Whether the requester may yet get something back: an open contest, or a micro-task with places
        neither approved nor reclaimed."""
        return t.status == "Open" if t.kind == "contest" else t.settled < len(t.places)

    @precondition(lambda self: any(self._reclaim_pending(t) for t in self.tasks))
    @rule(st_task=task_index, st_wait=st.booleans())
    def reclaim(self, st_task, st_wait):
        t = self._pick([t for t in self.tasks if self._reclaim_pending(t)], st_task, None)
        self._wait_until(t.review_ends_at if t.kind == "contest" and t.commits else t.deadline, st_wait)
        at = self.clock + 1
        unused = 0
        if t.kind == "contest":
            reclaimable_at = t.deadline if not t.commits else t.review_ends_at
            if t.status != "Open":
                refusal = "NotOpen"
            elif t.revealed:
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
        self.touched = (t, None)

    def _default_share_due(self, t: TaskModel, worker: str) -> bool:
        return t.status == "SplitByDefault" and worker in t.revealed and worker not in t.collected

    def _earners(self, t: TaskModel) -> list:
        return [w for w in self.workers if t.owed.get(w.address) or self._default_share_due(t, w.address)]

    @precondition(lambda self: any(self._earners(t) for t in self.tasks))
    @rule(st_task=task_index, st_worker=worker_index, st_anyone=st.integers(0, 5))
    def withdraw(self, st_task, st_worker, st_anyone):
        t = self._pick([t for t in self.tasks if self._earners(t)], st_task, None)
        worker = self._pick(self._earners(t), st_worker, None) if st_anyone else self.workers[st_worker]
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
        self.touched = (t, worker.address)

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
                    assert worker in t.revealed and t.status in ("Awarded", "SplitByDefault")
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
        t, worker = self.touched
        self.touched = None
        # the views return static structs: one 32-byte word per field, in declaration order
        if t.kind == "contest":
            status = self._words("task", t.task_id)[4]  # after requester, deadline, reviewPeriod, kind
            assert STATUSES[status] == t.status
            reward, entries, revealed, collected = self._words("contest", t.task_id)
            assert (reward, entries, revealed, collected) == (
                t.reward,
                len(t.commits),
                len(t.revealed),
                len(t.collected),
            )
        else:
            pay, places, window, pending, settled = self._words("microTask", t.task_id)
            assert (pay, places, window, pending, settled) == (
                t.pay,
                len(t.places),
                WINDOW,
                t.pending,
                t.settled,
            )
        if worker is not None:
            assert self._words("entryOf", t.task_id, worker)[1] == t.owed.get(worker, 0)  # commitment, owed


def test_bounty_keeps_every_unit_of_money_accounted_for(
    bounty, owner, requester, outsider, co_reviewer, treasury
):
    token = MockToken.deploy("Stable", "STB", 18, {"from": owner})
    requesters = [requester, outsider]
    for account in requesters:
        token.mint(account, 10**24, {"from": owner})
        token.approve(bounty, 2**256 - 1, {"from": account})
    BountyLives.world = World(bounty, token, requesters, co_reviewer, list(accounts[2:6]), treasury)
    chain.snapshot()
    run_state_machine_as_test(
        BountyLives,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=20,
            deadline=None,
            # no example database and no target phase: their extra runs (pareto optimising, replaying) would
            # double the time without exploring new lives
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        ),
    )
