"""Identity attestations: by a registered attester directly or by its EIP-712 signature, replaced, revoked,
expired, and voided when the attester is deregistered; revoking, voiding or attesting directly also voids the
attester's signatures for that account that nobody submitted yet."""

import brownie
import pytest
from brownie import MockERC1271Attester, accounts, chain
from eth_account import Account as EthAccount

from tests.contracts.reputation.conftest import DAY, mine_at, next_block_at, plain, reason, sign_attest

ZERO = "0x" + "00" * 20


def signed(reputation, attester, account, level, expires_at, deadline):
    """`attester`'s own signature of an attestation of `account`."""
    return sign_attest(
        reputation, attester.private_key, attester.address, account.address, level, expires_at, deadline
    )


@pytest.fixture(scope="module")
def account():
    """The account being vouched for."""
    return accounts[3]


@pytest.fixture
def expires_at():
    return chain.time() + 30 * DAY


def test_attester_vouches_and_the_account_is_verified_up_to_its_level(
    reputation, attester, account, expires_at
):
    tx = reputation.attest(account, 2, expires_at, {"from": attester})
    event = tx.events["Attested"]
    assert (event["account"], event["attester"], event["level"], event["expiresAt"]) == (
        account,
        attester,
        2,
        expires_at,
    )
    assert plain(reputation.attestationOf(account)) == (attester.address, 2, expires_at)
    assert reputation.isVerified(account, 0)
    assert reputation.isVerified(account, 2)
    assert not reputation.isVerified(account, 3)


def test_an_account_nobody_attested_is_not_verified_even_at_level_zero(reputation, account):
    assert plain(reputation.attestationOf(account)) == (ZERO, 0, 0)
    assert not reputation.isVerified(account, 0)


def test_only_a_registered_attester_attests(reputation, owner, attester, account, expires_at):
    stranger = accounts[5]
    with brownie.reverts(reason("NotAnAttester", stranger)):
        reputation.attest(account, 1, expires_at, {"from": stranger})
    reputation.setAttester(attester, False, {"from": owner})
    with brownie.reverts(reason("NotAnAttester", attester)):
        reputation.attest(account, 1, expires_at, {"from": attester})


def test_set_attester_emits(reputation, owner):
    tx = reputation.setAttester(accounts[5], True, {"from": owner})
    assert reputation.isAttester(accounts[5])
    assert tx.events["AttesterSet"]["attester"] == accounts[5]
    assert tx.events["AttesterSet"]["registered"] is True


def test_level_zero_and_the_zero_account_are_refused(reputation, attester, account, expires_at):
    with brownie.reverts(reason("LevelIsZero")):
        reputation.attest(account, 0, expires_at, {"from": attester})
    with brownie.reverts(reason("ZeroAddress")):
        reputation.attest(ZERO, 1, expires_at, {"from": attester})


def test_an_expiry_that_is_not_in_the_future_is_refused(reputation, attester, account):
    now = chain.time() + 100
    next_block_at(now)
    with brownie.reverts(reason("ExpiryNotInFuture", now, now)):
        reputation.attest(account, 1, now, {"from": attester})


def test_an_attestation_stops_counting_when_it_expires(reputation, attester, account):
    expires_at = chain.time() + DAY
    reputation.attest(account, 1, expires_at, {"from": attester})
    mine_at(expires_at - 1)
    assert reputation.isVerified(account, 1)
    mine_at(expires_at)
    assert not reputation.isVerified(account, 1)


def test_deregistering_the_attester_voids_its_attestations_until_registered_again(
    reputation, owner, attester, account, expires_at
):
    reputation.attest(account, 1, expires_at, {"from": attester})
    reputation.setAttester(attester, False, {"from": owner})
    assert not reputation.isVerified(account, 1)
    reputation.setAttester(attester, True, {"from": owner})
    assert reputation.isVerified(account, 1)


def test_a_new_attestation_replaces_the_old_one(reputation, owner, attester, account, expires_at):
    other = accounts[6]
    reputation.setAttester(other, True, {"from": owner})
    reputation.attest(account, 3, expires_at, {"from": attester})
    reputation.attest(account, 1, expires_at + DAY, {"from": other})
    assert plain(reputation.attestationOf(account)) == (other.address, 1, expires_at + DAY)
    assert not reputation.isVerified(account, 2)


