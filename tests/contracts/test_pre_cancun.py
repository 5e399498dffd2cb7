"""The pre-Cancun build (`./dev build --evm shanghai`) holds no Cancun opcode and works on a real Shanghai
EVM: an anvil started with `--hardfork shanghai`, which also refuses the default (cancun) build.

The build is compiled once per session (scripts/build_evm.py; nothing when build/evm/shanghai is up to date)
and the Shanghai chain is driven with web3.py, since brownie's own chain is the test network."""

import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eth_account import Account as EthAccount
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import Web3RPCError
from web3.logs import DISCARD

from crowdledger.audit.solc import CompileError, Compiler
from crowdledger.evm import PRE_CANCUN_REMAPPINGS
from crowdledger.wallet.attest import sign_attest
from scripts import build_evm
from scripts.deploy import DEFAULT_FEE_BPS, ETH_ASSET, IDENTITY_LEVEL, UNVERIFIED_WEIGHT_BPS

ETH = "0x" + "00" * 20
DAY = 86400
BPS = 10_000
SHANGHAI_PORT = 8622  # this file's own chain, beside the test network's
# what Cancun added and a Shanghai EVM rejects: EIP-1153's transient storage, EIP-5656's MCOPY, EIP-4844's
# BLOBHASH and EIP-7516's BLOBBASEFEE
CANCUN_OPCODES = {0x5C: "TLOAD", 0x5D: "TSTORE", 0x5E: "MCOPY", 0x49: "BLOBHASH", 0x4A: "BLOBBASEFEE"}
# solc's CBOR metadata at the end of each runtime object: ipfs hash and compiler version, then its length
METADATA = re.compile(rb"\xa2dipfsX\x22\x12\x20.{32}dsolcC.{3}\x00\x33", re.DOTALL)
ACCEPT, REFUSE, REENTER = 0, 1, 2  # HostileReceiver.OnReceive


# ---------------------------------------------------------------------- disassembly


def opcodes(bytecode: bytes) -> list[int]:
    """The opcodes of `bytecode` in order, skipping each PUSH's immediate data and solc's metadata blobs (the
    creation code of a contract embeds its runtime code, and Bounty's also BountyReviews's creation code)."""
    found = []
    for code in METADATA.split(bytecode):
        pc = 0
        while pc < len(code):
            op = code[pc]
            found.append(op)
            pc += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)  # PUSH1..PUSH32 carry 1..32 bytes
    return found


def cancun_opcodes(bytecode_hex: str) -> set[str]:
    return {CANCUN_OPCODES[op] for op in opcodes(bytes.fromhex(bytecode_hex)) if op in CANCUN_OPCODES}


# ---------------------------------------------------------------------- the build and the chain


@pytest.fixture(scope="session")
def pre_cancun() -> Callable[[str], dict[str, Any]]:
    """artifact(name) of the Shanghai build, compiled once (about a minute with solc-js) unless up to date."""
    build_evm.build("shanghai")
    return lambda name: build_evm.artifact("shanghai", name)


def _default_artifact(name: str) -> dict[str, Any]:
    """An artifact of the default (cancun) build, which `brownie test` compiles first."""
    return dict(json.loads((build_evm.ROOT / "build" / "contracts" / f"{name}.json").read_text()))


