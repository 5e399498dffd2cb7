"""Read-only contract calls at a fixed block, encoded and decoded with the ABIs in the deployment record,
sent in JSON-RPC batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import DecodingError
from eth_utils.crypto import keccak

from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import DeployedContract
from crowdledger.errors import DeploymentError, RpcRefused

CALLS_PER_BATCH = 200


def canonical_type(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(component) for component in param["components"])
        return f"({inner}){kind[5:]}"
    return kind


def plain(value: Any) -> Any:
    """ABI values as the decoder gives events: addresses lower-case, bytes 0x-hex, tuples as lists."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return value.lower()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _named(outputs: list[dict[str, Any]], values: Sequence[Any]) -> dict[str, Any]:
    """Output values by name; a single struct output is opened into its fields; unnamed outputs are out0..."""
    if len(outputs) == 1 and outputs[0]["type"] == "tuple":
        return _named(outputs[0]["components"], values[0])
    return {(o["name"] or f"out{i}"): plain(v) for i, (o, v) in enumerate(zip(outputs, values, strict=True))}


@dataclass(frozen=True)
class Function:
    name: str
    selector: bytes
    input_types: list[str]
    output_types: list[str]
    outputs: list[dict[str, Any]]


class Caller:
    """Calls one deployed contract's view functions."""

    def __init__(self, contract: DeployedContract) -> None:
        self.contract = contract
        self._functions: dict[str, Function] = {}
        for item in contract.abi:
            if item.get("type") != "function":
                continue
            inputs = [canonical_type(p) for p in item["inputs"]]
            signature = f"{item['name']}({','.join(inputs)})"
            self._functions[item["name"]] = Function(
                item["name"],
                keccak(text=signature)[:4],
                inputs,
                [canonical_type(p) for p in item["outputs"]],
                list(item["outputs"]),
            )

    def has(self, name: str) -> bool:
        return name in self._functions

    def function(self, name: str) -> Function:
        try:
            return self._functions[name]
        except KeyError:
            raise DeploymentError(
                f"The ABI of {self.contract.name} in the deployment record has no function {name}"
            ) from None

    def calldata(self, name: str, args: Sequence[Any]) -> str:
        f = self.function(name)
        return "0x" + (f.selector + abi_encode(f.input_types, list(args))).hex()

    def decode(self, name: str, data: str) -> dict[str, Any]:
        f = self.function(name)
        return _named(f.outputs, abi_decode(f.output_types, bytes.fromhex(data[2:])))


@dataclass(frozen=True)
class Call:
    caller: Caller
    function: str
    args: tuple[Any, ...]


def call_all(rpc: Rpc, calls: Sequence[Call], block: int) -> list[dict[str, Any] | RpcRefused]:
    """Each call's named outputs at `block`, in order; a call that reverted gives its RpcRefused instead."""
    results: list[dict[str, Any] | RpcRefused] = []
    for start in range(0, len(calls), CALLS_PER_BATCH):
        chunk = calls[start : start + CALLS_PER_BATCH]
        requests = [
            (
                "eth_call",
                [
                    {"to": c.caller.contract.address, "data": c.caller.calldata(c.function, c.args)},
                    hex(block),
                ],
            )
            for c in chunk
        ]
        try:
            answers: list[Any] = rpc.call_many(requests)
        except RpcRefused:  # one call reverted: ask one by one to know which
            answers = []
            for method, params in requests:
                try:
                    answers.append(rpc.call(method, params))
                except RpcRefused as failure:
                    answers.append(failure)
        for c, answer in zip(chunk, answers, strict=True):
            results.append(answer if isinstance(answer, RpcRefused) else _decoded(c, answer))
    return results


def _decoded(call: Call, answer: Any) -> dict[str, Any] | RpcRefused:
    """The call's named outputs, or, for an answer that does not decode as them ("0x" from an address with
    no code: a wrong address in the record), a failure of that call rather than of the audit."""
    try:
        return call.caller.decode(call.function, answer)
    except (DecodingError, ValueError, TypeError) as failure:
        address = call.caller.contract.address
        return RpcRefused(
            f"eth_call answered {str(answer)[:20]!r}, not {call.function}'s outputs ({failure}); is "
            f"there a {call.caller.contract.name} at {address}?"
        )
