"""Contract events with any values their ABI admits, for the fuzz tests of all that reads events (the
indexer, the pages, the audit's replay): hypothesis strategies derived from each event's ABI types (extremes
of every integer width, strings of any bytes: invalid UTF-8, NUL), their encoding as logs, and a simulated
chain that serves them to the real indexer."""

import functools
from typing import Any

from brownie import Bounty, Crowdfund, Reputation
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import HealthCheck
from hypothesis import strategies as st

from crowdledger.chain.decode import safe_text
from crowdledger.chain.rpc import Block
from crowdledger.deployment import DeployedContract

# ----------------------------------------------------------------------------- strategies from ABI types


def components(param: dict[str, Any]) -> str:
    kind = param["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(components(c) for c in param["components"]) + ")" + kind[5:]
    return kind


def _split(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(inner):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    return [*parts, inner[start:]] if inner else parts


def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    edges = {low, low + 1, 0, 1, high - 1, high, 2**63 - 1, 2**63, 2**64 - 1, -(2**63), -(2**63) - 1}
    return st.one_of(st.sampled_from(sorted(v for v in edges if low <= v <= high)), st.integers(low, high))


STRANGE_BYTES = [b"", b"\xff", b"\xc3(", b"a\x00b", b"\x00", "é€😀".encode(), b"\xed\xa0\x80", b"ipfs://x"]


@functools.cache
def strategy(abi_type: str) -> st.SearchStrategy[Any]:
    """Any value of `abi_type` (canonical), extremes first. Strings are drawn as raw bytes: they are
    encoded exactly as `bytes` are, which is how a contract can emit any bytes in a `string`. Built once per
    type: hypothesis describes each new strategy from its source, which would cost more than the test."""
    if abi_type.endswith("]"):
        element, size = abi_type[: abi_type.rindex("[")], abi_type[abi_type.rindex("[") + 1 : -1]
        count = int(size) if size else None
        return st.lists(strategy(element), min_size=count or 0, max_size=count or 3)
    if abi_type.startswith("("):
        return st.tuples(*(strategy(t) for t in _split(abi_type[1:-1])))
    if abi_type.startswith("uint"):
        return _integers(0, 2 ** int(abi_type[4:] or 256) - 1)
    if abi_type.startswith("int"):
        bits = int(abi_type[3:] or 256)
        return _integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if abi_type == "address":
        return st.one_of(
            st.sampled_from(["0x" + "00" * 20, "0x" + "ff" * 20]), st.binary(min_size=20, max_size=20)
        ).map(lambda a: a if isinstance(a, str) else "0x" + a.hex())
    if abi_type == "bool":
        return st.booleans()
    if abi_type in ("string", "bytes"):
        return st.one_of(st.sampled_from(STRANGE_BYTES), st.binary(max_size=70))
    if abi_type.startswith("bytes"):
        size = int(abi_type[5:])
        return st.binary(min_size=size, max_size=size)
    raise NotImplementedError(abi_type)


def wire_type(abi_type: str) -> str:
    return abi_type.replace("string", "bytes")


def expected(abi_type: str, value: Any) -> tuple[Any, Any, bool]:
    """What the index must hold for `value`: (safe form, exact form, whether they differ)."""
    if abi_type.endswith("]"):
        element = abi_type[: abi_type.rindex("[")]
        items = [expected(element, v) for v in value]
        return [i[0] for i in items], [i[1] for i in items], any(i[2] for i in items)
    if abi_type.startswith("("):
        items = [expected(t, v) for t, v in zip(_split(abi_type[1:-1]), value, strict=True)]
        return [i[0] for i in items], [i[1] for i in items], any(i[2] for i in items)
    if abi_type == "string":
        exact = "0x" + value.hex()
        return safe_text(value), exact, safe_text(value).encode() != value
    if isinstance(value, bytes):
        return "0x" + value.hex(), "0x" + value.hex(), False
    if isinstance(value, str):
        return value.lower(), value.lower(), False
    return value, value, False


def events_of(abi: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in abi if item.get("type") == "event" and not item.get("anonymous")]


# ----------------------------------------------------------------------------- a simulated chain


class SimulatedChain:
    """Just enough of a node for the indexer: blocks with hashes, parents and times, and their logs."""

    def __init__(self, chain_id: int) -> None:
        self.chain_id_value = chain_id
        self.blocks: list[list[dict[str, Any]]] = [[]]  # block 0: the deployment's parent

    def _hash(self, number: int) -> str:
        return "0x" + keccak(text=f"block {number}").hex()

    def chain_id(self) -> int:
        return self.chain_id_value

    def head(self) -> int:
        return len(self.blocks) - 1

    def block(self, number: int) -> Block | None:
        if not 0 <= number < len(self.blocks):
            return None
        return Block(number, self._hash(number), self._hash(number - 1), 1_700_000_000 + 12 * number)

    def logs(self, first: int, last: int, addresses: list[str], attempts: int | None = None) -> list[dict]:
        return [log for block in self.blocks[first : last + 1] for log in block]

    def add_block(self, logs: list[tuple[str, list[str], str]]) -> int:
        number = len(self.blocks)
        self.blocks.append(
            [
                {
                    "address": address,
                    "topics": topics,
                    "data": data,
                    "blockNumber": hex(number),
                    "blockHash": self._hash(number),
                    "blockTimestamp": hex(1_700_000_000 + 12 * number),
                    "logIndex": hex(i),
                    "transactionHash": "0x" + keccak(text=f"tx {number} {i}").hex(),
                    "removed": False,
                }
                for i, (address, topics, data) in enumerate(logs)
            ]
        )
        return number

    def add_events(
        self, batch: list[tuple[DeployedContract, dict[str, Any], list[Any]]]
    ) -> list[tuple[int, int]]:
        """The logged events of `batch` (logged_events' draws), a few to a block; their (block, log index)."""
        positions = []
        for start in range(0, len(batch), 3):
            logs = [(c.address, *encode_log(e, v)) for c, e, v in batch[start : start + 3]]
            number = self.add_block(logs)
            positions += [(number, i) for i in range(len(logs))]
        return positions


# the health checks the fuzz tests set aside: a fixture reused across examples (a store, a growing chain),
# and large examples (a batch of events with long arrays is what they are for)
FUZZ_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def encode_log(event: dict[str, Any], values: list[Any]) -> tuple[list[str], str]:
    types = [components(p) for p in event["inputs"]]
    topic0 = "0x" + keccak(text=f"{event['name']}({','.join(types)})").hex()
    topics, data_types, data_values = [topic0], [], []
    for param, abi_type, value in zip(event["inputs"], types, values, strict=True):
        if param["indexed"]:
            word = encode([wire_type(abi_type)], [value])
            topics.append("0x" + (word if len(word) == 32 and "[" not in abi_type else keccak(word)).hex())
        else:
            data_types.append(wire_type(abi_type))
            data_values.append(value)
    return topics, "0x" + encode(data_types, data_values).hex()


# ----------------------------------------------------------------------------- the deployed contracts' events


def contracts_under_test() -> dict[str, DeployedContract]:
    return {
        name: DeployedContract(name, "0x" + keccak(text=name).hex()[-40:], artifact.abi)
        for name, artifact in (("Crowdfund", Crowdfund), ("Bounty", Bounty), ("Reputation", Reputation))
    }


CONTRACTS = contracts_under_test()
EVENTS = [(contract, event) for contract in CONTRACTS.values() for event in events_of(contract.abi)]


@st.composite
def logged_events(draw: Any) -> tuple[DeployedContract, dict[str, Any], list[Any]]:
    contract, event = draw(st.sampled_from(EVENTS))
    values = [draw(strategy(components(p))) for p in event["inputs"]]
    return contract, event, values