@pytest.fixture(scope="module")
def shanghai() -> Iterator[Web3]:
    """A fresh anvil running the Shanghai EVM, stopped after this module."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", SHANGHAI_PORT)) == 0:
            pytest.fail(f"port {SHANGHAI_PORT} is in use: this test starts its own Shanghai chain there")
    anvil = shutil.which("anvil")
    assert anvil, "anvil is not on PATH (run the tests through ./dev)"
    process = subprocess.Popen(
        [anvil, "--hardfork", "shanghai", "--port", str(SHANGHAI_PORT), "--accounts", "10", "--base-fee=0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{SHANGHAI_PORT}"))
        started = time.monotonic()
        while not w3.is_connected():
            assert process.poll() is None, "anvil --hardfork shanghai exited"
            assert time.monotonic() - started < 20, "anvil --hardfork shanghai did not start in 20 s"
            time.sleep(0.1)
        yield w3
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def shanghai_isolation(shanghai: Web3) -> Iterator[None]:
    """Every test starts from the same Shanghai chain state."""
    snapshot = shanghai.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield
    shanghai.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


def deploy(w3: Web3, artifact: dict[str, Any], *args: Any, sender: str) -> Contract:
    contract = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(contract.constructor(*args).transact({"from": sender}))
    assert receipt["status"] == 1, f"deploying {artifact['contractName']} failed"
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"])


def send(call: Any, sender: str, value: int = 0, gas: int | None = None) -> Any:
    """Send a contract call and return its receipt. With `gas` there is no estimate first, so a call the chain
    rejects is mined and its receipt says status 0."""
    w3 = call.w3
    tx: dict[str, Any] = {"from": sender, "value": value, "gasPrice": 0}  # so balances move by value only
    if gas is not None:
        tx["gas"] = gas
    return w3.eth.wait_for_transaction_receipt(call.transact(tx))


def sleep(w3: Web3, seconds: int) -> None:
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def now(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"])


@pytest.fixture(scope="module")
def ledger(shanghai: Web3, pre_cancun: Callable[[str], dict[str, Any]]) -> dict[str, Contract]:
    """Reputation, Crowdfund and Bounty of the Shanghai build, wired as scripts/deploy.py wires them."""
    owner = shanghai.eth.accounts[0]
    treasury = shanghai.eth.accounts[9]
    reputation = deploy(shanghai, pre_cancun("Reputation"), owner, sender=owner)
    send(reputation.functions.setAsset(ETH, *ETH_ASSET), owner)
    send(reputation.functions.setIdentityWeights(IDENTITY_LEVEL, UNVERIFIED_WEIGHT_BPS), owner)
    crowdfund = deploy(shanghai, pre_cancun("Crowdfund"), owner, treasury, DEFAULT_FEE_BPS, sender=owner)
    bounty = deploy(
        shanghai, pre_cancun("Bounty"), owner, treasury, DEFAULT_FEE_BPS, reputation.address, sender=owner
    )
    for module in (crowdfund, bounty):
        send(reputation.functions.setModule(module.address, True), owner)
    send(crowdfund.functions.setReputation(reputation.address), owner)
    return {"Reputation": reputation, "Crowdfund": crowdfund, "Bounty": bounty}


def launch_params(w3: Web3, goal: int) -> tuple[Any, ...]:
    """An ETH campaign with no tiers or milestones, open now for 30 days, rewards due 30 days after."""
    deadline = now(w3) + 30 * DAY
    return (ETH, goal, 0, deadline, 2000, [], [], "ipfs://shanghai", b"\x42" * 32, deadline + 30 * DAY, 0, 0)


def fee_of(amount: int) -> int:
    return amount * DEFAULT_FEE_BPS // BPS


# ---------------------------------------------------------------------- the build's code


@pytest.mark.parametrize("name", ["Crowdfund", "Bounty", "BountyReviews", "Reputation"])
def test_the_pre_cancun_build_holds_no_cancun_opcode(pre_cancun, name):
    artifact = pre_cancun(name)
    assert artifact["compiler"]["evm_version"] == "shanghai"
    assert cancun_opcodes(artifact["bytecode"]) == set()
    assert cancun_opcodes(artifact["deployedBytecode"]) == set()


def test_the_disassembly_finds_the_transient_guard_in_the_default_build():
    """The check above can fail: the default (cancun) build's Crowdfund keeps its lock with TLOAD/TSTORE."""
    assert cancun_opcodes(_default_artifact("Crowdfund")["deployedBytecode"]) >= {"TLOAD", "TSTORE"}


