"""The deployment record says which EVM version its contracts were built for; an older record, the default."""

import json
from pathlib import Path

from crowdledger.deployment import Deployment

RECORD = {"network": "sepolia", "chain_id": 11155111, "start_block": 7, "contracts": {}}


def test_a_record_names_the_evm_version_its_contracts_were_built_for(tmp_path: Path):
    path = tmp_path / "sepolia.json"
    path.write_text(json.dumps(RECORD | {"evm_version": "shanghai"}))
    assert Deployment.load(path).evm_version == "shanghai"


def test_a_record_from_before_the_evm_version_was_written_is_of_the_cancun_build(tmp_path: Path):
    path = tmp_path / "sepolia.json"
    path.write_text(json.dumps(RECORD))
    assert Deployment.load(path).evm_version == "cancun"
