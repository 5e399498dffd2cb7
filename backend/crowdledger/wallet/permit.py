"""EIP-2612 permits: one signature instead of an approval transaction."""

from eth_account.signers.local import LocalAccount

from crowdledger.errors import Refused, RpcError
from crowdledger.wallet.chain import Chain, Reverted
from crowdledger.wallet.erc20 import PERMIT_TYPES
from crowdledger.wallet.units import Token


def sign_permit(
    chain: Chain, owner: LocalAccount, token: Token, spender: str, value: int, deadline: int
) -> tuple[int, bytes, bytes]:
    """(v, r, s) of `owner`'s permit letting `spender` take `value` of `token` until `deadline`."""
    contract = chain.erc20(token.address)
    try:
        nonce = int(chain.read(contract, "nonces", owner.address))
    except (Reverted, RpcError):
        raise Refused(
            f"{token.symbol} does not support permits (EIP-2612); pledge without --permit"
        ) from None
    try:  # ERC-5267 says which domain the token signs with; older tokens: their name and version "1"
        domain = chain.read(contract, "eip712Domain")
        name, version = str(domain["name"]), str(domain["version"])
    except (Reverted, RpcError):
        name, version = str(chain.read(contract, "name")), "1"
    signed = owner.sign_typed_data(
        domain_data={
            "name": name,
            "version": version,
            "chainId": chain.deployment.chain_id,
            "verifyingContract": token.address,
        },
        message_types=PERMIT_TYPES,
        message_data={
            "owner": owner.address,
            "spender": spender,
            "value": value,
            "nonce": nonce,
            "deadline": deadline,
        },
    )
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")
