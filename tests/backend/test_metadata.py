"""The metadata fetcher as an attacker would use it: against loopback and private addresses, directly, by
name, through redirects and by DNS rebinding; with huge, compressed and trickling bodies; with hosts that fail
and recover; across a reorg; and beside the indexer, which no host may slow. Local servers play the hosts;
tests that need to reach them allow private addresses (CROWDLEDGER_METADATA_ALLOW_PRIVATE) or declare one
loopback address public, and every other test runs with the default policy, which refuses them."""

import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from brownie import chain, web3
from eth_utils.crypto import keccak
from sqlalchemy import Engine, insert, select

from crowdledger.indexer import metadata
from crowdledger.indexer.metadata import (
    FetchPolicy,
    MetadataRefused,
    MetadataUnavailable,
    check,
    fetch,
    resolve_pending,
)
from crowdledger.settings import Settings
from crowdledger.store.models import MAX_DESCRIPTION, MAX_TITLE, Campaign, MetadataDocument, SyncState
from tests.backend.conftest import deployment_of, make_indexer, rpc_url
from tests.conftest import ETH, launch_params

ALLOW_PRIVATE = FetchPolicy(allow_private=True, deadline=5.0, retry_seconds=0.2, attempts=3)
DOCUMENT = json.dumps({"title": "Solar lamps", "description": "for the school"}).encode()
Respond = Callable[[BaseHTTPRequestHandler], None]


# ----------------------------------------------------------------------------- hosts


