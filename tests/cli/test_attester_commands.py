"""Identity attesters from the command line: attest (paying the gas), sign an attestation the account submits,
revoke, void unsubmitted signatures; and each refusal as one line with nothing sent."""

import json

import pytest

from tests.cli.conftest import DAY

NEVER = 2**64 - 1


@pytest.fixture(scope="module")
def attester(world):
    """The reviewer's account, registered by the owner as an identity attester."""
    world.transact(world.contracts["Reputation"], "setAttester", world.addresses["reviewer"], True)
    return "reviewer"


def sign(world, subject, out, attester, *options):
    """`attester` signs `subject`'s attestation for 30 days into the file `out`; the command's output."""
    return world.ok(
        "sign-attestation", subject, "--until", "+30d", "--out", out, "--account", attester, *options
    )


def attestation_of(world, who):
    return tuple(world.contracts["Reputation"].functions.attestationOf(world.addresses[who]).call())


def test_an_attester_attests_an_account_until_a_date(world, attester):
    out = world.ok("attest", world.addresses["worker"], "--until", "+365d", "--account", attester)
    got_attester, level, expires_at = attestation_of(world, "worker")
    assert (got_attester, level) == (world.addresses[attester], 1)
    assert abs(expires_at - (world.now() + 365 * DAY)) < 60
    assert f"attested {world.addresses['worker']}'s identity at level 1 until" in out
    assert world.contracts["Reputation"].functions.isVerified(world.addresses["worker"], 1).call()


def test_an_attestation_that_never_expires(world, attester):
    out = world.ok(
        "attest", world.addresses["worker"], "--level", 2, "--until", "never", "--account", attester
    )
    assert attestation_of(world, "worker") == (world.addresses[attester], 2, NEVER)
    assert "at level 2 with no expiry" in out
    assert "with no expiry (valid)" in world.ok("show", "account", world.addresses["worker"])


def test_a_signed_attestation_is_submitted_by_the_account_which_pays_the_gas(world, attester):
    signed = world.home / "worker.attestation.json"
    attester_nonce = world.nonce(attester)
    out = sign(world, world.addresses["worker"], signed, attester)
    assert "Nothing was sent" in out and str(signed) in out
    assert world.nonce(attester) == attester_nonce  # the attester paid nothing
    assert json.loads(signed.read_text())["attester"] == world.addresses[attester]

    worker_nonce = world.nonce("worker")
    out = world.ok("submit-attestation", signed, "--account", "worker")
    assert attestation_of(world, "worker")[:2] == (world.addresses[attester], 1)
    assert world.nonce("worker") == worker_nonce + 1
    assert "attested" in out

    # once: the signature carried the nonce it used up
    line = world.refused("submit-attestation", signed, "--account", "worker")
    assert "InvalidSignature" in line and "nothing was sent" in line.lower()


def test_anyone_may_submit_a_signed_attestation_for_the_account(world, attester):
    signed = world.home / "for-worker2.json"
    sign(world, world.addresses["worker2"], signed, attester)
    world.ok("submit-attestation", signed, "--account", "backer")
    assert attestation_of(world, "worker2")[0] == world.addresses[attester]


def test_voided_signatures_cannot_be_submitted(world, attester):
    signed = world.home / "voided.json"
    sign(world, world.addresses["worker"], signed, attester)
    out = world.ok("void-signatures", world.addresses["worker"], "--account", attester)
    assert "unsubmitted attestation signatures" in out
    before = world.nonce("worker")
    assert "InvalidSignature" in world.refused("submit-attestation", signed, "--account", "worker")
    assert world.nonce("worker") == before


def test_an_attester_revokes_its_attestation_and_no_one_else_can(world, attester):
    world.ok("attest", world.addresses["worker"], "--until", "+30d", "--account", attester)
    line = world.refused("revoke-attestation", world.addresses["worker"], "--account", "backer")
    assert "NotTheAttester" in line and world.addresses[attester] in line
    out = world.ok("revoke-attestation", world.addresses["worker"], "--account", attester)
    assert "revoked the attestation" in out
    assert attestation_of(world, "worker")[0] == "0x" + "00" * 20
    assert "NoAttestation" in world.refused(
        "revoke-attestation", world.addresses["worker"], "--account", attester
    )


