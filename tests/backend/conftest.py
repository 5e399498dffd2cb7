"""The backend's tests run against a real anvil (brownie's) and against both stores: every test that takes
`engine` runs once on SQLite and once on PostgreSQL."""

import base64
import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import brownie
import pytest
from alembic import command
from brownie import Reputation, chain, web3
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError

from crowdledger.api.app import create_app
from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import DeployedContract, Deployment
from crowdledger.indexer.sync import Indexer
from crowdledger.store.db import alembic_config, make_engine, migrate
from crowdledger.store.models import SyncState
from crowdledger.web.config import WebConfig
from tests.conftest import DAY, ETH

POSTGRES_URL = os.environ.get("CROWDLEDGER_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "CROWDLEDGER_TEST_POSTGRES_URL is not set: PostgreSQL is the production store and is tested too. Run "
    "./dev test (it starts PostgreSQL 15 and sets it), set it yourself, or deselect with -k 'not postgresql'"
)
DELIVERY_DAYS = 20  # rewards are due this long after a campaign's deadline
SCHEMA = f"test_{os.getpid()}"  # this process's own schema in the shared test database


@pytest.fixture(scope="session", autouse=True)
def postgres_schemas() -> Iterator[None]:
    """Drop this process's schema when the session ends, and first sweep the schemas of test processes that no
    longer run (a killed run leaves its schema behind); a schema whose process still runs is left alone."""
    if not POSTGRES_URL:
        yield
        return
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:
        names = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname ~ '^test_[0-9]+$'")
        ).scalars()
        stale = [name for name in names if name != SCHEMA and not _running(int(name.removeprefix("test_")))]
    for name in stale:
        _drop(engine, name)
    yield
    _drop(engine, SCHEMA)
    engine.dispose()


def _drop(engine: Engine, schema: str) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))  # never hang a run on another's lock
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    except OperationalError as busy:
        warnings.warn(f"could not drop schema {schema}: {busy.orig}", stacklevel=1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/index.db"
    else:
        if not POSTGRES_URL:
            pytest.fail(NO_POSTGRES)
        # A schema of this process's own, so that test runs sharing the server cannot touch each other's rows.
        with make_engine(POSTGRES_URL).begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{SCHEMA}"
    engine = make_engine(url)
    migrate(engine)
    yield engine
    engine.dispose()


def rpc_url() -> str:
    return str(web3.provider.endpoint_uri)


def deployment_of(crowdfund, *others) -> Deployment:
    """The deployment record for `crowdfund`, the reputation ledger it is wired to (if any), and `others`."""
    contracts = {"Crowdfund": DeployedContract("Crowdfund", crowdfund.address.lower(), crowdfund.abi)}
    for other in others:
        contracts[other._name] = DeployedContract(other._name, other.address.lower(), other.abi)
    ledger = crowdfund.reputation()
    if int(ledger, 16):
        contracts["Reputation"] = DeployedContract("Reputation", ledger.lower(), Reputation.abi)
    return Deployment("development", chain.id, crowdfund.tx.block_number, contracts)


@pytest.fixture(scope="module")
def reputation(crowdfund, token, owner):
    """A reputation ledger Crowdfund feeds, pricing ETH and the token with a unit of 1 (18 decimals) and a
    minimum of 0.01; tests that take it index both contracts."""
    ledger = Reputation.deploy(owner, {"from": owner})
    ledger.setModule(crowdfund, True, {"from": owner})
    for asset in (ETH, token.address):
        ledger.setAsset(asset, 10**18, 10**16, {"from": owner})
    crowdfund.setReputation(ledger, {"from": owner})
    return ledger


def make_indexer(engine: Engine, crowdfund, rpc: Rpc | None = None, others=(), **kwargs) -> Indexer:
    rpc = rpc or Rpc(rpc_url(), attempts=2, backoff=0.01)
    return Indexer(engine, rpc, deployment_of(crowdfund, *others), **kwargs)


@contextmanager
def wallet_client(engine: Engine, indexer: Indexer) -> Iterator[TestClient]:
    """An API client with the wallet layer on, as a deployment serves it: pages carry each role's forms, and
    are read through a read-only engine of the same store, as `crowdledger serve` reads (on PostgreSQL each
    statement in autocommit, where a server-side cursor is refused); that engine is closed afterwards."""
    wallet = WebConfig(deployment=indexer.deployment, public_rpc_url="http://127.0.0.1:8545")
    served = make_engine(engine.url.render_as_string(hide_password=False), read_only=True)
    try:
        yield TestClient(create_app(served, web_config=wallet), raise_server_exceptions=False)
    finally:
        served.dispose()


def accepts(call, *args) -> bool:
    """Whether the contract would take `call(*args)` (a brownie `.call`: simulated, nothing sent)."""
    try:
        call(*args)
    except (brownie.exceptions.VirtualMachineError, ValueError):
        return False
    return True


def metadata(title: str, description: str = "") -> tuple[str, bytes]:
    document = json.dumps({"title": title, "description": description}).encode()
    return "data:application/json;base64," + base64.b64encode(document).decode(), keccak(document)


def launch_campaign(crowdfund, creator, token=ETH, goal=10**18, days=10, milestones=(), tiers=(), title="A"):
    uri, digest = metadata(title, f"about {title}")
    deadline = chain.time() + days * DAY
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
        deadline + DELIVERY_DAYS * DAY,
        0,  # pledge-weighted votes
        0,
    )
    return crowdfund.launch(params, {"from": creator}).return_value


