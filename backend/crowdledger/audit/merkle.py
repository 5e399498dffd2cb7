"""A Merkle sum tree over what the contracts owe, per-account proofs, and their verification.

Each leaf is one (contract, holder, asset, amount owed). Each node commits to its two children's hashes and to
their sums, kept per "CONTRACT/ASSET" (amounts of different assets are never added). So the root commits to
every contract's total owed in every asset, the totals the audit compared with what the contracts hold, and a
proof shows one holder's claim is inside those totals: a verifier recomputes the path from the leaf and needs
nothing but the root. Committing to both children's sums (not only their total) is what stops a prover from
hiding a claim behind a negative sum on the path (the flaw of the first Maxwell scheme); sums must also be
non-negative.

Encoding (keccak-256; JSON with sorted keys, no spaces, amounts as decimal strings):
    leaf  = keccak(0x00 || json([contract, holder, asset, amount]))
    node  = keccak(0x01 || left.hash || right.hash || json([left.sums, right.sums]))
    empty = keccak(0x02 || contract)    (a contract that owes nothing)
Leaves are sorted by (contract, holder, asset) and paired left to right; an odd node at the end of a level
moves up unchanged. Each contract has its own tree; the report's root is the same construction over the
contract roots in name order, so a proof is the leaf's path to its contract root, continued to the report
root.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eth_utils.crypto import keccak

from crowdledger.errors import CrowdLedgerError

Sums = dict[str, int]


class ProofError(CrowdLedgerError):
    """A proof is malformed or does not lead to the root it is checked against."""


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def _sums_json(sums: Sums) -> dict[str, str]:
    return {key: str(amount) for key, amount in sorted(sums.items())}


@dataclass(frozen=True)
class Leaf:
    contract: str
    holder: str
    asset: str
    amount: int

    @property
    def key(self) -> str:
        return f"{self.contract}/{self.asset}"

    def node(self) -> Node:
        digest = keccak(b"\x00" + _json([self.contract, self.holder, self.asset, str(self.amount)]))
        return Node(digest, {self.key: self.amount})

    def to_json(self) -> dict[str, str]:
        return {
            "contract": self.contract,
            "holder": self.holder,
            "asset": self.asset,
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class Node:
    hash: bytes
    sums: Sums

    def hex(self) -> str:
        return "0x" + self.hash.hex()


def combine(left: Node, right: Node) -> Node:
    digest = keccak(b"\x01" + left.hash + right.hash + _json([_sums_json(left.sums), _sums_json(right.sums)]))
    sums = dict(left.sums)
    for key, amount in right.sums.items():
        sums[key] = sums.get(key, 0) + amount
    return Node(digest, sums)


def empty(contract: str) -> Node:
    return Node(keccak(b"\x02" + contract.encode()), {})


def _levels(nodes: list[Node]) -> list[list[Node]]:
    levels = [nodes]
    while len(levels[-1]) > 1:
        below = levels[-1]
        above = [combine(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
        if len(below) % 2:
            above.append(below[-1])
        levels.append(above)
    return levels


def _path(levels: list[list[Node]], index: int) -> list[dict[str, Any]]:
    steps = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            node = level[sibling]
            side = "left" if sibling < index else "right"
            steps.append({"side": side, "hash": node.hex(), "sums": _sums_json(node.sums)})
        index //= 2
    return steps


class SumTree:
    """The trees over a report's obligations: one per contract, and the report root over their roots."""

    def __init__(self, leaves: Iterable[Leaf], contracts: Iterable[str]) -> None:
        by_contract: dict[str, list[Leaf]] = defaultdict(list)
        for leaf in leaves:
            if leaf.amount < 0:
                raise ValueError(f"a negative amount owed: {leaf}")
            if leaf.amount:
                by_contract[leaf.contract].append(leaf)
        self.contracts = sorted(set(contracts) | by_contract.keys())
        self.leaves = {c: sorted(by_contract[c], key=lambda x: (x.holder, x.asset)) for c in self.contracts}
        self.trees = {
            c: _levels([leaf.node() for leaf in self.leaves[c]] or [empty(c)]) for c in self.contracts
        }
        self.top = _levels([self.trees[c][-1][0] for c in self.contracts] or [empty("")])

    @property
    def root(self) -> Node:
        return self.top[-1][0]

    def contract_root(self, contract: str) -> Node:
        return self.trees[contract][-1][0]

    def proofs(self, holder: str) -> list[dict[str, Any]]:
        """A proof for each of `holder`'s leaves (one per contract and asset it is owed in)."""
        found = []
        for position, contract in enumerate(self.contracts):
            for index, leaf in enumerate(self.leaves[contract]):
                if leaf.holder == holder:
                    path = _path(self.trees[contract], index) + _path(self.top, position)
                    found.append({"leaf": leaf.to_json(), "path": path})
        return found


@dataclass(frozen=True)
class Verified:
    leaf: Leaf
    root: str
    total: int  # what the root commits the leaf's contract owes in the leaf's asset


def verify(proof: dict[str, Any], root: str) -> Verified:
    """Recompute `proof`'s path from its leaf; return what it proves when it ends at `root`, else raise."""
    try:
        raw = proof["leaf"]
        leaf = Leaf(
            str(raw["contract"]), str(raw["holder"]).lower(), str(raw["asset"]).lower(), int(raw["amount"])
        )
        node = leaf.node()
        for step in proof["path"]:
            sums = {str(key): int(amount) for key, amount in step["sums"].items()}
            if any(amount < 0 for amount in sums.values()):
                raise ProofError("a sibling on the path claims a negative sum")
            sibling = Node(bytes.fromhex(str(step["hash"]).removeprefix("0x")), sums)
            if step["side"] == "left":
                node = combine(sibling, node)
            elif step["side"] == "right":
                node = combine(node, sibling)
            else:
                raise ProofError(f"a step's side must be 'left' or 'right', not {step['side']!r}")
    except (KeyError, TypeError, ValueError, AttributeError) as bad:
        raise ProofError(f"the proof is malformed: {bad!r}") from None
    if leaf.amount < 0:
        raise ProofError("the leaf claims a negative amount")
    if node.hex() != root.lower():
        raise ProofError(f"the proof leads to root {node.hex()}, not to {root.lower()}")
    return Verified(leaf, node.hex(), node.sums.get(leaf.key, 0))
