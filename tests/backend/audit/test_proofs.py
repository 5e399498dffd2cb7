"""Per-account proofs from the Merkle sum tree: valid against their own report's root and nothing else;
a tampered amount, a tampered sibling sum or a negative sum is refused; the commands prove and verify end
to end."""

import copy
import json

import pytest

from crowdledger.audit.merkle import Leaf, ProofError, SumTree, verify
from crowdledger.cli import main
from tests.backend.audit.conftest import E, run_audit

ETH = "0x" + "00" * 20
TOKEN = "0x" + "77" * 20


def tree() -> SumTree:
    leaves = [Leaf("Crowdfund", f"0x{i:040x}", ETH, (i + 1) * E) for i in range(7)]
    leaves += [Leaf("Crowdfund", f"0x{i:040x}", TOKEN, 5) for i in range(3)]
    leaves += [Leaf("Bounty", "task:1", ETH, 2 * E), Leaf("Bounty", f"0x{3:040x}", ETH, 1)]
    return SumTree(leaves, ["Crowdfund", "Bounty", "Reputation"])


def test_every_claim_verifies_against_the_root_with_the_total_its_contract_owes_in_its_asset():
    t = tree()
    for holder in [f"0x{i:040x}" for i in range(7)] + ["task:1"]:
        for proof in t.proofs(holder):
            ok = verify(proof, t.root.hex())
            key = f"{ok.leaf.contract}/{ok.leaf.asset}"
            assert ok.total == t.root.sums[key]
    assert t.root.sums == {f"Crowdfund/{ETH}": 28 * E, f"Crowdfund/{TOKEN}": 15, f"Bounty/{ETH}": 2 * E + 1}


def test_a_proof_fails_against_another_trees_root():
    other = SumTree([Leaf("Crowdfund", f"0x{1:040x}", ETH, 2 * E)], ["Crowdfund"])
    [proof] = tree().proofs(f"0x{1:040x}")[:1]
    with pytest.raises(ProofError, match="leads to root"):
        verify(proof, other.root.hex())


def test_a_tampered_amount_fails():
    t = tree()
    proof = copy.deepcopy(t.proofs(f"0x{2:040x}")[0])
    proof["leaf"]["amount"] = str(int(proof["leaf"]["amount"]) + 1)
    with pytest.raises(ProofError, match="leads to root"):
        verify(proof, t.root.hex())


def test_a_sibling_sum_lowered_to_hide_a_claim_fails():
    t = tree()
    proof = copy.deepcopy(t.proofs(f"0x{2:040x}")[0])
    step = proof["path"][0]
    key = next(iter(step["sums"]))
    step["sums"][key] = str(int(step["sums"][key]) - 1)
    with pytest.raises(ProofError):
        verify(proof, t.root.hex())


def test_a_negative_sum_on_the_path_is_refused():
    t = tree()
    proof = copy.deepcopy(t.proofs(f"0x{2:040x}")[0])
    key = next(iter(proof["path"][0]["sums"]))
    proof["path"][0]["sums"][key] = "-1"
    with pytest.raises(ProofError, match="negative"):
        verify(proof, t.root.hex())


def test_a_backers_proof_from_one_report_fails_against_a_later_reports_root(
    tmp_path, deployment, honest_world, crowdfund, backers, capsys
):
    """The commands end to end: prove from a saved report, verify against its root, then against another's."""
    first = run_audit(deployment)
    crowdfund.pledge(honest_world.campaigns["funding"], 0, E, {"from": backers[4], "value": E})
    second = run_audit(deployment)
    report = tmp_path / "report.json"
    report.write_text(json.dumps(first.report))
    backer = backers[2].address.lower()
    capsys.readouterr()  # what the transactions printed

    assert main(["audit", "prove", backer, "--report", str(report)]) == 0
    proof = tmp_path / "proof.json"
    proof.write_text(capsys.readouterr().out)
    assert json.loads(proof.read_text())["proofs"], "the backer is owed something"

    assert main(["audit", "verify", str(proof), "--root", first.report["merkle"]["root"]]) == 0
    assert f"owes {backer}" in capsys.readouterr().out
    assert main(["audit", "verify", str(proof), "--root", second.report["merkle"]["root"]]) == 5
    assert "INVALID: the proof leads to root" in capsys.readouterr().out


def test_a_report_whose_obligations_were_edited_is_refused_by_prove(
    tmp_path, deployment, honest_world, capsys
):
    report = run_audit(deployment).report
    report["obligations"][0]["amount"] = str(int(report["obligations"][0]["amount"]) + 1)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    assert main(["audit", "prove", report["obligations"][0]["holder"], "--report", str(path)]) == 1
    assert "was altered" in capsys.readouterr().err
