"""The deployment record scripts/deploy.py writes: which chain, from which block, which contracts."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crowdledger.errors import DeploymentError
from crowdledger.evm import DEFAULT as DEFAULT_EVM


@dataclass(frozen=True)
class DeployedContract:
    name: str
    address: str  # lower-case hex, as logs carry it
    abi: list[dict[str, Any]] = field(repr=False)  # thousands of lines in a log or a failing test's example


@dataclass(frozen=True)
class Deployment:
    network: str
    chain_id: int
    start_block: int
    contracts: dict[str, DeployedContract]
    # the EVM version the contracts were built for (crowdledger.evm); records from before it was written are
    # of the default build
    evm_version: str = DEFAULT_EVM

    @classmethod
    def load(cls, path: Path) -> "Deployment":
        try:
            record = json.loads(path.read_text())
            return cls(
                network=str(record["network"]),
                chain_id=int(record["chain_id"]),
                start_block=int(record["start_block"]),
                contracts={
                    name: DeployedContract(name, str(entry["address"]).lower(), list(entry["abi"]))
                    for name, entry in record["contracts"].items()
                },
                evm_version=str(record.get("evm_version", DEFAULT_EVM)),
            )
        except FileNotFoundError:
            raise DeploymentError(
                f"No deployment record at {path}: deploy first (./dev up, or scripts/deploy.py) "
                "or point CROWDLEDGER_DEPLOYMENT at the record"
            ) from None
        except (ValueError, KeyError, TypeError, AttributeError) as bad:
            raise DeploymentError(f"The deployment record {path} is malformed: {bad!r}") from None
