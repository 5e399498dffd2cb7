"""End to end on what `./dev up` shows: the demo deployed and used, indexed, audited from the chain alone with
every check on, published, and served by the web app. The demo is honest, so nothing may be flagged."""

from brownie import network
from fastapi.testclient import TestClient

from crowdledger.api.app import create_app
from crowdledger.audit.published import save
from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import Deployment
from crowdledger.indexer.sync import Indexer
from scripts import demo
from scripts.deploy import DEPLOYMENTS
from tests.backend.audit.conftest import run_audit
from tests.backend.conftest import rpc_url


def test_the_demo_passes_every_check_raises_no_finding_and_is_served_by_the_web_app(engine):
    demo.main()
    record = Deployment.load(DEPLOYMENTS / f"{network.show_active()}.json")
    Indexer(engine, Rpc(rpc_url()), record).run(follow=False)

    result = run_audit(record, bytecode=True, index=engine)

    assert {c["name"]: c["status"] for c in result.report["checks"]} == {
        "replay": "pass",
        "views": "pass",
        "solvency": "pass",
        "bytecode": "pass",
        "index": "pass",
    }
    assert result.passed
    assert result.report["findings"] == []
    save(engine, result)
    page = TestClient(create_app(engine)).get("/audit/report")
    assert page.status_code == 200 and "Audit <span class=pass>passed</span>" in page.text
