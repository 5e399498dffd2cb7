"""A contest entry's secret, kept between `crowdledger enter` and `crowdledger reveal`.

An entry is committed as keccak256(abi.encode(deliverableHash, worker, salt)) before the deadline and revealed
after it; whoever loses the salt cannot reveal. `enter` writes the secret to a file *before* it sends the
commitment, and `reveal` finds it again by chain, Bounty contract, task and worker:

    ~/.crowdledger/entries/CHAINID-BOUNTY-TASK-WORKER.json    (CROWDLEDGER_ENTRIES_DIR moves the folder)

The file keeps every commitment made for that entry (a repeat `enter` replaces the commitment on chain), and
`reveal` uses the one the chain holds.
"""

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from crowdledger.errors import ConfigError


def commitment_of(deliverable_hash: bytes, worker: str, salt: bytes) -> bytes:
    """What Bounty.commitmentOf computes."""
    return keccak(encode(["bytes32", "address", "bytes32"], [deliverable_hash, worker, salt]))


@dataclass(frozen=True)
class EntrySecret:
    deliverable_hash: str  # 0x-hex
    salt: str  # 0x-hex
    commitment: str  # 0x-hex
    deliverable_uri: str
    deliverable_file: str

    @classmethod
    def new(cls, deliverable_hash: bytes, worker: str, uri: str, file: str) -> "EntrySecret":
        salt = secrets.token_bytes(32)
        return cls(
            "0x" + deliverable_hash.hex(),
            "0x" + salt.hex(),
            "0x" + commitment_of(deliverable_hash, worker, salt).hex(),
            uri,
            file,
        )


@dataclass(frozen=True)
class EntryStore:
    folder: Path

    def path(self, chain_id: int, bounty: str, task: int, worker: str) -> Path:
        return self.folder.expanduser() / f"{chain_id}-{bounty.lower()}-{task}-{worker.lower()}.json"

    def add(self, path: Path, secret: EntrySecret) -> None:
        """Append `secret` to the entry's file (made readable by its owner only)."""
        kept = self._read(path) if path.exists() else []
        kept.append(asdict(secret))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump({"entries": kept}, file, indent=2)
        temporary.replace(path)

    def find(self, path: Path, commitment: bytes) -> EntrySecret:
        """The secret behind `commitment`, the one the chain holds."""
        if not path.exists():
            raise ConfigError(
                f"no entry secret at {path}: reveal on the machine, with the CROWDLEDGER_ENTRIES_DIR, that "
                "entered; without the secret the entry cannot be revealed"
            )
        for kept in self._read(path):
            if kept.get("commitment", "").lower() == "0x" + commitment.hex():
                return EntrySecret(**kept)
        raise ConfigError(
            f"none of the secrets in {path} matches the commitment on chain (0x{commitment.hex()[:8]}…); "
            "the entry was made elsewhere"
        )

    def _read(self, path: Path) -> list[dict[str, str]]:
        try:
            entries: list[dict[str, str]] = json.loads(path.read_text())["entries"]
        except (OSError, ValueError, KeyError, TypeError) as bad:
            raise ConfigError(f"the entry secret file {path} is unreadable: {bad}") from None
        return entries