def test_the_disassembly_skips_push_data():
    # PUSH2 0x5c5d, then TLOAD: only the last byte is an opcode
    assert opcodes(bytes([0x61, 0x5C, 0x5D, 0x5C])) == [0x61, 0x5C]


def test_the_audit_recompiles_a_pre_cancun_deployment_as_the_build_compiled_it(pre_cancun):
    """The audit's compiler input for a record built for shanghai has the build's settings and reads the files
    the build read (the storage guard, OpenZeppelin 5.1.0), so its bytecode check can match exactly."""
    compiler = Compiler(build_evm.ROOT, cache=None, evm_version="shanghai")
    request = compiler.input_json(["contracts/Crowdfund.sol"])
    assert request["settings"]["evmVersion"] == "shanghai"
    assert request["settings"]["remappings"] == list(PRE_CANCUN_REMAPPINGS)
    built_from = set(pre_cancun("Crowdfund")["allSourcePaths"].values())
    assert built_from <= set(request["sources"])
    assert "contracts/_pre_cancun/ReentrancyGuard.sol" in request["sources"]
    assert not any("ReentrancyGuardTransient" in unit for unit in request["sources"])


def test_the_audit_refuses_a_record_built_for_an_evm_version_no_build_makes():
    with pytest.raises(CompileError, match="'london', which no build here makes"):
        Compiler(build_evm.ROOT, cache=None, evm_version="london")


# ---------------------------------------------------------------------- on a Shanghai chain


def test_the_default_build_is_refused_by_a_shanghai_chain(shanghai):
    """The chain really is pre-Cancun: the default Crowdfund deploys (its constructor has no Cancun opcode)
    and launches (unguarded), but its first guarded call, which reads the transient lock with TLOAD, fails."""
    owner, backer = shanghai.eth.accounts[0], shanghai.eth.accounts[1]
    crowdfund = deploy(shanghai, _default_artifact("Crowdfund"), owner, owner, DEFAULT_FEE_BPS, sender=owner)
    assert send(crowdfund.functions.launch(launch_params(shanghai, 10**18)), owner)["status"] == 1
    pledge = crowdfund.functions.pledge(1, 0, 10**17)
    with pytest.raises(Web3RPCError, match="NotActivated"):  # anvil's word for an opcode its EVM lacks
        pledge.call({"from": backer, "value": 10**17})
    assert send(pledge, backer, value=10**17, gas=500_000)["status"] == 0
    assert shanghai.eth.get_balance(crowdfund.address) == 0


def test_a_campaign_launches_takes_pledges_and_pays_its_creator_on_shanghai(shanghai, ledger):
    crowdfund = ledger["Crowdfund"]
    creator, backers = shanghai.eth.accounts[1], shanghai.eth.accounts[2:4]
    send(crowdfund.functions.launch(launch_params(shanghai, 10**18)), creator)
    campaign_id = crowdfund.functions.campaignCount().call()
    for backer in backers:
        assert send(crowdfund.functions.pledge(campaign_id, 0, 10**18), backer, value=10**18)["status"] == 1
    sleep(shanghai, 31 * DAY)
    before = shanghai.eth.get_balance(creator)
    receipt = send(crowdfund.functions.claim(campaign_id, creator), creator)
    claimed = crowdfund.events.Claimed().process_receipt(receipt, errors=DISCARD)[0]["args"]
    assert (claimed["amount"], claimed["fee"]) == (2 * 10**18 - fee_of(2 * 10**18), fee_of(2 * 10**18))
    assert shanghai.eth.get_balance(creator) - before == 2 * 10**18 - fee_of(2 * 10**18)
    assert shanghai.eth.get_balance(crowdfund.address) == fee_of(2 * 10**18)


