"""The indexer as a service tells the truth about itself and survives its first start (issue 8, items 3 and
8): the node down at start-up, a crashing indexer thread, a stalled one, an index too far behind; two
processes migrating a fresh database at once; bad settings answered in one line."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from brownie import chain, web3
from fastapi.testclient import TestClient
from sqlalchemy import text

from crowdledger.api.app import create_app
from crowdledger.api.routes.service import Readiness, configure
from crowdledger.chain.rpc import HeadProbe, Rpc
from crowdledger.cli import service
from crowdledger.settings import Settings
from crowdledger.store.db import make_engine, migrate
from tests.backend.conftest import NO_POSTGRES, POSTGRES_URL, deployment_of, make_indexer, rpc_url
from tests.backend.rpcproxy import Refusal, RpcProxy
from tests.backend.test_indexer import launch_plain
from tests.backend.test_values import free_port, wait_for


def write_deployment(tmp_path: Path, crowdfund) -> Path:
    record = deployment_of(crowdfund)
    path = tmp_path / "deployment.json"
    contracts = {c.name: {"address": c.address, "abi": c.abi} for c in record.contracts.values()}
    path.write_text(
        json.dumps(
            {
                "network": "development",
                "chain_id": record.chain_id,
                "start_block": record.start_block,
                "contracts": contracts,
            }
        )
    )
    return path


def environment(tmp_path: Path, crowdfund, **settings: Any) -> dict[str, str]:
    values = {
        "database_url": f"sqlite:///{tmp_path}/index.db",
        "rpc_url": rpc_url(),
        "deployment": str(write_deployment(tmp_path, crowdfund)),
        "api_port": str(free_port()),
        "poll_seconds": "0.2",
    } | {name: str(value) for name, value in settings.items()}
    return {**os.environ, **{f"CROWDLEDGER_{name.upper()}": value for name, value in values.items()}}


def crowdledger(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crowdledger.cli", *args], env=env, stderr=subprocess.PIPE, text=True
    )


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    _, errors = process.communicate(timeout=30)
    return errors


# ----------------------------------------------------------------------------- item 3: the truth


def test_run_waits_out_a_node_that_is_down_at_start(crowdfund, creator, tmp_path):
    launch_plain(crowdfund, creator, "ipfs://a")
    proxy = RpcProxy(rpc_url())
    proxy.refuse = lambda call: Refusal(status=503)  # down
    env = environment(tmp_path, crowdfund, rpc_url=proxy.url, rpc_attempts=2)
    process = crowdledger("run", env=env)
    try:
        api = f"http://127.0.0.1:{env['CROWDLEDGER_API_PORT']}"
        status = wait_for(api, lambda s: s["indexer"] == "retrying")
        assert "failed 2 times" in status["last_error"] and status["ready"] is False
        time.sleep(8)  # longer than the old start-up gave the node (about 6 s)
        proxy.refuse = lambda call: None  # up
        head = web3.eth.block_number
        status = wait_for(api, lambda s: s["indexed_block"] == head and s["ready"])
        assert process.poll() is None
    finally:
        errors = stop(process)
        proxy.close()
    assert "Traceback" not in errors


class ServerThread:
    """`crowdledger run` in this process, in a thread, so that its indexer thread can be made to crash."""

    def __init__(self, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        self.servers: list[uvicorn.Server] = []
        real_server = uvicorn.Server

        def keep(config: uvicorn.Config) -> uvicorn.Server:
            server = real_server(config)
            self.servers.append(server)
            return server

        monkeypatch.setattr(uvicorn, "Server", keep)
        self.result: list[int] = []
        self.thread = threading.Thread(target=lambda: self.result.append(service._run(settings, None)))

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        return self

    def __exit__(self, *failure: object) -> None:
        if self.servers:
            self.servers[0].should_exit = True
        self.thread.join(30)


def settings_for(tmp_path: Path, crowdfund, **values: Any) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path}/index.db",
        rpc_url=rpc_url(),
        deployment=write_deployment(tmp_path, crowdfund),
        api_port=free_port(),
        poll_seconds=0.2,
        **values,
    )


def test_run_restarts_a_crashed_indexer_thread(crowdfund, creator, tmp_path, monkeypatch):
    launch_plain(crowdfund, creator, "ipfs://a")
    real_follow = service._follow
    calls = []

    def crash_twice(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError(f"crash {len(calls)}")
        real_follow(*args, **kwargs)

    monkeypatch.setattr(service, "_follow", crash_twice)
    settings = settings_for(tmp_path, crowdfund)
    with ServerThread(settings, monkeypatch) as run:
        status = wait_for(f"http://127.0.0.1:{settings.api_port}", lambda s: s["ready"], seconds=60)
        assert status["indexed_block"] == web3.eth.block_number
        assert len(calls) == 3 and run.thread.is_alive()
    assert run.result == [0]


def test_run_exits_non_zero_when_the_indexer_keeps_crashing(crowdfund, tmp_path, monkeypatch, capsys):
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("always")

    monkeypatch.setattr(service, "_follow", crash)
    settings = settings_for(tmp_path, crowdfund, indexer_restarts=1)
    assert service._run(settings, None) == 1
    assert "the indexer stopped, so the API did too" in capsys.readouterr().err
    status = TestClient(create_app(make_engine(settings.database_url))).get("/status")
    assert status.status_code == 503 or status.json()["indexer"] == "failed"


def test_ready_is_503_when_the_indexer_stalls(crowdfund, creator, tmp_path):
    launch_plain(crowdfund, creator, "ipfs://a")
    proxy = RpcProxy(rpc_url())
    env = environment(tmp_path, crowdfund, rpc_url=proxy.url, rpc_timeout=60, stall_seconds=2)
    process = crowdledger("run", env=env)
    try:
        api = f"http://127.0.0.1:{env['CROWDLEDGER_API_PORT']}"
        wait_for(api, lambda s: s["ready"])
        assert httpx.get(f"{api}/ready").status_code == 200
        proxy.hang.set()  # the node stops answering: the indexer waits on a call that does not return
        status = wait_for(api, lambda s: not s["ready"], seconds=20)
        assert any("stalled" in problem for problem in status["problems"]), status
        ready = httpx.get(f"{api}/ready", timeout=10)
        assert ready.status_code == 503 and "stalled" in ready.json()["error"]["message"]
    finally:
        proxy.hang.clear()
        errors = stop(process)
        proxy.close()
    assert "Traceback" not in errors


def test_ready_is_503_when_the_index_is_more_blocks_behind_than_allowed(engine, crowdfund, creator):
    launch_plain(crowdfund, creator, "ipfs://a")
    make_indexer(engine, crowdfund).run(follow=False)
    app = create_app(engine)
    configure(app, Readiness(HeadProbe(rpc_url(), max_age=0), max_blocks_behind=2))
    client = TestClient(app)
    assert client.get("/ready").status_code == 200
    chain.mine(3)  # nobody indexes them
    status = client.get("/status").json()
    assert (status["chain_head"], status["chain_head_from"], status["blocks_behind"]) == (
        web3.eth.block_number,
        "node",
        3,
    )
    ready = client.get("/ready")
    assert ready.status_code == 503 and "3 blocks behind" in ready.json()["error"]["message"]


# ----------------------------------------------------------------------------- item 8: first start


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database no crowdledger has touched."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/fresh.db"
    if not POSTGRES_URL:
        pytest.fail(NO_POSTGRES)
    schema = f"fresh_{os.getpid()}"
    with make_engine(POSTGRES_URL).begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def test_two_indexers_starting_on_a_fresh_database_take_turns(fresh_url, crowdfund, creator, tmp_path):
    launch_plain(crowdfund, creator, "ipfs://a")
    env = environment(tmp_path, crowdfund, database_url=fresh_url)
    processes = [crowdledger("index", env=env) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    for code, errors in results:
        assert "Traceback" not in errors and "UNIQUE constraint" not in errors, errors
        assert code == 0 or errors.splitlines()[-1].startswith("crowdledger: another indexer"), errors
    assert any(code == 0 for code, _ in results)


def test_a_new_sqlite_file_another_process_is_writing_is_waited_for(tmp_path):
    """Two indexers on a new SQLite file: while one writes before the file is in WAL mode, the other's switch
    to WAL was refused at once ("database is locked", without the busy timeout), and it stopped."""
    path = tmp_path / "new.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE first_writes (a)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO first_writes VALUES (1)")
    threading.Timer(0.5, lambda: writer.execute("COMMIT")).start()
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    writer.close()


def test_serve_with_four_workers_on_a_fresh_postgresql_starts_cleanly(crowdfund, tmp_path):
    if not POSTGRES_URL:
        pytest.fail(NO_POSTGRES)
    schema = f"serve_{os.getpid()}"
    with make_engine(POSTGRES_URL).begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    env = environment(tmp_path, crowdfund, database_url=url)
    process = crowdledger("serve", "--workers", "4", env=env)
    try:
        api = f"http://127.0.0.1:{env['CROWDLEDGER_API_PORT']}"
        deadline = time.monotonic() + 60
        answers = []
        while time.monotonic() < deadline and len(answers) < 20:
            try:
                answers.append(httpx.get(f"{api}/health", timeout=5).status_code)
            except httpx.HTTPError:
                time.sleep(0.2)
        assert answers and set(answers) == {200}
        assert httpx.get(f"{api}/status").status_code == 503  # served by a worker: no indexer yet
    finally:
        errors = stop(process)
    assert "Traceback" not in errors and "Error" not in errors, errors


class NotAnRpcEndpoint:
    """A web server answering every request with an HTML page."""

    def __init__(self) -> None:
        class Page(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                page = b"<html><body>Welcome to nginx!</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def newer_database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/newer.db"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    return url


BAD_SETTINGS = {
    "an RPC URL that is not a JSON-RPC endpoint": (
        lambda tmp_path: {"rpc_url": NotAnRpcEndpoint().url},
        "is not a JSON-RPC endpoint (HTTP 200, text/html",
    ),
    "a database newer than the code": (
        lambda tmp_path: {"database_url": newer_database(tmp_path)},
        "has schema version 9999, newer than this crowdledger knows",
    ),
    "a negative poll interval": (
        lambda tmp_path: {"poll_seconds": "-1"},
        "CROWDLEDGER_POLL_SECONDS=-1.0: must be a number of seconds above 0",
    ),
    "an unsupported driver in the database URL": (
        lambda tmp_path: {"database_url": "mysql://user:secret@127.0.0.1/crowdledger"},
        "no other database driver is supported",
    ),
}


@pytest.mark.parametrize("case", BAD_SETTINGS, ids=list(BAD_SETTINGS))
def test_a_bad_setting_is_one_line_that_says_what_to_fix(case, crowdfund, tmp_path):
    settings, complaint = BAD_SETTINGS[case]
    env = environment(tmp_path, crowdfund, **settings(tmp_path))
    process = crowdledger("index", env=env)
    code, errors = process.wait(timeout=60), (process.stderr.read() if process.stderr else "")
    assert code == 1
    assert "Traceback" not in errors, errors
    last = errors.splitlines()[-1]
    assert last.startswith("crowdledger: ") and complaint in last, errors


def test_the_retry_log_says_how_long_it_waits(engine, crowdfund, caplog):
    """Issue 8, item 10: "retrying in 0s" when the wait was a tenth of a second."""
    proxy = RpcProxy(rpc_url())
    proxy.refuse = lambda call: Refusal(status=503)
    retries = []
    try:
        indexer = make_indexer(engine, crowdfund, rpc=Rpc(proxy.url, attempts=1))
        with caplog.at_level("WARNING", logger="crowdledger.indexer.sync"):
            indexer.run(follow=False, poll_seconds=0.1, should_stop=lambda: len(proxy.refused) >= 2)
        retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    finally:
        proxy.close()
    assert retries and retries[0].endswith("retrying in 0.1s"), retries
