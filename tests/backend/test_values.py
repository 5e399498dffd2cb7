"""Every value the ABI admits is indexed, and no event stops the indexer (issue 8, item 1).

The fuzz test derives a hypothesis strategy from each event of each ABI the deployment holds (extremes of
every integer width, strings of any bytes: invalid UTF-8, NUL), puts the events on a simulated chain, and runs
the real indexer over it: decode, store, projections, on both stores. The chain test does the same through
the real contracts and `crowdledger run`."""

import json
import os
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
from brownie import Reputation, chain, web3
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crowdledger.api.app import create_app
from crowdledger.deployment import DeployedContract, Deployment
from crowdledger.indexer.metadata import FetchPolicy
from crowdledger.indexer.sync import Indexer
from crowdledger.store.models import Rating, RawEvent, SkippedEvent, SyncState
from crowdledger.web.config import WebConfig
from tests.backend.conftest import deployment_of, rpc_url
from tests.backend.events import (
    CONTRACTS,
    FUZZ_HEALTH,
    SimulatedChain,
    components,
    encode_log,
    events_of,
    expected,
    logged_events,
    wire_type,
)
from tests.conftest import DAY, ETH

# What a projection may answer to an event that contradicts the index (a pledge to a campaign never launched,
# a task kind past the enum, a campaign launched twice): the event is skipped. Anything else, a value too wide
# for a column or text a store refuses, is a failure of the index.
REFUSALS = {"LookupError", "AssertionError", "KeyError", "IndexError", "IntegrityError"}


# ----------------------------------------------------------------------------- the fuzz test


@settings(
    max_examples=40,  # about 9 s a store alone, twice that on a loaded machine (the ~20 s budget)
    deadline=None,
    suppress_health_check=FUZZ_HEALTH,
)
@given(batch=st.lists(logged_events(), min_size=1, max_size=10))
def test_every_event_with_any_values_is_indexed_and_the_indexer_keeps_going(engine, batch):
    chain_state = SIMULATED.setdefault(id(engine), SimulatedChain(1337))  # one chain per store, growing
    deployment = Deployment("fuzz", 1337, 1, CONTRACTS)
    numbers = chain_state.add_events(batch)

    Indexer(engine, chain_state, deployment, finality_depth=2).run(follow=False)  # type: ignore[arg-type]

    with engine.connect() as conn:
        assert conn.execute(select(SyncState.next_block)).scalar_one() == chain_state.head() + 1
        for (contract, event, values), (number, index) in zip(batch, numbers, strict=True):
            row = conn.execute(
                select(RawEvent).where(RawEvent.block_number == number, RawEvent.log_index == index)
            ).one()
            assert (row.contract, row.name) == (contract.name, event["name"])
            exact = {}
            for param, value in zip(event["inputs"], values, strict=True):
                safe, exact_form, differs = expected(components(param), value)
                if param["indexed"] and (components(param) in ("string", "bytes") or "[" in param["type"]):
                    continue  # an indexed dynamic value is kept as its hash
                assert row.args[param["name"]] == safe, param
                if differs:
                    exact[param["name"]] = exact_form
            assert (row.exact or {}) == exact
        skipped = conn.execute(select(SkippedEvent.stage, SkippedEvent.error)).all()
    for stage, error in skipped:
        assert stage == "apply" and error.split(":")[0] in REFUSALS, error


SIMULATED: dict[int, SimulatedChain] = {}


def pages_about(batch: list[tuple[DeployedContract, dict[str, Any], list[Any]]]) -> set[str]:
    """Every page and API resource a batch of events touches: its campaigns, tasks and accounts."""
    paths = {"/", "/t", "/statistics", "/leaderboards", "/campaigns", "/tasks", "/stats"}
    for _, event, values in batch:
        for param, value in zip(event["inputs"], values, strict=True):
            if param["name"] == "campaignId":
                paths |= {f"/c/{value}", f"/campaigns/{value}"}
            elif param["name"] == "taskId":
                paths |= {f"/t/{value}", f"/tasks/{value}"}
            elif param["type"] == "address":
                paths |= {f"/a/{value}", f"/accounts/{value}", f"/accounts/{value}/reputation/backer"}
    return paths


