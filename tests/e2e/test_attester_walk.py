"""An identity attester's walk on an account page: the demo's registered attester attests a new account with
no expiry, a bystander is offered neither form, a level the contract would refuse is stopped in the page, and
the attester revokes what it issued. In order: the chain moves on as they go."""

from collections.abc import Iterator

import pytest
from brownie import Reputation, accounts, web3
from eth_account import Account
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, WALLET_SCRIPT, InjectedWallet, World

DONE = "#tx[data-state=done]"
NEVER = 2**64 - 1
SUBJECT = Account.create().address  # an account nobody has attested, so no other walk depends on it


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


def open_connected(page: Page, world: World) -> None:
    page.goto(f"{world.base_url}/a/{SUBJECT}?lang=en")
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
