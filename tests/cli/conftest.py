"""The command line tested as a user runs it: `crowdledger ...` as a separate process, against an anvil this
fixture starts (one per test module, on a free port) with the contracts deployed from build/ by plain web3
calls, so the commands meet a chain they did not start, exactly as on the `./dev up` chain.

Each test starts from the same chain state (evm_snapshot / evm_revert around it). Keystores are written with a
cheap KDF so that each command's decryption takes milliseconds, not a second.
"""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from web3.contract import Contract

from crowdledger.wallet.devchain import dev_key

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "contracts"
ANVIL = ROOT / "node_modules" / ".bin" / "anvil"
PASSWORD = "correct horse battery staple"
ETH = "0x" + "00" * 20
WAD = 10**18
DAY = 86_400
FEE_BPS = 250
DELIVERY_DAYS = 20  # a campaign's rewards are due this long after its deadline
PLEDGE_WEIGHTED = 0  # Crowdfund.VoteMode
# the ledger as scripts/deploy.py sets it up: ETH priced (0.05 ETH is a unit of value), identity weighed
ETH_ASSET = (5 * 10**16, 5 * 10**14)
IDENTITY_LEVEL, UNVERIFIED_WEIGHT_BPS = 1, 5_000
# who is who: anvil's development account index for each keystore id
ROLES = {
    "owner": 0,
    "creator": 1,
    "backer": 2,
    "backer2": 3,
    "worker": 4,
    "worker2": 5,
    "reviewer": 6,
    "arbiter": 7,
}


@pytest.fixture(autouse=True)
def isolation() -> None:
    """These tests keep their own chain (see `world`); brownie's snapshots of its chain are not needed."""


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def line(self) -> str:
        """The one line a refusal prints on stderr."""
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got:\n{self.err}"
        return lines[0]


@dataclass
class World:
    rpc_url: str
    deployment: Path
    keystores: Path
    entries: Path
    home: Path  # the commands' working folder
    w3: Web3
    contracts: dict[str, Contract]
    token: Contract
    addresses: dict[str, str] = field(default_factory=dict)

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CROWDLEDGER_")}
        env.update(
            CROWDLEDGER_RPC_URL=self.rpc_url,
            CROWDLEDGER_DEPLOYMENT=str(self.deployment),
            CROWDLEDGER_KEYSTORE_DIR=str(self.keystores),
            CROWDLEDGER_ENTRIES_DIR=str(self.entries),
            CROWDLEDGER_ACCOUNT_PASSWORD=PASSWORD,
            CROWDLEDGER_RPC_TIMEOUT="5",
        )
        env.update(overrides)
        return env

    def cli(self, *args: object, input: str | None = None, **env: str) -> Result:
        """Run `crowdledger ARGS` in its own process; CROWDLEDGER_* overrides as keyword arguments."""
        done = subprocess.run(
            [sys.executable, "-m", "crowdledger.cli", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=self.home,
            env=self.env(**env),
            input=input,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: object, **env: str) -> str:
        result = self.cli(*args, **env)
        assert result.code == 0, f"crowdledger {' '.join(map(str, args))} failed:\n{result.out}{result.err}"
        assert "Traceback" not in result.err
        return result.out

    def refused(self, *args: object, code: int = 1, **env: str) -> str:
        """The command's one-line refusal; it must exit with `code` and print no traceback."""
        result = self.cli(*args, **env)
        assert result.code == code, f"expected exit {code}, got {result.code}:\n{result.out}{result.err}"
        assert "Traceback" not in result.err
        return result.line

    def travel(self, seconds: int) -> None:
        self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def nonce(self, who: str) -> int:
        return int(self.w3.eth.get_transaction_count(self.addresses[who]))

    def balance(self, who: str) -> int:
        return int(self.w3.eth.get_balance(self.addresses.get(who, who)))

    def transact(
        self, contract: Contract, function: str, *args: Any, sender: str = "owner", value: int = 0
    ) -> Any:
        """Send a transaction as an unlocked anvil account; returns the receipt."""
        tx = getattr(contract.functions, function)(*args).transact(
            {"from": self.addresses[sender], "value": value}
        )
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        return receipt


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _artifact(name: str) -> dict[str, Any]:
    path = BUILD / f"{name}.json"
    if not path.exists():
        pytest.fail(f"{path} is missing: compile first (./dev brownie compile)")
    artifact: dict[str, Any] = json.loads(path.read_text())
    return artifact


def deploy(w3: Web3, name: str, *args: Any, sender: str) -> Contract:
    """Deploy a compiled contract of build/ (by its artifact name) from an unlocked anvil account."""
    artifact = _artifact(name)
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor(*args).transact({"from": sender}))
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"])


