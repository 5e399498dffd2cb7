"""Every contract error has a sentence, every sentence fits its error's arguments, and a revert decodes to one
line with its values in units and dates. These need no chain: they read the compiled ABIs in build/."""

import json
import re

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from crowdledger.chain.decode import Event
from crowdledger.wallet.abi import canonical, signature
from crowdledger.wallet.describe import EVENT_SENTENCES, describe
from crowdledger.wallet.erc20 import ERC20_ABI
from crowdledger.wallet.explain import MEANINGS, About, ErrorTable, explain
from crowdledger.wallet.units import Token
from tests.cli.conftest import BUILD

DUSD = Token("0x" + "ab" * 20, "DUSD", 6)
# a moment whose rendering is easy to recognise: 2026-12-01 14:00 UTC
DEC_FIRST = 1_796_133_600


def _entries(kind: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted(BUILD.glob("*.json")):
        for entry in json.loads(path.read_text()).get("abi", []):
            if entry.get("type") == kind:
                found.setdefault(entry["name"], entry)
    return found


def _sample(param: dict) -> object:
    kind = canonical(param)
    if kind == "address":
        return "0x" + "12" * 20
    if kind == "bool":
        return True
    if kind.startswith("bytes"):
        return b"\x07" * (32 if kind in ("bytes32", "bytes") else int(kind[5:]))
    if kind == "string":
        return "text"
    if kind.endswith("[]"):
        return []
    if kind.startswith(("uint", "int")):
        return 2 if kind == "uint8" else 7 * 10**17
    raise AssertionError(f"no sample for {kind}")


ERRORS = _entries("error")
EVENTS = _entries("event")


def test_the_build_has_errors_to_explain():
    assert len(ERRORS) > 100, f"only {len(ERRORS)} errors found in {BUILD}: compile first"


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_every_error_in_every_compiled_abi_has_a_sentence(name):
    assert name in MEANINGS, f"add {name} to MEANINGS in crowdledger/wallet/explain.py"


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_every_sentence_uses_only_its_errors_arguments(name):
    entry = ERRORS[name]
    data = keccak(text=signature(entry))[:4] + encode(
        [canonical(i) for i in entry["inputs"]], [_sample(i) for i in entry["inputs"]]
    )
    revert = ErrorTable([[entry]]).decode(data)
    text = explain(revert, About(campaign=3, task=4, sender="0x" + "34" * 20, token=DUSD))
    assert text.startswith(f"{name}: ")
    assert " [" not in text and "{" not in text, (
        f"the sentence for {name} names a value it does not have: {text}"
    )


def test_a_revert_reads_as_one_line_with_amounts_in_the_tokens_units():
    entry = ERRORS["BelowTierPrice"]
    data = keccak(text=signature(entry))[:4] + encode(["uint256", "uint256"], [1_500_000, 2_000_000])
    text = explain(ErrorTable([[entry]]).decode(data), About(campaign=3, token=DUSD))
    assert text == (
        "BelowTierPrice: the pledge would total 1.5 DUSD, below the tier's price of 2 DUSD; pledge at least "
        "the difference"
    )


def test_a_campaign_state_is_told_with_the_date_it_changed():
    entry = ERRORS["NotFunding"]
    data = keccak(text=signature(entry))[:4] + encode(["uint8"], [3])  # Failed
    about = About(campaign=3, facts=lambda: {"deadline": DEC_FIRST, "starts_at": DEC_FIRST - 30 * 86_400})
    assert explain(ErrorTable([[entry]]).decode(data), about).startswith(
        "NotFunding: campaign 3 ended on 2026-12-01 14:00 UTC without reaching its goal;"
    )


def test_solidity_panics_and_reason_strings_are_explained():
    table = ErrorTable([])
    panic = keccak(text="Panic(uint256)")[:4] + encode(["uint256"], [0x11])
    assert "overflowed" in explain(table.decode(panic), About())
    reason = keccak(text="Error(string)")[:4] + encode(["string"], ["nope"])
    assert explain(table.decode(reason), About()) == "Error: the contract refused: nope"


def test_a_revert_without_data_says_so():
    assert explain(ErrorTable([]).decode(b""), About(), "execution reverted") == (
        "the transaction would revert without saying why"
    )


def test_an_unknown_error_is_shown_by_its_selector_not_a_traceback():
    assert ErrorTable([]).decode(bytes.fromhex("deadbeef") + b"\0" * 32) is None


@pytest.mark.parametrize("name", sorted(EVENT_SENTENCES))
def test_every_event_sentence_is_an_event_the_contracts_emit_and_fits_its_arguments(name):
    assert name in EVENTS, f"{name} is in EVENT_SENTENCES but no compiled ABI has that event"
    args = {i["name"]: _sample(i) for i in EVENTS[name]["inputs"]}
    event = Event(1, 0, "0x", "0x", "Test", name, args)
    text = describe(event, About(token=DUSD))
    assert "{" not in text and " [" not in text, f"the sentence for {name} does not fit: {text}"


def test_the_token_abi_matches_openzeppelins_compiled_one():
    """erc20.py is written out by hand (any token may be used); each entry must equal OpenZeppelin's."""
    compiled = {}
    for name in ("ERC20Permit", "IERC20Errors", "Nonces"):
        for entry in json.loads((BUILD / f"{name}.json").read_text())["abi"]:
            if entry.get("name"):
                compiled.setdefault(entry["name"], entry)
    for entry in ERC20_ABI:
        assert signature(entry) == signature(compiled[entry["name"]]), entry["name"]
        if entry["type"] == "function":
            assert [canonical(o) for o in entry["outputs"]] == [
                canonical(o) for o in compiled[entry["name"]]["outputs"]
            ]
            assert entry["stateMutability"] == compiled[entry["name"]]["stateMutability"]


def test_sentences_and_their_format_specs_are_known():
    specs = {"amount", "eth", "date", "duration", "pct", "points", "supply", "last", "nth", "state", "status",
             "place_status", "decided_by", "short", "panic", "verdict", "kind", "role", "signed_points",
             ""}  # fmt: skip
    used = {
        m
        for text in [*MEANINGS.values(), *EVENT_SENTENCES.values()]
        for m in re.findall(r"{\w+:?(\w*)}", text)
    }
    assert used <= specs
