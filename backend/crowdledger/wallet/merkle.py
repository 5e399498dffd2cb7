"""Invite lists as Merkle trees, built exactly as OpenZeppelin's StandardMerkleTree.of(addresses, ["address"])
builds them (@openzeppelin/merkle-tree), so a root made here matches one made in JavaScript and Bounty's
MerkleProof check accepts the proofs.

A leaf is keccak256(bytes.concat(keccak256(abi.encode(account)))); leaves are sorted and laid out as a
complete binary tree in an array, the root at index 0 and node i's children at 2i + 1 and 2i + 2; a pair is
hashed in sorted order, which is what MerkleProof.verify expects.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from crowdledger.errors import ConfigError
from crowdledger.wallet.addresses import checked_address


def leaf(account: str) -> bytes:
    return keccak(keccak(encode(["address"], [account])))


def _pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b if a <= b else b + a)


@dataclass(frozen=True)
class InviteTree:
    accounts: tuple[str, ...]  # checksummed, in the order given
    tree: tuple[bytes, ...]

    @classmethod
    def of(cls, accounts: list[str]) -> "InviteTree":
        if not accounts:
            raise ConfigError("the invite list is empty; name at least one address")
        checked = []
        for account in accounts:
            checked.append(checked_address(account, "the invite list's entry"))
            if int(checked[-1], 16) == 0:
                raise ConfigError("the invite list names the zero address, which no worker can use")
        if len(set(checked)) != len(checked):
            raise ConfigError("the invite list names an address twice")
        leaves = sorted(leaf(a) for a in checked)
        size = 2 * len(leaves) - 1
        nodes: list[bytes] = [b""] * size
        for i, node in enumerate(leaves):
            nodes[size - 1 - i] = node
        for i in range(size - 1 - len(leaves), -1, -1):
            nodes[i] = _pair(nodes[2 * i + 1], nodes[2 * i + 2])
        return cls(tuple(checked), tuple(nodes))

    @property
    def root(self) -> bytes:
        return self.tree[0]

    def proof(self, account: str) -> list[bytes]:
        """The sibling hashes from `account`'s leaf to the root."""
        try:
            index = self.tree.index(leaf(to_checksum_address(account)))
        except ValueError:
            raise ConfigError(f"{account} is not on the invite list") from None
        proof = []
        while index > 0:
            proof.append(self.tree[index + 1 if index % 2 else index - 1])
            index = (index - 1) // 2
        return proof


def read_invites(path: Path) -> list[str]:
    """An invite list file: a JSON array of addresses, or one address per line (# starts a comment)."""
    try:
        text = path.read_text()
    except OSError as bad:
        raise ConfigError(f"cannot read the invite list {path}: {bad.strerror or bad}") from None
    if text.lstrip().startswith("["):
        try:
            entries = json.loads(text)
        except ValueError as bad:
            raise ConfigError(f"the invite list {path} is not valid JSON: {bad}") from None
        if not isinstance(entries, list):
            raise ConfigError(f"the invite list {path} must be a JSON array of addresses")
        return [str(entry) for entry in entries]
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]
