"""An attester's EIP-712 Attest signature, which anyone may then submit with Reputation.attestBySig."""

from eth_account import Account

ATTEST_TYPES = {
    "Attest": [
        {"name": "account", "type": "address"},
        {"name": "level", "type": "uint8"},
        {"name": "expiresAt", "type": "uint64"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
}


def sign_attest(
    key: str,
    chain_id: int,
    reputation: str,
    account: str,
    level: int,
    expires_at: int,
    nonce: int,
    deadline: int,
) -> bytes:
    """r‖s‖v (65 bytes) of `key`'s Attest that `account` holds `level` until `expires_at`, valid until
    `deadline`; `nonce` is Reputation.nonces(attester, account). For a contract attester (ERC-1271), `key`
    is the key that contract trusts."""
    signed = Account.from_key(key).sign_typed_data(
        domain_data={
            "name": "CrowdLedger Reputation",
            "version": "1",
            "chainId": chain_id,
            "verifyingContract": reputation,
        },
        message_types=ATTEST_TYPES,
        message_data={
            "account": account,
            "level": level,
            "expiresAt": expires_at,
            "nonce": nonce,
            "deadline": deadline,
        },
    )
    return bytes(signed.signature)
