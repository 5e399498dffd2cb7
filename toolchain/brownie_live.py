"""brownie's command line for live networks, without brownie 1.22.2's deployment history.

On a live network brownie records each deployed contract twice: in ~/.brownie/deployments.db from a
background thread, which in 1.22.2 (the newest) fails in its compiled state module (TypeError: dict object
expected; got brownie.project.sources.Sources) and prints a thread traceback per contract although the
deployment succeeded; and in build/deployments/CHAINID/, which brownie reloads on every later connection and
refuses to start when the chain no longer has those contracts (a local chain restarted under the same chain
id). CrowdLedger uses neither (its record is deployments/NETWORK.json, written by scripts/deploy.py), so this
entry point turns both off and runs brownie as usual:

    python toolchain/brownie_live.py run scripts/deploy.py main ACCOUNT --network NETWORK   (./dev deploy)
"""

import sys

import brownie.network.contract as contract_module
from brownie._cli.__main__ import main


def _no_history(*args: object, **kwargs: object) -> None:
    """brownie's deployment records, skipped."""


contract_module._add_deployment = _no_history  # type: ignore[assignment]
contract_module._DeployedContractBase._save_deployment = _no_history  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())
