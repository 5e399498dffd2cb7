"""The browser tests' world: the demo chain (every campaign state, a contest, a micro-task) plus campaigns of
our own, the real app (`crowdledger run`: indexer and web server in one process) on a free local port, and one
headless Debian chromium driven by Playwright, with a test wallet injected into every page as an EIP-1193
provider. One of each for the whole e2e package: starting them is the slow part.

The wallet forwards what a wallet would do to anvil, whose development accounts are unlocked (it serves
eth_sendTransaction and eth_signTypedData_v4 for them); it starts on another chain (id 1) that the page must
ask it to add and switch away from, and it can be told to refuse the next request as a user would (4001)."""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from brownie import Crowdfund, MockToken, accounts, chain, network, web3
from eth_utils import keccak
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from scripts import demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ROOT / "reports" / "screens"  # each run's; docs/screens/ holds the published set
BUNDLE = ROOT / "backend" / "crowdledger" / "web" / "static" / "build" / "wallet.js"
E = 10**18
DAY = 86400
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Debian's chromium, as the issue asks: headless, no sandbox (we run as root), nothing that phones home.
# Playwright itself gives each launch a new, empty user-data directory.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WALLET_SCRIPT = """
window.ethereum = {
  isCrowdLedgerInjectedWallet: true,
  async request({ method, params }) {
    const answer = await window.__testWallet(method, params ?? []);
    if (answer.error) {
      const error = new Error(answer.error.message);
      error.code = answer.error.code;
      error.data = answer.error.data;
      throw error;
    }
    return answer.result;
  },
  // EIP-1193 events, as a wallet emits them when its user switches account or chain (tests call emit)
  listeners: {},
  on(event, listener) {
    (this.listeners[event] ??= []).push(listener);
  },
  removeListener(event, listener) {
    this.listeners[event] = (this.listeners[event] ?? []).filter((l) => l !== listener);
  },
  emit(event, value) {
    for (const listener of this.listeners[event] ?? []) listener(value);
  },
};
"""


@pytest.fixture(autouse=True)
def isolation() -> None:
    """No per-test chain snapshots here (the contract tests' default): the indexer follows one chain that
    the walk moves forward."""


@dataclass
class InjectedWallet:
    rpc_url: str
    account: str
    chain_id: int = 1  # a chain the app does not use, so the page must switch
    known_chains: set[int] = field(default_factory=lambda: {1})
    reject_next: bool = False
    connected: bool = False  # like a real wallet, it names no account until the page asks to connect
    log: list[str] = field(default_factory=list)

    def handle(self, method: str, params: list[Any]) -> dict[str, Any]:
        self.log.append(method)
        if method == "eth_requestAccounts":
            self.connected = True
        if method in ("eth_requestAccounts", "eth_accounts"):
            return {"result": [self.account] if self.connected else []}
        if method == "eth_chainId":
            return {"result": hex(self.chain_id)}
        if method == "wallet_switchEthereumChain":
            wanted = int(params[0]["chainId"], 16)
            if wanted not in self.known_chains:
                return {"error": {"code": 4902, "message": f"Unrecognized chain ID {hex(wanted)}"}}
            self.chain_id = wanted
            return {"result": None}
        if method == "wallet_addEthereumChain":
            self.known_chains.add(int(params[0]["chainId"], 16))
            return {"result": None}
        if method in ("eth_sendTransaction", "eth_signTypedData_v4", "personal_sign") and self.reject_next:
            self.reject_next = False
            return {"error": {"code": 4001, "message": "User rejected the request."}}
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        answer = httpx.post(self.rpc_url, json=body, timeout=30).json()
        return {"error": answer["error"]} if "error" in answer else {"result": answer["result"]}

    def sent(self) -> list[str]:
        return [m for m in self.log if m in ("eth_sendTransaction", "eth_signTypedData_v4")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def metadata(title: str, description: str, tiers: list[dict[str, str]] | None = None) -> tuple[str, bytes]:
    """A data: URI holding the campaign's document (tiers' names and descriptions included) and its hash."""
    document: dict[str, Any] = {"title": title, "description": description}
    if tiers:
        document["tiers"] = tiers
    raw = json.dumps(document, sort_keys=True).encode()
    return "data:application/json;base64," + base64.b64encode(raw).decode(), keccak(raw)


@dataclass
class World:
    base_url: str
    deployment: dict[str, Any]
    crowdfund: Any
    token: Any
    backer: Any
    creator: Any
    ids: dict[str, int]

    def wait_indexed(self, timeout: float = 20.0) -> None:
        """Until the app has indexed the chain's newest block."""
        head = web3.eth.block_number
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = httpx.get(self.base_url + "/status", timeout=5)
            if response.status_code == 200 and response.json()["indexed_block"] >= head:
                return
            time.sleep(0.2)
        raise AssertionError(f"the app did not index block {head} within {timeout}s")