def test_an_unregistered_account_cannot_attest_or_sign(world, attester):
    before = world.nonce("backer")
    line = world.refused("attest", world.addresses["worker"], "--until", "+30d", "--account", "backer")
    assert "NotAnAttester" in line and "not a registered identity attester" in line
    signed = world.home / "unregistered.json"
    # refused before the password is asked: a wrong one does not even come into it
    sign = ("sign-attestation", world.addresses["worker"], "--until", "+30d", "--out", signed)
    line = world.refused(*sign, "--account", "backer", CROWDLEDGER_ACCOUNT_PASSWORD="wrong")
    assert "NotAnAttester" in line and "nothing was signed" in line
    assert not signed.exists()  # no signature the contract would refuse is handed out
    assert world.nonce("backer") == before


def test_a_dry_run_signs_nothing(world, attester):
    signed = world.home / "dry.json"
    out = sign(world, world.addresses["worker"], signed, attester, "--dry-run")
    assert "nothing was signed" in out and not signed.exists()


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("--until", "+1d", "--valid-for", "+7d"), "before the attestation expires"),  # useless after day 1
        (("--until", "never", "--valid-for", "+1e80d"), "before the attestation expires"),  # past uint256
        (("--until", "+30d", "--valid-for", "+infd"), "--valid-for: write a span"),
        (("--until", "+30d", "--valid-for", "+0d"), "--valid-for must end after now"),
        (("--until", "+30d", "--out", "."), "name a file in a folder that exists"),
        (("--until", "+30d", "--out", "no/such/folder/file.json"), "name a file in a folder that exists"),
    ],
)
def test_a_signature_that_could_not_be_used_is_not_made(world, attester, options, says):
    sign = ("sign-attestation", world.addresses["worker"], *options)
    assert says in world.refused(*sign, "--account", attester)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("--level", "0", "--until", "+30d"), "--level must be 1 to 255"),
        (("--level", "256", "--until", "+30d"), "--level must be 1 to 255"),
        (("--until", "2020-01-01"), "--until must be later than now"),
        (("--until", "soon"), "--until must be a date"),
        (("--until", "+1y"), "--until: write a span as"),
        (("--until", "+infd"), "--until: write a span as"),
        (("--until", "+1e30d"), "later than the ledger can record"),
    ],
)
def test_terms_that_verify_nothing_are_refused_before_anything_is_sent(world, attester, options, says):
    before = world.nonce(attester)
    assert says in world.refused("attest", world.addresses["worker"], *options, "--account", attester)
    assert world.nonce(attester) == before


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda a: "not json", "is not JSON"),
        (lambda a: {**a, "extra": 1}, "should hold exactly"),
        (lambda a: {**a, "signature": "0x1234"}, "is damaged"),
        (lambda a: {**a, "level": -1}, "is damaged"),
        (lambda a: {**a, "account": "bob"}, "is damaged"),
        (lambda a: {**a, "level": 0}, "is damaged"),
        (lambda a: {**a, "level": True}, "is damaged"),
        (lambda a: {**a, "deadline": 2**256}, "is damaged"),
        (lambda a: {**a, "signature": a["signature"][2:]}, "is damaged"),
        (lambda a: {**a, "account": a["account"][:2] + a["account"][2:].swapcase()}, "is damaged"),
        (lambda a: {**a, "chainId": 1}, "was signed for chain 1"),
        (lambda a: {**a, "reputation": "0x" + "12" * 20}, "was signed for the ledger at"),
    ],
)
def test_a_damaged_or_foreign_attestation_file_is_refused(world, attester, damage, says):
    signed = world.home / "to-damage.json"
    sign(world, world.addresses["worker"], signed, attester)
    changed = damage(json.loads(signed.read_text()))
    signed.write_text(changed if isinstance(changed, str) else json.dumps(changed))
    before = world.nonce("worker")
    assert says in world.refused("submit-attestation", signed, "--account", "worker")
    assert world.nonce("worker") == before
