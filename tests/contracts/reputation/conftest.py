"""The reputation ledger's world: a Reputation with ETH registered as an asset (unit 1 ETH, minimum 0.01 ETH),
an account registered as a module, a mock rating source, an attester with a known key; and helpers to turn
receipts into crowdledger.reputation's event records."""

import pytest
from brownie import MockRatingSource, Reputation, accounts, chain, web3

from crowdledger.reputation import (
    DealRecorded,
    HalfLifeChanged,
    LedgerEvent,
    Rated,
    Role,
    ScoreChanged,
    ValueRecorded,
)
from crowdledger.wallet.attest import sign_attest as attest_signature

DAY = 86400
WAD = 10**18
HALF_LIFE = 90 * DAY
RATING_POINTS = 10 * WAD
ETH = "0x" + "00" * 20
ETH_UNIT = WAD  # V(1 ETH) = 1e18
ETH_MINIMUM = WAD // 100  # below 0.01 ETH a deal is worth nothing
UNREGISTERED = "0x" + "ee" * 20  # an asset the ledger does not know


def reason(error, *args):
    """The revert message brownie gives a custom error: "Name: arg1, arg2" (addresses in lower case)."""
    return f"{error}: " + ", ".join(str(arg).lower() for arg in args)


def plain(values) -> tuple:
    """A view's tuple with plain ints (brownie's Wei refuses tuple comparison with ints); addresses stay."""
    return tuple(value if isinstance(value, str) else int(value) for value in values)


def tag(text: str) -> bytes:
    """A reason tag as the contract stores it: bytes32, zero-padded."""
    return text.encode().ljust(32, b"\x00")


def next_block_at(timestamp: int) -> None:
    """Make the next block (a transaction's, or chain.mine()'s) carry exactly `timestamp`."""
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])


def mine_at(timestamp: int) -> None:
    """Mine an empty block at exactly `timestamp`; views then see it as block.timestamp."""
    next_block_at(timestamp)
    chain.mine()


def reputation_events(tx) -> list[LedgerEvent]:
    """The ledger's events of one receipt that crowdledger.reputation reads, as its records, in log order."""
    records: list[LedgerEvent] = []
    for event in tx.events:
        log_index = tx.logs[event.pos[0]]["logIndex"]
        data = event[0]
        at = (tx.block_number, log_index, tx.timestamp)
        if event.name == "ScoreChanged":
            records.append(
                ScoreChanged(
                    *at,
                    subject=data["subject"],
                    role=Role(data["role"]),
                    points=data["points"],
                    new_score=data["newScore"],
                    reason=bytes(data["reason"]),
                    module=data["module"],
                    ref=data["ref"],
                )
            )
        elif event.name == "HalfLifeChanged":
            records.append(
                HalfLifeChanged(*at, old_half_life=data["oldHalfLife"], new_half_life=data["newHalfLife"])
            )
        elif event.name == "DealRecorded":
            records.append(
                DealRecorded(
                    *at,
                    payee=data["payee"],
                    payer=data["payer"],
                    module=data["module"],
                    ref=data["ref"],
                    token=data["token"],
                    amount=data["amount"],
                    payee_points=data["payeePoints"],
                    payer_points=data["payerPoints"],
                    earlier_deals=data["earlierDeals"],
                    value_factor=data["valueFactor"],
                    payer_weight_bps=data["payerWeightBps"],
                    payee_weight_bps=data["payeeWeightBps"],
                )
            )
        elif event.name == "ValueRecorded":
            records.append(
                ValueRecorded(
                    *at,
                    subject=data["subject"],
                    role=Role(data["role"]),
                    module=data["module"],
                    ref=data["ref"],
                    token=data["token"],
                    value_before=data["valueBefore"],
                    value_after=data["valueAfter"],
                    base_points=data["basePoints"],
                    value_factor_before=data["valueFactorBefore"],
                    value_factor_after=data["valueFactorAfter"],
                )
            )
        elif event.name == "Rated":
            records.append(
                Rated(
                    *at,
                    rater=data["rater"],
                    subject=data["subject"],
                    source=data["source"],
                    ref=data["ref"],
                    stars=data["stars"],
                    value_factor=data["valueFactor"],
                    weight_bps=data["weightBps"],
                    pair_deals=data["pairDeals"],
                )
            )
    return records


def credit(reputation, recorder, subject, role, points, why="test", ref=1):
    """Write exactly `points` to `subject` in `role`: a recordValue of one whole ETH unit (V = 1e18)."""
    return reputation.recordValue(subject, role, points, ETH, 0, ETH_UNIT, tag(why), ref, {"from": recorder})


def deal(reputation, recorder, payee, payer, amount, payee_points=WAD, payer_points=WAD, token=ETH, ref=1):
    """A deal `recorder` (a module) reports: `payee` (Worker) paid `amount` by `payer` (Requester)."""
    return reputation.recordDeal(
        (
            payee,
            Role.WORKER,
            payee_points,
            payer,
            Role.REQUESTER,
            payer_points,
            token,
            amount,
            tag("deal"),
            ref,
        ),
        {"from": recorder},
    )


def sign_attest(
    reputation, key: str, attester: str, account: str, level: int, expires_at: int, deadline: int
):
    """`key` signs an Attest message for `attester` with the attester's current nonce for `account` (65 bytes,
    r‖s‖v).

    For an EOA attester `key` is its own key; for a contract attester, the key the contract trusts."""
    nonce = reputation.nonces(attester, account)
    return attest_signature(key, chain.id, reputation.address, account, level, expires_at, nonce, deadline)


@pytest.fixture(scope="module")
def recorder():
    """A plain account the tests register as a module, to call `recordDeal` and `recordValue` directly."""
    return accounts[8]


@pytest.fixture(scope="module")
def reputation(owner, recorder):
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(recorder, True, {"from": owner})
    ledger.setAsset(ETH, ETH_UNIT, ETH_MINIMUM, {"from": owner})
    return ledger


@pytest.fixture(scope="module")
def source(owner, reputation):
    """A registered rating source whose relationships the tests set with setRelationship."""
    mock = MockRatingSource.deploy({"from": owner})
    reputation.setModule(mock, True, {"from": owner})
    return mock


@pytest.fixture(scope="module")
def attester(owner, reputation):
    """A registered attester with a private key the tests can sign with, holding ETH for gas."""
    account = accounts.add()
    owner.transfer(account, 10**18)
    reputation.setAttester(account, True, {"from": owner})
    return account
