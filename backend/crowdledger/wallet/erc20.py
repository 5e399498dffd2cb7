"""What the commands need of any ERC-20 token a campaign or task uses: the EIP-20 functions, EIP-2612's
permit, and OpenZeppelin 5's token errors, so that a token's revert is explained as clearly as our own.

The deployment record holds only our contracts' ABIs, and a campaign may use any token, so this ABI is written
out here; tests/cli/test_errors.py checks each entry against OpenZeppelin's compiled ERC20Permit.
"""

from typing import Any


def _params(params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"name": name, "type": kind, "internalType": kind} for kind, name in params]


def _function(
    name: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]], mutability: str = "view"
) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "inputs": _params(inputs),
        "outputs": _params(outputs),
        "stateMutability": mutability,
    }


def _error(name: str, inputs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "error", "name": name, "inputs": _params(inputs)}


ERC20_ABI: list[dict[str, Any]] = [
    _function("name", [], [("string", "")]),
    _function("symbol", [], [("string", "")]),
    _function("decimals", [], [("uint8", "")]),
    _function("balanceOf", [("address", "account")], [("uint256", "")]),
    _function("allowance", [("address", "owner"), ("address", "spender")], [("uint256", "")]),
    _function("approve", [("address", "spender"), ("uint256", "value")], [("bool", "")], "nonpayable"),
    _function("transfer", [("address", "to"), ("uint256", "value")], [("bool", "")], "nonpayable"),
    _function("nonces", [("address", "owner")], [("uint256", "")]),
    _function(
        "eip712Domain",
        [],
        [
            ("bytes1", "fields"),
            ("string", "name"),
            ("string", "version"),
            ("uint256", "chainId"),
            ("address", "verifyingContract"),
            ("bytes32", "salt"),
            ("uint256[]", "extensions"),
        ],
    ),
    _error(
        "ERC20InsufficientBalance", [("address", "sender"), ("uint256", "balance"), ("uint256", "needed")]
    ),
    _error("ERC20InvalidSender", [("address", "sender")]),
    _error("ERC20InvalidReceiver", [("address", "receiver")]),
    _error(
        "ERC20InsufficientAllowance",
        [("address", "spender"), ("uint256", "allowance"), ("uint256", "needed")],
    ),
    _error("ERC20InvalidApprover", [("address", "approver")]),
    _error("ERC20InvalidSpender", [("address", "spender")]),
    _error("ERC2612ExpiredSignature", [("uint256", "deadline")]),
    _error("ERC2612InvalidSigner", [("address", "signer"), ("address", "owner")]),
    _error("InvalidAccountNonce", [("address", "account"), ("uint256", "currentNonce")]),
]

PERMIT_TYPES = {
    "Permit": [
        {"name": "owner", "type": "address"},
        {"name": "spender", "type": "address"},
        {"name": "value", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
}
