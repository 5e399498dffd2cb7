"""The bounty world: a Bounty wired to a MockReputation (a ledger whose answers the test sets and whose
records it reads back), a requester, workers, a co-reviewer, an arbiter, a token; and helpers to post
tasks, commit and reveal entries, move the clock and build invite lists."""

from collections.abc import Callable

import pytest
from brownie import Bounty, MockReputation, MockToken, accounts, chain, web3
from eth_abi import encode
from eth_utils import keccak

ETH = "0x" + "00" * 20
ZERO = ETH
DAY = 86400
HOUR = 3600
FEE_BPS = 250
BPS = 10_000
WAD = 10**18
REWARD = 10**18
DURATION = 7 * DAY
REVIEW = 3 * DAY
WORK_WINDOW = DAY
METADATA_URI = "ipfs://bafy-demo-task"
METADATA_HASH = b"\x42" * 32
ACCESS_MIN_SCORE, ACCESS_INVITED, ACCESS_VERIFIED = 1, 2, 4
CO_REVIEW_WINDOW = 3 * DAY
ARBITRATION_WINDOW = 7 * DAY
APPEAL_WINDOW = 3 * DAY
# enums, as the contract numbers them
CONTEST, MICRO = 0, 1
OPEN, AWARDED, SPLIT_BY_DEFAULT, RECLAIMED = 0, 1, 2, 3
PLACE_OPEN, PLACE_TAKEN, PLACE_SUBMITTED, PLACE_APPROVED, PLACE_REJECTED, PLACE_APPEALED = range(6)
NO_VERDICT, APPROVE, REJECT = 0, 1, 2
BY_DEFAULT, BY_REQUESTER, BY_BOTH_REVIEWERS, BY_ARBITER = 0, 1, 2, 3
ROLE_CREATOR, ROLE_BACKER, ROLE_REQUESTER, ROLE_WORKER, ROLE_REVIEWER = range(5)
LEDGER_ACCEPTS, LEDGER_REFUSES, LEDGER_BURNS_GAS = 0, 1, 2


def reason(error: str, *args) -> str:
    """The revert message brownie gives a custom error: "Name: arg1, arg2" (addresses in lower case, bytes32
    as Python bytes, booleans as True / False)."""
    return f"{error}: " + ", ".join(
        str(arg) if isinstance(arg, bytes | bool) else str(arg).lower() for arg in args
    )


def fee_of(amount: int) -> int:
    return amount * FEE_BPS // BPS


def net_of(amount: int) -> int:
    return amount - fee_of(amount)


def deliverable(worker, n: int = 0) -> bytes:
    """A deliverable's hash, different per worker and n."""
    return keccak(text=f"deliverable {worker} {n}")


def salt_of(worker, n: int = 0) -> bytes:
    return keccak(text=f"salt {worker} {n}")


def commitment(deliverable_hash: bytes, worker, salt: bytes) -> bytes:
    """keccak256(abi.encode(deliverableHash, worker, salt)), as Bounty.commitmentOf."""
    return keccak(encode(["bytes32", "address", "bytes32"], [deliverable_hash, str(worker), salt]))


def plain(values) -> tuple:
    """A view's tuple with plain ints (brownie's Wei refuses tuple comparison with ints); strings stay."""
    return tuple(value if isinstance(value, str) else int(value) for value in values)


def now() -> int:
    """The latest block's time (brownie's chain.time() can run a few seconds ahead of it)."""
    return web3.eth.get_block("latest").timestamp


def next_block_at(timestamp: int) -> None:
    """Make the next block (a transaction's, or chain.mine()'s) carry exactly `timestamp`."""
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])


def mine_at(timestamp: int) -> None:
    next_block_at(timestamp)
    chain.mine()


def fresh_accounts(count: int, funding: int = 10**18) -> list:
    """`count` new local accounts, each sent `funding` wei from accounts[0] (the chain has only ten)."""
    created = []
    for _ in range(count):
        account = accounts.add()
        accounts[0].transfer(account, funding)
        created.append(account)
    return created


def task_params(
    token: str = ETH,
    duration: int = DURATION,
    review: int = REVIEW,
    co_reviewer: str = ZERO,
    arbiter: str = ZERO,
    rules: int = 0,
    min_score: int = 0,
    invite_root: bytes = b"\x00" * 32,
    min_level: int = 0,
    deadline: int | None = None,
) -> tuple:
    """The TaskParams tuple; the deadline `duration` after the latest block unless given."""
    return (
        token,
        deadline if deadline is not None else now() + duration,
        review,
        co_reviewer,
        arbiter,
        rules,
        min_score,
        invite_root,
        min_level,
        METADATA_URI,
        METADATA_HASH,
    )


# ---------------------------------------------------------------------- invite lists (Merkle trees)