def test_the_issuing_attester_revokes(reputation, attester, account, expires_at):
    reputation.attest(account, 2, expires_at, {"from": attester})
    tx = reputation.revoke(account, {"from": attester})
    event = tx.events["AttestationRevoked"]
    # nonce 1 came with the attestation itself, 2 with the revocation
    assert (event["account"], event["attester"], event["nextNonce"]) == (account, attester, 2)
    assert reputation.nonces(attester, account) == 2
    assert plain(reputation.attestationOf(account)) == (ZERO, 0, 0)
    assert not reputation.isVerified(account, 0)


def test_only_the_issuing_attester_revokes(reputation, owner, attester, account, expires_at):
    other = accounts[6]
    reputation.setAttester(other, True, {"from": owner})
    reputation.attest(account, 2, expires_at, {"from": attester})
    with brownie.reverts(reason("NotTheAttester", other, attester)):
        reputation.revoke(account, {"from": other})


def test_revoking_nothing_reverts(reputation, attester, account):
    with brownie.reverts(reason("NoAttestation", account)):
        reputation.revoke(account, {"from": attester})


# --------------------------------------------------------------------------- EIP-712 signatures


def test_anyone_submits_an_attesters_signature(reputation, attester, account, expires_at):
    deadline = chain.time() + DAY
    signature = signed(reputation, attester, account, 2, expires_at, deadline)
    tx = reputation.attestBySig(account, 2, expires_at, attester, deadline, signature, {"from": accounts[7]})
    assert tx.events["Attested"]["attester"] == attester
    assert plain(reputation.attestationOf(account)) == (attester.address, 2, expires_at)
    assert reputation.nonces(attester, account) == 1
    assert reputation.nonces(attester, accounts[4]) == 0  # one nonce per (attester, account)
    assert reputation.isVerified(account, 2)


def test_a_signature_works_once(reputation, attester, account, expires_at):
    deadline = chain.time() + DAY
    signature = signed(reputation, attester, account, 2, expires_at, deadline)
    reputation.attestBySig(account, 2, expires_at, attester, deadline, signature, {"from": accounts[7]})
    with brownie.reverts(reason("InvalidSignature", attester)):
        reputation.attestBySig(account, 2, expires_at, attester, deadline, signature, {"from": accounts[7]})


def test_a_signature_for_other_terms_or_by_another_key_is_refused(reputation, attester, account, expires_at):
    deadline = chain.time() + DAY
    signature = signed(reputation, attester, account, 1, expires_at, deadline)
    with brownie.reverts(reason("InvalidSignature", attester)):
        reputation.attestBySig(account, 3, expires_at, attester, deadline, signature, {"from": accounts[7]})
    impostor_key = EthAccount.create().key.hex()
    forged = sign_attest(reputation, impostor_key, attester.address, account.address, 1, expires_at, deadline)
    with brownie.reverts(reason("InvalidSignature", attester)):
        reputation.attestBySig(account, 1, expires_at, attester, deadline, forged, {"from": accounts[7]})


def test_a_signature_past_its_deadline_is_refused(reputation, attester, account, expires_at):
    deadline = chain.time() + DAY
    signature = signed(reputation, attester, account, 1, expires_at, deadline)
    next_block_at(deadline + 1)
    with brownie.reverts(reason("SignatureExpired", deadline, deadline + 1)):
        reputation.attestBySig(account, 1, expires_at, attester, deadline, signature, {"from": accounts[7]})


def test_a_signature_of_a_deregistered_attester_is_refused(reputation, owner, attester, account, expires_at):
    deadline = chain.time() + DAY
    signature = signed(reputation, attester, account, 1, expires_at, deadline)
    reputation.setAttester(attester, False, {"from": owner})
    with brownie.reverts(reason("NotAnAttester", attester)):
        reputation.attestBySig(account, 1, expires_at, attester, deadline, signature, {"from": accounts[7]})


def test_a_contract_attester_signs_through_erc1271(reputation, owner, account, expires_at):
    key = EthAccount.create()
    wallet = MockERC1271Attester.deploy(key.address, {"from": owner})
    reputation.setAttester(wallet, True, {"from": owner})
    deadline = chain.time() + DAY
    signature = sign_attest(
        reputation, key.key.hex(), wallet.address, account.address, 2, expires_at, deadline
    )
    tx = reputation.attestBySig(account, 2, expires_at, wallet, deadline, signature, {"from": accounts[7]})
    assert tx.events["Attested"]["attester"] == wallet
    assert reputation.isVerified(account, 2)
    assert reputation.nonces(wallet, account) == 1