def launch(
    crowdfund,
    creator,
    token: str,
    goal: int,
    days: float,
    title: str,
    tiers=(),
    tier_texts=None,
    milestones=(),
) -> int:
    uri, digest = metadata(title, f"{title}, for the browser tests.", tier_texts)
    deadline = chain.time() + int(days * DAY)
    # pledge-weighted votes with a 20% veto quorum; rewards due 30 days after the deadline
    params = (
        token,
        goal,
        0,
        deadline,
        2000,
        list(milestones),
        list(tiers),
        uri,
        digest,
        deadline + 30 * DAY,
        0,
        0,
    )
    return crowdfund.launch(params, {"from": creator}).return_value


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> Iterator[World]:
    if not BUNDLE.exists():
        pytest.fail("The wallet bundle is missing: run the tests through ./dev (it builds the web app)")
    demo.main()  # deploys, writes deployments/NETWORK.json, and fills the chain with demo data
    record_path = ROOT / "deployments" / f"{network.show_active()}.json"
    record = json.loads(record_path.read_text())
    crowdfund = Crowdfund.at(record["contracts"]["Crowdfund"]["address"])
    creator, backer = accounts[1], accounts[2]
    usd = MockToken.deploy("Test Dollar", "TUSD", 6, {"from": accounts[0]})
    usd.mint(backer, 1_000_000 * 10**6, {"from": accounts[0]})  # and no allowance: the permit provides it
    eth = "0x" + "00" * 20
    ids = {
        "eth": launch(
            crowdfund,
            creator,
            eth,
            3 * E,
            30,
            "Community bicycle workshop",
            tiers=[(E // 10, 20), (E // 2, 0)],
            tier_texts=[
                {"name": "Thank-you card", "description": "A hand-printed card."},
                {"name": "Workshop pass", "description": "A year of open workshop evenings."},
            ],
            milestones=[5000, 5000],
        ),
        "token": launch(crowdfund, creator, usd.address, 5_000 * 10**6, 30, "Library reading garden"),
        "short": launch(crowdfund, creator, eth, 50 * E, 2, "Harbour clean-up boat"),
    }
    database = tmp_path_factory.mktemp("app") / "index.db"
    port = free_port()
    env = {
        **os.environ,
        "CROWDLEDGER_DATABASE_URL": f"sqlite:///{database}",
        "CROWDLEDGER_RPC_URL": str(web3.provider.endpoint_uri),
        "CROWDLEDGER_DEPLOYMENT": str(record_path),
        "CROWDLEDGER_API_PORT": str(port),
        "CROWDLEDGER_POLL_SECONDS": "0.2",
        "CROWDLEDGER_ARTIFACTS": str(ROOT / "build" / "contracts"),
    }
    log = (tmp_path_factory.mktemp("log") / "app.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "crowdledger.cli", "run"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    w = World(f"http://127.0.0.1:{port}", record, crowdfund, usd, backer, creator, ids)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(w.base_url + "/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if app.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the app did not start; see {log.name}")
            time.sleep(0.3)
        w.wait_indexed()
        yield w
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: ./dev test installs it (apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def wallet(world: World) -> InjectedWallet:
    return InjectedWallet(str(web3.provider.endpoint_uri), world.backer.address)


@pytest.fixture
def context(browser: Browser, wallet: InjectedWallet) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Asia/Shanghai")
    ctx.expose_function("__testWallet", wallet.handle)
    ctx.add_init_script(WALLET_SCRIPT)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
