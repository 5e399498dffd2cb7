"""Small ABI helpers the wallet shares: canonical type strings, decoded values by field name, log topics."""

from typing import Any

from eth_utils.address import is_address, to_checksum_address


def canonical(param: dict[str, Any]) -> str:
    """The type as it appears in a signature: structs as (t1,t2,...) with any array suffix."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return f"({','.join(canonical(c) for c in param['components'])}){kind[5:]}"
    return kind


def signature(entry: dict[str, Any]) -> str:
    return f"{entry['name']}({','.join(canonical(i) for i in entry['inputs'])})"


def named(param: dict[str, Any], value: Any) -> Any:
    """A decoded ABI value with structs as dicts by field name and addresses checksummed."""
    kind = str(param["type"])
    if kind.endswith("]"):
        item = {**param, "type": kind[: kind.rindex("[")]}
        return [named(item, v) for v in value]
    if kind == "tuple":
        return {c["name"]: named(c, v) for c, v in zip(param["components"], value, strict=True)}
    if kind == "address":
        return to_checksum_address(value)
    return value


def topic(value: Any) -> str:
    """An indexed argument (an address or an integer) as a 32-byte topic."""
    if isinstance(value, str) and is_address(value):
        return "0x" + value.lower().removeprefix("0x").rjust(64, "0")
    return "0x" + int(value).to_bytes(32, "big").hex()