def simulate(crowdfund, token, creator, backers) -> dict[str, int]:
    """Campaigns that end in every state, with tiers, unpledges, claims, refunds, milestone votes and delivery
    (confirmed by two backers of the funded campaign, denied by one of the approved campaign)."""
    e = 10**18
    ids = {
        "funded": launch_campaign(
            crowdfund, creator, goal=2 * e, days=2, tiers=[(e // 10, 2)], title="Funded"
        ),
        "failed": launch_campaign(crowdfund, creator, token.address, goal=50 * e, days=2, title="Failed"),
        "cancelled": launch_campaign(crowdfund, creator, days=5, title="Cancelled"),
        "approved": launch_campaign(
            crowdfund, creator, goal=e, days=2, milestones=[5000, 5000], title="Approved"
        ),
        "rejected": launch_campaign(
            crowdfund, creator, token.address, goal=e, days=2, milestones=[2000, 8000], title="Rejected"
        ),
    }
    for i, backer in enumerate(backers[:4]):
        crowdfund.pledge(ids["funded"], 1 if i < 2 else 0, e, {"from": backer, "value": e})
        crowdfund.pledge(ids["failed"], 0, e, {"from": backer})
        crowdfund.pledge(ids["cancelled"], 0, e // 2, {"from": backer, "value": e // 2})
        crowdfund.pledge(ids["approved"], 0, e, {"from": backer, "value": e})
        crowdfund.pledge(ids["rejected"], 0, (i + 1) * e, {"from": backer})
    crowdfund.unpledge(ids["funded"], backers[0], {"from": backers[0]})  # frees a tier place
    crowdfund.pledge(ids["funded"], 1, e, {"from": backers[4], "value": e})  # and someone takes it
    crowdfund.cancel(ids["cancelled"], {"from": creator})
    crowdfund.refund(ids["cancelled"], backers[1], {"from": backers[1]})
    chain.sleep(3 * DAY)
    chain.mine()
    crowdfund.claim(ids["funded"], creator, {"from": creator})
    crowdfund.refund(ids["failed"], backers[2], {"from": backers[2]})
    if int(crowdfund.reputation(), 16):  # a failure is recorded only where there is a ledger
        crowdfund.recordFailure(ids["failed"], {"from": backers[5]})
    for name, approve in (("approved", True), ("rejected", False)):
        crowdfund.claim(ids[name], creator, {"from": creator})
        crowdfund.openVote(ids[name], {"from": creator})
        for backer in backers[:3]:
            crowdfund.vote(ids[name], approve, {"from": backer})
    chain.sleep(8 * DAY)
    chain.mine()
    for name in ("approved", "rejected"):
        crowdfund.closeVote(ids[name], {"from": backers[5]})
    crowdfund.claim(ids["approved"], creator, {"from": creator})
    crowdfund.refund(ids["rejected"], backers[0], {"from": backers[0]})
    for backer in backers[2:4]:
        crowdfund.confirmDelivery(ids["funded"], {"from": backer})
    chain.sleep(DELIVERY_DAYS * DAY)
    chain.mine()
    crowdfund.reportNotDelivered(ids["approved"], {"from": backers[1]})
    return ids


def upgrade_from(engine: Engine, revision: str) -> None:
    """Take the index back to how release `revision` left it (no rebuild asked), then upgrade it to head, as a
    new release's first start does: the migrations since must ask the indexer to rebuild themselves."""
    config = alembic_config(engine)
    command.downgrade(config, revision)
    with engine.begin() as conn:
        conn.execute(SyncState.__table__.update().values(rebuild_required=False))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(select(SyncState.rebuild_required)).scalar_one()
