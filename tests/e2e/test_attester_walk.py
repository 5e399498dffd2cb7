"""An identity attester's walk on an account page: the demo's registered attester attests a new account with
no expiry, a bystander is offered neither form, a level the contract would refuse is stopped in the page, and
the attester revokes what it issued; then an attestation the attester signed is submitted from the page by
someone else, a file for another account or chain is named unsent, and a signature the attester voided is
refused. In order: the chain moves on as they go."""

import json
from collections.abc import Iterator

import pytest
from brownie import Reputation, accounts, chain, web3
from eth_account import Account
from playwright.sync_api import Browser, Page, expect

from crowdledger.wallet.attest import sign_attest
from crowdledger.wallet.devchain import dev_key
from tests.e2e.conftest import DAY, DESKTOP, WALLET_SCRIPT, InjectedWallet, World

DONE = "#tx[data-state=done]"
NEVER = 2**64 - 1
SUBJECT = Account.create().address  # an account nobody has attested, so no other walk depends on it
SIGNED_FOR = Account.create().address  # another, attested by a signature someone else submits
FAILED = "#tx[data-state=failed]"


@pytest.fixture(scope="module")
def reputation(world: World):
    return Reputation.at(world.deployment["contracts"]["Reputation"]["address"])


@pytest.fixture(scope="module")
def people(browser: Browser, world: World) -> Iterator[dict[str, tuple[Page, InjectedWallet]]]:
    """The demo's attester (accounts[9]) and a bystander, each in its own browser."""
    contexts, pages = [], {}
    for role, account in (("attester", accounts[9]), ("bystander", accounts[4])):
        wallet = InjectedWallet(str(web3.provider.endpoint_uri), account.address)
        context = browser.new_context(viewport=DESKTOP, locale="en-US")
        context.expose_function("__testWallet", wallet.handle)
        context.add_init_script(WALLET_SCRIPT)
        contexts.append(context)
        pages[role] = (context.new_page(), wallet)
    yield pages
    for context in contexts:
        context.close()


