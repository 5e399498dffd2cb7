"""The reputation ledger's world: a Reputation, an account registered as a module, a mock rating source,
an attester with a known key; and helpers to turn receipts into crowdledger.reputation's event records."""

import pytest
from brownie import MockRatingSource, Reputation, accounts, chain, web3
from eth_account import Account as EthAccount
from eth_account.messages import encode_typed_data

from crowdledger.reputation import HalfLifeChanged, ReputationEvent, Role, ScoreChanged

DAY = 86400
WAD = 10**18
HALF_LIFE = 90 * DAY
RATING_POINTS = 10 * WAD


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


def reputation_events(tx) -> list[ReputationEvent]:
    """The ScoreChanged and HalfLifeChanged events of one receipt, as crowdledger.reputation records."""
    records: list[ReputationEvent] = []
    for event in tx.events:
        log_index = tx.logs[event.pos[0]]["logIndex"]
        data = event[0]
        if event.name == "ScoreChanged":
            records.append(
                ScoreChanged(
                    block_number=tx.block_number,
                    log_index=log_index,
                    timestamp=tx.timestamp,
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
                HalfLifeChanged(
                    block_number=tx.block_number,
                    log_index=log_index,
                    timestamp=tx.timestamp,
                    old_half_life=data["oldHalfLife"],
                    new_half_life=data["newHalfLife"],
                )
            )
    return records


def sign_attest(
    reputation, key: str, attester: str, account: str, level: int, expires_at: int, deadline: int
):
    """`key` signs an Attest message for `attester` with the attester's next nonce (65 bytes, r‖s‖v).

    For an EOA attester `key` is its own key; for a contract attester, the key the contract trusts."""
    message = encode_typed_data(
        full_message={
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                "Attest": [
                    {"name": "account", "type": "address"},
                    {"name": "level", "type": "uint8"},
                    {"name": "expiresAt", "type": "uint64"},
                    {"name": "nonce", "type": "uint256"},
                    {"name": "deadline", "type": "uint256"},
                ],
            },
            "primaryType": "Attest",
            "domain": {
                "name": "CrowdLedger Reputation",
                "version": "1",
                "chainId": chain.id,
                "verifyingContract": reputation.address,
            },
            "message": {
                "account": account,
                "level": level,
                "expiresAt": expires_at,
                "nonce": reputation.nonces(attester),
                "deadline": deadline,
            },
        }
    )
    return EthAccount.from_key(key).sign_message(message).signature


@pytest.fixture(scope="module")
def recorder():
    """A plain account the tests register as a module, to call `record` directly."""
    return accounts[8]


@pytest.fixture(scope="module")
def reputation(owner, recorder):
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(recorder, True, {"from": owner})
    return ledger


@pytest.fixture(scope="module")
def source(owner, reputation):
    """A registered rating source whose relationships the tests set with setWeight."""
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
