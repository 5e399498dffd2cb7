"""What the web app knows beyond the database: the deployed contracts (addresses and ABIs, straight from the
deployment record, so new functions and errors reach the wallet layer by themselves), the chain's public RPC
for the browser's wallet, and where the compiled artifacts are (the token ABI used for approve and permit)."""

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import Deployment
from crowdledger.errors import DeploymentError
from crowdledger.indexer.metadata import DEFAULT_POLICY, FetchPolicy

log = logging.getLogger(__name__)

# The ERC-20 with EIP-2612 permit that OpenZeppelin compiles with our contracts: its ABI is the standard one
# (transfer, approve, nonces, eip712Domain, and the ERC-6093 errors a token transfer reverts with).
TOKEN_ARTIFACT = "ERC20Permit.json"


@dataclass(frozen=True)
class WebConfig:
    deployment: Deployment | None = None
    public_rpc_url: str = ""  # what the browser's wallet talks to; empty: no wallet layer
    rpc: Rpc | None = None  # the server's own RPC, for reading token symbols and decimals once
    artifacts: Path = Path("build/contracts")
    token_abi: list[dict[str, Any]] = field(default_factory=list)
    fetch_policy: FetchPolicy = DEFAULT_POLICY  # for the documents pages read (tier names, task titles)

    @property
    def wallet_ready(self) -> bool:
        return self.deployment is not None and bool(self.public_rpc_url)

    def contract_address(self, name: str) -> str | None:
        if self.deployment is None or name not in self.deployment.contracts:
            return None
        return self.deployment.contracts[name].address

    def chain_json(self) -> dict[str, Any]:
        """What the wallet layer loads at run time: the chain, each contract's address and ABI."""
        if self.deployment is None:
            return {"ready": False}
        d = self.deployment
        return {
            "ready": self.wallet_ready,
            "chainId": d.chain_id,
            "network": d.network,
            "rpcUrl": self.public_rpc_url,
            "contracts": {name: {"address": c.address, "abi": c.abi} for name, c in d.contracts.items()},
            "tokenAbi": self.token_abi,
        }

    @classmethod
    def load(
        cls,
        deployment_path: Path,
        rpc_url: str,
        public_rpc_url: str,
        artifacts: Path,
        fetch_policy: FetchPolicy = DEFAULT_POLICY,
    ) -> "WebConfig":
        """The config for a running app; without a deployment record the pages still work, read-only."""
        try:
            deployment: Deployment | None = Deployment.load(deployment_path)
        except DeploymentError as missing:
            log.warning("Web pages run without the wallet layer: %s", missing)
            deployment = None
        return cls(
            deployment=deployment,
            public_rpc_url=public_rpc_url or rpc_url,
            rpc=Rpc(rpc_url, timeout=3.0, attempts=2),
            artifacts=artifacts,
            token_abi=load_token_abi(artifacts),
            fetch_policy=fetch_policy,
        )


def load_token_abi(artifacts: Path) -> list[dict[str, Any]]:
    try:
        abi: list[dict[str, Any]] = json.loads((artifacts / TOKEN_ARTIFACT).read_text())["abi"]
        return abi
    except (OSError, ValueError, KeyError) as missing:
        log.warning("No token ABI at %s (%s): token pledges need `brownie compile`", artifacts, missing)
        return []
