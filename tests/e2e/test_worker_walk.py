"""A worker's walk on the task board: take a micro-task place and submit work; enter a contest with a
commitment made in the page (its secret kept in the browser and downloaded as a backup), reveal it after the
deadline, and withdraw the award; be paid for the place's work the requester never reviewed. In order, in one
browser context (the secret lives in its localStorage)."""

import json
import re
from collections.abc import Iterator

import pytest
from brownie import Bounty, accounts, chain, web3
from eth_utils import keccak
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DAY, DESKTOP, WALLET_SCRIPT, E, InjectedWallet, World

DONE = "#tx[data-state=done]"
ETH = "0x" + "00" * 20
ENTRY = "A logo in three colours, readable at 2 cm."


@pytest.fixture(scope="module")
def tasks(world: World) -> dict[str, int]:
    bounty = Bounty.at(world.deployment["contracts"]["Bounty"]["address"])
    requester = accounts[1]
    # TaskParams: no co-reviewer, no arbiter, public
    params = (ETH, chain.time() + 2 * DAY, 2 * DAY, ETH, ETH, 0, 0, b"\0" * 32, 0, "", b"\0" * 32)
    contest = bounty.postContest(params, E, {"from": requester, "value": E}).return_value
    micro = bounty.postMicroTask(params, E // 10, 2, DAY, {"from": requester, "value": E // 5}).return_value
    world.wait_indexed()
    return {"contest": contest, "micro": micro, "bounty": bounty, "requester": requester}


@pytest.fixture(scope="module")
def worker_wallet(world: World) -> InjectedWallet:
    return InjectedWallet(str(web3.provider.endpoint_uri), world.backer.address)


@pytest.fixture(scope="module")
def worker(browser: Browser, world: World, worker_wallet: InjectedWallet) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US", accept_downloads=True)
    context.expose_function("__testWallet", worker_wallet.handle)
    context.add_init_script(WALLET_SCRIPT)
    yield context.new_page()
    context.close()


def open_task(page: Page, world: World, task_id: int) -> None:
    page.goto(f"{world.base_url}/t/{task_id}?lang=en")
    expect(page.locator("body[data-wallet=ready]")).to_be_attached()


def test_worker_takes_a_micro_task_place_and_submits_work(worker: Page, world: World, tasks):
    open_task(worker, world, tasks["micro"])
    worker.select_option("#take-place", "0")
    worker.click("form[data-flow=take] button[type=submit]")
    expect(worker.locator(DONE)).to_be_visible(timeout=20_000)
    worker.fill("#work-place", "0")
    worker.fill("#work-text", "Page 1, translated.")
    worker.click("form[data-flow=submit-work] button[type=submit]")
    expect(worker.locator(DONE)).to_be_visible(timeout=20_000)
    place = tasks["bounty"].placeOf(tasks["micro"], 0)
    assert place["worker"] == world.backer.address and place["status"] == 2  # Submitted
    expect(worker.locator("main")).to_contain_text("submitted", timeout=15_000)


def test_worker_commits_a_contest_entry_and_keeps_its_secret_with_a_backup(worker: Page, world: World, tasks):
    open_task(worker, world, tasks["contest"])
    worker.fill("#entry-text", ENTRY)
    worker.fill("#entry-uri", "ipfs://logo-by-bob")
    with worker.expect_download() as download:
        worker.click("form[data-flow=commit-entry] button[type=submit]")
    backup = json.loads(open(download.value.path()).read())
    expect(worker.locator(DONE)).to_be_visible(timeout=20_000)
    salt = bytes.fromhex(backup["salt"][2:])
    committed = tasks["bounty"].entryOf(tasks["contest"], world.backer)["commitment"]
    assert committed == tasks["bounty"].commitmentOf(keccak(text=ENTRY), world.backer, salt)
    assert backup["deliverableHash"] == "0x" + keccak(text=ENTRY).hex()


def test_a_second_commit_declined_in_the_wallet_keeps_the_first_entrys_secret(
    worker: Page, world: World, tasks, worker_wallet: InjectedWallet
):
    """Committing again saved the new secret over the old one before the wallet was asked: declined, the
    chain kept the first commitment and the browser only the second's secret, and the reveal (next) failed."""
    committed = tasks["bounty"].entryOf(tasks["contest"], world.backer)["commitment"]
    open_task(worker, world, tasks["contest"])
    worker.fill("#entry-text", "A second thought, never sent.")
    worker.fill("#entry-uri", "ipfs://second-thought")
    worker_wallet.reject_next = True
    with worker.expect_download():
        worker.click("form[data-flow=commit-entry] button[type=submit]")
    expect(worker.locator("#tx[data-state=failed]")).to_contain_text("You declined")
    assert tasks["bounty"].entryOf(tasks["contest"], world.backer)["commitment"] == committed


def test_worker_reveals_the_entry_after_the_deadline_with_the_kept_secret(worker: Page, world: World, tasks):
    chain.sleep(2 * DAY + 60)
    chain.mine()
    world.wait_indexed()
    open_task(worker, world, tasks["contest"])
    worker.click("form[data-flow=reveal-entry] button[type=submit]")
    expect(worker.locator(DONE)).to_be_visible(timeout=20_000)
    assert tasks["bounty"].entryOf(tasks["contest"], world.backer)["revealed"] is True


def withdrawn_from_page(worker: Page, world: World, task_id: int) -> int:
    """Withdraw from the task page; what the worker received, gas added back."""
    before = world.backer.balance()
    open_task(worker, world, task_id)
    worker.click("form[data-flow=withdraw] button[type=submit]")
    expect(worker.locator(DONE)).to_be_visible(timeout=20_000)
    tx_hash = re.search(r"0x[0-9a-f]{64}", worker.locator("#tx [data-hash]").inner_text()).group(0)
    receipt = web3.eth.get_transaction_receipt(tx_hash)
    return world.backer.balance() - before + receipt["gasUsed"] * receipt["effectiveGasPrice"]


def test_worker_withdraws_the_award(worker: Page, world: World, tasks):
    tasks["bounty"].award(tasks["contest"], [world.backer], [10_000], {"from": tasks["requester"]})
    world.wait_indexed()
    assert withdrawn_from_page(worker, world, tasks["contest"]) == E - E * 250 // 10_000


def test_worker_is_paid_for_work_the_requester_never_reviewed(worker: Page, world: World, tasks):
    """The requester never decided the place submitted in the first test, and its review period is over: no
    page offered approveByDefault, so a worker without the CLI could not be paid. The page offers it to them
    (to anyone), then the pay to withdraw."""
    open_task(worker, world, tasks["micro"])
    worker.select_option("#approve-by-default-place", "0")
    worker.click("form[data-flow=approve-by-default] button[type=submit]")
    expect(worker.locator(DONE)).to_be_visible(timeout=20_000)
    assert tasks["bounty"].placeOf(tasks["micro"], 0)["status"] == 3  # Approved
    world.wait_indexed()
    assert withdrawn_from_page(worker, world, tasks["micro"]) == E // 10 - E // 10 * 250 // 10_000
