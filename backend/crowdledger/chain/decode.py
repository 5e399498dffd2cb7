"""Raw logs to typed events, using the ABIs in the deployment record.

Each (contract, topic0) is looked up once in a table built at start-up; a log's data is decoded with one
eth_abi call, and indexed topics (all static types in our contracts) are converted directly, so decoding costs
one dictionary lookup and one decode per log.

Every value the ABI admits is decoded, whatever the contract would allow: integers keep their full width, and
a `string` is read as the bytes it is, then given as safe text (valid UTF-8 without NUL: what any store and
any JSON reader takes), with its exact bytes kept beside it when they differ. A log that does not decode as
its ABI says (no contract compiled by solc emits one) becomes an event without arguments that carries the
reason, so it is kept and reported rather than stopping the indexer.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils.crypto import keccak

from crowdledger.deployment import Deployment


class Event(NamedTuple):
    """One decoded contract event, with its place on the chain. (A named tuple: a backfill makes one per log,
    and a tuple is made several times faster than a frozen dataclass.)"""

    block_number: int
    log_index: int
    block_hash: str
    tx_hash: str
    contract: str  # the contract's name in the deployment record
    name: str
    args: dict[str, Any]  # ints, lower-case hex addresses, 0x-hex bytes, bools, lists, safe text
    # The exact form of each argument holding a string that is not safe text (its bytes as 0x-hex), else None.
    exact: dict[str, Any] | None = None
    error: str | None = None  # why the log did not decode (then args is empty and exact holds the raw log)

    @property
    def key(self) -> tuple[int, int]:
        """The order of events on the chain: block number, then log index."""
        return (self.block_number, self.log_index)


def safe_text(raw: bytes) -> str:
    """`raw` as text any store takes: invalid UTF-8 and NUL become U+FFFD."""
    text = raw.decode("utf-8", errors="replace")
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _plain(value: Any) -> Any:
    """ABI values to JSON-friendly ones: bytes as 0x-hex, addresses lower-case, tuples as lists."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return value.lower()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


# A converter turns a decoded value into (safe form, exact form, whether they differ).
Converter = Callable[[Any], tuple[Any, Any, bool]]