@settings(
    max_examples=15,  # each example renders some 20 pages: about 10 s a store
    deadline=None,
    suppress_health_check=FUZZ_HEALTH,
)
@given(batch=st.lists(logged_events(), min_size=1, max_size=8))
def test_every_page_shows_any_indexed_values(engine, batch):
    """What the index holds, the pages and the API show: an attestation that never expires (2**64 - 1) once
    made the account page fail. No server error for any value an event can carry."""
    chain_state = SHOWN.setdefault(id(engine), SimulatedChain(1337))
    chain_state.add_events(batch)
    deployment = Deployment("fuzz", 1337, 1, CONTRACTS)
    Indexer(engine, chain_state, deployment, finality_depth=2).run(follow=False)  # type: ignore[arg-type]

    client = app_of(engine)
    for path in sorted(pages_about(batch)):
        response = client.get(path)
        assert response.status_code < 500, (path, response.text[:500])


SHOWN: dict[int, SimulatedChain] = {}


def app_of(engine) -> TestClient:
    """The app with pages and wallet forms, whose documents and tokens cannot be read: nothing to wait for."""
    deployment = Deployment("fuzz", 1337, 1, CONTRACTS)
    config = WebConfig(deployment, "http://127.0.0.1:9", None, fetch_policy=FetchPolicy(deadline=0.2))
    return TestClient(create_app(engine, web_config=config), raise_server_exceptions=True)


def index_one(engine, contract: str, name: str, **values: Any) -> None:
    """Index one `contract` event `name` with `values` (by parameter name) from a chain of its own."""
    chain_state = SimulatedChain(1337)
    deployed = CONTRACTS[contract]
    event = next(e for e in events_of(deployed.abi) if e["name"] == name)
    chain_state.add_block(
        [(deployed.address, *encode_log(event, [values[p["name"]] for p in event["inputs"]]))]
    )
    deployment = Deployment("fuzz", 1337, 1, CONTRACTS)
    Indexer(engine, chain_state, deployment, finality_depth=2).run(follow=False)  # type: ignore[arg-type]


SUBJECT, OTHER, SOURCE = "0x" + "22" * 20, "0x" + "11" * 20, "0x" + "33" * 20


def test_a_rating_priced_past_int256_is_kept_without_points(engine):
    """Found by the fuzz test above: a Rated event whose inputs no int256 can price (here 252 stars above
    neutral at a weight of 2**256 - 1) stopped the indexer on PostgreSQL. The rating is kept, points None."""
    index_one(
        engine, "Reputation", "Rated",
        rater=OTHER, subject=SUBJECT, source=SOURCE, ref=7, stars=255,
        valueFactor=10**18, weightBps=2**256 - 1, pairDeals=0,
    )  # fmt: skip
    with engine.connect() as conn:
        assert conn.execute(select(SkippedEvent)).all() == []
        rating = conn.execute(select(Rating)).one()
    assert (rating.subject, rating.weight_bps, rating.points) == (SUBJECT, 2**256 - 1, None)


def test_a_score_of_a_role_no_reputation_has_is_skipped_and_the_account_still_shows(engine):
    """Found by the page fuzz test: a ScoreChanged of role 255 (past Solidity's enum) made the account page
    and its API fail. It is skipped like any event that contradicts the contract, and the pages stand."""
    index_one(
        engine, "Reputation", "ScoreChanged",
        subject=SUBJECT, role=255, points=10**18, newScore=10**18, reason=b"\0" * 32, module=SOURCE, ref=1,
    )  # fmt: skip
    with engine.connect() as conn:
        skipped = conn.execute(select(SkippedEvent.name, SkippedEvent.error)).one()
    assert skipped.name == "ScoreChanged" and skipped.error.startswith("LookupError: score of role 255")
    client = app_of(engine)
    for path in (f"/a/{SUBJECT}", f"/accounts/{SUBJECT}", f"/accounts/{SUBJECT}/reputation/creator"):
        assert client.get(path).status_code == 200, path


def test_a_score_whose_events_do_not_add_up_is_shown_without_its_history(engine):
    """Found by the page fuzz test: a score the replay cannot explain (here: no HalfLifeChanged before it,
    which the real contract's constructor emits) made the account page fail. The page says so instead, and
    the API's explanation is a 409 with the reason."""
    index_one(
        engine, "Reputation", "ScoreChanged",
        subject=SUBJECT, role=1, points=5, newScore=7, reason=b"\0" * 32, module=SOURCE, ref=1,
    )  # fmt: skip
    client = app_of(engine)
    page = client.get(f"/a/{SUBJECT}?lang=en")
    assert page.status_code == 200 and "does not add up from its events" in page.text
    explained = client.get(f"/accounts/{SUBJECT}/reputation/backer")
    assert explained.status_code == 409 and "does not add up" in explained.json()["error"]["message"]


