"""The decoder's word-by-word fast path gives exactly what the general ABI decoder gives."""

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from crowdledger.chain.decode import Decoder
from crowdledger.deployment import DeployedContract, Deployment

ADDRESS = "0x" + "ab" * 20
TYPES = {
    "uint256": st.integers(0, 2**256 - 1),
    "uint8": st.integers(0, 255),
    "int256": st.integers(-(2**255), 2**255 - 1),
    "address": st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex()),
    "bool": st.booleans(),
    "bytes32": st.binary(min_size=32, max_size=32),
}
FIELDS = st.lists(st.sampled_from(sorted(TYPES)), min_size=1, max_size=6)


def decoder_for(types: list[str], indexed: int) -> Decoder:
    inputs = [{"name": f"f{i}", "type": t, "indexed": i < indexed} for i, t in enumerate(types)]
    abi = [{"type": "event", "name": "E", "inputs": inputs, "anonymous": False}]
    return Decoder(Deployment("t", 1, 0, {"C": DeployedContract("C", ADDRESS, abi)}))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), types=FIELDS, indexed=st.integers(0, 3))
def test_static_fields_decode_like_the_abi_decoder(data, types, indexed):
    indexed = min(indexed, len(types))
    values = [data.draw(TYPES[t]) for t in types]
    topic0 = "0x" + keccak(text=f"E({','.join(types)})").hex()
    topics = [topic0] + [
        "0x" + encode([t], [v]).hex() for t, v in zip(types[:indexed], values[:indexed], strict=True)
    ]
    log = {
        "address": ADDRESS,
        "topics": topics,
        "data": "0x" + encode(types[indexed:], values[indexed:]).hex(),
        "blockNumber": "0x5",
        "logIndex": "0x1",
        "blockHash": "0x" + "11" * 32,
        "transactionHash": "0x" + "22" * 32,
    }
    [event] = decoder_for(types, indexed).decode([log])
    expected = {
        f"f{i}": ("0x" + v.hex() if isinstance(v, bytes) else v.lower() if isinstance(v, str) else v)
        for i, v in enumerate(values)
    }
    assert event.args == expected
    assert (event.name, event.contract, event.key) == ("E", "C", (5, 1))


def test_dynamic_fields_take_the_general_path():
    types = ["uint256", "string", "uint16[]"]
    decoder = decoder_for(types, 0)
    topic0 = "0x" + keccak(text="E(uint256,string,uint16[])").hex()
    log = {
        "address": ADDRESS,
        "topics": [topic0],
        "data": "0x" + encode(types, [7, "héllo", [1, 2]]).hex(),
        "blockNumber": "0x1",
        "logIndex": "0x0",
        "blockHash": "0x" + "11" * 32,
        "transactionHash": "0x" + "22" * 32,
    }
    assert decoder.decode([log])[0].args == {"f0": 7, "f1": "héllo", "f2": [1, 2]}


def test_logs_of_unknown_events_and_removed_logs_are_skipped():
    decoder = decoder_for(["uint256"], 0)
    unknown = {"address": ADDRESS, "topics": ["0x" + "00" * 32], "data": "0x"}
    assert decoder.decode([unknown, {"removed": True}]) == []


@pytest.mark.parametrize(
    "data",
    [
        "-0x" + "0" * 63 + "1",  # int() takes a sign: a uint256 read as -1
        "0x" + "0" * 62 + "_1",  # and underscores between digits
        "0x" + "0" * 63 + "\u0663",  # and non-ASCII digits (ARABIC-INDIC THREE)
        "0x" + "0" * 63 + "g",
        "0x" + "0" * 62 + "1 ",  # and whitespace after the digits (1 read as the word's high digit)
        "0x" + "0" * 62 + "1\n",
        "0x 0" + "0" * 61 + "1",  # whitespace inside is refused by int() itself
        "0x" + "0" * 62 + "+1",
    ],
)
def test_data_that_is_not_hex_is_reported_not_read(data):
    """A words-only event's data is read as one integer; int() alone would read some non-hex as a number."""
    decoder = decoder_for(["uint256"], 0)
    topic0 = "0x" + keccak(text="E(uint256)").hex()
    log = {
        "address": ADDRESS,
        "topics": [topic0],
        "data": data,
        "blockNumber": "0x1",
        "logIndex": "0x0",
        "blockHash": "0x" + "11" * 32,
        "transactionHash": "0x" + "22" * 32,
    }
    [event] = decoder.decode([log])
    assert event.args == {} and "does not decode" in event.error
