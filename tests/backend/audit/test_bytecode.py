"""The code at each address against the code recompiled from this checkout: an exact match for what brownie
deployed; a match (only the metadata differs) for a copy whose source differs in a comment; a mismatch, with
the differing bytes, for a copy whose source differs in behaviour."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from brownie import Bounty, Crowdfund, Reputation, web3
from eth_abi.abi import encode

from crowdledger.audit import bytecode
from crowdledger.audit.solc import Compiler, default_cache
from crowdledger.chain.rpc import Rpc
from tests.backend.audit.conftest import REPOSITORY, check, run_audit
from tests.backend.conftest import rpc_url


@pytest.fixture(scope="module")
def compiled():
    return Compiler(REPOSITORY, cache=default_cache()).compile(
        ["Bounty", "BountyReviews", "Crowdfund", "Reputation"]
    )


def altered_copy(tmp_path: Path, change) -> Path:
    """This checkout's contracts in `tmp_path`, with `change(source)` applied to Reputation.sol."""
    shutil.copytree(REPOSITORY / "contracts", tmp_path / "contracts")
    shutil.copy(REPOSITORY / "brownie-config.yaml", tmp_path)
    (tmp_path / "node_modules").symlink_to(REPOSITORY / "node_modules")
    (tmp_path / "toolchain").symlink_to(REPOSITORY / "toolchain")
    source = tmp_path / "contracts" / "Reputation.sol"
    source.write_text(change(source.read_text()))
    return tmp_path


def deploy_raw(creation: bytes, owner) -> str:
    """Deploy creation code with the constructor argument `owner`, as anyone could without brownie."""
    tx = web3.eth.send_transaction(
        {
            "from": owner.address,
            "data": "0x" + (creation + encode(["address"], [owner.address])).hex(),
            "gas": 8_000_000,
        }
    )
    return str(web3.eth.wait_for_transaction_receipt(tx).contractAddress).lower()


def check_reputation_at(address: str, deployment, compiled) -> dict:
    contracts = {"Reputation": replace(deployment.contracts["Reputation"], address=address)}
    result = bytecode.check(Rpc(rpc_url()), web3.eth.block_number, contracts, compiled)
    [entry] = result.details
    return {"status": result.status.value, "entry": entry, "mismatches": result.mismatches}


def test_what_brownie_deployed_is_an_exact_match_with_immutables_and_arguments_listed(
    deployment, reputation, owner, treasury
):
    result = run_audit(deployment, bytecode=True)
    code = check(result, "bytecode")
    assert code["status"] == "pass"
    by_name = {d["contract"]: d for d in code["details"]}
    assert {(d["runtime"]["status"], d["creation"]["status"]) for d in by_name.values()} == {
        ("exact match", "exact match")
    }
    [immutable] = [m for m in by_name["Bounty"]["runtime"]["masked"] if m["what"] == "immutable reputation"][
        :1
    ]
    assert immutable["value"].endswith(reputation.address.lower()[2:])
    arguments = {a["name"]: a["value"] for a in by_name["Bounty"]["constructor_arguments"]}
    assert arguments == {
        "owner_": owner.address.lower(),
        "treasury_": treasury.address.lower(),
        "feeBps_": "250",
        "reputation_": reputation.address.lower(),
    }
    assert by_name["Crowdfund"]["creation_tx"] == deployment_tx(by_name["Crowdfund"]["address"])


def deployment_tx(address: str) -> str:
    from brownie import Crowdfund

    return next(c.tx.txid for c in Crowdfund if c.address.lower() == address)


def test_a_contract_built_from_altered_source_is_a_mismatch_with_the_differing_bytes(
    tmp_path, deployment, compiled, owner
):
    copy = altered_copy(
        tmp_path, lambda s: s.replace("DEFAULT_HALF_LIFE = 90 days", "DEFAULT_HALF_LIFE = 30 days")
    )
    altered = Compiler(copy, cache=None).compile(["Reputation"])["Reputation"]
    found = check_reputation_at(deploy_raw(altered.creation, owner), deployment, compiled)
    assert found["status"] == "fail"
    assert found["entry"]["runtime"]["status"] == "mismatch"
    assert found["entry"]["creation"]["status"] == "mismatch"
    differences = found["entry"]["runtime"]["differences"]
    assert differences and all(d["end"] > d["start"] for d in differences)
    assert "the runtime code differs" in found["mismatches"][0].message
    assert f"bytes {differences[0]['start']}..{differences[0]['end']}" in found["mismatches"][0].message


def test_a_contract_whose_source_differs_only_in_a_comment_is_a_match_not_an_exact_match(
    tmp_path, deployment, compiled, owner
):
    copy = altered_copy(tmp_path, lambda s: s + "\n// a comment the metadata hash records\n")
    altered = Compiler(copy, cache=None).compile(["Reputation"])["Reputation"]
    found = check_reputation_at(deploy_raw(altered.creation, owner), deployment, compiled)
    assert found["status"] == "pass"
    assert (found["entry"]["runtime"]["status"], found["entry"]["creation"]["status"]) == ("match", "match")
    assert "CBOR metadata" in [m["what"] for m in found["entry"]["runtime"]["masked"]]
    assert "the metadata differs" in found["entry"]["runtime"]["note"]


