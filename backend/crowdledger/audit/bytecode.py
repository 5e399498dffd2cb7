"""The code at each deployed address against the code recompiled from the repository.

The verdicts mean what Sourcify's do (https://docs.sourcify.dev/docs/exact-match-vs-match):
- **exact match**: byte for byte the same, the metadata hash included, so the same sources (to the comment)
  under the same settings; immutables and constructor arguments are masked first, as Sourcify masks them;
- **match**: the same once the CBOR metadata at the end of the code is also masked: the same behaviour, but
  sources or settings that differ in something the metadata records (comments, paths, names);
- **mismatch**: different code, with the byte ranges that differ.
Runtime code is read at the audited block; creation code is the input of the transaction that created the
contract (found by a binary search for the first block with code at the address). The report lists what was
masked and the values found there: each immutable by name, and the decoded constructor arguments.

Masked values are then checked for what they point to, since a contract deployed by a factory has no
creation code to compare and its immutables could hold anything: the code a contract delegates to (Bounty's
`reviews`) is compared with its own compiled code, and each contract's reputation ledger (Bounty's immutable,
Crowdfund's `reputation()`) must be the record's Reputation (or none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode

from crowdledger.audit.calls import Call, Caller, call_all, canonical_type, plain
from crowdledger.audit.model import CheckResult, Mismatch
from crowdledger.audit.replay.base import ZERO_ADDRESS
from crowdledger.audit.solc import Compiled
from crowdledger.chain.rpc import Rpc
from crowdledger.deployment import DeployedContract
from crowdledger.errors import RpcError, RpcRefused

# Code a contract delegates to, at the address one of its immutables holds: (immutable, compiled contract).
DELEGATES = {"Bounty": ("reviews", "BountyReviews")}

EXACT = "exact match"
MATCH = "match"
MISMATCH = "mismatch"
NOT_CHECKED = "not checked"
DIFFERENCES_KEPT = 20


@dataclass
class Comparison:
    status: str
    masked: list[dict[str, Any]] = field(default_factory=list)
    differences: list[dict[str, int]] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "masked": self.masked,
            "differences": self.differences,
            "note": self.note,
        }


def split_metadata(code: bytes) -> tuple[bytes, bytes]:
    """(code, CBOR metadata) when the code ends with the compiler's CBOR block and its 2-byte length."""
    if len(code) < 2:
        return code, b""
    length = int.from_bytes(code[-2:], "big")
    start = len(code) - 2 - length
    if length == 0 or start < 0 or not 0xA0 <= code[start] <= 0xB7:  # a CBOR map
        return code, b""
    return code[:start], code[start:]


def describe_metadata(cbor: bytes) -> dict[str, str]:
    """The CBOR map the compiler appends ({"ipfs": ..., "solc": ...}), values as hex; {} if unreadable."""
    found: dict[str, str] = {}
    i = 1
    try:
        for _ in range(cbor[0] - 0xA0):
            key_length = cbor[i] - 0x60
            key = cbor[i + 1 : i + 1 + key_length].decode()
            i += 1 + key_length
            head = cbor[i]
            if head == 0x58:  # a byte string with a one-byte length
                size, i = cbor[i + 1], i + 2
            elif 0x40 <= head <= 0x57:
                size, i = head - 0x40, i + 1
            elif head in (0xF4, 0xF5):  # false, true
                found[key] = str(head == 0xF5).lower()
                i += 1
                continue
            else:
                return found
            value = cbor[i : i + size]
            found[key] = ".".join(str(b) for b in value) if key == "solc" else "0x" + value.hex()
            i += size
    except (IndexError, UnicodeDecodeError):
        return found
    return found


def differences(chain: bytes, compiled: bytes) -> list[dict[str, int]]:
    """The byte ranges [start, end) where the two differ (at most DIFFERENCES_KEPT), a length change last."""
    ranges: list[dict[str, int]] = []
    start = None
    common = min(len(chain), len(compiled))
    for i in range(common + 1):
        differs = i < common and chain[i] != compiled[i]
        if differs and start is None:
            start = i
        elif not differs and start is not None:
            ranges.append({"start": start, "end": i})
            start = None
            if len(ranges) == DIFFERENCES_KEPT:
                break
    if len(chain) != len(compiled):
        ranges.append(
            {
                "start": common,
                "end": max(len(chain), len(compiled)),
                "chain_length": len(chain),
                "compiled_length": len(compiled),
            }
        )
    return ranges


