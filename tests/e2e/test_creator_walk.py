"""A creator's walk: launch from the form (checked in the page, metadata hashed in the page), watch a pledge
arrive on the open page, claim the first tranche, open the milestone vote; a backer votes on it, the ended
vote is closed from the page and the creator claims the second tranche. In order: the chain moves on as they
go."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from brownie import chain, web3
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DAY, DESKTOP, WALLET_SCRIPT, E, InjectedWallet, World, launch

DONE = "#tx[data-state=done]"
ZONE = "Asia/Shanghai"
launched: dict[str, int] = {}


@pytest.fixture
def creator_page(browser: Browser, world: World):
    wallet = InjectedWallet(str(web3.provider.endpoint_uri), world.creator.address)
    context: BrowserContext = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id=ZONE)
    context.expose_function("__testWallet", wallet.handle)
    context.add_init_script(WALLET_SCRIPT)
    yield context.new_page(), wallet
    context.close()


def open_campaign(page: Page, world: World) -> None:
    page.goto(f"{world.base_url}/c/{launched['id']}?lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()


def local(timestamp: int) -> str:
    """A chain time as a datetime-local field wants it, in the browser's time zone."""
    return datetime.fromtimestamp(timestamp, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def test_creator_launches_a_campaign_from_the_form(creator_page, world: World):
    page, wallet = creator_page
    page.goto(f"{world.base_url}/launch?lang=en")
    page.fill("#l-title", "Neighbourhood tool library")
    page.fill("#l-description", "Drills, ladders and a sewing machine to lend.")
    page.fill("#l-goal", "1")
    page.fill("#l-deadline", local(chain.time() + 10 * DAY))
    page.fill("#l-milestones", "50, 50")
    page.fill("#tier-name-0", "Founding member")
    page.fill("#tier-description-0", "Your name on the shelf.")
    page.fill("#tier-price-0", "0.1")
    page.fill("#tier-supply-0", "10")
    expect(page.locator("output[name=metadataHash]")).to_have_text(re.compile(r"^0x[0-9a-f]{64}$"))
    page.click("form[data-flow=launch] button[type=submit]")
    expect(page.locator(DONE)).to_contain_text("is live", timeout=20_000)
    campaign_id = int(re.search(r"Campaign (\d+) is live", page.locator("#tx").inner_text()).group(1))
    launched["id"] = campaign_id
    on_chain = world.crowdfund.campaign(campaign_id)
    assert on_chain["creator"] == world.creator.address and on_chain["goal"] == E
    assert list(world.crowdfund.milestoneSchedule(campaign_id)) == [5000, 5000]
    world.wait_indexed()
    page.goto(f"{world.base_url}/c/{campaign_id}?lang=en")
    expect(page.locator("h1")).to_have_text("Neighbourhood tool library", timeout=10_000)  # the hash matched
    expect(page.locator("main")).to_contain_text("Founding member")


def test_creator_sees_a_pledge_arrive_without_a_reload(creator_page, world: World):
    page, _ = creator_page
    page.goto(f"{world.base_url}/c/{launched['id']}?lang=en")
    page.evaluate("window.__sameDocument = true")
    world.crowdfund.pledge(launched["id"], 1, E, {"from": world.backer, "value": E})
    expect(page.locator("[data-testid=raised]")).to_have_text("1 ETH", timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True


def claimed_from_the_page(page: Page, world: World) -> int:
    """The creator claims from the campaign page; what they received, gas added back."""
    open_campaign(page, world)
    page.click("#connect")
    expect(page.locator(f"[data-only-for='{world.creator.address.lower()}']")).to_be_visible()
    before = world.creator.balance()
    page.click("form[data-flow=claim] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    tx_hash = re.search(r"0x[0-9a-f]{64}", page.locator("#tx [data-hash]").inner_text()).group(0)
    receipt = web3.eth.get_transaction_receipt(tx_hash)
    return world.creator.balance() - before + receipt["gasUsed"] * receipt["effectiveGasPrice"]


def test_creator_claims_the_first_tranche_once_the_goal_is_met(creator_page, world: World):
    page, _ = creator_page
    chain.sleep(11 * DAY)
    chain.mine()
    world.wait_indexed()
    half, fee = E // 2, E // 2 * 250 // 10_000
    assert claimed_from_the_page(page, world) == half - fee


def test_creator_opens_the_milestone_vote_and_a_backer_approves(creator_page, page: Page, world: World):
    creator, _ = creator_page
    open_campaign(creator, world)
    creator.click("#connect")
    creator.click("form[data-flow=open-vote] button[type=submit]")
    expect(creator.locator(DONE)).to_be_visible(timeout=20_000)
    world.wait_indexed()
    open_campaign(creator, world)
    creator.click("#connect")
    expect(creator.locator("form[data-flow=vote]")).to_be_hidden()  # the contract refuses the creator's vote
    open_campaign(page, world)
    page.check("input[name=approve][value=true]")
    page.click("form[data-flow=vote] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    approve_weight, reject_weight = world.crowdfund.tallies(launched["id"])
    assert (approve_weight, reject_weight) == (E, 0)
    expect(page.locator("main")).to_contain_text("vote open", timeout=15_000)


def test_the_ended_vote_is_closed_from_the_page_and_the_creator_claims_the_second_tranche(
    creator_page, page: Page, world: World
):
    """No page offered closeVote: the approved tranche stayed locked until someone used the CLI."""
    chain.sleep(7 * DAY + 60)  # Crowdfund.VOTE_PERIOD
    chain.mine()
    world.wait_indexed()
    open_campaign(page, world)
    expect(page.locator("form[data-flow=vote]")).to_have_count(0)  # the contract takes no vote any more
    page.click("form[data-flow=close-vote] button[type=submit]")
    expect(page.locator(DONE)).to_be_visible(timeout=20_000)
    world.wait_indexed()
    creator, _ = creator_page
    half, fee = E // 2, E // 2 * 250 // 10_000
    assert claimed_from_the_page(creator, world) == half - fee


def test_a_token_whose_decimals_cannot_be_read_is_refused_before_anything_is_sent(creator_page, world: World):
    """The form read such a token's amounts with 18 decimals: for a 6-decimal token a goal 10**12 times
    too high. The Crowdfund contract itself answers no decimals()."""
    page, wallet = creator_page
    page.goto(f"{world.base_url}/launch?lang=en")
    page.fill("#l-token", world.crowdfund.address)
    page.fill("#l-title", "A campaign in a token nobody can read")
    page.fill("#l-goal", "1")
    page.fill("#l-deadline", local(chain.time() + 10 * DAY))
    page.click("form[data-flow=launch] button[type=submit]")
    expect(page.locator("#tx[data-state=failed]")).to_contain_text("decimals could not be read")
    assert "eth_sendTransaction" not in wallet.log


def test_a_tier_in_a_token_the_server_cannot_read_is_refused_before_anything_is_sent(
    creator_page, world: World
):
    """The campaign page gave such a token 18 decimals: a 6-decimal token's tier priced 10**12 times too
    high, with nothing in the contract to stop it. (Its token here is the Crowdfund contract, which answers
    no decimals().)"""
    page, wallet = creator_page
    campaign_id = launch(
        world.crowdfund, world.creator, world.crowdfund.address, 10**6, 10, "Unreadable token"
    )
    world.wait_indexed()
    page.goto(f"{world.base_url}/c/{campaign_id}?lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()
    assert page.locator("[data-wallet-actions][data-decimals]").count() == 0
    page.click("#connect")
    page.fill("#tier-price", "10")
    page.click("form[data-flow=add-tier] button[type=submit]")
    expect(page.locator("#tx[data-state=failed]")).to_contain_text("does not know the token's decimals")
    assert "eth_sendTransaction" not in wallet.log


def test_shares_with_more_than_two_decimals_are_refused_in_the_page(creator_page, world: World):
    """12.345% was sent as 1235 basis points, and shares of 33.333% as milestones the contract refused."""
    page, wallet = creator_page
    page.goto(f"{world.base_url}/launch?lang=en")
    page.fill("#l-title", "Precise shares")
    page.fill("#l-goal", "1")
    page.fill("#l-deadline", local(chain.time() + 10 * DAY))
    page.fill("#l-quorum", "12.345")
    page.fill("#l-milestones", "33.333, 33.333, 33.334")
    page.click("form[data-flow=launch] button[type=submit]")
    failed = page.locator("#tx[data-state=failed]")
    expect(failed).to_contain_text("The veto quorum is a percentage above 0 and at most 50, with at most two")
    expect(failed).to_contain_text("Milestone shares must each be above 0, with at most two decimals")
    assert "eth_sendTransaction" not in wallet.log
