"""Every transaction the commands send goes through `send`: checked by a call first, so that a revert is
explained and nothing is sent; then priced and checked against the account's balance; then signed with the
keystore's key, sent, and waited for; what it did is read back from its events.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_account.signers.local import LocalAccount

from crowdledger.chain.decode import Decoder, Event
from crowdledger.errors import InsufficientFunds, Refused, RpcError, TransactionFailed
from crowdledger.wallet.chain import Chain, Contract, Reverted
from crowdledger.wallet.erc20 import ERC20_ABI
from crowdledger.wallet.explain import About, ErrorTable, Revert, explain
from crowdledger.wallet.units import ETH

GAS_MARGIN = 1.25  # estimates are exact on the state they ran on; the state may move a little before mining
DEFAULT_PRIORITY_FEE = 10**9  # 1 gwei, where a node cannot suggest one


class WouldRevert(Refused):
    """The call says the transaction would revert; `revert` is the decoded error (None when undecodable),
    `silent` says the revert had no data at all (USDT and other tokens refuse so)."""

    def __init__(self, message: str, revert: Revert | None, silent: bool = False) -> None:
        super().__init__(message)
        self.revert = revert
        self.silent = silent


@dataclass(frozen=True)
class Call:
    """One contract function call a command wants to make."""

    contract: Contract
    function: str
    args: list[Any]
    value: int = 0  # wei sent along


@dataclass(frozen=True)
class Sent:
    tx_hash: str
    block_number: int
    gas_used: int
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class Quote:
    """What a call would cost, after a successful simulation."""

    gas: int
    max_fee_per_gas: int
    priority_fee_per_gas: int

    @property
    def max_gas_cost(self) -> int:
        return self.gas * self.max_fee_per_gas


def error_table(chain: Chain) -> ErrorTable:
    return ErrorTable([c.abi for c in chain.deployment.contracts.values()] + [ERC20_ABI])


def simulate(chain: Chain, sender: str, call: Call, about: About) -> Quote:
    """Run the call without sending it and price it; a revert becomes Refused with its explanation, an account
    short of the value plus gas becomes InsufficientFunds."""
    data = _encode(chain, call)
    balance = chain.balance(sender)
    if balance < call.value:
        raise InsufficientFunds(
            f"{sender} holds {ETH.format(balance)}, and this sends {ETH.format(call.value)} plus gas; "
            "fund the account first (./dev up prints funded local accounts); nothing was sent"
        )
    request: dict[str, Any] = {
        "from": sender,
        "to": call.contract.address,
        "data": data,
        "value": hex(call.value),
    }
    try:
        chain.call(call.contract.address, data, sender, call.value)
        gas = int(chain.request("eth_estimateGas", [request]), 16)
    except Reverted as reverted:
        revert = error_table(chain).decode(reverted.data)
        message = explain(revert, about, reverted.message) + "; nothing was sent"
        raise WouldRevert(message, revert, silent=not reverted.data) from None
    quote = _price(chain, int(gas * GAS_MARGIN))
    if balance < call.value + quote.max_gas_cost:
        raise InsufficientFunds(
            f"{sender} holds {ETH.format(balance)}, and this needs {ETH.format(call.value)} plus up to "
            f"{ETH.format(quote.max_gas_cost)} for gas; fund the account first (./dev up prints funded local "
            "accounts); nothing was sent"
        )
    return quote


def send(
    chain: Chain,
    sender: str,
    unlock: Callable[[], LocalAccount],
    call: Call,
    about: About,
    timeout: float = 120.0,
) -> Sent:
    """Simulate, then unlock the key (so a refusal never asks for a password), sign, send and wait; the
    receipt's events decoded with the deployment's ABIs."""
    quote = simulate(chain, sender, call, about)
    account = unlock()
    if account.address != sender:
        raise Refused(f"the keystore holds {account.address}, not {sender}; the file is corrupt")
    data = _encode(chain, call)
    transaction: dict[str, Any] = {
        "type": 2,
        "chainId": chain.deployment.chain_id,
        "nonce": int(chain.request("eth_getTransactionCount", [account.address, "pending"]), 16),
        "to": call.contract.address,
        "data": data,
        "value": call.value,
        "gas": quote.gas,
        "maxFeePerGas": quote.max_fee_per_gas,
        "maxPriorityFeePerGas": quote.priority_fee_per_gas,
    }
    signed = account.sign_transaction(transaction)
    try:
        tx_hash = str(chain.request("eth_sendRawTransaction", ["0x" + signed.raw_transaction.hex()]))
    except (RpcError, Reverted) as refused:
        raise Refused(f"the node refused the transaction ({refused}); nothing was sent") from None
    receipt = _wait(chain, tx_hash, timeout)
    block = int(receipt["blockNumber"], 16)
    if int(receipt["status"], 16) != 1:
        reason = ""
        try:  # the same call on the state the block started from says why, as a rule
            chain.call(
                call.contract.address, transaction["data"], account.address, call.value, hex(block - 1)
            )
        except Reverted as reverted:
            reason = ": " + _refusal(chain, reverted, about)
        raise TransactionFailed(
            f"transaction {tx_hash} was mined in block {block} but reverted{reason}; it changed nothing but "
            "cost gas (the state changed between the check and the block, or it ran out of gas)"
        )
    events = Decoder(chain.deployment).decode(receipt["logs"])
    return Sent(tx_hash, block, int(receipt["gasUsed"], 16), events)


def _refusal(chain: Chain, reverted: Reverted, about: About) -> str:
    return explain(error_table(chain).decode(reverted.data), about, reverted.message)


def _encode(chain: Chain, call: Call) -> str:
    chain.require_function(call.contract, call.function)
    return call.contract.encode(call.function, call.args)


def _price(chain: Chain, gas: int) -> Quote:
    latest = chain.request("eth_getBlockByNumber", ["latest", False])
    base_fee = latest.get("baseFeePerGas")
    if base_fee is None:  # a chain without EIP-1559: a legacy price, sent as both caps
        price = int(chain.request("eth_gasPrice", []), 16)
        return Quote(gas, price, price)
    try:
        priority = int(chain.request("eth_maxPriorityFeePerGas", []), 16)
    except RpcError:
        priority = DEFAULT_PRIORITY_FEE
    return Quote(gas, 2 * int(base_fee, 16) + priority, priority)


def _wait(chain: Chain, tx_hash: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        receipt: dict[str, Any] | None = chain.request("eth_getTransactionReceipt", [tx_hash])
        if receipt is not None and receipt.get("blockNumber"):
            return receipt
        if time.monotonic() > deadline:
            raise TransactionFailed(
                f"transaction {tx_hash} was sent but not mined within {timeout:.0f} s; look it up before "
                "sending again (it may still be mined)"
            )
        time.sleep(pause)
        pause = min(pause * 2, 1.0)