def open_connected(page: Page, world: World, subject: str = SUBJECT) -> None:
    page.goto(f"{world.base_url}/a/{subject}?lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()
    page.click("#connect")
    expect(page.locator("#account")).to_contain_text("0x")


def test_the_attester_attests_an_account_with_no_expiry(people, world: World, reputation):
    page, _ = people["attester"]
    open_connected(page, world)
    expect(page.locator("form[data-flow=revoke-attestation]")).to_have_count(0)  # nothing to revoke yet
    page.fill("#attest-level", "2")
    page.check("form[data-flow=attest] input[name=never]")
    page.click("form[data-flow=attest] button[type=submit]")
    expect(page.locator(DONE)).to_contain_text("Attested", timeout=20_000)
    assert tuple(reputation.attestationOf(SUBJECT)) == (accounts[9].address, 2, NEVER)
    world.wait_indexed()


def test_a_bystander_is_offered_neither_form(people, world: World):
    page, _ = people["bystander"]
    open_connected(page, world)
    expect(page.locator("main")).to_contain_text("verified (level 2)")
    expect(page.locator("form[data-flow=attest]")).to_be_hidden()
    expect(page.locator("form[data-flow=revoke-attestation]")).to_be_hidden()


def test_a_level_the_contract_refuses_is_stopped_before_the_wallet_is_asked(people, world: World):
    page, wallet = people["attester"]
    open_connected(page, world)
    sent = len(wallet.sent())
    page.fill("#attest-level", "0")
    page.check("form[data-flow=attest] input[name=never]")
    page.click("form[data-flow=attest] button[type=submit]")
    expect(page.locator("#tx[data-state=failed]")).to_contain_text("whole number from 1 to 255")
    assert len(wallet.sent()) == sent


def test_the_attester_revokes_its_attestation(people, world: World, reputation):
    page, _ = people["attester"]
    open_connected(page, world)
    page.click("form[data-flow=revoke-attestation] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    assert reputation.attestationOf(SUBJECT)[0] == "0x" + "00" * 20
    world.wait_indexed()
    open_connected(page, world)  # a revoked attestation is not offered for revoking again (NoAttestation)
    expect(page.locator("form[data-flow=revoke-attestation]")).to_have_count(0)


def signed_attestation(reputation, subject: str, level: int, changes: dict | None = None) -> str:
    """The file `crowdledger sign-attestation` writes, signed by the demo's attester (accounts[9])."""
    attester = accounts[9].address
    nonce, deadline = reputation.nonces(attester, subject), chain.time() + DAY
    key = dev_key(9)
    signature = sign_attest(key, chain.id, reputation.address, subject, level, NEVER, nonce, deadline)
    terms = {
        "chainId": chain.id,
        "reputation": reputation.address,
        "account": subject,
        "level": level,
        "expiresAt": NEVER,
        "attester": attester,
        "deadline": deadline,
        "signature": "0x" + signature.hex(),
    }
    return json.dumps(terms | (changes or {}), indent=2) + "\n"


def submit(page: Page, text: str) -> None:
    page.fill("#signed-attestation", text)
    page.click("form[data-flow=submit-attestation] button[type=submit]")


def test_anyone_submits_an_attestation_the_attester_signed_for_the_account(people, world: World, reputation):
    """Only the CLI submitted a signed attestation: an account holder without it could not use the file its
    attester gave. "Never" (2**64 - 1) is read exactly; JSON.parse would round it and break the signature."""
    page, _ = people["bystander"]
    open_connected(page, world, SIGNED_FOR)
    expect(page.locator("form[data-flow=void-signatures]")).to_be_hidden()  # the attester's alone
    submit(page, signed_attestation(reputation, SIGNED_FOR, 3))
    expect(page.locator(DONE)).to_contain_text("verified at level 3", timeout=20_000)
    assert tuple(reputation.attestationOf(SIGNED_FOR)) == (accounts[9].address, 3, NEVER)
    world.wait_indexed()


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"account": SUBJECT}, "not this account"),
        ({"chainId": 1}, "signed for chain 1"),
        ({"reputation": "0x" + "12" * 20}, "not this deployment's"),
        ({"level": 0}, "The file is damaged (level)"),
        ({"signature": "0x1234"}, "The file is damaged (signature)"),
        ({"deadline": "soon"}, "The file is damaged (deadline)"),
        ({"level": "1"}, "The file is damaged (level)"),  # a string, where the file holds a number
        ({"extra": 1}, "should hold exactly"),
    ],
)
def test_a_file_for_another_account_chain_or_ledger_or_a_damaged_one_is_named_unsent(
    people, world: World, reputation, changes, says
):
    page, wallet = people["bystander"]
    open_connected(page, world, SIGNED_FOR)
    sent = len(wallet.sent())
    submit(page, signed_attestation(reputation, SIGNED_FOR, 1, changes))
    expect(page.locator(FAILED)).to_contain_text(says)
    assert len(wallet.sent()) == sent


def test_a_signature_the_attester_voided_can_no_longer_be_submitted(people, world: World, reputation):
    handed_out = signed_attestation(reputation, SIGNED_FOR, 1)
    attester, _ = people["attester"]
    open_connected(attester, world, SIGNED_FOR)
    attester.click("form[data-flow=void-signatures] button[type=submit]")
    expect(attester.locator(DONE)).to_contain_text("Voided", timeout=20_000)
    page, wallet = people["bystander"]
    open_connected(page, world, SIGNED_FOR)
    sent = len(wallet.sent())
    submit(page, handed_out)
    expect(page.locator(FAILED)).to_contain_text("voided")
    assert len(wallet.sent()) == sent
    assert tuple(reputation.attestationOf(SIGNED_FOR)) == (accounts[9].address, 3, NEVER)  # unchanged