def _split_components(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(inner):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return [p for p in parts if p]


def _converter(abi_type: str) -> Converter | None:
    """How to convert a decoded value of `abi_type` (canonical) holding strings; None when it holds none."""
    if "string" not in abi_type:
        return None
    if abi_type.endswith("]"):
        element = _converter(abi_type[: abi_type.rindex("[")])
        assert element is not None

        def convert_list(values: Any) -> tuple[Any, Any, bool]:
            converted = [element(v) for v in values]
            return [c[0] for c in converted], [c[1] for c in converted], any(c[2] for c in converted)

        return convert_list
    if abi_type.startswith("("):
        parts = [(_converter(t), t) for t in _split_components(abi_type[1:-1])]

        def convert_tuple(values: Any) -> tuple[Any, Any, bool]:
            converted = [
                convert(v) if convert else (_plain(v), _plain(v), False)
                for (convert, _), v in zip(parts, values, strict=True)
            ]
            return [c[0] for c in converted], [c[1] for c in converted], any(c[2] for c in converted)

        return convert_tuple

    def convert_string(raw: bytes) -> tuple[Any, Any, bool]:
        text = safe_text(raw)
        exact = "0x" + raw.hex()
        return text, exact, text.encode() != raw

    return convert_string


_STRING = re.compile(r"\bstring\b")
_WORD_TYPES = ("address", "bool", "bytes32")  # with uintN and intN: what fits one 32-byte word as is


def _is_word(abi_type: str) -> bool:
    return abi_type in _WORD_TYPES or (abi_type.startswith(("uint", "int")) and abi_type[-1].isdigit())


def _signed(value: int) -> int:
    return value - (1 << 256) if value >> 255 else value


def _topic_expression(abi_type: str, topic: str) -> str:
    """Python reading the topic given by the expression `topic` (0x and 64 hex digits) as `abi_type`."""
    if abi_type == "address":
        return f"'0x' + {topic}[26:].lower()"
    if abi_type == "bool":
        return f"int({topic}, 16) != 0"  # int() takes the 0x itself: no slice to make
    if abi_type.startswith("uint"):
        return f"int({topic}, 16)"
    if abi_type.startswith("int"):
        return f"_signed(int({topic}, 16))"
    return f"{topic}.lower()"  # bytes32, or the hash of an indexed dynamic value


def _data_word_expression(abi_type: str, index: int, words: int) -> str:
    """Python reading word `index` of an event's data of `words` words as `abi_type`. Numbers are cut from
    `value`, the whole data read as one integer (one parse, then a shift and a mask a word, is a fifth
    cheaper than a slice and a parse a word); addresses and bytes32 from the text `data`."""
    if abi_type == "address":
        return f"'0x' + data[{26 + 64 * index}:{66 + 64 * index}].lower()"
    if abi_type == "bytes32":
        return f"'0x' + data[{2 + 64 * index}:{66 + 64 * index}].lower()"
    shift = 256 * (words - 1 - index)
    number = "value" if shift == 0 else f"(value >> {shift})"
    if index > 0:
        number = f"({number} & _WORD)"
    if abi_type == "bool":
        return f"{number} != 0"
    if abi_type.startswith("int"):
        return f"_signed({number})"
    return number


def _word_reader(
    indexed: list[dict[str, Any]], data: list[dict[str, Any]]
) -> Callable[[list[str], str], dict[str, Any]]:
    """A function reading an event's indexed arguments from its topics, and its data too when every data
    field is one word (as in pledges, the commonest event). It is made from the ABI, one expression per
    argument, as namedtuple makes its classes: decoding is most of the indexer's CPU on a dense history, and
    a call per argument costs more than the argument's own work. Wrong numbers of topics or words, and data
    that is not hex, raise ValueError."""
    fields = [
        f"{p['name']!r}: {_topic_expression(p['type'], f'topics[{i + 1}]')}" for i, p in enumerate(indexed)
    ]
    words_only = all(_is_word(p["type"]) for p in data)
    words = len(data) if words_only else 0
    fields += [
        f"{p['name']!r}: {_data_word_expression(p['type'], i, words)}" for i, p in enumerate(data[:words])
    ]
    lines = [
        "def read(topics, data):",
        f"    if len(topics) != {len(indexed) + 1}:",
        f"        raise ValueError(f'{{len(topics) - 1}} indexed values, not {len(indexed)}')",
    ]
    if words_only:
        lines += [
            f"    if len(data) != {2 + 64 * words}:",
            f"        raise ValueError(f'{{(len(data) - 2) // 2}} bytes of data, not {32 * words}')",
        ]
    if words:
        # int() also takes underscores, non-ASCII digits and whitespace around the digits, which no node's hex
        # holds: refused (a sign after the 0x int() refuses itself). Ten times cheaper than isalnum().
        lines += [
            "    if data[:2] != '0x' or not data.isascii() or '_' in data or data[-1].isspace():",
            "        raise ValueError('data is not 0x-hex')",
            "    value = int(data, 16)",
        ]
    lines.append(f"    return {{{', '.join(fields)}}}")
    namespace: dict[str, Any] = {"_signed": _signed, "_WORD": (1 << 256) - 1}
    exec("\n".join(lines), namespace)  # noqa: S102 - the source is made above from ABI types and names
    return namespace["read"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class _EventSpec:
    contract: str
    name: str
    read_words: Callable[
        [list[str], str], dict[str, Any]
    ]  # the topics' arguments, and the data's if all words
    words_only: bool  # every data field is one word: read_words reads the whole event
    data_names: list[str]
    data_types: list[str]  # as eth_abi reads them: `string` read as `bytes`, whatever the bytes are
    data_converters: list[Converter | None]  # for fields holding strings: bytes to safe text and exact form


def _canonical_type(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_canonical_type(component) for component in param["components"])
        return f"({inner}){kind[5:]}"
    return kind


class Decoder:
    def __init__(self, deployment: Deployment) -> None:
        self._specs: dict[tuple[str, str], _EventSpec] = {}
        for contract in deployment.contracts.values():
            for item in contract.abi:
                if item.get("type") != "event":
                    continue
                inputs = item["inputs"]
                signature = f"{item['name']}({','.join(_canonical_type(p) for p in inputs)})"
                topic0 = "0x" + keccak(text=signature).hex()
                indexed = [p for p in inputs if p["indexed"]]
                data = [p for p in inputs if not p["indexed"]]
                self._specs[(contract.address, topic0)] = _EventSpec(
                    contract=contract.name,
                    name=item["name"],
                    read_words=_word_reader(indexed, data),
                    words_only=all(_is_word(p["type"]) for p in data),
                    data_names=[p["name"] for p in data],
                    data_types=[_STRING.sub("bytes", _canonical_type(p)) for p in data],
                    data_converters=[_converter(_canonical_type(p)) for p in data],
                )
        self.addresses = sorted({contract.address for contract in deployment.contracts.values()})

    def decode(self, logs: Iterable[dict[str, Any]]) -> list[Event]:
        """Decode the logs our contracts emitted; logs of events the ABIs do not know are skipped."""
        events = []
        # A block's logs come together, and often several from one transaction: their numbers and hashes are
        # converted once (this loop runs for every log of a backfill).
        block: Any = object()  # matches no log: the first log's values are always converted (and checked)
        tx = block_number = block
        number, block_hash, tx_hash = 0, "", ""
        for raw in logs:
            if raw.get("removed"):
                continue
            topics = raw["topics"]
            if not topics:
                continue
            # Nodes answer in lower case: the table is asked as given, and in lower case only on a miss.
            spec = self._specs.get((raw["address"], topics[0])) or self._specs.get(
                (raw["address"].lower(), topics[0].lower())
            )
            if spec is None:
                continue
            exact: dict[str, Any] | None = None
            error = None
            try:
                if spec.words_only:
                    args = spec.read_words(topics, raw["data"])
                else:
                    args, exact = _arguments(spec, topics, raw["data"])
            except (DecodingError, ValueError, IndexError, OverflowError) as failure:
                args, error = {}, f"the log does not decode as its ABI says: {failure}"
                exact = {"topics": [t.lower() for t in topics], "data": raw["data"].lower()}
            if raw["blockHash"] != block or raw["blockNumber"] != block_number:
                block, block_number = raw["blockHash"], raw["blockNumber"]
                number, block_hash = int(block_number, 16), block.lower()
            if raw["transactionHash"] != tx:
                tx = raw["transactionHash"]
                tx_hash = tx.lower()
            events.append(
                Event(
                    number,
                    int(raw["logIndex"], 16),
                    block_hash,
                    tx_hash,
                    spec.contract,
                    spec.name,
                    args,
                    exact,
                    error,
                )
            )
        return events


def _arguments(
    spec: _EventSpec, topics: list[str], data: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The arguments of a log whose data is not all words (read_words reads the others whole), and the exact
    form of those holding strings that are not safe text (or None)."""
    args = spec.read_words(topics, data)
    exact = None
    values = abi_decode(spec.data_types, bytes.fromhex(data[2:]))
    for name, convert, value in zip(spec.data_names, spec.data_converters, values, strict=True):
        if convert is None:
            args[name] = _plain(value)
            continue
        args[name], exact_form, differs = convert(value)
        if differs:
            exact = exact or {}
            exact[name] = exact_form
    return args, exact