def test_a_contest_is_posted_awarded_and_withdrawn_on_shanghai(shanghai, ledger):
    bounty = ledger["Bounty"]
    requester, worker, reward = shanghai.eth.accounts[1], shanghai.eth.accounts[2], 10**18
    deadline = now(shanghai) + 7 * DAY
    params = (ETH, deadline, 3 * DAY, ETH, ETH, 0, 0, b"\x00" * 32, 0, "ipfs://task", b"\x42" * 32)
    send(bounty.functions.postContest(params, reward), requester, value=reward)
    task_id = bounty.functions.taskCount().call()
    deliverable, salt = keccak(text="deliverable"), keccak(text="salt")
    commitment = bounty.functions.commitmentOf(deliverable, worker, salt).call()
    send(bounty.functions.submit(task_id, commitment, []), worker)
    sleep(shanghai, 7 * DAY)
    send(bounty.functions.reveal(task_id, deliverable, "ipfs://work", salt), worker)
    send(bounty.functions.award(task_id, [worker], [BPS]), requester)
    before = shanghai.eth.get_balance(worker)
    receipt = send(bounty.functions.withdraw(task_id, worker), worker)
    withdrawn = bounty.events.Withdrawn().process_receipt(receipt, errors=DISCARD)[0]["args"]
    assert withdrawn["amount"] == reward - fee_of(reward)
    assert shanghai.eth.get_balance(worker) - before == reward - fee_of(reward)


def test_an_attestation_by_signature_is_accepted_on_shanghai(shanghai, ledger):
    reputation = ledger["Reputation"]
    owner, account = shanghai.eth.accounts[0], shanghai.eth.accounts[5]
    attester = EthAccount.create()
    send(reputation.functions.setAttester(attester.address, True), owner)
    expires_at = deadline = now(shanghai) + DAY
    signature = sign_attest(
        attester.key.hex(), shanghai.eth.chain_id, reputation.address, account, 1, expires_at, 0, deadline
    )
    attest = reputation.functions.attestBySig(account, 1, expires_at, attester.address, deadline, signature)
    assert send(attest, account)["status"] == 1
    assert tuple(reputation.functions.attestationOf(account).call()) == (attester.address, 1, expires_at)
    assert reputation.functions.isVerified(account, 1).call() is True


def test_the_storage_guard_stops_a_re_entry_on_shanghai(shanghai, ledger, pre_cancun):
    """A creator contract that, while claim pays it, re-enters withdrawFees: outside the guard that call would
    succeed (claim accrued the fee before paying), so only the guard can have stopped it."""
    crowdfund = ledger["Crowdfund"]
    owner, backer, treasury = shanghai.eth.accounts[0], shanghai.eth.accounts[2], shanghai.eth.accounts[9]
    attacker = deploy(shanghai, pre_cancun("HostileReceiver"), sender=owner)

    def act(call: Any) -> Any:
        return send(attacker.functions.act(crowdfund.address, 0, call._encode_transaction_data()), owner)

    act(crowdfund.functions.launch(launch_params(shanghai, 10**18)))
    campaign_id = crowdfund.functions.campaignCount().call()
    send(crowdfund.functions.pledge(campaign_id, 0, 3 * 10**18), backer, value=3 * 10**18)
    sleep(shanghai, 31 * DAY)
    reentry = crowdfund.functions.withdrawFees(ETH)._encode_transaction_data()
    send(attacker.functions.setOnReceive(REENTER, crowdfund.address, reentry), owner)

    act(crowdfund.functions.claim(campaign_id, attacker.address))

    assert attacker.functions.reentered().call() is False
    assert shanghai.eth.get_balance(attacker.address) == 3 * 10**18 - fee_of(3 * 10**18)
    treasury_before = shanghai.eth.get_balance(treasury)
    send(crowdfund.functions.withdrawFees(ETH), backer)  # the same call, not re-entering, succeeds
    assert shanghai.eth.get_balance(treasury) - treasury_before == fee_of(3 * 10**18)