def compare_runtime(chain: bytes, compiled: Compiled) -> Comparison:
    expected = bytearray(compiled.runtime)
    found = bytearray(chain)
    masked = []
    for ast_id, spans in sorted(compiled.immutables.items()):
        for start, length in spans:
            if start + length <= len(found):
                masked.append(
                    {
                        "what": f"immutable {compiled.immutable_names[ast_id]}",
                        "start": start,
                        "length": length,
                        "value": "0x" + bytes(found[start : start + length]).hex(),
                    }
                )
                found[start : start + length] = bytes(length)
                expected[start : start + length] = bytes(length)
    if found == expected:
        return Comparison(EXACT, masked)
    chain_code, chain_cbor = split_metadata(bytes(found))
    compiled_code, compiled_cbor = split_metadata(bytes(expected))
    if chain_cbor and chain_code == compiled_code:
        masked.append(
            {
                "what": "CBOR metadata",
                "start": len(chain_code),
                "length": len(chain_cbor),
                "value": "0x" + chain_cbor.hex(),
            }
        )
        return Comparison(
            MATCH,
            masked,
            note=f"the metadata differs: on chain {describe_metadata(chain_cbor)}, "
            f"recompiled {describe_metadata(compiled_cbor)}",
        )
    return Comparison(MISMATCH, masked, differences(bytes(found), bytes(expected)))


def compare_creation(tx_input: bytes, compiled: Compiled) -> tuple[Comparison, list[dict[str, Any]]]:
    """The creation transaction's input against the compiled creation code; also the constructor arguments."""
    code = compiled.creation
    if len(tx_input) < len(code):
        return Comparison(
            MISMATCH, differences(tx_input, code), note="shorter than the compiled creation code"
        ), []
    prefix, encoded_args = tx_input[: len(code)], tx_input[len(code) :]
    arguments = constructor_arguments(compiled.abi, encoded_args)
    masked: list[dict[str, Any]] = [
        {
            "what": "constructor arguments",
            "start": len(code),
            "length": len(encoded_args),
            "value": "0x" + encoded_args.hex(),
        }
    ]
    if prefix == code:
        return Comparison(EXACT, masked), arguments
    _, cbor = split_metadata(compiled.runtime)
    at = code.rfind(cbor) if cbor else -1
    if at >= 0:
        end = at + len(cbor)
        if prefix[:at] == code[:at] and prefix[end:] == code[end:]:
            masked.append(
                {
                    "what": "CBOR metadata",
                    "start": at,
                    "length": len(cbor),
                    "value": "0x" + prefix[at:end].hex(),
                }
            )
            note = (
                f"the metadata differs: on chain {describe_metadata(prefix[at:end])}, "
                f"recompiled {describe_metadata(cbor)}"
            )
            return Comparison(MATCH, masked, note=note), arguments
    return Comparison(MISMATCH, masked, differences(prefix, code)), arguments


def constructor_arguments(abi: list[dict[str, Any]], encoded: bytes) -> list[dict[str, Any]]:
    inputs: list[dict[str, Any]] = next(
        (item["inputs"] for item in abi if item.get("type") == "constructor"), []
    )
    if not inputs:
        return []
    try:
        values = abi_decode([canonical_type(p) for p in inputs], encoded)
    except Exception as bad:  # eth_abi raises several unrelated types on malformed data
        return [{"name": "(undecodable)", "value": f"0x{encoded.hex()} ({type(bad).__name__})"}]
    return [
        {"name": p["name"], "type": p["type"], "value": str(plain(v))}
        for p, v in zip(inputs, values, strict=True)
    ]


def creation_transaction(rpc: Rpc, address: str, block: int) -> tuple[dict[str, Any] | None, str]:
    """The transaction that created `address` (by a binary search for the first block with its code), or None
    and why not."""
    try:
        if rpc.code(address, block) in ("0x", ""):
            return None, f"no code at {address} at block {block}"
        low, high = 0, block
        while low < high:
            middle = (low + high) // 2
            if rpc.code(address, middle) in ("0x", ""):
                low = middle + 1
            else:
                high = middle
        created = rpc.call("eth_getBlockByNumber", [hex(low), True])
        if created is None:
            return None, f"the node does not have block {low}, where the code appeared"
        for tx in created["transactions"]:
            if tx.get("to") is None:
                receipt = rpc.call("eth_getTransactionReceipt", [tx["hash"]])
                if receipt is None:  # a node that keeps no index of old transactions
                    return (
                        None,
                        f"the node has no receipt for {tx['hash']} (is its transaction index pruned?)",
                    )
                if str(receipt.get("contractAddress") or "").lower() == address:
                    return tx, ""
    except (RpcError, RpcRefused) as failure:
        return None, f"the node cannot say which transaction created it ({failure})"
    return None, f"created in block {low} by another contract, not by a transaction of its own"


def compiled_names(contracts: dict[str, DeployedContract]) -> list[str]:
    """What to compile to check `contracts`: each of them and the code they delegate to."""
    return sorted(set(contracts) | {DELEGATES[name][1] for name in contracts if name in DELEGATES})


def _immutable(runtime: Comparison, name: str) -> str | None:
    """The address an immutable holds, as found in the code (the last 20 bytes of its word)."""
    for masked in runtime.masked:
        if masked["what"] == f"immutable {name}":
            return "0x" + str(masked["value"])[-40:]
    return None


