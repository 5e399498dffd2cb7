"""A backer's walk through the browser with their own wallet: connect, switch chain, pledge ETH, pledge a
token with one permit signature, change tier, unpledge, refund a failed campaign; and what they see when they
decline a signature, or when the contract would refuse. In order: the chain moves on as they go."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from brownie import PlainToken, TetherLikeToken, accounts, chain, web3
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DAY, E, InjectedWallet, World, launch

DONE = "#tx[data-state=done]"
FAILED = "#tx[data-state=failed]"


def open_campaign(page: Page, world: World, name: str) -> None:
    page.goto(f"{world.base_url}/c/{world.ids[name]}?lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()  # the wallet layer found the wallet


def gas_of_last_transaction(page: Page) -> int:
    """What the transaction the panel shows cost its sender in gas."""
    tx_hash = re.search(r"0x[0-9a-f]{64}", page.locator("#tx [data-hash]").last.inner_text()).group(0)
    receipt = web3.eth.get_transaction_receipt(tx_hash)
    return receipt["gasUsed"] * receipt["effectiveGasPrice"]


def steps(page: Page) -> list[str]:
    return [s for s in page.locator("#tx li").evaluate_all("items => items.map(i => i.dataset.step)")]


def test_backer_connects_and_the_wallet_is_switched_to_the_ledger_chain(page: Page, world: World, wallet):
    open_campaign(page, world, "eth")
    page.click("#connect")
    expect(page.locator("#account")).to_contain_text(world.backer.address[:6])
    assert wallet.chain_id == chain.id
    # the wallet did not know the chain (4902), so the page added it and switched again
    assert wallet.log.count("wallet_switchEthereumChain") == 2
    assert "wallet_addEthereumChain" in wallet.log


def test_backer_pledges_eth_and_sees_the_total_rise_without_a_reload(page: Page, world: World, wallet):
    open_campaign(page, world, "eth")
    page.evaluate("window.__sameDocument = true")
    page.fill("#pledge-amount", "0.5")
    page.select_option("#pledge-tier", "1")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    assert steps(page) == [
        "wallet.step.connect",
        "wallet.step.switch",
        "wallet.step.check",
        "wallet.step.submit",
        "wallet.step.confirmed",
    ]
    expect(page.locator("#tx [data-hash]")).to_contain_text("0x")
    assert wallet.sent() == ["eth_sendTransaction"]
    assert world.crowdfund.pledges(world.ids["eth"], world.backer)[0] == E // 2
    expect(page.locator("[data-testid=raised]")).to_have_text("0.5 ETH", timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True  # updated in place, not reloaded


def test_backer_pledges_a_token_with_one_permit_signature(page: Page, world: World, wallet):
    open_campaign(page, world, "token")
    page.fill("#pledge-amount", "250")
    page.check("input[name=method][value=permit]")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    assert "wallet.step.sign" in steps(page)
    assert wallet.sent() == ["eth_signTypedData_v4", "eth_sendTransaction"]  # no approval transaction
    assert world.crowdfund.pledges(world.ids["token"], world.backer)[0] == 250 * 10**6
    assert world.token.allowance(world.backer, world.crowdfund) == 0  # the permit was spent exactly
    expect(page.locator("[data-testid=raised]")).to_have_text("250 TUSD", timeout=15_000)


def pledge_40_in_a_new_campaign(page: Page, world: World, token, title: str) -> int:
    """Give the backer 1,000 of a 6-decimal `token`, launch a campaign in it, and pledge 40 from the page with
    the form's default method (permit). Returns the campaign."""
    token.mint(world.backer, 1_000 * 10**6, {"from": accounts[0]})
    campaign = launch(world.crowdfund, world.creator, token.address, 5_000 * 10**6, 30, title)
    world.wait_indexed()
    page.goto(f"{world.base_url}/c/{campaign}?lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()
    page.fill("#pledge-amount", "40")
    page.check("input[name=method][value=permit]")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    assert world.crowdfund.pledges(campaign, world.backer)[0] == 40 * 10**6
    return campaign


def test_a_token_without_permit_is_pledged_by_approval_instead(page: Page, world: World, wallet):
    """Permit is the form's default, and many stablecoins have none: the page asked such a token for its
    EIP-712 domain and failed with the node's words. It now approves, then pledges."""
    plain = PlainToken.deploy("Plain Dollar", "PUSD", 6, {"from": accounts[0]})
    pledge_40_in_a_new_campaign(page, world, plain, "Plain token campaign")
    assert wallet.sent() == ["eth_sendTransaction", "eth_sendTransaction"]  # the approval, then the pledge


def test_a_tether_like_token_is_approved_from_zero_and_its_silent_approve_is_not_read(
    page: Page, world: World, wallet
):
    """USDT returns nothing from approve, and refuses to change an allowance that is not zero into another:
    the page read approve's result as a bool, and so refused before sending, and it would have approved
    over an allowance left from before, which the token refuses. It now sets that allowance to zero first."""
    tether = TetherLikeToken.deploy("Tether-like Dollar", "TLD", 6, {"from": accounts[0]})
    tether.approve(world.crowdfund, 5 * 10**6, {"from": world.backer})  # left over from before
    pledge_40_in_a_new_campaign(page, world, tether, "Tether-like campaign")
    assert wallet.sent() == ["eth_sendTransaction"] * 3  # the allowance to zero, then to 40, then the pledge
    assert tether.allowance(world.backer, world.crowdfund) == 0


def test_a_paused_tether_like_token_is_refused_before_an_approval_is_paid_for(
    page: Page, world: World, wallet
):
    """A paused USDT refuses a pledge's transfer without a word, as it refuses a missing allowance: the page
    took the silence for the allowance, had the backer pay for an approval, and only then was refused. It
    now asks the token to move the amount itself before any approval."""
    tether = TetherLikeToken.deploy("Tether-like Dollar", "TLD", 6, {"from": accounts[0]})
    tether.mint(world.backer, 1_000 * 10**6, {"from": accounts[0]})
    campaign = launch(world.crowdfund, world.creator, tether.address, 5_000 * 10**6, 30, "Paused token")
    tether.setPaused(True, {"from": accounts[0]})
    world.wait_indexed()
    page.goto(f"{world.base_url}/c/{campaign}?lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()
    page.fill("#pledge-amount", "40")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(FAILED)).to_contain_text("The token refuses to move 40 TLD from your account")
    assert wallet.sent() == []
    assert tether.allowance(world.backer, world.crowdfund) == 0


def test_backer_changes_tier_with_a_repeat_pledge(page: Page, world: World, wallet):
    open_campaign(page, world, "eth")
    page.fill("#pledge-amount", "0.1")
    page.select_option("#pledge-tier", "2")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    amount, tier = world.crowdfund.pledges(world.ids["eth"], world.backer)[:2]
    assert (amount, tier) == (6 * E // 10, 2)


def test_a_repeat_pledge_that_names_no_tier_keeps_the_one_held(page: Page, world: World, wallet):
    """Adding to a pledge with the form as it opens must not give up the reward place: the contract reads
    tier 0 as "no reward", and the form used to send it by default."""
    open_campaign(page, world, "eth")
    page.click("#connect")
    expect(page.locator("#pledge-tier")).to_have_value("2")  # the tier held, shown as the one kept
    page.fill("#pledge-amount", "0.05")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    amount, tier = world.crowdfund.pledges(world.ids["eth"], world.backer)[:2]
    assert (amount, tier) == (65 * E // 100, 2)


def test_an_account_switched_in_the_wallet_shows_at_once_with_what_it_may_do(
    page: Page, world: World, wallet
):
    """The page kept showing the account it connected with, and the forms of that account alone, until a
    reload; and once it followed the switch, the pledge form kept showing the last account's tier while a
    pledge would be for the new account's (none)."""
    held = str(world.crowdfund.pledges(world.ids["eth"], world.backer)[1])
    assert held != "0"  # the walk so far left the backer holding a tier
    open_campaign(page, world, "eth")
    page.click("#connect")
    expect(page.locator("#account")).to_contain_text(world.backer.address[:6])
    expect(page.locator("#pledge-tier")).to_have_value(held)
    creators_forms = page.locator(f"[data-only-for='{world.creator.address.lower()}']")
    expect(creators_forms).to_be_hidden()

    def switch(account: str | None) -> None:
        wallet.account = account or wallet.account
        page.evaluate(
            "accounts => window.ethereum.emit('accountsChanged', accounts)", [account] if account else []
        )

    page.select_option("#pledge-tier", "0")  # the backer's own choice: for the backer alone
    switch(world.creator.address.lower())
    expect(page.locator("#account")).to_contain_text(world.creator.address[:6])
    expect(creators_forms).to_be_visible()
    expect(page.locator("#pledge-tier")).to_have_value("0")  # the creator holds no tier
    switch(world.backer.address.lower())
    expect(page.locator("#pledge-tier")).to_have_value(held)  # a choice made for another account is gone
    switch(None)  # the user disconnected the site
    expect(page.locator("#account")).to_have_text("")
    expect(creators_forms).to_be_hidden()
    expect(page.locator("#pledge-tier")).to_have_value("0")


def test_a_pledge_the_contract_would_refuse_is_explained_and_never_sent(page: Page, world: World, wallet):
    open_campaign(page, world, "eth")
    page.fill("#pledge-amount", "0.01")
    page.select_option("#pledge-tier", "1")  # a whole pledge of 0.66 ETH is above tier 1's price: fine;
    page.evaluate("document.querySelector('#pledge-tier').add(new Option('tier 9', '9'))")
    page.select_option("#pledge-tier", "9")  # but there is no tier 9
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(FAILED)).to_contain_text("There is no tier 9.")
    assert wallet.sent() == []


def test_a_declined_signature_sends_nothing_and_says_so(page: Page, world: World, wallet: InjectedWallet):
    open_campaign(page, world, "token")
    wallet.reject_next = True
    page.fill("#pledge-amount", "10")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(FAILED)).to_contain_text("You declined the request in your wallet. Nothing was sent.")
    assert "eth_sendTransaction" not in wallet.log
    assert world.crowdfund.pledges(world.ids["token"], world.backer)[0] == 250 * 10**6


@contextmanager
def unmined_pledge(page: Page, world: World) -> Iterator[str]:
    """A pledge of 0.01 ETH sent from the page and left in anvil's pool (automine off inside): its hash."""
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        open_campaign(page, world, "eth")
        page.fill("#pledge-amount", "0.01")
        page.click("form[data-flow=pledge] button[type=submit]")
        expect(page.locator("#tx [data-hash]")).to_be_attached(timeout=20_000)
        yield page.locator("#tx [data-hash]").get_attribute("data-hash")
    finally:
        web3.provider.make_request("evm_setAutomine", [True])


def test_a_pledge_cancelled_in_the_wallet_is_not_reported_as_done(page: Page, world: World, wallet):
    """A wallet's "cancel" sends a 0-value transaction to the sender with the pledge's nonce; viem returns
    that one's receipt, a success, which the page reported as the pledge done."""
    before = world.crowdfund.pledges(world.ids["eth"], world.backer)[0]
    with unmined_pledge(page, world) as tx_hash:
        pending = web3.eth.get_transaction(tx_hash)
        web3.eth.send_transaction(
            {
                "from": world.backer.address,
                "to": world.backer.address,
                "value": 0,
                "nonce": pending["nonce"],
                "maxFeePerGas": 2 * pending["maxFeePerGas"] + 10**9,
                "maxPriorityFeePerGas": 2 * pending["maxPriorityFeePerGas"] + 10**9,
            }
        )
        web3.provider.make_request("evm_mine", [])
    expect(page.locator(FAILED)).to_contain_text("cancelled or replaced", timeout=30_000)
    assert world.crowdfund.pledges(world.ids["eth"], world.backer)[0] == before


def test_a_pledge_not_mined_in_three_minutes_is_not_called_failed(page: Page, world: World, wallet):
    """viem stops waiting for a receipt after three minutes, and the page said the pledge had failed while it
    could still be mined: a backer who sent it again would have pledged twice. Now neither done nor failed.
    (The page's clock is moved on; the transaction waits in anvil's pool, then is dropped: no pledge.)"""
    before = world.crowdfund.pledges(world.ids["eth"], world.backer)[0]
    page.clock.install()
    with unmined_pledge(page, world) as tx_hash:
        try:
            page.clock.fast_forward("03:01")
            expect(page.locator("#tx[data-state=unsure]")).to_contain_text("It may still go through")
        finally:
            web3.provider.make_request("anvil_dropTransaction", [tx_hash])
    assert world.crowdfund.pledges(world.ids["eth"], world.backer)[0] == before


def test_backer_unpledges_and_gets_the_eth_back(page: Page, world: World, wallet):
    before = world.backer.balance()
    open_campaign(page, world, "eth")
    page.click("form[data-flow=unpledge] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    assert world.crowdfund.pledges(world.ids["eth"], world.backer)[0] == 0
    assert world.backer.balance() - before == 65 * E // 100 - gas_of_last_transaction(page)
    expect(page.locator("[data-testid=raised]")).to_have_text("0 ETH", timeout=15_000)


def test_backer_refunds_a_failed_campaign(page: Page, world: World, wallet):
    open_campaign(page, world, "short")
    page.fill("#pledge-amount", "1.25")
    page.click("form[data-flow=pledge] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    chain.sleep(3 * DAY)  # past the deadline, far below the goal
    chain.mine()
    world.wait_indexed()
    before = world.backer.balance()
    open_campaign(page, world, "short")
    expect(page.locator(".refund")).to_contain_text("missed its goal")
    page.click("form[data-flow=refund] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    assert world.backer.balance() - before == 125 * E // 100 - gas_of_last_transaction(page)