class Host:
    """An HTTP server on a loopback address that answers each path as told and counts the requests."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0) -> None:
        host = self
        self.routes: dict[str, Respond] = {}
        self.hits: dict[str, int] = {}
        self.sent = 0  # body bytes written, by the responders that count them

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                host.hits[self.path] = host.hits.get(self.path, 0) + 1
                respond = host.routes.get(self.path)
                if respond is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                try:
                    respond(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher hung up, as it should

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.server.daemon_threads = True
        self.address, self.port = address, self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.address}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def document(body: bytes = DOCUMENT, status: int = 200, headers: dict[str, str] | None = None) -> Respond:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def redirect(location: str) -> Respond:
    return document(b"", 302, {"Location": location})


@pytest.fixture
def host() -> Iterator[Host]:
    server = Host()
    yield server
    server.close()


@pytest.fixture
def public_host(monkeypatch) -> Iterator[Host]:
    """A host on 127.0.0.2 that the fetcher is made to take for a public address (and nothing else)."""
    monkeypatch.setattr(metadata, "is_public", lambda address: str(address) == "127.0.0.2")
    server = Host("127.0.0.2")
    yield server
    server.close()


def digest_of(body: bytes) -> str:
    return "0x" + keccak(body).hex()


# ----------------------------------------------------------------------------- addresses


def test_a_loopback_url_is_refused_without_connecting(host):
    host.routes["/doc"] = document()
    with pytest.raises(MetadataRefused, match="not a public address"):
        fetch(host.url("/doc"))
    assert host.hits == {}


def test_a_name_that_resolves_to_loopback_is_refused(host):
    host.routes["/doc"] = document()
    with pytest.raises(MetadataRefused):
        fetch(f"http://localhost:{host.port}/doc")
    assert host.hits == {}


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/doc",
        "http://192.168.0.1/doc",
        "http://172.16.0.1/doc",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://100.64.0.1/doc",
        "http://0.0.0.0/doc",
        "http://2130706433/doc",  # 127.0.0.1 as one decimal number
        "http://[::1]/doc",
        "http://[fe80::1]/doc",
        "http://[fd00::1]/doc",
        "http://[::ffff:127.0.0.1]/doc",
        "http://[64:ff9b::a00:1]/doc",  # 10.0.0.1 through NAT64
        "http://224.0.0.1/doc",
    ],
)
def test_private_loopback_link_local_and_disguised_addresses_are_refused(url):
    with pytest.raises(MetadataRefused):
        fetch(url, FetchPolicy(deadline=2.0))


def test_a_redirect_to_a_loopback_address_is_refused(public_host, host):
    host.routes["/secret"] = document()
    public_host.routes["/doc"] = redirect(host.url("/secret"))
    with pytest.raises(MetadataRefused):
        fetch(public_host.url("/doc"))
    assert public_host.hits == {"/doc": 1} and host.hits == {}


def test_a_redirect_to_a_name_of_a_loopback_address_is_refused(public_host, host):
    host.routes["/secret"] = document()
    public_host.routes["/doc"] = redirect(f"http://localhost:{host.port}/secret")
    with pytest.raises(MetadataRefused):
        fetch(public_host.url("/doc"))
    assert host.hits == {}


def test_redirects_between_public_addresses_are_followed(public_host):
    public_host.routes["/old"] = redirect("/new")
    public_host.routes["/new"] = document()
    assert fetch(public_host.url("/old")) == DOCUMENT


def test_dns_rebinding_cannot_move_the_connection_to_another_address(public_host, monkeypatch):
    """The name resolves to a public address when checked and to loopback on any later lookup: the
    connection goes to the checked address, and the name is looked up once."""
    internal = Host("127.0.0.1", public_host.port)
    internal.routes["/doc"] = document(b"internal secrets")
    public_host.routes["/doc"] = document()
    real = socket.getaddrinfo
    lookups = []

    def rebinding(host, port, *args, **kwargs):
        if host != "docs.example":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.2" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        assert fetch(f"http://docs.example:{public_host.port}/doc") == DOCUMENT
    finally:
        internal.close()
    assert lookups == ["docs.example"]
    assert internal.hits == {}


def test_the_development_setting_lets_loopback_through(host):
    host.routes["/doc"] = document()
    assert fetch(host.url("/doc"), ALLOW_PRIVATE) == DOCUMENT


def test_the_allow_private_setting_is_a_yes_or_no():
    assert Settings.from_env({"CROWDLEDGER_METADATA_ALLOW_PRIVATE": "1"}).metadata_allow_private is True
    assert Settings.from_env({"CROWDLEDGER_METADATA_ALLOW_PRIVATE": "false"}).metadata_allow_private is False
    assert Settings.from_env({}).metadata_allow_private is False
    with pytest.raises(Exception, match="CROWDLEDGER_METADATA_ALLOW_PRIVATE='maybe'"):
        Settings.from_env({"CROWDLEDGER_METADATA_ALLOW_PRIVATE": "maybe"})


# ----------------------------------------------------------------------------- size and time


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A body that never ends (300 MB in the issue), sent in 64 KiB chunks without a length."""
    handler.send_response(200)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"x" * 65536
    for _ in range(300 * 16):
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def test_an_endless_body_is_cut_off_after_64_kib_without_being_buffered(host):
    host.routes["/huge"] = endless
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(MetadataRefused, match="longer than 65,536 bytes"):
            fetch(host.url("/huge"), ALLOW_PRIVATE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 3
    assert peak < 2 * 1024 * 1024  # a few chunks in flight, not the body


def test_a_declared_length_over_the_limit_is_refused_unread(host):
    host.routes["/huge"] = document(b"{}", headers={"Content-Length": str(300 * 1024 * 1024)})
    with pytest.raises(MetadataRefused, match="314,572,800 bytes"):
        fetch(host.url("/huge"), ALLOW_PRIVATE)


def test_a_compressed_bomb_is_inflated_only_to_the_limit(host):
    bomb = gzip.compress(b"\0" * (100 * 1024 * 1024))
    host.routes["/bomb"] = document(bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(MetadataRefused):
            fetch(host.url("/bomb"), ALLOW_PRIVATE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_a_compressed_document_within_the_limit_is_read(host):
    host.routes["/doc"] = document(gzip.compress(DOCUMENT), headers={"Content-Encoding": "gzip"})
    assert fetch(host.url("/doc"), ALLOW_PRIVATE) == DOCUMENT


def trickle(every: float) -> Respond:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(1000):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(every)

    return respond


def test_a_host_trickling_a_byte_every_two_seconds_is_cut_off_at_the_deadline(host):
    host.routes["/slow"] = trickle(2.0)
    started = time.monotonic()
    with pytest.raises(MetadataUnavailable, match="within 3 s"):
        fetch(host.url("/slow"), FetchPolicy(allow_private=True, deadline=3.0))
    assert 2.9 < time.monotonic() - started < 3.5


def test_a_host_that_never_answers_is_cut_off_at_the_deadline():
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections (the kernel does) but never answers
    try:
        started = time.monotonic()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with pytest.raises(MetadataUnavailable):
            fetch(url, FetchPolicy(allow_private=True, deadline=1.0))
        assert time.monotonic() - started < 1.5
    finally:
        silent.close()


# ----------------------------------------------------------------------------- documents


def test_a_document_nested_too_deep_for_the_parser_is_a_mismatch_not_a_crash():
    deep = b"[" * 60_000 + b"]" * 60_000
    assert check(deep, digest_of(deep)) is None


def test_fields_are_cut_to_their_bounds_and_made_storable():
    body = json.dumps(
        {"title": "T" * 10_000 + "\x00", "description": "a\x00b\ud800c" + "d" * 10_000, "image": 5}
    ).encode()
    fields = check(body, digest_of(body))
    assert fields is not None
    assert fields["title"] == "T" * MAX_TITLE
    assert fields["description"] is not None and len(fields["description"]) == MAX_DESCRIPTION
    assert fields["description"].startswith("a\ufffdb?c")
    assert fields["image"] == "5"


# ----------------------------------------------------------------------------- the fetcher and the store


def add_campaign(engine: Engine, campaign_id: int, uri: str, digest: str) -> None:
    """A campaign row as the indexer writes it at launch (metadata pending)."""
    row = {
        "id": campaign_id,
        "creator": "0x" + "11" * 20,
        "token": ETH,
        "goal": 10**18,
        "starts_at": 0,
        "deadline": 2**40,
        "fee_bps": 0,
        "quorum_bps": 0,
        "milestone_bps": [],
        "metadata_uri": uri,
        "metadata_hash": digest,
        "raised": 0,
        "released": 0,
        "backer_count": 0,
        "funded_bps": 0,
        "cancelled": False,
        "rejected": False,
        "milestones_approved": 0,
        "refund_pool": 0,
        "launched_block": campaign_id,
        "launched_at": 0,
        "metadata_status": "pending",
        "title": None,
        "description": None,
        "image": None,
    }
    with engine.begin() as conn:
        conn.execute(insert(Campaign).values(**row))


def metadata_of(engine: Engine, campaign_id: int) -> tuple[str, str | None, str | None]:
    with engine.connect() as conn:
        row = conn.execute(
            select(Campaign.metadata_status, Campaign.title, Campaign.description).where(
                Campaign.id == campaign_id
            )
        ).one()
    return tuple(row)  # type: ignore[return-value]


def test_a_refused_address_reads_the_same_whether_a_port_is_open_or_closed(engine, host):
    """The public status is no port scanner: both campaigns are 'refused', decided before connecting."""
    host.routes["/doc"] = document()
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    add_campaign(engine, 1, host.url("/doc"), digest_of(DOCUMENT))
    add_campaign(engine, 2, f"http://127.0.0.1:{closed_port}/doc", digest_of(DOCUMENT))
    resolve_pending(engine)
    assert metadata_of(engine, 1) == metadata_of(engine, 2) == ("refused", None, None)
    assert host.hits == {}


def test_a_503_is_retried_with_backoff_until_the_document_is_verified(engine, host):
    answers = iter([document(b"busy", 503), document()])
    host.routes["/doc"] = lambda handler: next(answers)(handler)
    add_campaign(engine, 1, host.url("/doc"), digest_of(DOCUMENT))
    resolve_pending(engine, ALLOW_PRIVATE)
    assert metadata_of(engine, 1)[0] == "pending"  # not "unreachable" for good
    resolve_pending(engine, ALLOW_PRIVATE)
    assert host.hits == {"/doc": 1}  # the retry waits for its time
    time.sleep(ALLOW_PRIVATE.retry_seconds)
    resolve_pending(engine, ALLOW_PRIVATE)
    assert metadata_of(engine, 1) == ("verified", "Solar lamps", "for the school")
    assert host.hits == {"/doc": 2}


def test_a_document_failing_every_attempt_is_called_unreachable_after_the_last(engine, host):
    host.routes["/doc"] = document(b"down", 503)
    add_campaign(engine, 1, host.url("/doc"), digest_of(DOCUMENT))
    policy = FetchPolicy(allow_private=True, deadline=2.0, retry_seconds=0.01, attempts=3)
    for _ in range(3):
        resolve_pending(engine, policy)
        time.sleep(0.05)
    assert metadata_of(engine, 1)[0] == "unreachable"
    assert host.hits == {"/doc": 3}
    assert policy.retry_delay(1) < policy.retry_delay(2) < policy.retry_delay(3)


def test_a_result_the_indexer_overwrote_is_restored_without_a_request(engine, host):
    host.routes["/doc"] = document()
    add_campaign(engine, 1, host.url("/doc"), digest_of(DOCUMENT))
    resolve_pending(engine, ALLOW_PRIVATE)
    with engine.begin() as conn:  # what a batch that loaded the row before the fetcher wrote it does
        conn.execute(
            Campaign.__table__.update().values(metadata_status="pending", title=None, description=None)
        )
    resolve_pending(engine, ALLOW_PRIVATE)
    assert metadata_of(engine, 1) == ("verified", "Solar lamps", "for the school")
    assert host.hits == {"/doc": 1}


def test_nul_and_lone_surrogates_in_a_document_are_stored_on_either_store(engine):
    body = json.dumps({"title": "nul\x00 here", "description": "half \ud83d a pair"}).encode()
    uri = "data:application/json," + body.decode()
    add_campaign(engine, 1, uri, digest_of(body))
    resolve_pending(engine)
    assert metadata_of(engine, 1) == ("verified", "nul\ufffd here", "half ? a pair")


def test_a_long_uri_is_remembered_by_its_digest(engine):
    body = b'{"title": "long"}'
    uri = "data:application/json;padding=" + "x" * 20_000 + "," + body.decode()
    add_campaign(engine, 1, uri, digest_of(body))
    resolve_pending(engine)
    assert metadata_of(engine, 1)[0] == "verified"
    with engine.connect() as conn:
        assert conn.execute(select(MetadataDocument.uri_digest)).scalar_one() == metadata.uri_digest(uri)


# ----------------------------------------------------------------------------- beside the indexer


def launch_with(crowdfund, creator, uri: str, body: bytes) -> int:
    """A campaign of `launch_params`' defaults whose metadata document is `body` at `uri`."""
    fields = launch_params()
    return crowdfund.launch(fields[:7] + (uri, keccak(body)) + fields[9:], {"from": creator}).return_value


def test_a_reorg_does_not_fetch_an_unchanged_document_again(engine, crowdfund, creator, backers, host):
    host.routes["/kept"] = document()
    other = json.dumps({"title": "Only on the new branch"}).encode()
    host.routes["/new"] = document(other)
    kept = launch_with(crowdfund, creator, host.url("/kept"), DOCUMENT)
    indexer = make_indexer(engine, crowdfund)
    indexer.run(follow=False)
    resolve_pending(engine, ALLOW_PRIVATE)
    fork = web3.provider.make_request("evm_snapshot", [])["result"]
    crowdfund.pledge(kept, 0, 10**17, {"from": backers[0], "value": 10**17})
    indexer.run(follow=False)
    assert web3.provider.make_request("evm_revert", [fork])["result"] is True
    fresh = launch_with(crowdfund, creator, host.url("/new"), other)
    for _ in range(3):
        chain.mine()
    indexer.run(follow=False)  # undoes the pledge only: the kept campaign keeps its verified document
    assert metadata_of(engine, kept) == ("verified", "Solar lamps", "for the school")
    assert metadata_of(engine, fresh)[0] == "pending"
    resolve_pending(engine, ALLOW_PRIVATE)
    assert metadata_of(engine, kept) == ("verified", "Solar lamps", "for the school")
    assert metadata_of(engine, fresh)[:2] == ("verified", "Only on the new branch")
    assert host.hits == {"/kept": 1, "/new": 1}


def test_a_slow_host_does_not_slow_the_indexer(engine, crowdfund, creator, host, tmp_path):
    """`crowdledger index --follow` with a campaign whose document trickles in for a minute: the cursor
    still reaches each new head at once, while the fetch is under way."""
    host.routes["/slow"] = trickle(2.0)
    launch_with(crowdfund, creator, host.url("/slow"), DOCUMENT)
    record = deployment_of(crowdfund)
    deployment_file = tmp_path / "deployment.json"
    deployment_file.write_text(
        json.dumps(
            {
                "network": record.network,
                "chain_id": record.chain_id,
                "start_block": record.start_block,
                "contracts": {"Crowdfund": {"address": crowdfund.address, "abi": crowdfund.abi}},
            }
        )
    )
    env = {
        **os.environ,
        "CROWDLEDGER_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CROWDLEDGER_RPC_URL": rpc_url(),
        "CROWDLEDGER_DEPLOYMENT": str(deployment_file),
        "CROWDLEDGER_POLL_SECONDS": "0.1",
        "CROWDLEDGER_METADATA_ALLOW_PRIVATE": "1",
        "CROWDLEDGER_METADATA_DEADLINE": "60",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "crowdledger.cli", "index", "--follow"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def indexed_to(block: int, within: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < within:
            with engine.connect() as conn:
                next_block = conn.execute(select(SyncState.next_block)).scalar()
            if next_block is not None and next_block > block:
                return time.monotonic() - started
            time.sleep(0.05)
        raise AssertionError(f"block {block} not indexed within {within} s")

    try:
        indexed_to(web3.eth.block_number, within=30)
        deadline = time.monotonic() + 10
        while host.hits.get("/slow") != 1:  # the fetch has started and is trickling
            assert time.monotonic() < deadline, "the fetcher never asked"
            time.sleep(0.05)
        for _ in range(3):
            chain.mine()
            assert indexed_to(web3.eth.block_number, within=10) < 3
        assert metadata_of(engine, 1)[0] == "pending"  # the document is still on its way
    finally:
        process.terminate()
        process.wait(timeout=90)