def invite_leaf(account) -> bytes:
    """StandardMerkleTree's leaf for [address]: keccak256(bytes.concat(keccak256(abi.encode(account))))."""
    return keccak(keccak(encode(["address"], [str(account)])))


def _hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(min(a, b) + max(a, b))


def invite_tree(invited) -> tuple[bytes, Callable[[object], list[bytes]]]:
    """(root, proof_of) of a sorted-pair Merkle tree over the invited accounts, as MerkleProof verifies."""
    layers = [sorted(invite_leaf(account) for account in invited)]
    while len(layers[-1]) > 1:
        level = layers[-1]
        layers.append(
            [
                _hash_pair(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                for i in range(0, len(level), 2)
            ]
        )

    def proof_of(account) -> list[bytes]:
        index = layers[0].index(invite_leaf(account))
        proof = []
        for level in layers[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                proof.append(level[sibling])
            index //= 2
        return proof

    return layers[-1][0], proof_of


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def requester():
    return accounts[1]


@pytest.fixture(scope="module")
def workers():
    return accounts[2:6]


@pytest.fixture(scope="module")
def co_reviewer():
    return accounts[6]


@pytest.fixture(scope="module")
def outsider():
    return accounts[7]


@pytest.fixture(scope="module")
def arbiter():
    return accounts[8]


@pytest.fixture(scope="module")
def reputation(owner):
    """The stand-in ledger: nobody is verified and every score is 0 until a test says otherwise."""
    return MockReputation.deploy({"from": owner})


@pytest.fixture(scope="module")
def bounty(owner, treasury, reputation):
    return Bounty.deploy(owner, treasury, FEE_BPS, reputation, {"from": owner})


@pytest.fixture(scope="module")
def usd(owner, requester, bounty):
    """A stablecoin-like token the requester holds and has approved to the bounty."""
    token = MockToken.deploy("Demo Dollar", "DUSD", 18, {"from": owner})
    token.mint(requester, 10**24, {"from": owner})
    token.approve(bounty, 2**256 - 1, {"from": requester})
    return token


@pytest.fixture(scope="module")
def post_contest(bounty, requester) -> Callable[..., int]:
    """post_contest(reward=REWARD, sender=requester, **task_params kwargs) -> task id; pays ETH when the
    token is ETH."""

    def _post(reward: int = REWARD, sender=None, **kwargs) -> int:
        params = task_params(**kwargs)
        value = reward if params[0] == ETH else 0
        return bounty.postContest(params, reward, {"from": sender or requester, "value": value}).return_value

    return _post


@pytest.fixture(scope="module")
def post_micro(bounty, requester) -> Callable[..., int]:
    """post_micro(pay=10**17, places=3, window=WORK_WINDOW, sender=requester, **task_params kwargs) -> id."""

    def _post(pay: int = 10**17, places: int = 3, window: int = WORK_WINDOW, sender=None, **kwargs) -> int:
        params = task_params(**kwargs)
        value = pay * places if params[0] == ETH else 0
        return bounty.postMicroTask(
            params, pay, places, window, {"from": sender or requester, "value": value}
        ).return_value

    return _post


@pytest.fixture(scope="module")
def enter(bounty) -> Callable[..., None]:
    """enter(task_id, worker, n=0, proof=[]): submit the commitment to deliverable(worker, n)."""

    def _enter(task_id: int, worker, n: int = 0, proof=None):
        return bounty.submit(
            task_id,
            commitment(deliverable(worker, n), worker, salt_of(worker, n)),
            proof or [],
            {"from": worker},
        )

    return _enter


@pytest.fixture(scope="module")
def reveal(bounty) -> Callable[..., None]:
    """reveal(task_id, worker, n=0): reveal what enter() committed."""

    def _reveal(task_id: int, worker, n: int = 0):
        return bounty.reveal(
            task_id, deliverable(worker, n), f"ipfs://work-{n}", salt_of(worker, n), {"from": worker}
        )

    return _reveal


def deadline_of(bounty, task_id: int) -> int:
    return bounty.task(task_id)["deadline"]


def review_end_of(bounty, task_id: int) -> int:
    t = bounty.task(task_id)
    return t["deadline"] + t["reviewPeriod"]


def pass_deadline(bounty, task_id: int) -> None:
    """Mine a block at the task's deadline: submissions close, reveals open."""
    mine_at(max(deadline_of(bounty, task_id), now() + 1))


def pass_review(bounty, task_id: int) -> None:
    """Mine a block at the end of the contest's review period."""
    mine_at(max(review_end_of(bounty, task_id), now() + 1))


@pytest.fixture
def revealed_contest(bounty, post_contest, enter, reveal, workers) -> int:
    """An ETH contest of REWARD with three entries, all revealed, now in its review period."""
    task_id = post_contest()
    for worker in workers[:3]:
        enter(task_id, worker)
    pass_deadline(bounty, task_id)
    for worker in workers[:3]:
        reveal(task_id, worker)
    return task_id
