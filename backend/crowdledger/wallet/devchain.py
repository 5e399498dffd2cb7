"""The local development chain's well-known accounts, and the block `./dev up` prints when it is ready.

anvil funds ten (or more) accounts derived from a public test mnemonic. Their keys are published in anvil's
and Hardhat's documentation, so anything sent to them on a real network is taken at once: LOCAL ONLY.

    python -m crowdledger.wallet.devchain DEPLOYMENT RPC_URL APP_URL FIRST COUNT [HINT]
"""

import sys
from pathlib import Path

from eth_account import Account
from eth_utils.address import to_checksum_address

from crowdledger.deployment import Deployment

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEMO_ATTESTER = 9  # the development account scripts/demo.py registers as an identity attester


def dev_key(index: int) -> str:
    """anvil's development account `index` (m/44'/60'/0'/0/index of the test mnemonic): its private key."""
    Account.enable_unaudited_hdwallet_features()
    account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return "0x" + bytes(account.key).hex()


def ready_block(deployment: Deployment, rpc_url: str, app_url: str, accounts: range, hint: str = "") -> str:
    lines = [
        f"CrowdLedger is running: {app_url}  (API docs {app_url}/docs)",
        f"Chain {deployment.chain_id} at {rpc_url}, deployment record for network {deployment.network}",
    ]
    for contract in deployment.contracts.values():
        lines.append(f"  {contract.name:<11} {to_checksum_address(contract.address)}")
    lines.append(
        "Funded development accounts, LOCAL ONLY (the keys are public; never send real funds to them):"
    )
    for index in accounts:
        key = dev_key(index)
        lines.append(f"  {Account.from_key(key).address}  key {key}")
    lines.append(
        f"Import one: .venv/bin/crowdledger account import NAME --dev {accounts.start}"
        "  (or paste its key into MetaMask)"
    )
    lines.append(
        f"The demo's identity attester is development account {DEMO_ATTESTER}: import it the same way "
        f"(--dev {DEMO_ATTESTER}) to attest accounts on their pages or with `crowdledger attest`"
    )
    lines.append(
        "Then, in another terminal: .venv/bin/crowdledger show campaign 1  (--help lists all; docs/CLI.md)"
    )
    if hint:
        lines.append(f"  (this chain is not on the default port: {hint})")
    return "\n".join(lines)


if __name__ == "__main__":
    record, rpc, app, first, count = sys.argv[1:6]
    accounts = range(int(first), int(first) + int(count))
    print(ready_block(Deployment.load(Path(record)), rpc, app, accounts, " ".join(sys.argv[6:])))