def test_a_campaign_whose_times_are_past_any_calendar_shows(engine):
    """Found by the page fuzz test: a deadline of 2**256 - 1 made the campaign page's chart fail."""
    never = 2**256 - 1
    index_one(
        engine, "Crowdfund", "CampaignLaunched",
        campaignId=1, creator=SUBJECT, token=ETH, goal=never, startsAt=never - 1, deadline=never,
        feeBps=never, quorumBps=never, milestoneBps=[], metadataURI=b"ipfs://x", metadataHash=b"\0" * 32,
        deliveryDate=never, voteMode=0, minAttestationLevel=never,
    )  # fmt: skip
    client = app_of(engine)
    page = client.get("/c/1")
    assert page.status_code == 200 and "&gt; 9999-12-31" in page.text
    for path in ("/", "/campaigns/1", f"/a/{SUBJECT}", "/statistics", "/stats"):
        assert client.get(path).status_code == 200, path


# ----------------------------------------------------------------------------- the real chain


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launch_with_raw_uri(crowdfund, creator, uri: bytes) -> None:
    """Launch a campaign whose metadata URI is `uri` as is, bytes no Python str can carry (the ABI's
    `string` is encoded as `bytes` are, so the call is built by hand)."""
    deadline = chain.time() + 5 * DAY
    params = (ETH, 10**18, 0, deadline, 2000, [], [], uri, b"\x01" * 32, deadline, 0, 0)
    [launch] = [f for f in crowdfund.abi if f.get("name") == "launch" and f["type"] == "function"]
    [argument] = [components(p) for p in launch["inputs"]]
    selector = keccak(text=f"launch({argument})")[:4]
    data = selector + encode([wire_type(argument)], [params])
    receipt = web3.eth.wait_for_transaction_receipt(
        web3.eth.send_transaction({"from": creator.address, "to": crowdfund.address, "data": data.hex()})
    )
    assert receipt.status == 1


def test_run_keeps_indexing_past_invalid_utf8_and_the_widest_expiry(
    crowdfund, owner, creator, backers, tmp_path
):
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(crowdfund, True, {"from": owner})
    crowdfund.setReputation(ledger, {"from": owner})
    ledger.setAttester(owner, True, {"from": owner})
    record = deployment_of(crowdfund)
    deployment_file = tmp_path / "deployment.json"
    deployment_file.write_text(
        json.dumps(
            {
                "network": "development",
                "chain_id": record.chain_id,
                "start_block": record.start_block,
                "contracts": {
                    c.name: {"address": c.address, "abi": c.abi} for c in record.contracts.values()
                },
            }
        )
    )
    port = free_port()
    env = {
        **os.environ,
        "CROWDLEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/index.db",
        "CROWDLEDGER_RPC_URL": rpc_url(),
        "CROWDLEDGER_DEPLOYMENT": str(deployment_file),
        "CROWDLEDGER_API_PORT": str(port),
        "CROWDLEDGER_POLL_SECONDS": "0.2",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "crowdledger.cli", "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        api = f"http://127.0.0.1:{port}"
        launch_with_raw_uri(crowdfund, creator, b"ipfs://\xff\xfe\x00bad")
        ledger.attest(backers[0], 2, 2**64 - 1, {"from": owner})
        crowdfund.pledge(1, 0, 10**17, {"from": backers[1], "value": 10**17})  # and the chain goes on
        head = web3.eth.block_number
        status = wait_for(api, lambda s: s["indexed_block"] >= head and s["indexer"] == "following")
        assert status["skipped_events"] == 0 and status["last_error"] is None, status
        campaign = httpx.get(f"{api}/campaigns/1").json()
        assert campaign["metadata"]["uri"] == "ipfs://\ufffd\ufffd\ufffdbad"
        account = httpx.get(f"{api}/accounts/{backers[0].address}").json()
        assert account["reputation"]["attestation"]["expires_at"] == 2**64 - 1
        assert httpx.get(f"{api}/campaigns/1/pledges").json()["items"][0]["amount"] == str(10**17)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Traceback" not in errors, errors


def wait_for(api: str, done: Any, seconds: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            status = httpx.get(f"{api}/status", timeout=5).json()
            if "indexed_block" in status and done(status):
                return status
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not reached in {seconds} s; last status: {status}")