def _check_delegate(
    rpc: Rpc,
    block: int,
    name: str,
    deployed: DeployedContract,
    runtime: Comparison,
    compiled: dict[str, Compiled],
    result: CheckResult,
) -> Comparison | None:
    if name not in DELEGATES or runtime.status == MISMATCH:
        return None
    immutable, delegate_name = DELEGATES[name]
    address = _immutable(runtime, immutable)
    if address is None or delegate_name not in compiled:
        return None
    built = compiled[delegate_name]
    comparison = compare_runtime(bytes.fromhex(rpc.code(address, block)[2:]), built)
    comparison.note = f"{delegate_name} at {address} ({immutable}); " + comparison.note
    if comparison.status == MISMATCH:
        result.add(
            Mismatch(
                "bytecode",
                f"{name} at {deployed.address}",
                f"the code {name} delegates to ({immutable}, at {address}) differs from {delegate_name} "
                f"compiled from {built.source}",
            )
        )
    return comparison


def _abi_items(abi: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each function, event and error of an ABI by its signature ("event ScoreChanged(address,...)")."""
    items = {}
    for item in abi:
        if item.get("type") in ("function", "event", "error"):
            inputs = ",".join(canonical_type(p) for p in item.get("inputs", []))
            items[f"{item['type']} {item['name']}({inputs})"] = item
    return items


def _check_abi(name: str, deployed: DeployedContract, built: Compiled, result: CheckResult) -> None:
    """The audit decodes logs and calls views with the record's ABI: one that leaves an event out would skip
    those logs, silently, so it must be the compiled one."""
    recorded, compiled_items = _abi_items(deployed.abi), _abi_items(built.abi)
    differing = sorted(
        signature
        for signature in recorded.keys() | compiled_items.keys()
        if recorded.get(signature) != compiled_items.get(signature)
    )
    if differing:
        result.add(
            Mismatch(
                "bytecode",
                f"{name} at {deployed.address}",
                f"the record's ABI differs from the compiled one in {len(differing)} entries: "
                + "; ".join(differing[:5]),
            )
        )


def _check_ledger(
    rpc: Rpc,
    block: int,
    name: str,
    deployed: DeployedContract,
    runtime: Comparison,
    contracts: dict[str, DeployedContract],
    result: CheckResult,
) -> None:
    """A contract that records reputation elsewhere than the record's Reputation weighs votes and vetoes by
    code nobody audited."""
    if "Reputation" not in contracts or name == "Reputation":
        return
    ledger = contracts["Reputation"].address.lower()
    wired = _immutable(runtime, "reputation")
    if wired is None and name == "Crowdfund":
        [answer] = call_all(rpc, [Call(Caller(deployed), "reputation", ())], block)
        wired = None if isinstance(answer, Exception) else str(answer["out0"])
    if wired is not None and wired.lower() not in (ledger, ZERO_ADDRESS):
        result.add(
            Mismatch(
                "bytecode",
                f"{name} at {deployed.address}",
                f"{name} records reputation in {wired}, not in the record's Reputation at {ledger}",
            )
        )


def check(
    rpc: Rpc, block: int, contracts: dict[str, DeployedContract], compiled: dict[str, Compiled]
) -> CheckResult:
    result = CheckResult("bytecode", "The code at each address is the code compiled from this repository")
    levels = []
    for name, deployed in sorted(contracts.items()):
        built = compiled[name]
        runtime = compare_runtime(bytes.fromhex(rpc.code(deployed.address, block)[2:]), built)
        tx, why = creation_transaction(rpc, deployed.address, block)
        arguments: list[dict[str, Any]] = []
        if tx is None:
            creation = Comparison(NOT_CHECKED, note=why)
        else:
            creation, arguments = compare_creation(bytes.fromhex(tx["input"][2:]), built)
        entry = {
            "contract": name,
            "address": deployed.address,
            "source": f"{built.source}:{name}",
            "creation_tx": tx["hash"].lower() if tx else None,
            "runtime": runtime.to_json(),
            "creation": creation.to_json(),
            "constructor_arguments": arguments,
        }
        result.details.append(entry)
        delegate = _check_delegate(rpc, block, name, deployed, runtime, compiled, result)
        if delegate is not None:
            entry["delegate"] = delegate.to_json()
            levels.append(delegate.status)
        _check_ledger(rpc, block, name, deployed, runtime, contracts, result)
        _check_abi(name, deployed, built, result)
        for part, comparison in (("runtime", runtime), ("creation", creation)):
            levels.append(comparison.status)
            if comparison.status == MISMATCH:
                spans = (
                    ", ".join(f"bytes {d['start']}..{d['end']}" for d in comparison.differences[:5])
                    or "lengths"
                )
                result.add(
                    Mismatch(
                        "bytecode",
                        f"{name} at {deployed.address}",
                        f"the {part} code differs from the code compiled from {built.source}: {spans}"
                        + (
                            f" ({len(comparison.differences)} ranges)"
                            if len(comparison.differences) > 5
                            else ""
                        ),
                    )
                )
    compiler = (
        next(iter(compiled.values())).metadata.get("compiler", {}).get("version", "?") if compiled else "?"
    )
    counts = {
        level: levels.count(level) for level in (EXACT, MATCH, MISMATCH, NOT_CHECKED) if level in levels
    }
    result.summary = f"solc {compiler}: " + ", ".join(f"{n} {level}" for level, n in counts.items())
    return result