# --------------------------------------------------------------------------- voiding outstanding signatures


def test_a_revoked_attestations_outstanding_signature_cannot_be_replayed(
    reputation, attester, account, expires_at
):
    """The attester signed twice (to renew later), submitted one, then revoked: the second must be dead."""
    deadline = chain.time() + DAY
    first = signed(reputation, attester, account, 2, expires_at, deadline)
    reputation.attestBySig(account, 2, expires_at, attester, deadline, first, {"from": accounts[7]})
    renewal = signed(reputation, attester, account, 2, expires_at + DAY, deadline)  # signed with nonce 1
    reputation.revoke(account, {"from": attester})
    with brownie.reverts(reason("InvalidSignature", attester)):
        reputation.attestBySig(
            account, 2, expires_at + DAY, attester, deadline, renewal, {"from": accounts[7]}
        )
    assert not reputation.isVerified(account, 0)


def test_an_attester_voids_outstanding_signatures_without_an_attestation_to_revoke(
    reputation, attester, account, expires_at
):
    deadline = chain.time() + DAY
    outstanding = signed(reputation, attester, account, 1, expires_at, deadline)
    tx = reputation.voidOutstandingSignatures(account, {"from": attester})
    event = tx.events["SignaturesVoided"]
    assert (event["attester"], event["account"], event["nextNonce"]) == (attester, account, 1)
    with brownie.reverts(reason("InvalidSignature", attester)):
        reputation.attestBySig(account, 1, expires_at, attester, deadline, outstanding, {"from": accounts[7]})
    fresh = signed(reputation, attester, account, 1, expires_at, deadline)  # signed with the new nonce
    reputation.attestBySig(account, 1, expires_at, attester, deadline, fresh, {"from": accounts[7]})
    assert reputation.isVerified(account, 1)


def test_a_direct_attestation_voids_the_attesters_outstanding_signatures(
    reputation, attester, account, expires_at
):
    """The attester once signed a high level, then attested a lower one directly: the holder of the old
    signature must not be able to put the higher level back."""
    deadline = chain.time() + DAY
    outstanding = signed(reputation, attester, account, 3, expires_at + DAY, deadline)
    tx = reputation.attest(account, 1, expires_at, {"from": attester})
    event = tx.events["SignaturesVoided"]
    assert (event["attester"], event["account"], event["nextNonce"]) == (attester, account, 1)
    with brownie.reverts(reason("InvalidSignature", attester)):
        reputation.attestBySig(
            account, 3, expires_at + DAY, attester, deadline, outstanding, {"from": accounts[7]}
        )
    attestation = reputation.attestationOf(account)
    assert (attestation[1], attestation[2]) == (1, expires_at)
    fresh = signed(reputation, attester, account, 2, expires_at, deadline)  # signed after the direct one
    reputation.attestBySig(account, 2, expires_at, attester, deadline, fresh, {"from": accounts[7]})
    assert reputation.isVerified(account, 2)


def test_a_direct_attestation_leaves_other_attesters_signatures_valid(
    reputation, owner, attester, account, expires_at
):
    other_attester = accounts.add()  # with a key to sign with
    reputation.setAttester(other_attester, True, {"from": owner})
    deadline = chain.time() + DAY
    from_other = signed(reputation, other_attester, account, 2, expires_at, deadline)
    reputation.attest(account, 1, expires_at, {"from": attester})
    reputation.attestBySig(
        account, 2, expires_at, other_attester, deadline, from_other, {"from": accounts[7]}
    )
    assert reputation.attestationOf(account)[0] == other_attester


def test_voiding_one_accounts_signatures_leaves_other_accounts_signatures_valid(
    reputation, attester, account, expires_at
):
    other = accounts[4]
    deadline = chain.time() + DAY
    for_other = signed(reputation, attester, other, 1, expires_at, deadline)
    reputation.voidOutstandingSignatures(account, {"from": attester})
    reputation.attestBySig(other, 1, expires_at, attester, deadline, for_other, {"from": accounts[7]})
    assert reputation.isVerified(other, 1)
