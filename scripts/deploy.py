"""Deploy the CrowdLedger contracts and record where they are for the backend.

    ./dev brownie run scripts/deploy.py --network NAME
    ./dev deploy NAME ACCOUNT [--evm shanghai|paris]   (a live network, from a keystore account)

writes deployments/NAME.json: chain id, the block the contracts start at, the EVM version the contracts
were built for, and each contract's address and ABI (the indexer decodes events with these ABIs, so it needs
nothing else from this repository). For a chain without Cancun, the contracts are the pre-Cancun build's
(scripts/build_evm.py, docs/DEPLOY.md); their ABIs are the same.
"""

import json
from pathlib import Path

from brownie import accounts, chain, network
from brownie.network.account import Account
from brownie.network.contract import ContractContainer
from brownie.project import get_loaded_projects

from scripts import build_evm

DEPLOYMENTS = Path(__file__).resolve().parent.parent / "deployments"
DEFAULT_FEE_BPS = 250  # 2.5%
ETH = "0x" + "00" * 20
# What earns reputation: 0.05 ETH (about 100 USD) is worth one unit of value (V = 1), and less than 0.0005 ETH
# (about 1 USD) is worth nothing. A stablecoin with 18 decimals would be (100 * 10**18, 10**18).
ETH_ASSET = (5 * 10**16, 5 * 10**14)
# Identity: an attestation of level 1 verifies; an account without one weighs half in deals, ratings, votes.
IDENTITY_LEVEL = 1
UNVERIFIED_WEIGHT_BPS = 5_000


def code_for(evm: str, name: str) -> ContractContainer:
    """Contract `name` as built for `evm`: brownie's own (build/) for cancun, the default; the pre-Cancun
    build's artifact (build/evm/EVM/) for shanghai or paris."""
    project = get_loaded_projects()[0]
    if evm == "cancun":
        container: ContractContainer = project[name]
        return container
    return ContractContainer(project, build_evm.artifact(evm, name))


def deploy(
    owner: Account, treasury: str, fee_bps: int = DEFAULT_FEE_BPS, evm: str = "cancun"
) -> dict[str, object]:
    """Deploy every contract as built for `evm`, price ETH and weigh identities in the ledger, write the
    deployment record, and return it."""
    reputation = code_for(evm, "Reputation").deploy(owner, {"from": owner})
    reputation.setAsset(ETH, *ETH_ASSET, {"from": owner})
    reputation.setIdentityWeights(IDENTITY_LEVEL, UNVERIFIED_WEIGHT_BPS, {"from": owner})
    crowdfund = code_for(evm, "Crowdfund").deploy(owner, treasury, fee_bps, {"from": owner})
    bounty = code_for(evm, "Bounty").deploy(owner, treasury, fee_bps, reputation, {"from": owner})
    reputation.setModule(crowdfund, True, {"from": owner})
    reputation.setModule(bounty, True, {"from": owner})
    crowdfund.setReputation(reputation, {"from": owner})
    contracts = (reputation, crowdfund, bounty)
    record: dict[str, object] = {
        "network": network.show_active(),
        "chain_id": chain.id,
        "start_block": reputation.tx.block_number,
        "evm_version": reputation._build["compiler"]["evm_version"],
        "contracts": {c._name: {"address": c.address, "abi": c.abi} for c in contracts},
    }
    DEPLOYMENTS.mkdir(exist_ok=True)
    (DEPLOYMENTS / f"{network.show_active()}.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def main(account_id: str | None = None, evm: str = "cancun") -> None:
    """On a live network name the brownie account to deploy from, and for a chain without Cancun the EVM
    version the contracts were built for: `... deploy.py main ACCOUNT_ID [shanghai|paris]`."""
    owner = accounts.load(account_id) if account_id else accounts[0]
    record = deploy(owner, treasury=owner.address, evm=evm)
    print(json.dumps(record, indent=2))