def write_keystore(folder: Path, account_id: str, key: str) -> str:
    """A keystore as brownie writes one, but with a cheap scrypt so that tests stay fast."""
    folder.mkdir(parents=True, exist_ok=True)
    document = Account.encrypt(key, PASSWORD, iterations=2**4)
    (folder / f"{account_id}.json").write_text(json.dumps(document))
    return str(Account.from_key(key).address)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("cli")
    port = _free_port()
    log = (folder / "anvil.log").open("w")
    chain = subprocess.Popen(
        [str(ANVIL), "--port", str(port), "--accounts", "10", "--balance", "10000"], stdout=log, stderr=log
    )
    rpc_url = f"http://127.0.0.1:{port}"
    w3 = Web3(Web3.HTTPProvider(rpc_url))
    try:
        for _ in range(150):
            if w3.is_connected():
                break
            time.sleep(0.1)
        owner, treasury = w3.eth.accounts[0], w3.eth.accounts[9]
        reputation = deploy(w3, "Reputation", owner, sender=owner)
        crowdfund = deploy(w3, "Crowdfund", owner, treasury, FEE_BPS, sender=owner)
        bounty = deploy(w3, "Bounty", owner, treasury, FEE_BPS, reputation.address, sender=owner)
        for setting in (
            reputation.functions.setAsset(ETH, *ETH_ASSET),
            reputation.functions.setIdentityWeights(IDENTITY_LEVEL, UNVERIFIED_WEIGHT_BPS),
        ):
            w3.eth.wait_for_transaction_receipt(setting.transact({"from": owner}))
        for module in (crowdfund, bounty):
            w3.eth.wait_for_transaction_receipt(
                reputation.functions.setModule(module.address, True).transact({"from": owner})
            )
        w3.eth.wait_for_transaction_receipt(
            crowdfund.functions.setReputation(reputation.address).transact({"from": owner})
        )
        token = deploy(w3, "MockToken", "Demo Dollar", "DUSD", 18, sender=owner)
        contracts = {"Reputation": reputation, "Crowdfund": crowdfund, "Bounty": bounty}
        deployment = folder / "deployment.json"
        deployment.write_text(
            json.dumps(
                {
                    "network": "cli-test",
                    "chain_id": w3.eth.chain_id,
                    "start_block": 1,
                    "contracts": {n: {"address": c.address, "abi": c.abi} for n, c in contracts.items()},
                }
            )
        )
        keystores = folder / "keystores"
        addresses = {name: write_keystore(keystores, name, dev_key(index)) for name, index in ROLES.items()}
        addresses["poor"] = write_keystore(keystores, "poor", "0x" + "11" * 32)  # holds nothing
        home = folder / "home"
        home.mkdir()
        built = World(
            rpc_url, deployment, keystores, folder / "entries", home, w3, contracts, token, addresses
        )
        for who in ("backer", "backer2", "worker", "creator"):
            built.transact(token, "mint", addresses[who], 10_000 * WAD)
        yield built
    finally:
        chain.terminate()
        chain.wait(timeout=10)
        log.close()


