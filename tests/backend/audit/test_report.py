"""What the auditor takes away: the command's summary and exit status, the exports (ledger CSV and JSON
per campaign and per account, the report as JSON and HTML), the report published for the web app and its
proofs."""

import csv
import json

from brownie import web3
from fastapi.testclient import TestClient

from crowdledger.api.app import create_app
from crowdledger.audit.merkle import verify
from crowdledger.audit.published import save
from crowdledger.cli import EXIT_UNREACHABLE, main
from tests.backend.audit.conftest import check, run_audit


def use(monkeypatch, tmp_path, deployment, rpc: str | None = None) -> None:
    """CROWDLEDGER_* settings for the command: this chain and `deployment` written as a deployment record."""
    record = {
        "network": deployment.network,
        "chain_id": deployment.chain_id,
        "start_block": deployment.start_block,
        "contracts": {n: {"address": c.address, "abi": c.abi} for n, c in deployment.contracts.items()},
    }
    (tmp_path / "deployment.json").write_text(json.dumps(record))
    monkeypatch.setenv("CROWDLEDGER_DEPLOYMENT", str(tmp_path / "deployment.json"))
    monkeypatch.setenv("CROWDLEDGER_RPC_URL", rpc or str(web3.provider.endpoint_uri))
    monkeypatch.setenv("CROWDLEDGER_RPC_ATTEMPTS", "1")


def test_the_command_prints_a_passing_summary_and_writes_every_export(
    monkeypatch, tmp_path, capsys, deployment, honest_world, crowdfund
):
    use(monkeypatch, tmp_path, deployment)
    capsys.readouterr()
    assert main(["audit", "--no-bytecode", "--export", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "PASSED" in printed and "digest      sha256:" in printed and "findings: none" in printed
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "accounts.csv",
        "campaigns.csv",
        "ledger.json",
        "obligations.csv",
        "report.html",
        "report.json",
        "tasks.csv",
    ]
    campaigns = {int(r["campaign"]): r for r in csv.DictReader((out / "campaigns.csv").open())}
    for campaign_id, row in campaigns.items():
        c = crowdfund.campaign(campaign_id)
        assert (int(row["raised"]), int(row["released"])) == (c["raised"], c["released"])
    accounts = list(csv.DictReader((out / "accounts.csv").open()))
    ledger = json.loads((out / "ledger.json").read_text())
    assert len(ledger["accounts"]) == len(accounts) and len(ledger["campaigns"]) == len(campaigns)
    owed = sum(
        int(r["owed"]) for r in accounts if r["contract"] == "Crowdfund" and r["asset"] == "0x" + "00" * 20
    )
    assert owed == web3.eth.get_balance(crowdfund.address)


def test_the_html_report_shows_each_check_the_block_the_digest_the_findings_and_how_to_rerun(
    deployment, honest_world
):
    from crowdledger.audit.report import html

    report = run_audit(deployment).report
    page = html(report)
    for needed in (
        "Audit <span class=pass>passed</span>",
        report["block"]["hash"],
        report["digest"],
        report["merkle"]["root"],
        "Findings",
        "How to rerun it",
        f"--block {report['block']['number']}",
    ):
        assert needed in page
    assert page.count("<td class=pass>") == 3 and page.count("<td class=skipped>") == 2


def test_a_failing_audit_exits_with_status_5(
    monkeypatch, tmp_path, capsys, deployment, honest_world, crowdfund
):
    web3.provider.make_request("anvil_setBalance", [crowdfund.address, "0x0"])
    use(monkeypatch, tmp_path, deployment)
    assert main(["audit", "--no-bytecode", "--no-transfers"]) == 5
    assert "FAILED" in capsys.readouterr().out


def test_an_unreachable_rpc_endpoint_is_one_line_not_a_traceback(monkeypatch, tmp_path, capsys, deployment):
    use(monkeypatch, tmp_path, deployment, rpc="http://127.0.0.1:9")
    assert main(["audit", "--no-bytecode"]) == EXIT_UNREACHABLE  # as for every command (crowdledger --help)
    err = capsys.readouterr().err
    assert err.startswith("crowdledger: http://127.0.0.1:9 failed") and "Traceback" not in err


def test_the_web_app_serves_the_published_report_its_page_and_backers_proofs(
    engine, deployment, honest_world, backers
):
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    missing = client.get("/audit")
    assert missing.status_code == 404
    assert "crowdledger audit --save" in missing.json()["error"]["message"]

    result = run_audit(deployment)
    save(engine, result)
    assert client.get("/audit").json()["digest"] == result.report["digest"]
    page = client.get("/audit/report")
    assert page.status_code == 200 and result.report["merkle"]["root"] in page.text
    assert 'href="/audit/report"' in client.get("/").text  # linked from every page's navigation

    proof = client.get(f"/audit/proofs/{backers[2].address}").json()
    assert proof["proofs"]
    for claim in proof["proofs"]:
        assert verify(claim, result.report["merkle"]["root"]).leaf.holder == backers[2].address.lower()
    assert client.get("/audit/proofs/0x1234").status_code == 422
    assert check(result, "solvency")["status"] == "pass"