def test_the_code_bounty_delegates_its_reviews_to_is_checked_too(deployment, bounty):
    """Deployed by a factory, a Bounty has no creation code to compare, and its `reviews` immutable could
    point anywhere: the code there is compared with BountyReviews."""
    names = bytecode.compiled_names(deployment.contracts)
    assert "BountyReviews" in names
    compiled = Compiler(REPOSITORY, cache=default_cache()).compile(names)
    result = bytecode.check(Rpc(rpc_url()), web3.eth.block_number, deployment.contracts, compiled)
    [entry] = [d for d in result.details if d["contract"] == "Bounty"]
    assert entry["delegate"]["status"] == "exact match"
    assert bounty.reviews().lower() in entry["delegate"]["note"]

    class ReviewsElsewhere(Rpc):
        """The chain as a factory-made Bounty would show it: its `reviews` word holds Reputation's address."""

        def code(self, address: str, block: int) -> str:
            code = super().code(address, block)
            if address.lower() != bounty.address.lower():
                return code
            return code.replace(
                bounty.reviews().lower()[2:], deployment.contracts["Reputation"].address[2:].lower()
            )

    result = bytecode.check(
        ReviewsElsewhere(rpc_url()), web3.eth.block_number, deployment.contracts, compiled
    )
    assert result.status.value == "fail"
    assert any("the code Bounty delegates to (reviews" in m.message for m in result.mismatches)


def test_a_contract_wired_to_another_reputation_ledger_fails_naming_both(
    deployment, compiled, owner, treasury
):
    """Vote weights and veto thresholds come from the ledger: one the record does not name is code nobody
    audited. The Bounty's immutable and the Crowdfund's reputation() are compared with the record's."""
    other = Reputation.deploy(owner, {"from": owner})
    rogue_bounty = Bounty.deploy(owner, treasury, 250, other, {"from": owner})
    rogue_crowdfund = Crowdfund.deploy(owner, treasury, 250, {"from": owner})
    rogue_crowdfund.setReputation(other, {"from": owner})
    contracts = {
        "Reputation": deployment.contracts["Reputation"],
        "Bounty": replace(deployment.contracts["Bounty"], address=rogue_bounty.address.lower()),
        "Crowdfund": replace(deployment.contracts["Crowdfund"], address=rogue_crowdfund.address.lower()),
    }
    result = bytecode.check(Rpc(rpc_url()), web3.eth.block_number, contracts, compiled)
    assert result.status.value == "fail"
    wrong = f"records reputation in {other.address.lower()}, not in the record's Reputation at " + (
        deployment.contracts["Reputation"].address.lower()
    )
    assert sorted(m.message for m in result.mismatches) == [f"Bounty {wrong}", f"Crowdfund {wrong}"]


def test_a_node_without_old_receipts_leaves_the_creation_unchecked_saying_why(deployment):
    """A node with a pruned transaction index answers null for old receipts: that was a traceback."""

    class PrunedIndex(Rpc):
        def call(self, method, params, attempts=None):
            return None if method == "eth_getTransactionReceipt" else super().call(method, params, attempts)

    address = deployment.contracts["Crowdfund"].address
    tx, why = bytecode.creation_transaction(PrunedIndex(rpc_url()), address, web3.eth.block_number)
    assert tx is None and "no receipt" in why and "pruned" in why


def test_a_record_naming_an_address_without_the_contract_fails_the_views_not_the_audit(
    deployment, honest_world
):
    """A view answered "0x" (no code at the recorded address) did not decode and ended the audit as a bug."""
    nobody = "0x" + "5e" * 20
    wrong = replace(deployment, contracts={**deployment.contracts})
    wrong.contracts["Reputation"] = replace(deployment.contracts["Reputation"], address=nobody)
    result = run_audit(wrong)
    views = check(result, "views")
    assert views["status"] == "fail"
    assert any(f"is there a Reputation at {nobody}" in m["message"] for m in views["mismatches"])


def test_a_record_whose_abi_leaves_out_an_event_fails_the_code_check(deployment, compiled):
    """The audit decodes logs and views with the record's ABI: one without ScoreChanged would skip every score
    change a rogue module made, silently. The record's ABI must be the compiled one."""
    reputation = deployment.contracts["Reputation"]
    trimmed = [item for item in reputation.abi if item.get("name") != "ScoreChanged"]
    contracts = {"Reputation": replace(reputation, abi=trimmed)}
    result = bytecode.check(Rpc(rpc_url()), web3.eth.block_number, contracts, compiled)
    assert result.status.value == "fail"
    [mismatch] = result.mismatches
    assert "the record's ABI differs from the compiled one" in mismatch.message
    assert "event ScoreChanged" in mismatch.message