@pytest.fixture(autouse=True)
def same_start(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that uses the chain starts from the state the module's fixtures left."""
    if "world" not in request.fixturenames:
        yield
        return
    world: World = request.getfixturevalue("world")
    snapshot = world.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield
    world.w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


def struct(contract: Contract, function: str, **fields: Any) -> tuple[Any, ...]:
    """The tuple `function`'s first argument takes (LaunchParams, TaskParams), its fields in the ABI's order:
    named here, so a field the contract adds or renames fails loudly instead of shifting the others.
    (tests/conftest.py::launch_params cannot be reused: it reads brownie's chain clock, not this world's.)"""
    entry = next(e for e in contract.abi if e.get("type") == "function" and e.get("name") == function)
    names = [component["name"] for component in entry["inputs"][0]["components"]]
    assert set(names) == set(fields), f"{function} takes {names}, given {sorted(fields)}"
    return tuple(fields[name] for name in names)


def launch(
    world: World,
    token: str = ETH,
    goal: int = 2 * WAD,
    days: int = 10,
    milestones: tuple[int, ...] = (),
    tiers: tuple[tuple[int, int], ...] = (),
    sender: str = "creator",
    delivery_days: int = DELIVERY_DAYS,
) -> int:
    """A campaign launched directly (not through the command line), pledge-weighted votes vetoed at 20%,
    rewards due `delivery_days` after the deadline; returns its id."""
    crowdfund = world.contracts["Crowdfund"]
    deadline = world.now() + days * DAY
    params = struct(
        crowdfund,
        "launch",
        token=token,
        goal=goal,
        startsAt=0,
        deadline=deadline,
        quorumBps=2000,
        milestoneBps=list(milestones),
        tiers=list(tiers),
        metadataURI="ipfs://x",
        metadataHash=b"\x42" * 32,
        deliveryDate=deadline + delivery_days * DAY,
        voteMode=PLEDGE_WEIGHTED,
        minAttestationLevel=0,
    )
    world.transact(crowdfund, "launch", params, sender=sender)
    return int(crowdfund.functions.campaignCount().call())


def post_contest(
    world: World,
    reward: int = WAD,
    days: int = 3,
    review_days: int = 2,
    co_reviewer: str = ETH,
    arbiter: str = ETH,
) -> int:
    """An ETH contest posted directly by the creator account; returns its id."""
    bounty = world.contracts["Bounty"]
    params = task_params(world, "postContest", days, review_days, co_reviewer, arbiter)
    world.transact(bounty, "postContest", params, reward, sender="creator", value=reward)
    return int(bounty.functions.taskCount().call())


def task_params(
    world: World,
    function: str,
    days: int = 3,
    review_days: int = 2,
    co_reviewer: str = ETH,
    arbiter: str = ETH,
) -> tuple[Any, ...]:
    """The params of an ETH task open to anyone (Bounty.`function`: postContest or postMicroTask)."""
    return struct(
        world.contracts["Bounty"],
        function,
        token=ETH,
        deadline=world.now() + days * DAY,
        reviewPeriod=review_days * DAY,
        coReviewer=co_reviewer,
        arbiter=arbiter,
        accessRules=0,
        minWorkerScore=0,
        inviteRoot=b"\0" * 32,
        minVerifiedLevel=0,
        metadataURI="ipfs://t",
        metadataHash=b"\x42" * 32,
    )


def enter_directly(world: World, task: int, worker: str, deliverable: bytes = b"\x05" * 32) -> bytes:
    """A contest entry committed without the command line; returns the salt to reveal it with."""
    from crowdledger.wallet.entries import commitment_of

    salt = bytes([len(worker)]) * 32
    commitment = commitment_of(deliverable, world.addresses[worker], salt)
    world.transact(world.contracts["Bounty"], "submit", task, commitment, [], sender=worker)
    return salt


def reveal_directly(
    world: World, task: int, worker: str, salt: bytes, deliverable: bytes = b"\x05" * 32
) -> None:
    world.transact(
        world.contracts["Bounty"], "reveal", task, deliverable, f"ipfs://{worker}", salt, sender=worker
    )


def pledge_directly(world: World, campaign: int, amount: int, backer: str = "backer", tier: int = 0) -> None:
    world.transact(
        world.contracts["Crowdfund"], "pledge", campaign, tier, amount, sender=backer, value=amount
    )
